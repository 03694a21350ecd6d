"""Making a Hulpkaart: one function per state change (check → change → audit).

The holder owns the card. It goes requested → intro_held → drafting → awaiting_approval →
approved → issued → evaluation_due → evaluated, and can be withdrawn (the holder's choice) or
ended at any time before that. ``TRANSITIONS`` is the whole table; a function refuses what the
table does not allow with a Dutch :class:`TransitionError`. Callers commit (or roll back).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import Session, object_session

from app.cards.models import (
    ApprovalMethod,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CardStatus,
    Evaluation,
    EvaluationOutcome,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
    SECTION_LIMITS,
)
from app.consents.models import Consent, ConsentPurpose
from app.contacts.models import ContactPerson
from app.core.models import utcnow
from app.core.validation import normalise_phone
from security.audit import Actor, record, reset_actor, set_actor
from infra.dates import add_months
from app.core.errors import TransitionError

S = CardStatus
OPEN = (S.requested, S.intro_held, S.drafting, S.awaiting_approval, S.approved, S.issued,
        S.evaluation_due, S.evaluated)
CLOSED = (S.withdrawn, S.ended)
# The cards a coach is still working on (his caseload); issued and later cards only return
# to it for an evaluation or a new version.
IN_PROGRESS = (S.requested, S.intro_held, S.drafting, S.awaiting_approval, S.approved,
               S.evaluation_due)

# action -> (states it is allowed from, state it leads to; None: the state stays)
TRANSITIONS: dict[str, tuple[tuple[CardStatus, ...], CardStatus | None]] = {
    "hold_intro": ((S.requested,), S.intro_held),
    "start_drafting": ((S.intro_held,), S.drafting),
    "submit_for_approval": ((S.drafting,), S.awaiting_approval),
    "record_holder_approval": ((S.awaiting_approval,), None),
    "reopen": ((S.awaiting_approval,), S.drafting),
    "approve": ((S.awaiting_approval,), S.approved),
    "issue": ((S.approved,), S.issued),
    "record_evaluation": ((S.issued, S.evaluation_due), S.evaluated),
    "mark_evaluation_due": ((S.issued, S.evaluated), S.evaluation_due),
    "new_draft": ((S.approved, S.issued, S.evaluation_due, S.evaluated), S.drafting),
    "withdraw": (OPEN, S.withdrawn),
    "end": (OPEN, S.ended),
}

# action -> (button label, what "kan niet …" says when refused)
LABELS = {
    "hold_intro": ("Kennismaking vastleggen", "als kennismaking gehouden worden vastgelegd"),
    "start_drafting": ("Opmaak starten", "in opmaak worden genomen"),
    "submit_for_approval": ("Ter goedkeuring aanbieden", "ter goedkeuring worden aangeboden"),
    "record_holder_approval": ("Akkoord houder vastleggen", "het akkoord van de houder krijgen"),
    "reopen": ("Terug naar opmaak", "terug naar de opmaak"),
    "approve": ("Goedkeuren", "worden goedgekeurd"),
    "issue": ("Uitreiken", "worden uitgereikt"),
    "record_evaluation": ("Evaluatie vastleggen", "worden geëvalueerd"),
    "mark_evaluation_due": ("Evaluatie nodig", "op 'evaluatie nodig' worden gezet"),
    "new_draft": ("Nieuwe versie maken", "een nieuwe versie krijgen"),
    "withdraw": ("Intrekken", "worden ingetrokken"),
    "end": ("Beëindigen", "worden beëindigd"),
}
_NOT_A_NEXT_STEP = ("reopen", "withdraw", "end", "mark_evaluation_due")
# The access log's name for each step (at most 20 characters).
AUDIT_ACTIONS = {
    "hold_intro": "card.intro_held", "start_drafting": "card.drafting",
    "submit_for_approval": "card.submitted", "record_holder_approval": "card.holder_agreed",
    "reopen": "card.reopened", "approve": "card.approved", "issue": "card.issued",
    "record_evaluation": "card.evaluated", "mark_evaluation_due": "card.eval_due",
    "new_draft": "card.new_draft", "withdraw": "card.withdrawn", "end": "card.ended",
}


def allowed_actions(card: HelpCard) -> list[str]:
    return [a for a, (sources, _) in TRANSITIONS.items() if card.status in sources]


def _check(card: HelpCard, action: str) -> CardStatus | None:
    sources, target = TRANSITIONS[action]
    if card.status in sources:
        return target
    if card.status in CLOSED:
        hint = "de kaart is afgesloten"
    else:
        steps = [a for a in allowed_actions(card) if a not in _NOT_A_NEXT_STEP]
        hint = f"eerst: {LABELS[steps[0]][0].lower()}" if steps else "dat kan nu niet"
    raise TransitionError(
        f"Een kaart in status '{card.status}' kan niet {LABELS[action][1]}; {hint}.")


def _audit(session: Session, action: str, card: HelpCard, by: Actor) -> None:
    token = set_actor(by)
    try:
        record(session, AUDIT_ACTIONS[action], "HelpCard", card.id, holder_id=card.holder_id)
    finally:
        reset_actor(token)


def _move(session: Session, card: HelpCard, action: str, by: Actor) -> None:
    target = _check(card, action)
    if target is not None:
        card.status = target
    session.flush()  # an id for the audit event; the database checks the state's facts now
    _audit(session, action, card, by)


def _past(value: dt.date | None, what: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise TransitionError(f"Vul {what} in.")
    if isinstance(value, dt.datetime):
        value = value.date()
    if value > dt.date.today():
        raise TransitionError(f"{what[0].upper()}{what[1:]} ligt in de toekomst.")
    return value


def _evaluation_months() -> int:
    return int(current_app.config["HULPREGIE_EVALUATION_MONTHS"])


# -- versions ---------------------------------------------------------------------------

def draft_version(card: HelpCard) -> HelpCardVersion | None:
    """The newest version while it is not yet approved (the one being worked on)."""
    versions = sorted(card.versions, key=lambda v: v.version_no)
    return versions[-1] if versions and versions[-1].approved_at is None else None


def latest_approved(card: HelpCard) -> HelpCardVersion | None:
    approved = [v for v in card.versions if v.approved_at is not None]
    return max(approved, key=lambda v: v.version_no) if approved else None


def _new_version(session: Session, card: HelpCard, by: Actor,
                 source: HelpCardVersion | None = None) -> HelpCardVersion:
    number = max((v.version_no for v in card.versions), default=0) + 1
    content = {name: getattr(source, name) for name in SECTION_LIMITS} if source else {}
    version = HelpCardVersion(card=card, organisation_id=card.organisation_id,
                              version_no=number, created_by_id=by.user_id, **content)
    session.add(version)
    return version


# -- the quality gate -------------------------------------------------------------------

def _valid_phone(phone: str | None) -> bool:
    try:
        return normalise_phone(phone) is not None
    except ValueError:
        return False


def quality_problems(card: HelpCard) -> list[str]:
    """What is still missing before the card may be approved (Kwaliteitskader), in Dutch."""
    session = object_session(card)
    with session.no_autoflush:  # look, without writing what the caller has pending
        return _problems(session, card)


def _problems(session: Session, card: HelpCard) -> list[str]:
    problems = []
    if card.making_choice is None:
        problems.append("De keuze uit het kennismakingsgesprek (alleen, met een naaste of met "
                        "een coach) is niet vastgelegd.")
    draft = draft_version(card)
    if draft is None:
        problems.append("Er is geen conceptversie van de kaart om goed te keuren.")
    else:
        missing = [what for what, value in (("de datum", draft.holder_approved_on),
                                            ("de wijze", draft.holder_approval_method))
                   if value is None]
        if missing:
            problems.append(f"Het akkoord van de houder op versie {draft.version_no} is niet "
                            f"vastgelegd ({' en '.join(missing)} "
                            f"{'ontbreken' if len(missing) > 1 else 'ontbreekt'}).")
    contacts = session.query(ContactPerson).filter_by(
        holder_id=card.holder_id, on_card=True).order_by(ContactPerson.priority).all()
    consenting = {cid for (cid,) in session.query(Consent.contact_person_id).filter(
        Consent.contact_person_id.in_([c.id for c in contacts]),
        Consent.purpose == ConsentPurpose.on_card, Consent.withdrawn_at.is_(None))} \
        if contacts else set()
    if not any(_valid_phone(c.phone) and c.id in consenting for c in contacts):
        if not contacts:
            detail = "er staat nog geen contactpersoon op de kaart"
        else:
            detail = "; ".join(
                f"contactpersoon {c.priority}: " + " en ".join(
                    ([] if _valid_phone(c.phone) else ["geen geldig telefoonnummer"])
                    + ([] if c.id in consenting else ["geen toestemming 'Op de kaart'"]))
                for c in contacts)
        problems.append("Er is geen contactpersoon op de kaart met een geldig telefoonnummer "
                        f"én toestemming om op de kaart te staan ({detail}).")
    return problems


# -- state changes ----------------------------------------------------------------------

def hold_intro(session: Session, card: HelpCard, *, by: Actor, choice: MakingChoice,
               on: dt.date) -> None:
    """The intro meeting was held; the holder chose how the card is made."""
    _check(card, "hold_intro")
    if not isinstance(choice, MakingChoice):
        raise TransitionError("Kies hoe de kaart wordt gemaakt (alleen, met een naaste of met "
                              "een coach).")
    on = _past(on, "de datum van de kennismaking")
    card.making_choice = choice
    planned = session.query(Appointment).filter(
        Appointment.card_id == card.id, Appointment.kind == AppointmentKind.intro_meeting,
        Appointment.status == AppointmentStatus.planned,
        Appointment.starts_at < dt.datetime.combine(on + dt.timedelta(days=1), dt.time())).all()
    for appointment in planned:  # the planned meeting took place
        appointment.status = AppointmentStatus.held
        appointment.making_choice = choice
    _move(session, card, "hold_intro", by)


def start_drafting(session: Session, card: HelpCard, *, by: Actor) -> HelpCardVersion:
    """Start the text; version 1 (empty) unless there is a draft already."""
    _check(card, "start_drafting")
    draft = draft_version(card) or _new_version(session, card, by)
    _move(session, card, "start_drafting", by)
    return draft


def new_draft(session: Session, card: HelpCard, *, by: Actor) -> HelpCardVersion:
    """A new draft, copied from the newest approved version; the issued one stays known."""
    _check(card, "new_draft")
    draft = draft_version(card) or _new_version(session, card, by, latest_approved(card))
    _move(session, card, "new_draft", by)
    return draft


def submit_for_approval(session: Session, card: HelpCard, *, by: Actor) -> None:
    _check(card, "submit_for_approval")
    draft = draft_version(card)
    if draft is None or not any(getattr(draft, name) for name in SECTION_LIMITS):
        raise TransitionError("De conceptversie is nog leeg; vul eerst de tekst van de kaart in.")
    _move(session, card, "submit_for_approval", by)


def record_holder_approval(session: Session, card: HelpCard, *, by: Actor, on: dt.date,
                           method: ApprovalMethod) -> HelpCardVersion:
    """The holder agrees with the draft text: when and how."""
    _check(card, "record_holder_approval")
    if not isinstance(method, ApprovalMethod):
        raise TransitionError("Kies hoe de houder akkoord gaf (schriftelijk, mondeling of via "
                              "het portaal).")
    on = _past(on, "de datum van het akkoord van de houder")
    draft = draft_version(card)
    if draft is None:
        raise TransitionError("Er is geen conceptversie waarop de houder akkoord kan geven.")
    draft.holder_approved_on, draft.holder_approval_method = on, method
    _move(session, card, "record_holder_approval", by)
    return draft


def reopen(session: Session, card: HelpCard, *, by: Actor) -> None:
    """The holder wants changes: back to drafting; his earlier agreement no longer holds."""
    _check(card, "reopen")
    draft = draft_version(card)
    if draft is not None:
        draft.holder_approved_on = draft.holder_approval_method = None
    _move(session, card, "reopen", by)


def approve(session: Session, card: HelpCard, *, by: Actor) -> HelpCardVersion:
    """The quality gate; the draft becomes the approved version and is never changed again."""
    _check(card, "approve")
    problems = quality_problems(card)
    if problems:
        raise TransitionError("Goedkeuren kan nog niet: " + " ".join(problems))
    draft = draft_version(card)
    draft.approved_at, draft.approved_by_id = utcnow(), by.user_id
    _move(session, card, "approve", by)
    return draft


def issue(session: Session, card: HelpCard, *, by: Actor, on: dt.date) -> None:
    """Printed and handed over: the newest approved version is the issued one."""
    _check(card, "issue")
    on = _past(on, "de datum van uitreiking")
    version = latest_approved(card)
    if version is None:
        raise TransitionError("Er is geen goedgekeurde versie om uit te reiken.")
    # The link is written after the row (post_update); the column is set now for the CHECK.
    card.issued_version, card.issued_version_id = version, version.id
    card.issued_on = on
    card.next_evaluation_on = add_months(on, _evaluation_months())
    _move(session, card, "issue", by)


def mark_evaluation_due(session: Session, card: HelpCard, *, by: Actor) -> None:
    _check(card, "mark_evaluation_due")
    _move(session, card, "mark_evaluation_due", by)


def open_evaluation(session: Session, card: HelpCard, on: dt.date) -> Evaluation:
    """The card's evaluation that is not held yet; a new one for an early evaluation."""
    found = session.query(Evaluation).filter_by(card_id=card.id, held_on=None).order_by(
        Evaluation.due_on).first()
    if found is None:
        found = Evaluation(card=card, organisation_id=card.organisation_id,
                           coach_id=card.coach_id, due_on=card.next_evaluation_on or on)
        session.add(found)
    return found


def record_evaluation(session: Session, evaluation: Evaluation, *, by: Actor,
                      held_on: dt.date, contacts_ok: bool | None, wishes_changed: bool | None,
                      medication_changed: bool | None, still_carried: bool | None,
                      outcome: EvaluationOutcome, notes: str | None = None) -> None:
    """The yearly evaluation: unchanged (next one in a year), a new version, or the end."""
    card = evaluation.card
    if evaluation.held_on is not None:
        raise TransitionError("Deze evaluatie is al vastgelegd.")
    _check(card, "record_evaluation")
    if not isinstance(outcome, EvaluationOutcome):
        raise TransitionError("Kies de uitkomst van de evaluatie.")
    held_on = _past(held_on, "de datum van de evaluatie")
    evaluation.held_on, evaluation.outcome, evaluation.notes = held_on, outcome, notes
    evaluation.contacts_ok, evaluation.wishes_changed = contacts_ok, wishes_changed
    evaluation.medication_changed, evaluation.still_carried = medication_changed, still_carried
    if outcome is not EvaluationOutcome.ended:
        card.next_evaluation_on = add_months(held_on, _evaluation_months())
    _move(session, card, "record_evaluation", by)
    if outcome is EvaluationOutcome.new_version:
        draft = new_draft(session, card, by=by)
        session.flush()
        evaluation.new_version_id = draft.id
    elif outcome is EvaluationOutcome.ended:
        end(session, card, by=by, reason=notes or "Beëindigd na de evaluatie", on=held_on)


def withdraw(session: Session, card: HelpCard, *, by: Actor, reason: str | None = None,
             on: dt.date | None = None) -> None:
    """The holder withdraws his card; his choice, at any time."""
    _close(session, card, "withdraw", by, reason, on)


def end(session: Session, card: HelpCard, *, by: Actor, reason: str,
        on: dt.date | None = None) -> None:
    if not (reason or "").strip():
        raise TransitionError("Vul de reden van beëindigen in.")
    _close(session, card, "end", by, reason, on)


def _close(session, card, action, by, reason, on) -> None:
    _check(card, action)
    card.ended_on = _past(on, "de einddatum") if on is not None else dt.date.today()
    card.closed_reason = (reason or "").strip() or None
    card.next_evaluation_on = None
    _move(session, card, action, by)


# -- one entry point for screens and the API ---------------------------------------------

def perform(session: Session, card: HelpCard, action: str, *, by: Actor, **data):
    """Run ``action`` with the values a form or API call gave (already typed)."""
    today = dt.date.today()
    if action not in TRANSITIONS:
        raise TransitionError(f"Onbekende actie '{action}'.")
    if action == "hold_intro":
        return hold_intro(session, card, by=by, choice=data.get("choice"),
                          on=data.get("on") or today)
    if action == "record_holder_approval":
        return record_holder_approval(session, card, by=by, on=data.get("on") or today,
                                      method=data.get("method"))
    if action == "issue":
        return issue(session, card, by=by, on=data.get("on") or today)
    if action == "record_evaluation":
        _check(card, action)
        held_on = data.get("on") or today
        evaluation = open_evaluation(session, card, held_on)
        return record_evaluation(
            session, evaluation, by=by, held_on=held_on, outcome=data.get("outcome"),
            contacts_ok=data.get("contacts_ok"), wishes_changed=data.get("wishes_changed"),
            medication_changed=data.get("medication_changed"),
            still_carried=data.get("still_carried"), notes=data.get("reason"))
    if action in ("withdraw", "end"):
        return globals()[action](session, card, by=by, reason=data.get("reason"))
    return globals()[action](session, card, by=by)


# -- figures ---------------------------------------------------------------------------

def minutes_spent(session: Session, card: HelpCard) -> int:
    """Minutes of the held appointments for this card."""
    return session.query(func.coalesce(func.sum(Appointment.duration_minutes), 0)).filter(
        Appointment.card_id == card.id, Appointment.status == AppointmentStatus.held).scalar()


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    return f"{hours} u {rest} min" if hours else f"{rest} min"
