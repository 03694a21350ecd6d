"""Signals that a Hulpkaart project stagnates: each a small function returning None or a
Dutch warning with the numbers. They fire and clear by the data alone (nothing is stored).

Thresholds: config.py POLICY (HULPREGIE_STAGNATION_WEEKS, HULPREGIE_OVERDUE_EVALUATIONS_MAX,
HULPREGIE_INTERVISION_WEEKS); a test or caller may pass its own.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.cards.models import CardStatus, Evaluation, HelpCard
from app.coaches.models import Coach, IntervisionSession, IntervisionStatus
from app.reports.leader_figures import coach_load
from app.reports.models import CardEvent, CardTally

DEFAULTS = {"HULPREGIE_STAGNATION_WEEKS": 8, "HULPREGIE_OVERDUE_EVALUATIONS_MAX": 3,
            "HULPREGIE_INTERVISION_WEEKS": 6}


def _policy(name: str, given: int | None) -> int:
    return int(given if given is not None else current_app.config.get(name, DEFAULTS[name]))


def _day(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "nooit"


def no_new_requests(session: Session, organisation_id: int, today: dt.date,
                    weeks: int | None = None) -> str | None:
    """No card requested (registered or counted) in the last ``weeks`` weeks."""
    weeks = _policy("HULPREGIE_STAGNATION_WEEKS", weeks)
    last_card = session.execute(sa.select(sa.func.max(HelpCard.requested_on)).where(
        HelpCard.organisation_id == organisation_id, HelpCard.requested_on <= today)).scalar()
    last_tally = session.execute(sa.select(sa.func.max(CardTally.counted_on)).where(
        CardTally.organisation_id == organisation_id, CardTally.event == CardEvent.requested,
        CardTally.counted_on <= today)).scalar()
    last = max([d for d in (last_card, last_tally) if d is not None], default=None)
    if last is not None and last > today - dt.timedelta(weeks=weeks):
        return None
    return (f"Geen nieuwe kaartaanvragen in de laatste {weeks} weken "
            f"(laatste aanvraag: {_day(last)}).")


def coaches_over_caseload(session: Session, organisation_id: int, today: dt.date) -> str | None:
    """An active coach with more open cards than his maximum caseload."""
    over = [f"{name} ({open_} open kaarten, maximum {maximum})"
            for name, open_, maximum in coach_load(session, organisation_id) if open_ > maximum]
    if not over:
        return None
    who = "Een coach heeft" if len(over) == 1 else f"{len(over)} coaches hebben"
    return f"{who} meer open kaarten dan het maximum: {'; '.join(over)}."


def overdue_evaluations(session: Session, organisation_id: int, today: dt.date,
                        maximum: int | None = None) -> str | None:
    """More open evaluations past their date than the threshold."""
    maximum = _policy("HULPREGIE_OVERDUE_EVALUATIONS_MAX", maximum)
    count = session.execute(sa.select(sa.func.count(Evaluation.id)).where(
        Evaluation.organisation_id == organisation_id, Evaluation.held_on.is_(None),
        Evaluation.due_on < today,
        Evaluation.card.has(HelpCard.status == CardStatus.evaluation_due))).scalar()
    if count <= maximum:
        return None
    return f"{count} jaarlijkse evaluaties zijn over hun datum (drempel: {maximum})."


def intervision_missed(session: Session, organisation_id: int, today: dt.date,
                       weeks: int | None = None) -> str | None:
    """No intervision held in the last interval + 2 weeks, while the organisation has coaches."""
    weeks = _policy("HULPREGIE_INTERVISION_WEEKS", weeks) + 2
    has_coaches = session.execute(sa.select(Coach.id).where(
        Coach.organisation_id == organisation_id, Coach.active.is_(True)).limit(1)).first()
    if has_coaches is None:
        return None
    last = session.execute(sa.select(sa.func.max(IntervisionSession.held_on)).where(
        IntervisionSession.organisation_id == organisation_id,
        IntervisionSession.status == IntervisionStatus.held,
        IntervisionSession.held_on <= today)).scalar()
    if last is not None and last >= today - dt.timedelta(weeks=weeks):
        return None
    return (f"Geen intervisie gehouden in de laatste {weeks} weken "
            f"(laatste gehouden intervisie: {_day(last)}).")


SIGNALS = (no_new_requests, coaches_over_caseload, overdue_evaluations, intervision_missed)


def active(session: Session, organisation_id: int, today: dt.date) -> list[str]:
    """The warnings that hold today, in a fixed order."""
    return [message for signal in SIGNALS
            if (message := signal(session, organisation_id, today)) is not None]
