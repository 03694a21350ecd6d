"""The project leader's figures of one organisation: counts only, no people.

Pure queries: ``figures(session, organisation_id, today, wait_days)`` gives plain numbers,
``period_counts(session, organisation_id, start, end)`` the counts of one period (the funder
report). Every count of cards adds the anonymous tallies (CardTally) to the registered cards,
so an organisation in the anonymous count mode has the same figures.

Definitions (README "Dashboard and reports for funders"):
- made: a card is made on its date of issue (HelpCard.issued_on), whatever happened later;
- hours per card: held appointments of the cards made in the last 12 months, plus the minutes
  of the tallies of made cards that have a time, divided by those cards;
- evaluations due / overdue: open evaluations (not held, card "evaluation due") whose date is
  today or later / before today;
- waiting requests: cards still "requested" longer than ``wait_days`` since the request;
- coach load: open cards (workflows.cards.IN_PROGRESS) of each active coach against his maximum.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.models import (
    Appointment,
    AppointmentStatus,
    CardStatus,
    Evaluation,
    HelpCard,
)
from app.coaches.models import Coach
from app.consents.models import Consent, ConsentPurpose
from app.reports.helpdesk_figures import month_label, months_until
from app.reports.models import CardEvent, CardTally
from workflows.cards import IN_PROGRESS

NO_COACH = "Zonder coach"
QUARTERS, YEARS = 8, 5

__all__ = ["EVENTS", "figures", "hours", "month_label", "period_counts"]

EVENTS = (CardEvent.requested, CardEvent.issued, CardEvent.evaluated, CardEvent.withdrawn)


def hours(minutes: int) -> float:
    return round((minutes or 0) / 60, 1)


def _quarter(day: dt.date) -> str:
    return f"{day.year} K{(day.month - 1) // 3 + 1}"


def quarters_until(today: dt.date, count: int = QUARTERS) -> list[str]:
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4} K{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def _tallies(session: Session, organisation_id: int, event: CardEvent, start: dt.date,
             end: dt.date):
    return session.execute(
        sa.select(CardTally.counted_on, CardTally.number, CardTally.minutes_spent,
                  CardTally.research_participants, CardTally.coach_id)
        .where(CardTally.organisation_id == organisation_id, CardTally.event == event,
               CardTally.counted_on >= start, CardTally.counted_on <= end)).all()


def _coach_names(session: Session, organisation_id: int) -> dict[int, str]:
    coaches = session.execute(sa.select(Coach).where(Coach.organisation_id == organisation_id)
                              .order_by(Coach.last_name, Coach.first_name)).scalars()
    return {c.id: str(c) for c in coaches}


def figures(session: Session, organisation_id: int, today: dt.date, wait_days: int = 14) -> dict:
    months = months_until(today)
    quarters = quarters_until(today)
    first_year = today.year - YEARS + 1
    start_12 = dt.date(*map(int, months[0].split("-")), 1)
    since = min(dt.date(first_year, 1, 1), start_12)
    names = _coach_names(session, organisation_id)

    # Cards made: (day, number, coach id, registered?) for every card and tally since ``since``.
    made = [(day, 1, coach, True) for _id, day, coach in session.execute(
        sa.select(HelpCard.id, HelpCard.issued_on, HelpCard.coach_id)
        .where(HelpCard.organisation_id == organisation_id, HelpCard.issued_on >= since,
               HelpCard.issued_on <= today)).all()]
    card_ids_12 = [i for i, day in session.execute(
        sa.select(HelpCard.id, HelpCard.issued_on)
        .where(HelpCard.organisation_id == organisation_id, HelpCard.issued_on >= start_12,
               HelpCard.issued_on <= today)).all()]
    tallies = _tallies(session, organisation_id, CardEvent.issued, since, today)
    made += [(day, number, coach, False) for day, number, _m, _r, coach in tallies]

    per_month = {"Geregistreerd": Counter(), "Geteld (anoniem)": Counter()}
    per_quarter, per_year, per_coach = Counter(), Counter(), Counter()
    for day, number, coach, registered in made:
        per_quarter[_quarter(day)] += number
        per_year[day.year] += number
        if day >= start_12:
            per_month["Geregistreerd" if registered else "Geteld (anoniem)"][day.strftime("%Y-%m")] += number
            per_coach[names.get(coach, NO_COACH)] += number

    # Hours per card made in the last 12 months.
    card_minutes = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Appointment.duration_minutes), 0))
        .where(Appointment.card_id.in_(card_ids_12),
               Appointment.status == AppointmentStatus.held)).scalar() if card_ids_12 else 0
    timed = [(n, m) for day, n, m, _r, _c in tallies if day >= start_12 and m is not None]
    minutes = int(card_minutes) + sum(m for _, m in timed)
    timed_cards = len(card_ids_12) + sum(n for n, _ in timed)

    # Evaluations due and overdue.
    open_evaluation = sa.and_(
        Evaluation.organisation_id == organisation_id, Evaluation.held_on.is_(None),
        Evaluation.card.has(HelpCard.status == CardStatus.evaluation_due))
    due = session.execute(sa.select(sa.func.count(Evaluation.id))
                          .where(open_evaluation, Evaluation.due_on >= today)).scalar()
    overdue = session.execute(sa.select(sa.func.count(Evaluation.id))
                              .where(open_evaluation, Evaluation.due_on < today)).scalar()

    # Card requests waiting for their intro meeting.
    requested = sa.and_(HelpCard.organisation_id == organisation_id,
                        HelpCard.status == CardStatus.requested)
    waiting_all = session.execute(sa.select(sa.func.count(HelpCard.id)).where(requested)).scalar()
    waiting_long = session.execute(
        sa.select(sa.func.count(HelpCard.id)).where(
            requested, HelpCard.requested_on < today - dt.timedelta(days=wait_days))).scalar()

    return {
        "today": today, "months": months, "quarters": quarters, "wait_days": wait_days,
        "per_month": {name: [c[m] for m in months] for name, c in per_month.items()},
        "made_12": sum(sum(c.values()) for c in per_month.values()),
        "per_quarter": [(q, per_quarter[q]) for q in quarters],
        "per_year": [(str(y), per_year[y]) for y in range(first_year, today.year + 1)],
        "per_coach": sorted(per_coach.items(), key=lambda kv: (kv[0] == NO_COACH, -kv[1], kv[0])),
        "minutes": minutes, "timed_cards": timed_cards,
        "hours_per_card": round(minutes / 60 / timed_cards, 1) if timed_cards else None,
        "evaluations_due": due, "evaluations_overdue": overdue,
        "waiting_long": waiting_long, "waiting_all": waiting_all,
        "coach_load": coach_load(session, organisation_id),
    }


def coach_load(session: Session, organisation_id: int) -> list[tuple[str, int, int]]:
    """(coach, open cards, maximum) for every active coach, by name."""
    open_cards = dict(session.execute(
        sa.select(HelpCard.coach_id, sa.func.count(HelpCard.id))
        .where(HelpCard.organisation_id == organisation_id, HelpCard.status.in_(IN_PROGRESS))
        .group_by(HelpCard.coach_id)).all())
    coaches = session.execute(
        sa.select(Coach).where(Coach.organisation_id == organisation_id, Coach.active.is_(True))
        .order_by(Coach.last_name, Coach.first_name)).scalars()
    return [(str(c), open_cards.get(c.id, 0), c.max_caseload) for c in coaches]


def period_counts(session: Session, organisation_id: int, start: dt.date, end: dt.date) -> dict:
    """Counts of one period (both days included): registered, counted (tallies) and total."""
    org = HelpCard.organisation_id == organisation_id

    def cards(column, *where) -> int:
        return session.execute(sa.select(sa.func.count(HelpCard.id)).where(
            org, column >= start, column <= end, *where)).scalar()

    registered = {
        CardEvent.requested: cards(HelpCard.requested_on),
        CardEvent.issued: cards(HelpCard.issued_on),
        CardEvent.evaluated: session.execute(sa.select(sa.func.count(Evaluation.id)).where(
            Evaluation.organisation_id == organisation_id,
            Evaluation.held_on >= start, Evaluation.held_on <= end)).scalar(),
        CardEvent.withdrawn: cards(HelpCard.ended_on, HelpCard.status == CardStatus.withdrawn),
    }
    counted = {event: 0 for event in EVENTS}
    tally_minutes = tally_research = 0
    per_coach = Counter()
    for event in EVENTS:
        for _day, number, minutes, research, coach in _tallies(
                session, organisation_id, event, start, end):
            counted[event] += number
            tally_minutes += minutes or 0
            tally_research += research or 0
            if event is CardEvent.issued:
                per_coach[coach] += number
    per_coach.update(dict(session.execute(
        sa.select(HelpCard.coach_id, sa.func.count(HelpCard.id))
        .where(org, HelpCard.issued_on >= start, HelpCard.issued_on <= end)
        .group_by(HelpCard.coach_id)).all()))

    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    appointment_minutes = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Appointment.duration_minutes), 0)).where(
            Appointment.organisation_id == organisation_id,
            Appointment.status == AppointmentStatus.held,
            Appointment.starts_at >= dt.datetime.combine(start, dt.time()),
            Appointment.starts_at < after)).scalar()
    # Holders with a research consent that was in force on the last day of the period.
    research = session.execute(
        sa.select(sa.func.count(sa.distinct(Consent.holder_id))).where(
            Consent.organisation_id == organisation_id, Consent.holder_id.is_not(None),
            Consent.purpose == ConsentPurpose.research, Consent.given_at < after,
            sa.or_(Consent.withdrawn_at.is_(None), Consent.withdrawn_at >= after))).scalar()
    active_coaches = session.execute(sa.select(sa.func.count(Coach.id)).where(
        Coach.organisation_id == organisation_id, Coach.active.is_(True))).scalar()

    return {
        "start": start, "end": end,
        "events": [(event, registered[event], counted[event], registered[event] + counted[event])
                   for event in EVENTS],
        "minutes": (int(appointment_minutes), tally_minutes, int(appointment_minutes) + tally_minutes),
        "research": (research, tally_research, research + tally_research),
        "active_coaches": active_coaches,
        # Cards made per coach, without names: the largest number first.
        "per_coach": sorted((n for coach, n in per_coach.items() if coach is not None and n),
                            reverse=True),
        "without_coach": per_coach.get(None, 0),
    }
