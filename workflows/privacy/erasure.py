"""Erasure (AVG art. 17): delete or anonymise everything Hulpregie holds about one person.

:func:`erase_subject` takes a Holder, a ContactPerson, a Volunteer or a HelpRequest (its
requester) and works in the caller's transaction (callers commit, or roll back on error):

- a **holder** and a **contact person** are deleted, with everything that is theirs only;
- a **volunteer** and a **requester** are anonymised: the row stays for the anonymous counts
  funders ask for (matches, requests per category and area), without a name, contact detail
  or free text;
- everywhere else (outbox messages, privacy requests, restrictions) what is about the person
  goes too; the erasure journal (ErasureRecord) and one ``erase`` event in the access log say
  *that* the person was erased, never what. docs/erasure.md is the full list and the reasons.

The access log is not touched: its events name fields and record ids, never values, so the
hash chain stays verifiable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.cards.models import Appointment, CardPrint, Evaluation, HelpCard, HelpCardVersion
from app.carers.models import CarerOverload, InformalCarer
from app.concerns.models import Concern
from app.consents.models import Consent
from app.contacts.models import ContactPerson
from app.controlroom.models import ControlRoomState
from app.core.models import utcnow
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral
from app.household.models import HouseholdAssessment
from app.holders.models import Holder
from app.notifications.models import Notification
from app.portal.models import CardComment, PortalLink
from app.privacy.models import ErasureRecord, PrivacyRequest, ProcessingRestriction
from app.supportplans.models import SupportPlan
from app.vog.models import VogCheck
from app.volunteers.models import Volunteer, VolunteerStatus
from security.audit import Actor, record, reset_actor, set_actor
from app.core.errors import TransitionError
from workflows.privacy.restrictions import allow_changes

ERASED = "Verwijderd (AVG)"  # what a required text of an anonymised record says instead
REASONS = ("request", "retention")
SUBJECT_TYPES = ("Holder", "ContactPerson", "Volunteer", "HelpRequest")
ANONYMISED = ("Volunteer", "HelpRequest")  # the row stays; the others are deleted
# Outbox messages are keyed by the record that caused them ("<prefix>:<id>[:…]").
OUTBOX_KEYS = {
    "Evaluation": ("eval-invite", "eval-letter", "eval-overdue"),
    "Match": ("match-offer", "match-taken", "match-confirmed", "match-details", "match-report",
              "feedback"),
    "HelpRequest": ("request-received",),
    "VogCheck": ("vog-request", "vog-renew"),
    "SupportPlan": ("splan-conv",),
    "InformalCarer": ("carer-review",),
    "CarerOverload": ("carer-overload",),
}
_FILES = "erasure_files"  # session.info: evidence files to remove once the erasure is committed


# -- the person's values --------------------------------------------------------------------------

@dataclass
class Person:
    """The values that identify one person, to find them in free text and in the outbox.

    ``strong`` values (full name, last name, e-mail, address, reference…) identify him in any
    text; ``weak`` ones (a first name) only in texts already known to be about him."""

    strong: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # national significant numbers (digits)

    def add(self, *values, weak: bool = False) -> None:
        for value in values:
            text = str(value or "").strip()
            if len(text) >= 3:
                (self.weak if weak else self.strong).add(text.casefold())

    def add_email(self, value) -> None:
        if value:
            self.emails.add(str(value).strip().casefold())
            self.add(value)

    def add_phone(self, value) -> None:
        digits = re.sub(r"\D", "", str(value or ""))
        if digits.startswith("31"):
            digits = digits[2:]
        digits = digits.lstrip("0")
        if len(digits) >= 8:
            self.phones.add(digits)

    def add_postcode(self, value) -> None:
        if value:
            text = str(value).strip()
            self.add(text, text.replace(" ", ""))

    def add_date(self, value) -> None:
        if value and hasattr(value, "strftime"):
            self.add(value.isoformat(), f"{value:%d-%m-%Y}")

    def _patterns(self, weak: bool) -> list[re.Pattern]:
        values = self.strong | (self.weak if weak else set())
        return [re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)", re.IGNORECASE)
                for v in sorted(values, key=len, reverse=True)]

    def found_in(self, *texts, weak: bool = False) -> bool:
        for text in texts:
            if not text:
                continue
            text = str(text)
            if any(p.search(text) for p in self._patterns(weak)):
                return True
            digits = re.sub(r"\D", "", text)
            if any(phone in digits for phone in self.phones):
                return True
        return False

    def scrub(self, text):
        """``text`` without any of the person's values (None stays None)."""
        if not text:
            return text
        text = str(text)
        for pattern in self._patterns(weak=True):
            text = pattern.sub("[verwijderd]", text)
        for phone in self.phones:  # in any notation: 06-…, +31 6 …, 0031…
            text = re.sub(r"(?:\+|00)?(?:31[\s-]*)?0?" + r"[\s-]*".join(phone), "[verwijderd]", text)
        return text


def _person_of(obj) -> Person:
    person = Person()
    _collect_values(person, obj)
    return person


def _collect_values(person: Person, obj) -> None:
    if isinstance(obj, (Holder, Volunteer)):
        person.add(f"{obj.first_name} {obj.last_name}", obj.last_name, obj.address)
        person.add(obj.first_name, weak=True)
        person.add_email(obj.email)
        person.add_phone(obj.phone)
        if isinstance(obj, Holder):
            person.add(obj.reference)
            person.add_postcode(obj.postcode)
            person.add_date(obj.birth_date)
    elif isinstance(obj, ContactPerson):
        person.add(obj.name)
        person.add_email(obj.email)
        person.add_phone(obj.phone)
    elif isinstance(obj, HelpRequest):
        person.add(obj.requester_name, obj.requester_address)
        person.add_email(obj.requester_email)
        person.add_phone(obj.requester_phone)


# -- the workflow ---------------------------------------------------------------------------------

@dataclass
class _Plan:
    """What one erasure touches besides the subject's own tables."""

    person: Person
    outbox_keys: dict[str, set[int]] = field(default_factory=dict)
    requests: list = field(default_factory=list)  # PrivacyRequest filters about him
    restricted: list = field(default_factory=list)  # (subject_type, ids)
    deleted: dict[str, set[int]] = field(default_factory=dict)  # holders, contact persons
    counts: dict[str, int] = field(default_factory=dict)

    def key(self, model: str, ids) -> None:
        self.outbox_keys.setdefault(model, set()).update(i for i in ids if i is not None)

    def count(self, what: str, n: int) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n


def erase_subject(session: Session, subject, *, by: Actor, request=None,
                  reason: str = "request") -> ErasureRecord:
    """Erase ``subject`` (Holder, ContactPerson, Volunteer or HelpRequest) for ``reason``
    (``request``: a privacy request, given as ``request``; ``retention``: the retention job).

    Returns the journal entry; its ``counts`` attribute (not stored) tells what was done."""
    kind = type(subject).__name__
    if kind not in SUBJECT_TYPES:
        raise TransitionError(f"Verwijderen kan alleen voor een hulpkaarthouder, contactpersoon, "
                              f"vrijwilliger of hulpvrager, niet voor '{kind}'")
    if reason not in REASONS:
        raise TransitionError(f"Onbekende reden voor verwijdering: '{reason}'")
    if subject.id is None:
        raise TransitionError("Deze gegevens zijn nog niet opgeslagen")
    if kind in ANONYMISED and already_erased(session, kind, subject.id):
        raise TransitionError("Deze gegevens zijn al verwijderd")
    subject_id, organisation_id = subject.id, subject.organisation_id
    holder_id = subject.id if kind == "Holder" else getattr(subject, "holder_id", None)
    token = set_actor(by)
    try:
        with allow_changes(session):
            plan = _Plan(_person_of(subject))
            prepare, erase = _ERASERS[kind]
            prepare(session, subject, plan)
            _anonymise_privacy_requests(session, plan)  # before the links to him go
            _drop_restrictions(session, plan)
            erase(session, subject, plan)
            _erase_outbox(session, plan, organisation_id)
            journal = ErasureRecord(
                organisation_id=organisation_id, erased_at=utcnow(), subject_type=kind,
                subject_id=subject_id, reason=reason, privacy_request_id=getattr(request, "id", None),
                erased_by_id=by.user_id)
            session.add(journal)
            session.flush()
            record(session, "erase", kind, subject_id, holder_id=holder_id,
                   purpose=f"privacyverzoek {request.id}" if request is not None else reason)
    finally:
        reset_actor(token)
    journal.counts = plan.counts
    return journal


def already_erased(session: Session, kind: str, subject_id: int) -> bool:
    """Whether the journal has this subject. Only meaningful for the anonymised kinds: a
    deleted holder's id may be given to a new holder (SQLite reuses the highest id)."""
    return session.scalar(sa.select(sa.func.count(ErasureRecord.id)).where(
        ErasureRecord.subject_type == kind, ErasureRecord.subject_id == subject_id)) > 0


def _delete_all(session: Session, plan: _Plan, what: str, items) -> None:
    """ORM deletes, so the access log records each (ids only) and cascades run."""
    items = list(items)
    for item in items:
        session.delete(item)
    plan.count(what, len(items))


def _all(session: Session, model, *where):
    return session.scalars(sa.select(model).where(*where).order_by(model.id)).all()


# -- per kind of subject: first what it touches (plan), then the change (erase) -------------------

def _plan_holder(session: Session, holder: Holder, plan: _Plan) -> None:
    contacts = _all(session, ContactPerson, ContactPerson.holder_id == holder.id)
    for contact in contacts:
        _collect_values(plan.person, contact)
    contact_ids = [c.id for c in contacts]
    card_ids = session.scalars(sa.select(HelpCard.id).where(HelpCard.holder_id == holder.id)).all()
    plan.key("Evaluation", session.scalars(sa.select(Evaluation.id)
                                           .where(Evaluation.card_id.in_(card_ids))).all())
    plan.requests.append(sa.or_(PrivacyRequest.holder_id == holder.id,
                                PrivacyRequest.contact_person_id.in_(contact_ids)))
    plan.restricted += [("Holder", [holder.id]), ("ContactPerson", contact_ids)]
    plan.deleted = {"Holder": {holder.id}, "ContactPerson": set(contact_ids)}
    _plan_support(session, plan, "holder_id", holder.id)


def _erase_holder(session: Session, holder: Holder, plan: _Plan) -> None:
    contact_ids = plan.deleted["ContactPerson"]
    card_ids = session.scalars(sa.select(HelpCard.id).where(HelpCard.holder_id == holder.id)).all()
    consents = _all(session, Consent, sa.or_(Consent.holder_id == holder.id,
                                             Consent.contact_person_id.in_(contact_ids)))
    _remove_evidence(session, consents)
    _delete_all(session, plan, "consents", consents)
    _delete_all(session, plan, "card_prints", _all(session, CardPrint, CardPrint.card_id.in_(card_ids)))
    _delete_all(session, plan, "evaluations", _all(session, Evaluation, Evaluation.card_id.in_(card_ids)))
    _delete_all(session, plan, "appointments", _all(session, Appointment, sa.or_(
        Appointment.holder_id == holder.id, Appointment.card_id.in_(card_ids))))
    _delete_all(session, plan, "concerns", _all(session, Concern, Concern.holder_id == holder.id))
    _delete_all(session, plan, "portal_links", _all(session, PortalLink, sa.or_(
        PortalLink.holder_id == holder.id, PortalLink.contact_person_id.in_(contact_ids))))
    _delete_all(session, plan, "card_comments", _all(session, CardComment,
                                                     CardComment.card_id.in_(card_ids)))
    _erase_household(session, plan, HouseholdAssessment.holder_id == holder.id)
    _erase_support(session, plan, "holder_id", holder.id)
    # The control room keeps its pseudonymous reference: the next export sends one delete.
    moved = session.execute(sa.update(ControlRoomState).where(ControlRoomState.holder_id == holder.id)
                            .values(holder_id=None).execution_options(synchronize_session="fetch"))
    plan.count("control_room_unlinked", moved.rowcount or 0)
    session.flush()
    cards = _all(session, HelpCard, HelpCard.id.in_(card_ids))
    for card in cards:
        card.issued_version = None  # the card points at a version it is about to lose
    session.flush()
    plan.count("card_versions", session.scalar(sa.select(sa.func.count(HelpCardVersion.id))
                                               .where(HelpCardVersion.card_id.in_(card_ids))))
    _delete_all(session, plan, "cards", cards)  # with their versions (cascade)
    _delete_all(session, plan, "contact_persons", _all(session, ContactPerson,
                                                       ContactPerson.id.in_(contact_ids)))
    session.flush()
    _delete_all(session, plan, "holders", [holder])
    session.flush()


def _plan_contact_person(session: Session, contact: ContactPerson, plan: _Plan) -> None:
    plan.requests.append(PrivacyRequest.contact_person_id == contact.id)
    plan.restricted.append(("ContactPerson", [contact.id]))
    plan.deleted = {"ContactPerson": {contact.id}}


def _erase_contact_person(session: Session, contact: ContactPerson, plan: _Plan) -> None:
    consents = _all(session, Consent, Consent.contact_person_id == contact.id)
    _remove_evidence(session, consents)
    _delete_all(session, plan, "consents", consents)
    _delete_all(session, plan, "portal_links", _all(session, PortalLink,
                                                    PortalLink.contact_person_id == contact.id))
    session.flush()
    _delete_all(session, plan, "contact_persons", [contact])
    session.flush()


def _clear_consents(session: Session, plan: _Plan, *where) -> None:
    """Consents of an anonymised subject stay (that consent was given or withdrawn, and when)
    without the evidence: its note, its file and the reason for withdrawal."""
    consents = _all(session, Consent, *where)
    _remove_evidence(session, consents)
    for consent in consents:
        consent.evidence_note = consent.withdrawal_reason = consent.evidence_file = None
    plan.count("consents_cleared", len(consents))


def _clear_feedback(session: Session, plan: _Plan, match_ids) -> None:
    feedback = _all(session, Feedback, Feedback.match_id.in_(match_ids))
    for item in feedback:
        item.attention_points = item.comment = None
    plan.count("feedback_cleared", len(feedback))


def _plan_volunteer(session: Session, volunteer: Volunteer, plan: _Plan) -> None:
    plan.key("Match", session.scalars(sa.select(Match.id).where(Match.volunteer_id == volunteer.id)))
    plan.key("VogCheck", session.scalars(sa.select(VogCheck.id)
                                         .where(VogCheck.volunteer_id == volunteer.id)))
    plan.requests.append(PrivacyRequest.volunteer_id == volunteer.id)
    plan.restricted.append(("Volunteer", [volunteer.id]))


def _erase_volunteer(session: Session, volunteer: Volunteer, plan: _Plan) -> None:
    _clear_consents(session, plan, Consent.volunteer_id == volunteer.id)
    _clear_feedback(session, plan, plan.outbox_keys.get("Match", ()))
    _delete_all(session, plan, "vog_checks", _all(session, VogCheck, VogCheck.volunteer_id == volunteer.id))
    session.flush()
    session.expire(volunteer, ["vog_checks"])
    volunteer.first_name, volunteer.last_name = "Verwijderd", "(AVG)"
    volunteer.email = volunteer.phone = volunteer.address = volunteer.notes = None
    volunteer.availability = None
    volunteer.status = VolunteerStatus.inactive
    plan.count("volunteers_anonymised", 1)
    session.flush()


def _plan_requester(session: Session, req: HelpRequest, plan: _Plan) -> None:
    plan.key("HelpRequest", [req.id])
    plan.key("Match", session.scalars(sa.select(Match.id).where(Match.help_request_id == req.id)))
    plan.requests.append(PrivacyRequest.help_request_id == req.id)
    plan.restricted.append(("HelpRequest", [req.id]))
    _plan_support(session, plan, "help_request_id", req.id)


def _erase_requester(session: Session, req: HelpRequest, plan: _Plan) -> None:
    _clear_consents(session, plan, Consent.help_request_id == req.id)
    _clear_feedback(session, plan, plan.outbox_keys.get("Match", ()))
    _delete_all(session, plan, "concerns", _all(session, Concern, Concern.help_request_id == req.id))
    _erase_household(session, plan, HouseholdAssessment.help_request_id == req.id)
    _erase_support(session, plan, "help_request_id", req.id)
    referrals = _all(session, Referral, Referral.help_request_id == req.id)
    for referral in referrals:
        referral.reason = referral.notes = None
    plan.count("referrals_cleared", len(referrals))
    req.requester_name = req.description = ERASED
    req.requester_phone = req.requester_email = req.requester_address = None
    req.professional = req.decision_reason = req.scope = None
    plan.count("help_requests_anonymised", 1)
    session.flush()


def _plan_support(session: Session, plan: _Plan, column: str, client_id: int) -> None:
    """Support plans and informal carers of a client: their reminders go with them."""
    carer_ids = session.scalars(sa.select(InformalCarer.id).where(
        getattr(InformalCarer, column) == client_id)).all()
    plan.key("InformalCarer", carer_ids)
    plan.key("CarerOverload", session.scalars(sa.select(CarerOverload.id).where(
        CarerOverload.carer_id.in_(carer_ids))).all())
    plan.key("SupportPlan", session.scalars(sa.select(SupportPlan.id).where(
        getattr(SupportPlan, column) == client_id)).all())


def _erase_support(session: Session, plan: _Plan, column: str, client_id: int) -> None:
    """Deleted explicitly, for a holder too: SQLite runs no ON DELETE CASCADE (foreign keys
    are not enforced there), and ORM deletes put every record in the access log."""
    plans = _all(session, SupportPlan, getattr(SupportPlan, column) == client_id)
    plan.count("support_plan_versions", sum(len(p.versions) for p in plans))
    _delete_all(session, plan, "support_plans", plans)  # with versions (cascade) and readers
    carers = _all(session, InformalCarer, getattr(InformalCarer, column) == client_id)
    plan.count("carer_overloads", sum(len(c.overload_signals) for c in carers))
    _delete_all(session, plan, "informal_carers", carers)  # with their signals (cascade)
    session.flush()


def _erase_household(session: Session, plan: _Plan, where) -> None:
    """Household-help assessments go entirely (their answers describe the client), also for
    an anonymised requester; explicitly, as SQLite runs no ON DELETE CASCADE."""
    _delete_all(session, plan, "household_assessments", _all(session, HouseholdAssessment, where))


# kind -> (what it touches, the change)
_ERASERS = {
    "Holder": (_plan_holder, _erase_holder),
    "ContactPerson": (_plan_contact_person, _erase_contact_person),
    "Volunteer": (_plan_volunteer, _erase_volunteer),
    "HelpRequest": (_plan_requester, _erase_requester),
}


# -- around the subject -------------------------------------------------------------------------------

def _outbox_key_filter(plan: _Plan):
    clauses = []
    for model, ids in plan.outbox_keys.items():
        for prefix in OUTBOX_KEYS[model]:
            for record_id in ids:
                key = f"{prefix}:{record_id}"
                clauses += [Notification.dedupe_key == key, Notification.dedupe_key.like(f"{key}:%")]
    return clauses


def _erase_outbox(session: Session, plan: _Plan, organisation_id: int) -> None:
    """Messages to him, about his records (by their key), or that name him: deleted, sent or not
    (a message not yet sent to someone else about him is not sent any more)."""
    doomed = set()
    clauses = _outbox_key_filter(plan)
    for start in range(0, len(clauses), 400):
        doomed.update(session.scalars(sa.select(Notification.id).where(sa.or_(*clauses[start:start + 400]))))
    rows = session.execute(sa.select(Notification.id, Notification.recipient, Notification.subject,
                                     Notification.body)
                           .where(sa.or_(Notification.organisation_id == organisation_id,
                                         Notification.organisation_id.is_(None))))
    for message_id, recipient, subject, body in rows:
        if message_id in doomed:
            continue
        if str(recipient or "").strip().casefold() in plan.person.emails \
                or plan.person.found_in(subject, body):
            doomed.add(message_id)
    if doomed:
        session.execute(sa.delete(Notification).where(Notification.id.in_(sorted(doomed)))
                        .execution_options(synchronize_session="fetch"))
    plan.count("outbox_messages", len(doomed))


def _anonymise_privacy_requests(session: Session, plan: _Plan) -> None:
    """Requests about him stay (the officer must finish and account for them) without his name
    or details; the link to the erased record goes with the record."""
    if not plan.requests:
        return
    person = plan.person
    requests = _all(session, PrivacyRequest, sa.or_(*plan.requests))
    for item in requests:
        item.requester_name = ERASED
        item.details = None
        item.extension_reason = person.scrub(item.extension_reason)
        item.refusal_reason = person.scrub(item.refusal_reason)
        item.outcome = person.scrub(item.outcome)
        if item.holder_id in plan.deleted.get("Holder", ()):
            item.holder_id = None
        if item.contact_person_id in plan.deleted.get("ContactPerson", ()):
            item.contact_person_id = None
    plan.count("privacy_requests_anonymised", len(requests))
    session.flush()


def _drop_restrictions(session: Session, plan: _Plan) -> None:
    """Erasure ends a restriction; its reason may describe him, so it goes."""
    for kind, ids in plan.restricted:
        if ids:
            _delete_all(session, plan, "restrictions", _all(
                session, ProcessingRestriction, ProcessingRestriction.subject_type == kind,
                ProcessingRestriction.subject_id.in_(ids)))
    session.flush()


# -- evidence files (outside the database) --------------------------------------------------------

def _remove_evidence(session: Session, consents) -> None:
    """Scanned evidence is removed from disk once the erasure is committed (not before: a
    rollback must leave everything as it was)."""
    files = [c.evidence_file for c in consents if c.evidence_file]
    if files:
        session.info.setdefault(_FILES, []).extend(files)


def evidence_path(name: str) -> Path | None:
    """The evidence file's path, only when it lies inside the upload folder."""
    if not has_app_context() or not name:
        return None
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) else None


@event.listens_for(Session, "after_commit")
def _delete_files(session) -> None:
    for name in session.info.pop(_FILES, []):
        path = evidence_path(name)
        if path is not None and path.is_file():
            path.unlink()


@event.listens_for(Session, "after_rollback")
def _forget_files(session) -> None:
    session.info.pop(_FILES, None)
