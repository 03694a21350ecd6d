"""AVG data-subject requests: one function per step (check → change → audit), and the job
that keeps their legal deadline in view.

A request goes received → identity_verified → in_progress → completed | refused. The answer
is due one month after receipt (``infra.dates.add_months``: 31 January + 1 month = 28/29
February); once, with a recorded reason, the deadline may be extended by at most two more
months (AVG art. 12(3)). Completing a request carries out what its kind asks: an erasure
erases (workflows/privacy/erasure.py), a restriction restricts (workflows/privacy/restrictions.py), an access
or portability request needs its archive produced first (workflows/privacy/access_export.py).
Callers commit (or roll back).
"""

from __future__ import annotations

import datetime as dt
import importlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.privacy.models import (
    PrivacyChannel,
    PrivacyRequest,
    PrivacyRequestKind as K,
    PrivacyRequestStatus as S,
    ResponseChannel,
)
from security.audit import Actor, AuditEvent, record, reset_actor, set_actor
from workflows.privacy import restrictions
from infra.dates import add_months
from app.core.errors import TransitionError

OPEN = (S.received, S.identity_verified, S.in_progress)
CLOSED = (S.completed, S.refused)
MAX_EXTENSION_MONTHS = 2
REMINDER_DAYS = 7

# action -> (states it is allowed from, state it leads to; None: the state stays)
TRANSITIONS: dict[str, tuple[tuple[S, ...], S | None]] = {
    "verify_identity": ((S.received,), S.identity_verified),
    "start": ((S.identity_verified,), S.in_progress),
    "extend": (OPEN, None),
    "complete": ((S.in_progress,), S.completed),
    "refuse": (OPEN, S.refused),
}
# action -> (button label, what "kan niet …" says when refused)
LABELS = {
    "verify_identity": ("Identiteit gecontroleerd", "de identiteitscontrole vastleggen"),
    "start": ("In behandeling nemen", "in behandeling worden genomen"),
    "extend": ("Termijn verlengen", "worden verlengd"),
    "complete": ("Afhandelen", "worden afgehandeld"),
    "refuse": ("Weigeren", "worden geweigerd"),
}
AUDIT_ACTIONS = {
    "receive": "privacy.received", "verify_identity": "privacy.identity", "start": "privacy.started",
    "extend": "privacy.extended", "complete": "privacy.completed", "refuse": "privacy.refused",
}
SUBJECTS = ("holder", "contact_person", "volunteer", "help_request")
# Kinds whose completion acts on the person's records: the request must name the person.
NEEDS_SUBJECT = (K.access, K.portability, K.erasure, K.restriction)
EXPORT_PURPOSE = "inzageverzoek {id}"


def allowed_actions(req: PrivacyRequest) -> list[str]:
    return [a for a, (sources, _) in TRANSITIONS.items() if req.status in sources]


def _check(req: PrivacyRequest, action: str) -> S | None:
    sources, target = TRANSITIONS[action]
    if req.status in sources:
        return target
    hint = "het verzoek is al afgesloten" if req.status in CLOSED else (
        f"eerst: {LABELS[allowed_actions(req)[0]][0].lower()}")
    raise TransitionError(f"Een verzoek in status '{req.status}' kan niet {LABELS[action][1]}; {hint}.")


def _audit(session: Session, action: str, req: PrivacyRequest, by: Actor) -> None:
    token = set_actor(by)
    try:
        record(session, AUDIT_ACTIONS[action], "PrivacyRequest", req.id, holder_id=req.holder_id)
    finally:
        reset_actor(token)


def _move(session: Session, req: PrivacyRequest, action: str, by: Actor) -> None:
    target = _check(req, action)
    if target is not None:
        req.status = target
    session.flush()
    _audit(session, action, req, by)


def _text(value, what: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        raise TransitionError(f"{what} is verplicht.")
    return value


def _day(value, what: str, req: PrivacyRequest | None = None) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TransitionError(f"Vul {what} in.")
    if value > dt.date.today():
        raise TransitionError(f"{what[0].upper()}{what[1:]} ligt in de toekomst.")
    if req is not None and value < req.received_on:
        raise TransitionError(f"{what[0].upper()}{what[1:]} ligt voor de ontvangstdatum "
                              f"({req.received_on:%d-%m-%Y}).")
    return value


def due_date(received_on: dt.date, extension_months: int = 0) -> dt.date:
    return add_months(received_on, 1 + extension_months)


def subject_of(req: PrivacyRequest):
    """The person the request is about: holder, contact person, volunteer or requester."""
    for name in SUBJECTS:
        obj = getattr(req, name)
        if obj is not None:
            return obj
    return None


def days_left(req: PrivacyRequest, today: dt.date | None = None) -> int:
    """Days until the deadline (negative: overdue)."""
    return (req.due_on - (today or dt.date.today())).days


# -- the steps ------------------------------------------------------------------------------------

def receive(session: Session, *, by: Actor, organisation_id: int, kind: K, requester_name: str,
            received_on: dt.date, channel: PrivacyChannel | None = None, details: str | None = None,
            **subject) -> PrivacyRequest:
    """Register a request; the deadline is one month after receipt."""
    unknown = set(subject) - set(SUBJECTS)
    if unknown:
        raise TransitionError(f"Onbekende betrokkene: {', '.join(sorted(unknown))}.")
    if not isinstance(kind, K):
        raise TransitionError("Kies het soort verzoek.")
    received_on = _day(received_on, "de ontvangstdatum")
    for obj in subject.values():
        if obj is not None and obj.organisation_id != organisation_id:
            raise TransitionError("De betrokkene hoort niet bij deze organisatie.")
    req = PrivacyRequest(organisation_id=organisation_id, kind=kind, status=S.received,
                         requester_name=_text(requester_name, "Naam verzoeker"),
                         received_on=received_on, due_on=due_date(received_on), channel=channel,
                         details=details, **{k: v for k, v in subject.items() if v is not None})
    session.add(req)
    session.flush()
    _audit(session, "receive", req, by)
    return req


def verify_identity(session: Session, req: PrivacyRequest, *, by: Actor, method: str,
                    on: dt.date | None = None) -> PrivacyRequest:
    method = _text(method, "De manier van controleren (bijv. ID-bewijs aan de balie)")
    on = _day(on or dt.date.today(), "de datum van de controle", req)
    _check(req, "verify_identity")
    req.identity_method = method[:120]
    req.identity_checked_on = on
    req.identity_checked_by_id = by.user_id
    _move(session, req, "verify_identity", by)
    return req


def start(session: Session, req: PrivacyRequest, *, by: Actor) -> PrivacyRequest:
    _check(req, "start")
    req.handled_by_id = by.user_id
    _move(session, req, "start", by)
    return req


def extend(session: Session, req: PrivacyRequest, *, by: Actor, reason: str, months: int,
           on: dt.date | None = None) -> PrivacyRequest:
    """Once, with a reason, by one or two months (at most three months after receipt), and
    only while the first deadline has not passed (the requester must be told in time)."""
    _check(req, "extend")
    reason = _text(reason, "Reden van verlenging")
    on = _day(on or dt.date.today(), "de datum van verlenging", req)
    if req.extended_on is not None:
        raise TransitionError(f"De termijn is al verlengd op {req.extended_on:%d-%m-%Y}; "
                              f"verlengen kan maar één keer.")
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise TransitionError("Verlenging: kies 1 of 2 maanden.") from None
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise TransitionError("Verlenging: kies 1 of 2 maanden (samen ten hoogste drie maanden "
                              "na ontvangst).")
    if on > req.due_on:
        raise TransitionError(f"De termijn is op {req.due_on:%d-%m-%Y} verstreken; verlengen moet "
                              f"binnen de eerste maand worden gemeld.")
    req.due_on = due_date(req.received_on, months)
    req.extended_on = on
    req.extension_reason = reason
    _move(session, req, "extend", by)
    return req


def refuse(session: Session, req: PrivacyRequest, *, by: Actor, reason: str,
           on: dt.date | None = None) -> PrivacyRequest:
    _check(req, "refuse")
    req.refusal_reason = _text(reason, "Reden van weigering")
    req.completed_on = _day(on or dt.date.today(), "de datum van weigering", req)
    req.handled_by_id = req.handled_by_id or by.user_id
    _move(session, req, "refuse", by)
    return req


def complete(session: Session, req: PrivacyRequest, *, by: Actor,
             response_channel: ResponseChannel, response_sent_on: dt.date, outcome: str,
             on: dt.date | None = None) -> PrivacyRequest:
    """Carry out what the kind asks, then record the answer sent."""
    _check(req, "complete")
    outcome = _text(outcome, "Uitkomst")
    if not isinstance(response_channel, ResponseChannel):
        raise TransitionError("Kies hoe het antwoord is verstuurd.")
    response_sent_on = _day(response_sent_on, "de datum van het antwoord", req)
    subject = subject_of(req)
    if req.kind in NEEDS_SUBJECT and subject is None:
        raise TransitionError(f"Een verzoek tot {str(req.kind).lower()} moet een betrokkene hebben; "
                              f"kies eerst de houder, contactpersoon, vrijwilliger of hulpvraag.")
    _carry_out(session, req, subject, by=by, outcome=outcome)
    req.outcome = outcome
    req.response_channel = response_channel
    req.response_sent_on = response_sent_on
    req.completed_on = _day(on or dt.date.today(), "de afhandeldatum", req)
    req.handled_by_id = req.handled_by_id or by.user_id
    _move(session, req, "complete", by)
    return req


def _carry_out(session: Session, req: PrivacyRequest, subject, *, by: Actor, outcome: str) -> None:
    if req.kind is K.erasure:
        erase = getattr(_optional("workflows.privacy.erasure"), "erase_subject", None)
        if erase is None:
            raise TransitionError("Verwijderen is in deze versie nog niet beschikbaar; "
                                  "het verzoek blijft open.")
        with restrictions.allow_changes(session):
            erase(session, subject, by=by, request=req)
    elif req.kind is K.restriction:
        restrictions.place(session, subject, by=by, reason=outcome, request=req)
    elif req.kind in (K.access, K.portability) and not archive_produced(session, req):
        raise TransitionError("Download eerst het archief met de gegevens van de betrokkene; "
                              "dat is het antwoord op dit verzoek.")


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


def archive_produced(session: Session, req: PrivacyRequest) -> bool:
    """Whether the access/portability archive was made for this request (access log)."""
    return session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "export",
        AuditEvent.purpose == EXPORT_PURPOSE.format(id=req.id))) > 0


def perform(session: Session, req: PrivacyRequest, action: str, *, by: Actor, **data):
    """Run ``action`` with the values a form or API call gave (already typed)."""
    if action not in TRANSITIONS:
        raise TransitionError(f"Onbekende actie '{action}'.")
    if action == "verify_identity":
        return verify_identity(session, req, by=by, method=data.get("method"), on=data.get("on"))
    if action == "start":
        return start(session, req, by=by)
    if action == "extend":
        return extend(session, req, by=by, reason=data.get("reason"), months=data.get("months"))
    if action == "refuse":
        return refuse(session, req, by=by, reason=data.get("reason"))
    return complete(session, req, by=by, response_channel=data.get("response_channel"),
                    response_sent_on=data.get("response_sent_on") or data.get("on"),
                    outcome=data.get("outcome"))


# -- the deadline job -------------------------------------------------------------------------------

def privacy_deadlines(now: dt.datetime) -> dict:
    """Seven days before the deadline a reminder to the handler (or, while nobody handles it,
    every privacy officer of the organisation); once overdue an escalation to the project
    leaders. Each once per request and deadline (outbox dedupe keys)."""
    from flask_appbuilder.security.sqla.models import User

    from app.extensions import db
    from infra.notify import enqueue, public_url, staff_addresses

    today = now.date()
    session = db.session
    counts = {"reminders": 0, "escalations": 0}
    rows = session.scalars(sa.select(PrivacyRequest).where(
        PrivacyRequest.status.in_(OPEN),
        PrivacyRequest.due_on <= today + dt.timedelta(days=REMINDER_DAYS))
        .order_by(PrivacyRequest.due_on, PrivacyRequest.id)).all()
    for req in rows:
        overdue = req.due_on < today
        context = {"request_id": req.id, "kind": str(req.kind), "due_on": f"{req.due_on:%d-%m-%Y}",
                   "days_left": days_left(req, today), "status": str(req.status),
                   "url": public_url(f"/privacyrequestview/show/{req.id}"),
                   "organisation_name": req.organisation.name}
        if overdue:
            template, key, count = "privacy_overdue", "privacy-overdue", "escalations"
            recipients = [a for _, a in staff_addresses(session, req.organisation_id, "ProjectLeader")]
        else:
            template, key, count = "privacy_reminder", "privacy-reminder", "reminders"
            handler = session.get(User, req.handled_by_id) if req.handled_by_id else None
            recipients = [handler.email] if handler is not None and handler.email else \
                [a for _, a in staff_addresses(session, req.organisation_id, "PrivacyOfficer")]
        for address in sorted(set(recipients)):
            queued = enqueue(session, template=template, recipient=address, context=context,
                             dedupe_key=f"{key}:{req.id}:{req.due_on.isoformat()}:{address}",
                             organisation_id=req.organisation_id)
            counts[count] += queued is not None
    return counts


def queue_counts(query, today: dt.date | None = None) -> dict:
    """Open requests due within a week and overdue, on a (scoped) PrivacyRequest query."""
    today = today or dt.date.today()
    open_ = query.filter(PrivacyRequest.status.in_(OPEN))
    return {
        "this_week": open_.filter(PrivacyRequest.due_on >= today,
                                  PrivacyRequest.due_on <= today + dt.timedelta(days=7)).count(),
        "overdue": open_.filter(PrivacyRequest.due_on < today).count(),
        "open": open_.count(),
    }
