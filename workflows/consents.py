"""Consents (toestemmingen): given with evidence, never changed, withdrawn with effects.

``give`` records a consent for one subject and purpose, with its evidence (a note of an oral
statement, a note or a scan of a written one) and the privacy notice it was given under.
A given consent is immutable (app/consents/checks.py guards every write path); ``correct``
is a withdrawal plus a new consent. ``withdraw`` records who, when, how and why, and runs the
effect of its purpose in the same transaction, each audited:

- control_room: a privacy task (Concern) for the privacy officer; the control room export
  derives the delete record from the consent itself;
- on_card: the contact person leaves the card; an approved or issued card goes back to
  drafting (a new version) and the coach is told by mail, with what the quality gate misses;
- registration: an erasure request is opened for the privacy officer;
- research: the holder leaves ``research_cohort`` (and so the research export);
- partner_sharing, email_contact: no further effect (the readers check the consent).

Scans are stored encrypted (AES-256-GCM, the field key ring) under
``UPLOAD_FOLDER/consents/``. Callers commit (or roll back).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import hmac
import io
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.cards.models import HelpCard
from app.concerns.models import ConcernKind
from app.consents.models import Consent, ConsentForm, ConsentPurpose, PrivacyNotice
from app.contacts.models import ContactPerson
from app.core.models import utcnow
from app.core.validation import FieldError
from app.helpdesk.models import HelpRequest
from app.holders.models import Holder
from app.privacy.models import (
    PrivacyChannel,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from app.volunteers.models import Volunteer
from security.audit import Actor, holder_of, record, reset_actor, set_actor
from security.crypto import decrypt_bytes, encrypt_bytes, key_ring
from workflows import cards, concerns
from infra.dates import add_months
from app.core.errors import TransitionError
from infra.notify import enqueue, public_url

P = ConsentPurpose
SUBJECTS = {"holder": Holder, "contact_person": ContactPerson, "help_request": HelpRequest,
            "volunteer": Volunteer}
SUBJECT_LABELS = {"holder": "hulpkaarthouder", "contact_person": "contactpersoon",
                  "help_request": "hulpvraag", "volunteer": "vrijwilliger"}
# Which subject kinds a purpose fits.
PURPOSE_SUBJECTS = {
    P.registration: ("holder",), P.on_card: ("contact_person",), P.control_room: ("holder",),
    P.research: ("holder",), P.partner_sharing: ("help_request",),
    P.email_contact: ("holder", "volunteer"),
}
# How a consent can be withdrawn (stored as the code) and the request channel it maps to.
METHODS = {"oral": "Mondeling", "written": "Schriftelijk", "email": "Per e-mail",
           "portal": "Via het portaal"}
CHANNELS = {"written": PrivacyChannel.letter, "email": PrivacyChannel.email,
            "portal": PrivacyChannel.portal}
IMMUTABLE = ("Een gegeven toestemming kan niet worden gewijzigd; trek hem in en leg een nieuwe "
             "vast")
CONTROL_ROOM_TASK = ("Toestemming meldkamer ingetrokken: de volgende export bevat een "
                     "verwijdering; controleer of de meldkamer dit heeft verwerkt")
ERASURE_DETAILS = "Registratietoestemming ingetrokken"
TASK_DAYS = 7
# Evidence scans: what is accepted, recognised by the file's first bytes.
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
                  (b"\x89PNG\r\n\x1a\n", "image/png", "png"))
EVIDENCE_DIR = "consents"


@contextlib.contextmanager
def _acting(by: Actor):
    token = set_actor(by)
    try:
        yield
    finally:
        reset_actor(token)


def _audit(session: Session, action: str, resource: str, record_id, holder_id, by: Actor) -> None:
    with _acting(by):
        record(session, action, resource, record_id, holder_id=holder_id)


def _today() -> dt.date:
    return utcnow().date()


# -- reading ------------------------------------------------------------------------------

def subject_of(consent: Consent):
    for name in SUBJECTS:
        if getattr(consent, name) is not None:
            return getattr(consent, name)
    return None


def subject_kind(subject) -> str:
    for name, model in SUBJECTS.items():
        if isinstance(subject, model):
            return name
    raise FieldError("holder", "Kies de betrokkene: een hulpkaarthouder, contactpersoon, "
                               "hulpvraag of vrijwilliger")


def active_consent(session: Session, subject, purpose: ConsentPurpose) -> Consent | None:
    column = getattr(Consent, f"{subject_kind(subject)}_id")
    return (session.query(Consent)
            .filter(column == subject.id, Consent.purpose == purpose,
                    Consent.withdrawn_at.is_(None))
            .order_by(Consent.given_at.desc()).first())


def newest_notice(session: Session, organisation_id: int,
                  on: dt.date | None = None) -> PrivacyNotice | None:
    """The organisation's privacy notice in force on ``on`` (today): the newest effective one."""
    return (session.query(PrivacyNotice)
            .filter(PrivacyNotice.organisation_id == organisation_id,
                    PrivacyNotice.effective_from <= (on or _today()))
            .order_by(PrivacyNotice.effective_from.desc(), PrivacyNotice.id.desc()).first())


def method_label(code: str | None) -> str:
    return METHODS.get(code or "", code or "")


# -- evidence scans -------------------------------------------------------------------------

def evidence_type(data: bytes) -> tuple[str, str] | None:
    """(mime type, extension) of a PDF, JPEG or PNG, from its first bytes; None otherwise."""
    for magic, mime, ext in EVIDENCE_TYPES:
        if data.startswith(magic):
            return mime, ext
    return None


def _evidence_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def evidence_path(name: str) -> Path:
    """Where a stored scan lies; only inside the upload folder's consents/ directory."""
    folder = (_evidence_root() / EVIDENCE_DIR).resolve()
    path = (_evidence_root() / name).resolve()
    if not name or path.parent != folder:
        raise FileNotFoundError(name)
    return path


def store_evidence(data: bytes) -> str:
    """Check and store a scan encrypted; returns its name relative to UPLOAD_FOLDER."""
    if not data:
        raise FieldError("evidence_file", "Het bewijsstuk is leeg")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise FieldError("evidence_file", f"Het bewijsstuk is groter dan "
                                          f"{MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
    if evidence_type(data) is None:
        raise FieldError("evidence_file", "Het bewijsstuk moet een PDF, JPEG of PNG zijn")
    folder = _evidence_root() / EVIDENCE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{EVIDENCE_DIR}/{secrets.token_hex(16)}"
    (_evidence_root() / name).write_bytes(encrypt_bytes(data))
    return name


def read_evidence(consent: Consent) -> tuple[bytes, str, str]:
    """(plain bytes, mime type, extension) of a consent's scan; FileNotFoundError if none."""
    data = decrypt_bytes(evidence_path(consent.evidence_file or "").read_bytes())
    mime, ext = evidence_type(data) or ("application/octet-stream", "bin")
    return data, mime, ext


def _upload_bytes(upload) -> bytes | None:
    if upload is None:
        return None
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload)
    stream = getattr(upload, "stream", upload)
    data = stream.read(MAX_EVIDENCE_BYTES + 1)
    return data or None


# -- giving ---------------------------------------------------------------------------------

def _choice(enum_cls, value, field: str, message: str):
    if isinstance(value, str):
        value = enum_cls.__members__.get(value)
    if not isinstance(value, enum_cls):
        raise FieldError(field, message)
    return value


def _given_at(value) -> dt.datetime:
    now = utcnow()
    if value is None:
        return now
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise FieldError("given_at", "Vul in wanneer de toestemming is gegeven")
        value = now if value == now.date() else dt.datetime.combine(value, dt.time(12))
    if value > now + dt.timedelta(minutes=5):
        raise FieldError("given_at", "Het tijdstip van de toestemming ligt in de toekomst")
    return value


def give(session: Session, *, by: Actor, subject, purpose: ConsentPurpose | str,
         form: ConsentForm | str, given_at: dt.datetime | dt.date | None = None,
         evidence_note: str | None = None, evidence_file=None,
         notice: PrivacyNotice | None = None) -> Consent:
    """Record a consent. ``evidence_file``: an uploaded scan (bytes or a file object)."""
    kind = subject_kind(subject)
    purpose = _choice(ConsentPurpose, purpose, "purpose", "Kies het doel van de toestemming")
    form = _choice(ConsentForm, form, "form", "Kies de vorm: schriftelijk of mondeling")
    if kind not in PURPOSE_SUBJECTS[purpose]:
        fits = " of ".join(SUBJECT_LABELS[k] for k in PURPOSE_SUBJECTS[purpose])
        raise FieldError("purpose", f"Toestemming '{purpose}' wordt gegeven door een {fits}, "
                                    f"niet door een {SUBJECT_LABELS[kind]}")
    given_at = _given_at(given_at)
    note = (evidence_note or "").strip() or None
    scan = _upload_bytes(evidence_file)
    if form is ConsentForm.oral and not note:
        raise FieldError("evidence_note", "Leg bij een mondelinge toestemming in 'Toelichting "
                                          "bewijs' vast wie de toestemming hoorde, wanneer en hoe")
    if form is ConsentForm.written and not note and not scan:
        raise FieldError("evidence_file", "Voeg bij een schriftelijke toestemming de scan van het "
                                          "formulier toe, of beschrijf in 'Toelichting bewijs' "
                                          "waar het getekende formulier ligt")
    earlier = active_consent(session, subject, purpose)
    if earlier is not None:
        raise FieldError("purpose", f"Er is al een actieve toestemming '{purpose}' voor deze "
                                    f"{SUBJECT_LABELS[kind]} (gegeven op "
                                    f"{earlier.given_at:%d-%m-%Y}); trek die eerst in")
    notice = notice or newest_notice(session, subject.organisation_id, given_at.date())
    if notice is not None and notice.organisation_id != subject.organisation_id:
        raise FieldError("notice", "Deze privacyverklaring hoort bij een andere organisatie")
    name = store_evidence(scan) if scan else None
    consent = Consent(purpose=purpose, form=form, given_at=given_at, recorded_by_id=by.user_id,
                      evidence_note=note, evidence_file=name, notice=notice,
                      organisation_id=subject.organisation_id, **{kind: subject})
    session.add(consent)
    try:
        session.flush()
    except Exception:
        if name:
            evidence_path(name).unlink(missing_ok=True)
        raise
    _audit(session, "consent.give", "Consent", consent.id, holder_of(consent), by)
    return consent


def correct(session: Session, consent: Consent, *, by: Actor, reason: str,
            method: str = "written", **new) -> Consent:
    """A correction: withdraw ``consent`` and give a new one (same subject and purpose unless
    given) in one transaction. ``new`` takes give()'s keywords."""
    withdraw(session, consent, by=by, method=method, reason=reason, effects=False)
    new.setdefault("purpose", consent.purpose)
    new.setdefault("form", consent.form)
    return give(session, by=by, subject=new.pop("subject", None) or subject_of(consent), **new)


# -- withdrawing ------------------------------------------------------------------------------

def _withdrawn_at(consent: Consent, on) -> dt.datetime:
    now = utcnow()
    if on is None or on == now.date():
        when = now
    elif isinstance(on, dt.date):
        if isinstance(on, dt.datetime):
            on = on.date()
        if on > now.date():
            raise FieldError("withdrawn_at", "De datum van intrekking ligt in de toekomst")
        when = dt.datetime.combine(on, dt.time(12))
    else:
        raise FieldError("withdrawn_at", "Vul de datum van intrekking in")
    if when.date() < consent.given_at.date():
        raise FieldError("withdrawn_at", "De datum van intrekking ligt voor de datum waarop de "
                                         "toestemming is gegeven")
    return max(when, consent.given_at)


def withdraw(session: Session, consent: Consent, *, by: Actor, method: str, reason: str,
             on: dt.date | None = None, effects: bool = True) -> Consent:
    """Withdraw a consent (who, when, how, why) and run its purpose's effect."""
    if consent.withdrawn_at is not None:
        raise TransitionError(f"Deze toestemming is al ingetrokken op "
                              f"{consent.withdrawn_at:%d-%m-%Y}.")
    if method not in METHODS:
        raise FieldError("withdrawal_method", "Kies hoe de toestemming is ingetrokken: "
                                              "mondeling, schriftelijk, per e-mail of via het portaal")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("withdrawal_reason", "Vul de reden van intrekking in")
    consent.withdrawn_at = _withdrawn_at(consent, on)
    consent.withdrawn_by_id = by.user_id
    consent.withdrawal_method, consent.withdrawal_reason = method, reason
    session.flush()
    _audit(session, "consent.withdraw", "Consent", consent.id, holder_of(consent), by)
    if effects:
        EFFECTS.get(consent.purpose, _no_effect)(session, consent, by)
    return consent


def _no_effect(session: Session, consent: Consent, by: Actor) -> None:
    """partner_sharing and email_contact: whoever shares or mails checks the consent first."""


def _control_room(session: Session, consent: Consent, by: Actor) -> None:
    with _acting(by):
        concerns.raise_concern(session, by=by, kind=ConcernKind.privacy_task,
                               description=CONTROL_ROOM_TASK, holder=consent.holder,
                               follow_up_on=_today() + dt.timedelta(days=TASK_DAYS))


def _registration(session: Session, consent: Consent, by: Actor) -> None:
    holder = consent.holder
    received = consent.withdrawn_at.date()
    request = PrivacyRequest(
        organisation_id=holder.organisation_id, kind=PrivacyRequestKind.erasure,
        status=PrivacyRequestStatus.received, holder_id=holder.id,
        requester_name=holder.full_name, details=ERASURE_DETAILS, received_on=received,
        due_on=add_months(received, 1), channel=CHANNELS.get(consent.withdrawal_method))
    session.add(request)
    session.flush()
    _audit(session, "privacy.received", "PrivacyRequest", request.id, holder.id, by)


def _research(session: Session, consent: Consent, by: Actor) -> None:
    _audit(session, "research.left", "Holder", consent.holder_id, consent.holder_id, by)


def _on_card(session: Session, consent: Consent, by: Actor) -> None:
    person = consent.contact_person
    person.on_card = False
    session.flush()
    _audit(session, "contact.off_card", "ContactPerson", person.id, person.holder_id, by)
    card = (session.query(HelpCard)
            .filter(HelpCard.holder_id == person.holder_id, HelpCard.status.in_(cards.OPEN))
            .order_by(HelpCard.id.desc()).first())
    if card is None:
        return
    redrafted = card.status in cards.TRANSITIONS["new_draft"][0]
    if redrafted:
        cards.new_draft(session, card, by=by)
    _tell_coach(session, consent, card, redrafted)


def _tell_coach(session: Session, consent: Consent, card: HelpCard, redrafted: bool) -> None:
    coach = card.coach or card.holder.coach
    if coach is None:
        return
    address = coach.email or (coach.user.email if coach.user is not None else None)
    organisation = card.organisation
    enqueue(session, template="consent_withdrawn_coach", recipient=address,
            dedupe_key=f"consent-withdrawn-coach:{consent.id}",
            organisation_id=card.organisation_id,
            context={"holder_reference": card.holder.reference, "card_id": card.id,
                     "contact_name": str(consent.contact_person.name),
                     "withdrawn_on": f"{consent.withdrawn_at:%d-%m-%Y}",
                     "method": method_label(consent.withdrawal_method),
                     "redrafted": redrafted, "status": str(card.status),
                     "problems": cards.quality_problems(card),
                     "url": public_url(f"/helpcardview/show/{card.id}"),
                     "organisation_name": organisation.name if organisation else None})


EFFECTS = {P.control_room: _control_room, P.on_card: _on_card, P.registration: _registration,
           P.research: _research}


# -- research -----------------------------------------------------------------------------------

def research_cohort(session: Session, organisation_id: int) -> list[Holder]:
    """Holders of the organisation with an active consent to take part in research."""
    active = sa.select(Consent.holder_id).where(
        Consent.purpose == P.research, Consent.withdrawn_at.is_(None),
        Consent.holder_id.is_not(None))
    return (session.query(Holder)
            .filter(Holder.organisation_id == organisation_id, Holder.id.in_(active))
            .order_by(Holder.id).all())


def research_reference(holder: Holder) -> str:
    """A pseudonym that stays the same per holder and cannot be traced back without the key."""
    return hmac.new(key_ring().index_key, f"research-holder:{holder.id}".encode(),
                    hashlib.sha256).hexdigest()[:20]


RESEARCH_COLUMNS = ("referentie", "geboortejaar", "kaartstatus", "jaar_uitgereikt")


def research_rows(session: Session, organisation_id: int) -> list[dict]:
    """One row per holder in the research cohort, without names or other direct identifiers."""
    rows = []
    for holder in research_cohort(session, organisation_id):
        card = max(holder.cards, key=lambda c: c.id, default=None)
        birth = holder.birth_date if isinstance(holder.birth_date, dt.date) else None
        rows.append({
            "referentie": research_reference(holder),
            "geboortejaar": birth.year if birth else "",
            "kaartstatus": card.status.name if card else "",
            "jaar_uitgereikt": card.issued_on.year if card and card.issued_on else "",
        })
    return rows


def research_csv(session: Session, organisation_id: int, *, by: Actor) -> tuple[str, int]:
    """(CSV text, number of rows); every exported holder gets an export event in the log."""
    rows = research_rows(session, organisation_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESEARCH_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    with _acting(by):
        for holder in research_cohort(session, organisation_id):
            record(session, "export", "Holder", holder.id, holder_id=holder.id,
                   purpose="onderzoeksexport (gepseudonimiseerd)")
    return out.getvalue(), len(rows)
