"""Intervision of coaches, about every six weeks (``HULPREGIE_INTERVISION_WEEKS``).

One function per state change (plan → record attendance → hold, or cancel), each checked,
audited and in the caller's transaction. The daily job ``intervision_reminders`` reminds the
invited coaches a few days ahead (``HULPREGIE_INTERVISION_REMINDER_DAYS``) and, when nothing
is planned after the last session held, proposes the next date to the project leaders.
Every mail has a unique outbox key: running the job twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.coaches.models import (
    Coach,
    IntervisionAttendance,
    IntervisionSession,
    IntervisionStatus,
)
from app.core.validation import FieldError
from app.organisations.models import Organisation
from security.audit import Actor, record, reset_actor, set_actor
from app.core.errors import TransitionError
from infra.notify import enqueue, public_url, staff_addresses

# Besides the public holidays: days an organisation does not hold intervision
# (Christmas Eve and New Year's Eve; most offices close early).
CLOSED_DAYS = {(12, 24), (12, 31)}


# -- dates ----------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _holidays(year: int):
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year) \
        and (day.month, day.day) not in CLOSED_DAYS


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _policy(name: str) -> int:
    return int(current_app.config[name])


def last_session(session: Session, organisation_id: int, statuses=None):
    statuses = statuses or (IntervisionStatus.held, IntervisionStatus.planned)
    return (session.query(IntervisionSession)
            .filter(IntervisionSession.organisation_id == organisation_id,
                    IntervisionSession.status.in_(statuses))
            .order_by(IntervisionSession.held_on.desc(), IntervisionSession.id.desc()).first())


def propose_next(session: Session, organisation_id: int, today: dt.date | None = None) -> dt.date:
    """The last held (or planned) session + the policy's weeks, on a working day; never in
    the past (without any session, or long after the last one: from today)."""
    today = today or dt.date.today()
    last = last_session(session, organisation_id)
    day = today
    if last is not None:
        day = max(last.held_on + dt.timedelta(weeks=_policy("HULPREGIE_INTERVISION_WEEKS")), today)
    return next_working_day(day)


# -- state changes --------------------------------------------------------------------------------

def _audit(session: Session, by: Actor, action: str, obj) -> None:
    token = set_actor(by)
    try:
        record(session, action, type(obj).__name__, obj.id)
    finally:
        reset_actor(token)


def _roles(by: Actor) -> list[str]:
    return [r.strip() for r in (by.roles or "").split(",") if r.strip()]


def _require_leader(by: Actor, organisation_id: int) -> None:
    roles = _roles(by)
    if "Admin" in roles or (by.user_id is None and not roles):  # Admin, or the system (demo)
        return
    if "ProjectLeader" not in roles or by.organisation_id != organisation_id:
        raise TransitionError("Alleen een projectleider van deze organisatie plant en houdt intervisie.")


def _require_planned(sess: IntervisionSession, what: str) -> None:
    if sess.status is not IntervisionStatus.planned:
        raise TransitionError(f"Een bijeenkomst met status '{sess.status}' kan niet {what} worden.")


def active_coaches(session: Session, organisation_id: int) -> list[Coach]:
    return (session.query(Coach).filter_by(organisation_id=organisation_id, active=True)
            .order_by(Coach.last_name, Coach.first_name).all())


def plan(session: Session, *, organisation_id: int, held_on: dt.date | None = None,
         location: str | None = None, facilitator: str | None = None,
         topics: str | None = None, invite_coaches: bool = True, by: Actor) -> IntervisionSession:
    """A planned session (on the proposed date unless given) with an attendance row for every
    active coach of the organisation (present only once recorded)."""
    _require_leader(by, organisation_id)
    held_on = held_on or propose_next(session, organisation_id)
    sess = IntervisionSession(organisation_id=organisation_id, held_on=held_on,
                              status=IntervisionStatus.planned,
                              location=(location or "").strip() or None,
                              facilitator=(facilitator or "").strip() or None,
                              topics=(topics or "").strip() or None)
    session.add(sess)
    if invite_coaches:
        for coach in active_coaches(session, organisation_id):
            sess.attendance.append(IntervisionAttendance(
                organisation_id=organisation_id, coach=coach, present=False))
    session.flush()
    _audit(session, by, "intervision.plan", sess)
    return sess


def add_guest(session: Session, sess: IntervisionSession, *, name: str,
              organisation: str | None = None, present: bool = True,
              by: Actor) -> IntervisionAttendance:
    """A guest from another organisation (no coach of ours)."""
    _require_leader(by, sess.organisation_id)
    if sess.status is IntervisionStatus.cancelled:
        raise TransitionError("Bij een afgelaste bijeenkomst kunnen geen gasten worden toegevoegd.")
    name = (name or "").strip()
    if not name:
        raise FieldError("guest_name", "Naam van de gast: vul een naam in")
    guest = IntervisionAttendance(organisation_id=sess.organisation_id, guest_name=name[:120],
                                  guest_organisation=(organisation or "").strip()[:120] or None,
                                  present=present)
    sess.attendance.append(guest)
    session.flush()
    _audit(session, by, "intervision.guest", sess)
    return guest


def record_attendance(session: Session, sess: IntervisionSession, present_coach_ids,
                      guests=(), *, by: Actor) -> IntervisionSession:
    """Who was there: the coaches in ``present_coach_ids`` (others: absent), and ``guests`` as
    (name, organisation) pairs or attendance ids of guests already listed who were present."""
    _require_leader(by, sess.organisation_id)
    if sess.status is IntervisionStatus.cancelled:
        raise TransitionError("Van een afgelaste bijeenkomst wordt geen aanwezigheid vastgelegd.")
    present = {int(i) for i in present_coach_ids}
    coaches = {c.id: c for c in session.query(Coach).filter(
        Coach.id.in_(present), Coach.organisation_id == sess.organisation_id)}
    if present - set(coaches):
        raise FieldError("present", "Aanwezig: een gekozen coach hoort niet bij deze organisatie")
    rows = {a.coach_id: a for a in sess.attendance if a.coach_id is not None}
    for coach_id, row in rows.items():
        row.present = coach_id in present
    for coach_id in present - set(rows):  # a coach who came without invitation
        sess.attendance.append(IntervisionAttendance(
            organisation_id=sess.organisation_id, coach=coaches[coach_id], present=True))
    for guest in guests:
        name, organisation = (guest if isinstance(guest, (tuple, list)) else (guest, None))
        if (name or "").strip():
            sess.attendance.append(IntervisionAttendance(
                organisation_id=sess.organisation_id, guest_name=name.strip()[:120],
                guest_organisation=(organisation or "").strip()[:120] or None, present=True))
    session.flush()
    _audit(session, by, "intervision.attend", sess)
    return sess


def hold(session: Session, sess: IntervisionSession, notes: str | None = None, *, by: Actor,
         on: dt.date | None = None) -> IntervisionSession:
    """The session took place: status held, the notes (encrypted) kept."""
    _require_leader(by, sess.organisation_id)
    _require_planned(sess, "als gehouden worden vastgelegd")
    on = on or sess.held_on
    if on > dt.date.today():
        raise FieldError("held_on", "Datum: een bijeenkomst in de toekomst kan nog niet gehouden zijn")
    sess.held_on, sess.status = on, IntervisionStatus.held
    if (notes or "").strip():
        sess.notes = notes.strip()
    session.flush()
    _audit(session, by, "intervision.hold", sess)
    return sess


def cancel(session: Session, sess: IntervisionSession, *, by: Actor,
           reason: str | None = None) -> IntervisionSession:
    _require_leader(by, sess.organisation_id)
    _require_planned(sess, "worden afgelast")
    sess.status = IntervisionStatus.cancelled
    if (reason or "").strip():
        sess.notes = f"Afgelast: {reason.strip()}"
    session.flush()
    _audit(session, by, "intervision.cancel", sess)
    return sess


# -- figures --------------------------------------------------------------------------------------

def attendance_per_coach(session: Session, organisation_id: int, year: int) -> list[dict]:
    """Per coach of the organisation: sessions held in ``year`` while he was invited or present,
    attended and missed. Coaches without any row that year are listed with zeros when active."""
    held = sa.and_(IntervisionSession.status == IntervisionStatus.held,
                   IntervisionSession.held_on >= dt.date(year, 1, 1),
                   IntervisionSession.held_on < dt.date(year + 1, 1, 1))
    rows = (session.query(IntervisionAttendance.coach_id, IntervisionAttendance.present,
                          sa.func.count(IntervisionAttendance.id))
            .join(IntervisionSession, IntervisionAttendance.session_id == IntervisionSession.id)
            .filter(IntervisionSession.organisation_id == organisation_id, held,
                    IntervisionAttendance.coach_id.isnot(None))
            .group_by(IntervisionAttendance.coach_id, IntervisionAttendance.present).all())
    sessions_held = session.query(sa.func.count(IntervisionSession.id)).filter(
        IntervisionSession.organisation_id == organisation_id, held).scalar() or 0
    counts: dict[int, dict] = {}
    for coach_id, present, n in rows:
        entry = counts.setdefault(coach_id, {"attended": 0, "missed": 0})
        entry["attended" if present else "missed"] += n
    coaches = session.query(Coach).filter(
        Coach.organisation_id == organisation_id,
        sa.or_(Coach.active.is_(True), Coach.id.in_(list(counts) or [0]))).order_by(
        Coach.last_name, Coach.first_name).all()
    return [{"coach_id": c.id, "name": str(c), "active": c.active, "held": sessions_held,
             **counts.get(c.id, {"attended": 0, "missed": 0})} for c in coaches]


# -- the daily job --------------------------------------------------------------------------------

def _coach_address(coach: Coach) -> str | None:
    return coach.email or (coach.user.email if coach.user else None)


def _context(org: Organisation, sess: IntervisionSession | None = None, **extra) -> dict:
    context = {"organisation_name": org.name if org else None, **extra}
    if sess is not None:
        context.update(date=f"{sess.held_on:%d-%m-%Y}", location=sess.location,
                       facilitator=sess.facilitator, topics=sess.topics,
                       url=public_url(f"/intervisionsessionview/sessie/{sess.id}"))
    return context


def remind_coaches(session: Session, today: dt.date) -> int:
    """Each invited coach of a planned session that is at most N days away: one mail."""
    until = today + dt.timedelta(days=_policy("HULPREGIE_INTERVISION_REMINDER_DAYS"))
    planned = (session.query(IntervisionSession)
               .filter(IntervisionSession.status == IntervisionStatus.planned,
                       IntervisionSession.held_on >= today, IntervisionSession.held_on <= until)
               .order_by(IntervisionSession.id).all())
    queued = 0
    for sess in planned:
        org = session.get(Organisation, sess.organisation_id)
        for row in sess.attendance:
            coach = row.coach
            if coach is None or not coach.active:
                continue
            queued += enqueue(session, template="intervision_reminder",
                              recipient=_coach_address(coach),
                              context=_context(org, sess, coach_name=coach.first_name),
                              dedupe_key=f"intervision-remind:{sess.id}:{coach.id}",
                              organisation_id=sess.organisation_id) is not None
    return queued


def propose_to_leaders(session: Session, today: dt.date) -> int:
    """Organisations whose last held session has nothing planned after it: the proposed
    date to their project leaders, once per proposed date."""
    queued = 0
    for org in session.query(Organisation).filter_by(active=True).order_by(Organisation.id):
        last_held = last_session(session, org.id, (IntervisionStatus.held,))
        if last_held is None or not active_coaches(session, org.id):
            continue
        planned_after = session.query(IntervisionSession.id).filter(
            IntervisionSession.organisation_id == org.id,
            IntervisionSession.status == IntervisionStatus.planned,
            IntervisionSession.held_on >= last_held.held_on).first()
        if planned_after is not None:
            continue
        proposed = propose_next(session, org.id, today)
        # Keyed on the date the policy gives (not moved to today): one proposal per session held.
        key_date = next_working_day(
            last_held.held_on + dt.timedelta(weeks=_policy("HULPREGIE_INTERVISION_WEEKS")))
        context = _context(org, last_held=f"{last_held.held_on:%d-%m-%Y}",
                           proposed=f"{proposed:%d-%m-%Y}",
                           url=public_url("/intervisionsessionview/plannen"))
        for _, address in staff_addresses(session, org.id, "ProjectLeader"):
            queued += enqueue(session, template="intervision_propose", recipient=address,
                              context=context,
                              dedupe_key=f"intervision-propose:{org.id}:{key_date}:{address}",
                              organisation_id=org.id) is not None
    return queued


def reminders(now: dt.datetime) -> dict:
    """The scheduler's job ``intervision_reminders``."""
    from app.extensions import db

    today = now.date()
    return {"coach_reminders": remind_coaches(db.session, today),
            "proposals": propose_to_leaders(db.session, today)}
