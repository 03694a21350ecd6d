"""Counts kept without people: the anonymous count mode for organisations that do not register
holders (Organisation.registers_holders is False) still count their cards for funders and the
national total."""

import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column
from app.core.validation import Rule, between, field_validators, max_length, past_date


class CardEvent(Choice):
    requested = "Aangevraagd"
    issued = "Uitgereikt"
    evaluated = "Geëvalueerd"
    withdrawn = "Ingetrokken"


class CardTally(OrgScopedMixin, Model):
    """A number of cards that reached one event on one day; no person is named."""

    __tablename__ = "card_tally"
    __table_args__ = (
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("minutes_spent IS NULL OR minutes_spent >= 0", name="minutes_nonneg"),
        sa.CheckConstraint("research_participants >= 0 AND research_participants <= number",
                           name="research_within_number"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    counted_on = mapped_column(sa.Date, nullable=False, default=dt.date.today, index=True)
    event = choice_column(CardEvent, index=True)
    number = mapped_column(sa.Integer, nullable=False, default=1)
    minutes_spent = mapped_column(sa.Integer, nullable=True)
    research_participants = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    note = mapped_column(sa.String(200), nullable=True)  # no names: counts only
    coach = relationship("Coach")

    _checks = field_validators(
        counted_on=past_date("Datum"),
        number=between(1, 100000, "Het aantal kaarten moet minstens 1 zijn"),
        minutes_spent=between(0, 6000000, "De bestede tijd kan niet negatief zijn"),
        research_participants=between(0, 100000, "Het aantal deelnemers aan onderzoek kan niet "
                                                 "negatief zijn"),
        note=max_length(200),
    )
    __rules__ = (
        Rule("counted_on", "Vul de datum in", lambda t: t.counted_on is not None),
        Rule("event", "Kies wat er met de kaarten gebeurde", lambda t: t.event is not None),
        Rule("number", "Vul het aantal kaarten in", lambda t: t.number is not None),
        Rule("research_participants",
             "Het aantal deelnemers aan onderzoek kan niet groter zijn dan het aantal kaarten",
             lambda t: (t.research_participants or 0) <= (t.number or 0)),
    )

    def __str__(self):
        return f"{self.number} × {self.event} ({self.counted_on:%d-%m-%Y})"
