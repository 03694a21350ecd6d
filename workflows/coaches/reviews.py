"""Performance reviews (functioneringsgesprekken): yearly per active coach.

The daily job ``performance_reviews`` makes sure every active coach has one open (not yet
held) review: ``HULPREGIE_REVIEW_MONTHS`` after his last held one, or after he started, or,
for a coach without either (or when that date has passed), 30 days from today. It reminds the
project leaders ``HULPREGIE_REVIEW_REMINDER_DAYS`` ahead, once per review and date. The outcome
notes are encrypted and visible only to project leaders and the coach himself (row scope
``own_holders`` in security/filters.py: a coach sees only reviews of his own coach record).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy.orm import Session

from app.coaches.models import Coach, PerformanceReview
from app.core.validation import FieldError
from app.organisations.models import Organisation
from security.audit import Actor, record, reset_actor, set_actor
from infra.dates import add_months
from app.core.errors import TransitionError
from infra.notify import enqueue, public_url, staff_addresses

FIRST_REVIEW_DAYS = 30  # a coach without a start date or whose date has passed


def _policy(name: str) -> int:
    return int(current_app.config[name])


def _audit(session: Session, by: Actor, action: str, obj) -> None:
    token = set_actor(by)
    try:
        record(session, action, type(obj).__name__, obj.id)
    finally:
        reset_actor(token)


def open_review(session: Session, coach: Coach) -> PerformanceReview | None:
    return (session.query(PerformanceReview)
            .filter_by(coach_id=coach.id, held_on=None)
            .order_by(PerformanceReview.planned_on).first())


def next_review_date(session: Session, coach: Coach, today: dt.date) -> dt.date:
    last = (session.query(PerformanceReview.held_on)
            .filter(PerformanceReview.coach_id == coach.id, PerformanceReview.held_on.isnot(None))
            .order_by(PerformanceReview.held_on.desc()).first())
    base = last[0] if last else coach.started_on
    if base is not None:
        day = add_months(base, _policy("HULPREGIE_REVIEW_MONTHS"))
        if day >= today:
            return day
    return today + dt.timedelta(days=FIRST_REVIEW_DAYS)


def plan_next(session: Session, coach: Coach, today: dt.date, *, by: Actor) -> PerformanceReview | None:
    """The coach's next review, unless one is open already (then None)."""
    if not coach.active or open_review(session, coach) is not None:
        return None
    review = PerformanceReview(coach=coach, organisation_id=coach.organisation_id,
                               planned_on=next_review_date(session, coach, today))
    session.add(review)
    session.flush()
    _audit(session, by, "review.plan", review)
    return review


def hold(session: Session, review: PerformanceReview, notes: str | None = None, *, by: Actor,
         on: dt.date | None = None) -> PerformanceReview:
    """The review took place: date, reviewer and outcome notes (encrypted)."""
    roles = [r.strip() for r in (by.roles or "").split(",")]
    if "Admin" not in roles and not ("ProjectLeader" in roles
                                     and by.organisation_id == review.organisation_id):
        raise TransitionError("Alleen een projectleider van deze organisatie legt een "
                              "functioneringsgesprek vast.")
    if review.held_on is not None:
        raise TransitionError(f"Dit gesprek is al vastgelegd als gehouden op {review.held_on:%d-%m-%Y}.")
    on = on or dt.date.today()
    if on > dt.date.today():
        raise FieldError("held_on", "Gehouden op: een gesprek in de toekomst kan nog niet gehouden zijn")
    review.held_on, review.reviewer_id = on, by.user_id
    if (notes or "").strip():
        review.outcome_notes = notes.strip()
    session.flush()
    _audit(session, by, "review.hold", review)
    return review


def plan_and_remind(now: dt.datetime) -> dict:
    """The scheduler's job ``performance_reviews``."""
    from app.extensions import db
    from security.audit import current_actor

    session, today = db.session, now.date()
    planned = 0
    for coach in session.query(Coach).filter_by(active=True).order_by(Coach.id):
        planned += plan_next(session, coach, today, by=current_actor()) is not None
    until = today + dt.timedelta(days=_policy("HULPREGIE_REVIEW_REMINDER_DAYS"))
    due = (session.query(PerformanceReview).join(PerformanceReview.coach)
           .filter(PerformanceReview.held_on.is_(None), PerformanceReview.planned_on <= until,
                   PerformanceReview.planned_on >= today, Coach.active.is_(True))
           .order_by(PerformanceReview.id).all())
    reminded = 0
    for review in due:
        org = session.get(Organisation, review.organisation_id)
        context = {"organisation_name": org.name, "coach_name": str(review.coach),
                   "planned_on": f"{review.planned_on:%d-%m-%Y}",
                   "url": public_url(f"/performancereviewview/show/{review.id}")}
        for _, address in staff_addresses(session, review.organisation_id, "ProjectLeader"):
            reminded += enqueue(session, template="review_reminder", recipient=address,
                                context=context,
                                dedupe_key=f"review-remind:{review.id}:{review.planned_on}:{address}",
                                organisation_id=review.organisation_id) is not None
    return {"planned": planned, "reminders": reminded}
