"""Informal carers (mantelzorgers): the agreements made with them, their review, and signals
of overload with their follow-up (Toekomstagenda informele zorg).

One function per state change (check → change → audit → notify); the caller commits. The job
``carer_reviews`` (:func:`due_reminders`) mails when a review or a follow-up is due.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy.orm import Session

from app.carers.models import CarerOverload, InformalCarer, RespiteOption, reserved_act_problems
from app.core.models import utcnow
from app.core.validation import FieldError
from security.audit import Actor
from security.audit import record as audit_record
from infra.dates import add_months
from app.core.errors import TransitionError

__all__ = ["record", "review", "signal_overload", "follow_up", "resolve",
           "reserved_act_problems", "due_reminders"]
FOLLOW_UP_DAYS = 14


def _today() -> dt.date:
    return utcnow().date()


def _review_months() -> int:
    return current_app.config["HULPREGIE_CARER_REVIEW_MONTHS"]


def _audit(session: Session, action: str, model: str, obj, carer: InformalCarer) -> None:
    audit_record(session, action, model, obj.id, holder_id=carer.holder_id)


def record(session: Session, *, by: Actor, carer: InformalCarer | None = None,
                 holder=None, help_request=None, **fields) -> InformalCarer:
    """Record a carer and the agreements of the first meeting or intake (``carer``: one
    filled in by a form). Without a review date, the review is due after the policy's months."""
    if carer is None:
        carer = InformalCarer(holder=holder, help_request=help_request, **fields)
    client = carer.holder or carer.help_request
    has_holder = carer.holder is not None or carer.holder_id is not None
    has_request = carer.help_request is not None or carer.help_request_id is not None
    if has_holder == has_request:
        raise FieldError("holder", "Kies de hulpkaarthouder óf de hulpvraag bij wie de "
                                   "mantelzorger hoort (één van beide)")
    if carer.organisation_id is None:
        carer.organisation_id = client.organisation_id if client is not None else by.organisation_id
    carer.agreed_on = carer.agreed_on or _today()
    if carer.review_on is None:
        carer.review_on = add_months(carer.agreed_on, _review_months())
    if carer.review_on < carer.agreed_on:
        raise FieldError("review_on", "De datum om de afspraken opnieuw te bekijken ligt na de "
                                      "datum van de afspraken")
    carer.recorded_by_id = carer.recorded_by_id or by.user_id
    session.add(carer)
    session.flush()
    _audit(session, "carer.record", "InformalCarer", carer, carer)
    return carer


def review(session: Session, carer: InformalCarer, *, by: Actor, on: dt.date | None = None,
           next_review_on: dt.date | None = None) -> InformalCarer:
    """The agreements were looked at again on ``on``; the next review after the policy's months."""
    if not carer.active:
        raise TransitionError("Deze mantelzorger is niet meer actief.")
    on = on or _today()
    if on > _today():
        raise FieldError("on", "De datum van het gesprek kan niet in de toekomst liggen")
    next_review_on = next_review_on or add_months(on, _review_months())
    if next_review_on <= on:
        raise FieldError("review_on", "De volgende keer ligt na dit gesprek")
    carer.agreed_on = on
    carer.review_on = next_review_on
    session.flush()
    _audit(session, "carer.review", "InformalCarer", carer, carer)
    return carer


def _respite(value) -> RespiteOption | None:
    if value is None or isinstance(value, RespiteOption):
        return value
    try:
        return RespiteOption[value] if value else None
    except KeyError:
        raise FieldError("respite_option", f"Onbekende vorm van respijtzorg: '{value}'") from None


def signal_overload(session: Session, carer: InformalCarer | None = None, *, by: Actor,
                    description: str | None = None, respite_option=None,
                    follow_up_on: dt.date | None = None,
                    signal: CarerOverload | None = None) -> CarerOverload:
    """A signal that the carer is overloaded, to be followed up (default in two weeks).
    ``signal``: one filled in by a form (its carer, description, option and date set)."""
    if signal is not None:
        carer = signal.carer
        description, respite_option = signal.description, signal.respite_option
        follow_up_on = signal.follow_up_on
    if carer is None:
        raise FieldError("carer", "Kies de mantelzorger")
    if not (description or "").strip():
        raise FieldError("description", "Beschrijf bij 'Omschrijving' wat er gesignaleerd is")
    today = _today()
    follow_up_on = follow_up_on or today + dt.timedelta(days=FOLLOW_UP_DAYS)
    if follow_up_on < today:
        raise FieldError("follow_up_on", "De opvolgdatum kan niet in het verleden liggen")
    signal = signal or CarerOverload()
    signal.carer, signal.organisation_id, signal.signalled_on = carer, carer.organisation_id, today
    signal.description, signal.respite_option = description.strip(), _respite(respite_option)
    signal.follow_up_on, signal.recorded_by_id = follow_up_on, by.user_id
    session.add(signal)
    session.flush()
    _audit(session, "carer.overload", "CarerOverload", signal, carer)
    return signal


def _open(signal: CarerOverload) -> None:
    if signal.resolved_on is not None:
        raise TransitionError("Dit signaal van overbelasting is al afgesloten.")


def follow_up(session: Session, signal: CarerOverload, *, by: Actor, follow_up_on: dt.date,
              respite_option=None, note: str | None = None) -> CarerOverload:
    """Followed up: the respite arranged or offered, and when to look again."""
    _open(signal)
    if follow_up_on is None or follow_up_on <= _today():
        raise FieldError("follow_up_on", "Kies een nieuwe opvolgdatum na vandaag")
    signal.follow_up_on = follow_up_on
    if respite_option:
        signal.respite_option = _respite(respite_option)
    if (note or "").strip():
        stamp = f"{_today():%d-%m-%Y}: {note.strip()}"
        signal.outcome = f"{signal.outcome}\n{stamp}" if signal.outcome else stamp
    session.flush()
    _audit(session, "carer.follow_up", "CarerOverload", signal, signal.carer)
    return signal


def resolve(session: Session, signal: CarerOverload, *, by: Actor, outcome: str,
            on: dt.date | None = None) -> CarerOverload:
    """Closed, with what was done (the respite that helps, or why none is needed)."""
    _open(signal)
    if not (outcome or "").strip():
        raise FieldError("outcome", "Vul bij 'Uitkomst' in wat er is gedaan of afgesproken")
    signal.resolved_on = on or _today()
    stamp = outcome.strip()
    signal.outcome = f"{signal.outcome}\n{stamp}" if signal.outcome else stamp
    signal.follow_up_on = None
    session.flush()
    _audit(session, "carer.resolve", "CarerOverload", signal, signal.carer)
    return signal


# -- the scheduler's job ----------------------------------------------------------------------

def _recipients(session: Session, carer: InformalCarer) -> list[str]:
    """The holder's coach; for a requester's carer (or a holder without coach), the helpdesk."""
    from infra.notify import staff_addresses

    coach = carer.holder.coach if carer.holder is not None else None
    if coach is not None and (coach.email or (coach.user and coach.user.email)):
        return [coach.email or coach.user.email]
    return [address for _, address in staff_addresses(session, carer.organisation_id, "Helpdesk")]


def _client(carer: InformalCarer) -> str:
    if carer.holder is not None:
        return f"hulpkaarthouder {carer.holder.reference}"
    return f"hulpvraag {carer.help_request_id}"


def due_reminders(now: dt.datetime) -> dict:
    """Job ``carer_reviews``: a review that is due, and an overload follow-up that is due,
    each mailed once per date to the coach (or the helpdesk)."""
    from app.extensions import db
    from infra.notify import enqueue, public_url
    from workflows.privacy.restrictions import restricted_ids

    today = now.date()
    restricted = restricted_ids(db.session, "Holder")
    counts = {"reviews": 0, "overload_follow_ups": 0}
    carers = (db.session.query(InformalCarer)
              .filter(InformalCarer.active.is_(True), InformalCarer.review_on <= today)
              .order_by(InformalCarer.id).all())
    for carer in carers:
        if carer.holder_id in restricted:
            continue
        context = {"client": _client(carer), "on": f"{carer.review_on:%d-%m-%Y}",
                   "url": public_url(f"/informalcarerview/show/{carer.id}"),
                   "organisation_name": carer.organisation.name}
        for address in _recipients(db.session, carer):
            counts["reviews"] += enqueue(
                db.session, template="carer_review", recipient=address, context=context,
                dedupe_key=f"carer-review:{carer.id}:{carer.review_on.isoformat()}:{address}",
                organisation_id=carer.organisation_id) is not None
    signals = (db.session.query(CarerOverload)
               .filter(CarerOverload.resolved_on.is_(None), CarerOverload.follow_up_on <= today)
               .order_by(CarerOverload.id).all())
    for signal in signals:
        carer = signal.carer
        if carer.holder_id in restricted:
            continue
        context = {"client": _client(carer), "on": f"{signal.follow_up_on:%d-%m-%Y}",
                   "url": public_url(f"/careroverloadview/show/{signal.id}"),
                   "organisation_name": carer.organisation.name}
        for address in _recipients(db.session, carer):
            counts["overload_follow_ups"] += enqueue(
                db.session, template="carer_overload", recipient=address, context=context,
                dedupe_key=f"carer-overload:{signal.id}:{signal.follow_up_on.isoformat()}:{address}",
                organisation_id=carer.organisation_id) is not None
    return counts
