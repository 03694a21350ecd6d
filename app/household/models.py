"""The household-help assessment (Protocol hulp bij het huishouden) and its norm table."""

import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import (
    Choice,
    ClientMixin,
    OrgScopedMixin,
    choice_column,
    client_check,
    user_fk,
)
from app.core.validation import Rule, between, field_validators, required
from security.crypto import EncryptedText


def _positive_minutes(value):
    if value is None or isinstance(value, bool) or int(value) != value or not 0 < value <= 1440:
        raise ValueError("Minuten moet een heel getal groter dan 0 zijn (ten hoogste 1440)")
    return value


def _positive_times(value):
    if value is None or not 0 < value <= 99.99:
        raise ValueError("Keer per week moet groter dan 0 zijn (ten hoogste 99,99)")
    return value


class HouseholdNorm(OrgScopedMixin, Model):
    """One activity of the norm table: minutes per time and times per week (configuration)."""

    __tablename__ = "household_norm"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "activity"),
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
        sa.CheckConstraint("times_per_week > 0", name="frequency_positive"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    activity = mapped_column(sa.String(120), nullable=False)
    minutes = mapped_column(sa.Integer, nullable=False)
    times_per_week = mapped_column(sa.Numeric(4, 2), nullable=False, default=1)
    active = mapped_column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    _checks = field_validators(activity=required("Activiteit"), minutes=_positive_minutes,
                               times_per_week=_positive_times)

    def __str__(self):
        return self.activity


class HouseholdSurcharge(OrgScopedMixin, Model):
    """A surcharge factor (e.g. a large house); applying it in an assessment needs a reason."""

    __tablename__ = "household_surcharge"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "name"),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    name = mapped_column(sa.String(120), nullable=False)
    percent = mapped_column(sa.Integer, nullable=False)
    description = mapped_column(sa.Text, nullable=True)
    active = mapped_column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    _checks = field_validators(
        name=required("Naam"),
        percent=between(1, 100, "Percentage moet tussen 1 en 100 liggen"))

    def __str__(self):
        return f"{self.name} (+{self.percent}%)"


class AssessmentStatus(Choice):
    in_progress = "Bezig"
    completed = "Afgerond"


class HouseholdAdvice(Choice):
    none = "Geen indicatie"
    temporary = "Tijdelijke indicatie"
    indication = "Indicatie"


class HouseholdAssessment(ClientMixin, OrgScopedMixin, Model):
    """A walk through the protocol's decision frame: every step's answer and reason, then an
    advice. The advice is never a decision: a person takes that."""

    __tablename__ = "household_assessment"
    __privacy__ = {
        "categories": ["huishoudelijke situatie", "beperkingen", "huisgenoten", "advies"],
        "purpose": "Advies over hulp bij het huishouden volgens het protocol",
        "legal_basis": (
            "Toestemming van de cliënt (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": ["helpdesk", "hulpkaartcoach", "projectleider"],
        "retention": "Met de cliënt (houder of hulpvraag): de bewaartermijn van de cliënt",
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (
        client_check(),
        sa.CheckConstraint(
            "status <> 'completed' OR (advice IS NOT NULL AND completed_on IS NOT NULL)",
            name="completed_has_advice",
        ),
        sa.CheckConstraint("hours_per_week IS NULL OR hours_per_week >= 0", name="hours_nonneg"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    status = choice_column(AssessmentStatus, default=AssessmentStatus.in_progress, index=True)
    started_on = mapped_column(sa.Date, nullable=False, default=dt.date.today)
    completed_on = mapped_column(sa.Date, nullable=True)
    steps = mapped_column(EncryptedText, nullable=True)  # JSON: [{step, answer, reason}, …]
    advice = choice_column(HouseholdAdvice, nullable=True)
    hours_per_week = mapped_column(sa.Numeric(5, 2), nullable=True)
    temporary_until = mapped_column(sa.Date, nullable=True)
    advice_reasons = mapped_column(EncryptedText, nullable=True)
    assessed_by_id = user_fk()
    assessed_by = relationship("User")
    __rules__ = (
        Rule("holder", "Kies een hulpkaarthouder of een hulpvraag (één van beide)",
             lambda a: (a.holder_id is None and a.holder is None)
             != (a.help_request_id is None and a.help_request is None)),
    )

    def __str__(self):
        return f"Huishoudelijke hulp {self.started_on:%d-%m-%Y}" if self.started_on else "Huishoudelijke hulp"
