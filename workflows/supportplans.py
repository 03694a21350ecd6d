"""Support plans (ondersteuningsplan): the open conversation of the Generiek kompas.

A plan belongs to a client (a holder or the requester of a help request). Its content lives in
versions: every conversation makes a new version that starts from the previous one's text, and
an earlier version is never changed (app/supportplans/checks.py refuses it on flush). The client
decides who may read the plan (its readers); whoever starts a plan is its first reader.
One function per state change (check → change → audit → notify); the caller commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Session

from app.core.models import utcnow
from app.core.validation import FieldError
from app.supportplans.models import SupportPlan, SupportPlanStatus, SupportPlanVersion
from security.audit import Actor, record
from security.roles import allowed
from app.core.errors import TransitionError

# The conversation guide's answers, in the order of the conversation.
FIELDS = ("important", "can_do_self", "wants_to_do_self", "goes_well", "goes_less_well",
          "network_who", "network_help", "professional_help", "technology_aids",
          "help_frequency", "goals")
REMINDER_DAYS = 7
ENDED = "Dit ondersteuningsplan is beëindigd; start zo nodig een nieuw plan."


def _today() -> dt.date:
    return utcnow().date()


def _audit(session: Session, action: str, plan: SupportPlan, fields=None) -> None:
    record(session, action, "SupportPlan", plan.id, holder_id=plan.holder_id, fields=fields)


def latest_version(plan: SupportPlan) -> SupportPlanVersion | None:
    return max(plan.versions, key=lambda v: v.version_no, default=None)


def agreed_version(plan: SupportPlan) -> SupportPlanVersion | None:
    agreed = [v for v in plan.versions if v.agreed_on is not None]
    return max(agreed, key=lambda v: v.version_no, default=None)


def may_read(plan: SupportPlan, user_id: int | None) -> bool:
    return user_id is not None and any(u.id == user_id for u in plan.readers)


def eligible_readers(session: Session, organisation_id: int) -> list[User]:
    """Active staff of the organisation whose role may read support plans."""
    from app.organisations.models import StaffProfile

    users = (session.query(User)
             .filter(User.active.is_(True),
                     User.id.in_(sa.select(StaffProfile.user_id)
                                 .where(StaffProfile.organisation_id == organisation_id)))
             .order_by(User.first_name, User.last_name, User.username).all())
    return [u for u in users if any(allowed(r.name, "SupportPlan", "read") for r in u.roles)]


def _check_readers(session: Session, plan: SupportPlan, readers) -> list[User]:
    eligible = {u.id: u for u in eligible_readers(session, plan.organisation_id)}
    chosen = []
    for reader in readers:
        user_id = reader if isinstance(reader, int) else reader.id
        if user_id not in eligible:
            raise FieldError("readers", "Een lezer moet een medewerker van deze organisatie zijn "
                                        "die ondersteuningsplannen mag inzien")
        if eligible[user_id] not in chosen:
            chosen.append(eligible[user_id])
    if not chosen:
        raise FieldError("readers", "Kies minstens één lezer: anders kan niemand het plan inzien")
    return chosen


def _open(plan: SupportPlan) -> None:
    if plan.status is SupportPlanStatus.ended:
        raise TransitionError(ENDED)


def start(session: Session, *, by: Actor, holder=None, help_request=None, coach=None,
          readers=(), title: str | None = None, next_conversation_on: dt.date | None = None,
          plan: SupportPlan | None = None) -> SupportPlan:
    """A new plan for a holder or a requester (one of both). ``plan`` is one filled in by a
    form (its fields and readers already set); the starter is always a reader."""
    if plan is None:
        plan = SupportPlan(holder=holder, help_request=help_request, coach=coach,
                           title=title or "Ondersteuningsplan",
                           next_conversation_on=next_conversation_on)
        plan.readers = list(readers)
    client = plan.holder or plan.help_request
    if plan.holder_id is None and plan.help_request_id is None and client is None:
        raise FieldError("holder", "Kies de hulpkaarthouder of de hulpvraag van wie het plan is")
    if (plan.holder or plan.holder_id) and (plan.help_request or plan.help_request_id):
        raise FieldError("help_request", "Een plan hoort bij een hulpkaarthouder óf bij een "
                                         "hulpvraag, niet bij allebei")
    if plan.organisation_id is None:
        plan.organisation_id = client.organisation_id if client is not None else by.organisation_id
    if plan.coach is None and plan.coach_id is None and plan.holder is not None:
        plan.coach = plan.holder.coach
    if plan.next_conversation_on is not None and plan.next_conversation_on < _today():
        raise FieldError("next_conversation_on", "Het volgende gesprek kan niet in het verleden liggen")
    plan.title = (plan.title or "").strip() or "Ondersteuningsplan"
    plan.status = SupportPlanStatus.draft
    plan.created_by_id = by.user_id
    with session.no_autoflush:
        starter = [by.user_id] if by.user_id is not None else []
        plan.readers = _check_readers(session, plan, [*starter, *plan.readers])
    session.add(plan)
    session.flush()
    _audit(session, "splan.start", plan)
    return plan


def new_version(session: Session, plan: SupportPlan, fields: dict, *, by: Actor,
                conversation_on: dt.date | None = None) -> SupportPlanVersion:
    """The outcome of a conversation: a new version, starting from the previous version's
    text (fields not given keep their previous answer). The plan is a draft again until the
    client agrees."""
    _open(plan)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise FieldError(sorted(unknown)[0], "Dit is geen vraag van het gesprek")
    conversation_on = conversation_on or _today()
    if conversation_on > _today():
        raise FieldError("conversation_on", "De datum van het gesprek kan niet in de toekomst liggen")
    previous = latest_version(plan)
    values = {name: getattr(previous, name) if previous is not None else None for name in FIELDS}
    for name, value in fields.items():
        values[name] = (value or "").strip() or None
    if not any(values.values()):
        raise FieldError("important", "Vul minstens één vraag van het gesprek in")
    version = SupportPlanVersion(
        plan=plan, organisation_id=plan.organisation_id, conversation_on=conversation_on,
        version_no=(previous.version_no if previous is not None else 0) + 1,
        created_by_id=by.user_id, **values)
    session.add(version)
    plan.status = SupportPlanStatus.draft
    if plan.next_conversation_on is not None and plan.next_conversation_on <= conversation_on:
        plan.next_conversation_on = None  # this was that conversation
    session.flush()
    _audit(session, "splan.version", plan,
           fields=[n for n in FIELDS if values[n] != (getattr(previous, n, None))])
    return version


def agree(session: Session, plan: SupportPlan, *, by: Actor, on: dt.date | None = None) -> SupportPlanVersion:
    """The client agrees with the newest version."""
    _open(plan)
    version = latest_version(plan)
    if version is None:
        raise TransitionError("Er is nog geen gesprek vastgelegd: voer eerst het gesprek.")
    if version.agreed_on is not None:
        raise TransitionError(f"De cliënt is al akkoord met versie {version.version_no}.")
    on = on or _today()
    if on > _today() or on < version.conversation_on:
        raise FieldError("on", "De datum van akkoord ligt tussen het gesprek en vandaag")
    version.agreed_on = on
    plan.status = SupportPlanStatus.agreed
    session.flush()
    _audit(session, "splan.agree", plan)
    return version


def set_readers(session: Session, plan: SupportPlan, readers, *, by: Actor) -> SupportPlan:
    """Who may read the plan: the client decides, the worker records it."""
    _open(plan)
    with session.no_autoflush:
        plan.readers = _check_readers(session, plan, readers)
    session.flush()
    _audit(session, "splan.readers", plan, fields=["readers"])
    return plan


def plan_next_conversation(session: Session, plan: SupportPlan, on: dt.date | None, *,
                           by: Actor) -> SupportPlan:
    """Schedule (or with None: clear) the next conversation; a reminder goes out before it."""
    _open(plan)
    if on is not None and on < _today():
        raise FieldError("on", "Het volgende gesprek kan niet in het verleden liggen")
    plan.next_conversation_on = on
    session.flush()
    _audit(session, "splan.next", plan)
    return plan


def end(session: Session, plan: SupportPlan, *, by: Actor) -> SupportPlan:
    """The plan is no longer used; it stays readable for its readers."""
    _open(plan)
    plan.status = SupportPlanStatus.ended
    plan.next_conversation_on = None
    session.flush()
    _audit(session, "splan.end", plan)
    return plan


# -- the scheduler's job ----------------------------------------------------------------------

def _recipient(plan: SupportPlan) -> str | None:
    coach = plan.coach
    if coach is not None and (coach.email or (coach.user and coach.user.email)):
        return coach.email or coach.user.email
    return plan.created_by.email if plan.created_by is not None else None


def client_label(plan: SupportPlan) -> str:
    if plan.holder is not None:
        return f"hulpkaarthouder {plan.holder.reference}"
    return f"hulpvraag {plan.help_request_id}"


def conversation_reminders(now: dt.datetime) -> dict:
    """Job ``support_plan_conversations``: mail the coach (or the plan's creator) the week
    before a planned conversation; once per plan and date (outbox dedupe key)."""
    from app.extensions import db
    from infra.notify import enqueue, public_url
    from workflows.privacy.restrictions import restricted_ids

    today = now.date()
    days = current_app.config.get("HULPREGIE_SUPPORT_PLAN_REMINDER_DAYS", REMINDER_DAYS)
    plans = (db.session.query(SupportPlan)
             .filter(SupportPlan.status != SupportPlanStatus.ended,
                     SupportPlan.next_conversation_on >= today,
                     SupportPlan.next_conversation_on <= today + dt.timedelta(days=days))
             .order_by(SupportPlan.id).all())
    restricted = restricted_ids(db.session, "Holder")
    queued = 0
    for plan in plans:
        if plan.holder_id in restricted:
            continue
        context = {"client": client_label(plan), "title": plan.title,
                   "on": f"{plan.next_conversation_on:%d-%m-%Y}",
                   "url": public_url(f"/supportplanview/show/{plan.id}"),
                   "organisation_name": plan.organisation.name}
        queued += enqueue(db.session, template="support_plan_conversation",
                          recipient=_recipient(plan), context=context,
                          dedupe_key=f"splan-conv:{plan.id}:{plan.next_conversation_on.isoformat()}",
                          organisation_id=plan.organisation_id) is not None
    return {"reminders": queued}
