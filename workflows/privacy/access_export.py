"""Access and portability (AVG art. 15 and 20): everything Hulpregie holds about one person,
as one ZIP archive: ``gegevens.json`` (machine-readable, all fields decrypted),
``overzicht.pdf`` (readable, Dutch), ``README.txt`` and the consent evidence files present.

The subject is a Holder, ContactPerson, Volunteer or HelpRequest (its requester). Help
requests are linked to a person without a foreign key by the blind index of their e-mail
address and phone number. Other people's data stays out: staff appear by username and role,
a matched volunteer by first name only. ``EXPORTED`` and ``NOT_ABOUT_THE_SUBJECT`` together
name every model with encrypted (personal) columns; a test keeps that complete.
Producing the archive is audited (action ``export``, purpose ``inzageverzoek <id>``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import io
import json
import zipfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.models import Appointment, CardPrint, Evaluation, HelpCard, HelpCardVersion
from app.carers.models import CarerOverload, InformalCarer
from app.concerns.models import Concern
from app.consents.models import Consent
from app.contacts.models import ContactPerson
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral
from app.holders.models import Holder
from app.household.models import HouseholdAssessment
from app.organisations.models import Organisation
from app.privacy.models import PrivacyRequest, ProcessingRestriction
from app.portal.models import CardComment, PortalLink
from app.supportplans.models import SupportPlan, SupportPlanVersion
from app.vog.models import VogCheck
from app.volunteers.models import Volunteer
from security.audit import AuditEvent, holder_of, record, reset_actor, set_actor
from security.crypto import blind_index_for
from workflows.consents import evidence_path, read_evidence

# section key -> (Dutch heading, model); the order of the JSON and the PDF.
SECTIONS = {
    "persoon": ("Persoonsgegevens", None),
    "hulpkaarten": ("Hulpkaarten", HelpCard),
    "kaartversies": ("Kaartversies (inhoud van de kaart)", HelpCardVersion),
    "contactpersonen": ("Contactpersonen", ContactPerson),
    "toestemmingen": ("Toestemmingen en bewijs", Consent),
    "afspraken": ("Afspraken", Appointment),
    "evaluaties": ("Evaluaties", Evaluation),
    "kaartafdrukken": ("Afdrukken van de kaart", CardPrint),
    "signalen": ("Signalen", Concern),
    "portaallinks": ("Persoonlijke links en codes voor het portaal", PortalLink),
    "kaartopmerkingen": ("Opmerkingen bij de kaart (meekijken)", CardComment),
    "ondersteuningsplannen": ("Ondersteuningsplannen", SupportPlan),
    "planversies": ("Ondersteuningsplannen: de gesprekken (versies)", SupportPlanVersion),
    "mantelzorgers": ("Mantelzorgers en de afspraken met hen", InformalCarer),
    "overbelasting": ("Signalen van overbelasting van mantelzorgers", CarerOverload),
    "huishouden": ("Beoordelingen hulp bij het huishouden (advies)", HouseholdAssessment),
    "hulpvragen": ("Hulpvragen", HelpRequest),
    "koppelingen": ("Koppelingen met een vrijwilliger", Match),
    "doorverwijzingen": ("Doorverwijzingen", Referral),
    "feedback": ("Feedback", Feedback),
    "vog": ("Verklaringen omtrent het gedrag", VogCheck),
    "privacyverzoeken": ("Privacyverzoeken", PrivacyRequest),
    "beperkingen": ("Beperkingen van de verwerking", ProcessingRestriction),
    "toegangslog": ("Wie heeft uw gegevens bekeken of gewijzigd", AuditEvent),
}
SUBJECT_MODELS = (Holder, ContactPerson, Volunteer, HelpRequest)
# Every model with personal (encrypted) columns is exported, or listed below with why not.
EXPORTED = {m.__name__ for _, m in SECTIONS.values() if m is not None} | {
    m.__name__ for m in SUBJECT_MODELS}
NOT_ABOUT_THE_SUBJECT = {
    "StaffProfile": "gegevens van medewerkers (tweestapsverificatie), niet van betrokkenen",
    "PerformanceReview": "functioneringsgesprekken van coaches (medewerkers)",
    "IntervisionSession": "intervisie van coaches; gaat over het werk, niet over één betrokkene",
    "Notification": "verzonden berichten; ze worden gemaakt uit de gegevens die wel zijn "
                    "opgenomen en bevatten niets anders over de betrokkene",
}
# Columns that are no data about the person: search hashes and bookkeeping.
_SKIP = {"organisation_id", "hash", "prev_hash", "ip", "request_id", "user_id"}
AUDIT_COLUMNS = ("at", "action", "resource", "record_id", "username", "roles", "channel",
                 "purpose", "organisation")


def _value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def row(obj, exclude=()) -> dict:
    """Every column of a record, decrypted, without the blind indexes."""
    return {c.key: _value(getattr(obj, c.key)) for c in type(obj).__table__.columns
            if c.key not in _SKIP and c.key not in exclude and not c.key.endswith("_index")}


def _all(session: Session, query) -> list:
    return list(session.scalars(query).unique())


def _help_requests(session: Session, subject) -> list[HelpRequest]:
    """The help requests of this person: by FK, and by e-mail or phone (blind index)."""
    clauses = []
    if isinstance(subject, HelpRequest):
        clauses.append(HelpRequest.id == subject.id)
        email, phone = subject.requester_email, subject.requester_phone
    else:
        email, phone = getattr(subject, "email", None), getattr(subject, "phone", None)
    if email:
        clauses.append(HelpRequest.requester_email_index == blind_index_for("requester_email", email))
    if phone:
        clauses.append(HelpRequest.requester_phone_index == blind_index_for("requester_phone", phone))
    if not clauses:
        return []
    return _all(session, sa.select(HelpRequest).where(
        HelpRequest.organisation_id == subject.organisation_id, sa.or_(*clauses))
        .order_by(HelpRequest.id))


def collect(session: Session, subject) -> dict:
    """The person's records, section by section, as plain values."""
    if not isinstance(subject, SUBJECT_MODELS):
        raise ValueError(f"Geen betrokkene: {type(subject).__name__}")
    data: dict[str, list] = {key: [] for key in SECTIONS}
    data["persoon"] = [{"soort": type(subject).__name__, **row(subject)}]
    kind, sid = type(subject).__name__, subject.id
    consent_of = {"Holder": Consent.holder_id, "ContactPerson": Consent.contact_person_id,
                  "Volunteer": Consent.volunteer_id, "HelpRequest": Consent.help_request_id}
    request_of = {"Holder": PrivacyRequest.holder_id, "ContactPerson": PrivacyRequest.contact_person_id,
                  "Volunteer": PrivacyRequest.volunteer_id, "HelpRequest": PrivacyRequest.help_request_id}
    consent_filter = [consent_of[kind] == sid]
    privacy_filter = [request_of[kind] == sid]
    audited = [sa.and_(AuditEvent.resource == kind, AuditEvent.record_id == str(sid))]
    if isinstance(subject, Holder):
        cards = _all(session, sa.select(HelpCard).where(HelpCard.holder_id == sid).order_by(HelpCard.id))
        card_ids = [c.id for c in cards]
        data["hulpkaarten"] = [row(c) for c in cards]
        data["kaartversies"] = [row(v) for v in _all(session, sa.select(HelpCardVersion).where(
            HelpCardVersion.card_id.in_(card_ids)).order_by(HelpCardVersion.card_id, HelpCardVersion.version_no))]
        data["contactpersonen"] = [row(p) for p in _all(session, sa.select(ContactPerson).where(
            ContactPerson.holder_id == sid).order_by(ContactPerson.priority, ContactPerson.id))]
        data["afspraken"] = [row(a) for a in _all(session, sa.select(Appointment).where(
            Appointment.holder_id == sid).order_by(Appointment.starts_at))]
        data["evaluaties"] = [row(e) for e in _all(session, sa.select(Evaluation).where(
            Evaluation.card_id.in_(card_ids)).order_by(Evaluation.due_on))]
        data["kaartafdrukken"] = [row(p) for p in _all(session, sa.select(CardPrint).where(
            CardPrint.card_id.in_(card_ids)).order_by(CardPrint.id))]
        data["signalen"] = [row(c) for c in _all(session, sa.select(Concern).where(
            Concern.holder_id == sid).order_by(Concern.id))]
        data["portaallinks"] = [row(p, exclude=("nonce",)) for p in _all(session, sa.select(
            PortalLink).where(PortalLink.holder_id == sid).order_by(PortalLink.id))]
        data["kaartopmerkingen"] = [row(c) for c in _all(session, sa.select(CardComment).where(
            CardComment.card_id.in_(card_ids)).order_by(CardComment.id))]
        data["huishouden"] = [row(a) for a in _all(session, sa.select(HouseholdAssessment).where(
            HouseholdAssessment.holder_id == sid).order_by(HouseholdAssessment.id))]
        _support(session, data, SupportPlan.holder_id == sid, InformalCarer.holder_id == sid)
        audited = [AuditEvent.holder_id == sid]
    elif isinstance(subject, ContactPerson):
        data["contactpersonen"] = [row(subject)]
    elif isinstance(subject, Volunteer):
        data["vog"] = [row(v) for v in _all(session, sa.select(VogCheck).where(
            VogCheck.volunteer_id == sid).order_by(VogCheck.requested_on))]
        matches = _all(session, sa.select(Match).where(Match.volunteer_id == sid).order_by(Match.id))
        data["koppelingen"] = [row(m) for m in matches]
        data["feedback"] = [row(f) for f in _all(session, sa.select(Feedback).where(
            Feedback.match_id.in_([m.id for m in matches])).order_by(Feedback.id))]
    requests = _help_requests(session, subject)
    if requests:
        ids = [r.id for r in requests]
        data["hulpvragen"] = [row(r) for r in requests]
        matches = _all(session, sa.select(Match).where(Match.help_request_id.in_(ids)).order_by(Match.id))
        data["koppelingen"] += [{**row(m), "vrijwilliger": m.volunteer.first_name} for m in matches
                                if not isinstance(subject, Volunteer)]
        data["doorverwijzingen"] = [row(r) for r in _all(session, sa.select(Referral).where(
            Referral.help_request_id.in_(ids)).order_by(Referral.id))]
        if not isinstance(subject, Volunteer):
            data["feedback"] = [row(f) for f in _all(session, sa.select(Feedback).where(
                Feedback.match_id.in_([m.id for m in matches])).order_by(Feedback.id))]
        data["signalen"] += [row(c) for c in _all(session, sa.select(Concern).where(
            Concern.help_request_id.in_(ids)).order_by(Concern.id))]
        data["huishouden"] += [row(a) for a in _all(session, sa.select(HouseholdAssessment).where(
            HouseholdAssessment.help_request_id.in_(ids)).order_by(HouseholdAssessment.id))]
        _support(session, data, SupportPlan.help_request_id.in_(ids),
                 InformalCarer.help_request_id.in_(ids))
        consent_filter.append(Consent.help_request_id.in_(ids))
        privacy_filter.append(PrivacyRequest.help_request_id.in_(ids))
        audited += [sa.and_(AuditEvent.resource == "HelpRequest", AuditEvent.record_id.in_(
            [str(i) for i in ids]))]
    data["toestemmingen"] = [_consent(c) for c in _all(session, sa.select(Consent).where(
        sa.or_(*consent_filter)).order_by(Consent.given_at))]
    data["privacyverzoeken"] = [row(r) for r in _all(session, sa.select(PrivacyRequest).where(
        sa.or_(*privacy_filter)).order_by(PrivacyRequest.id))]
    data["beperkingen"] = [row(r) for r in _all(session, sa.select(ProcessingRestriction).where(
        ProcessingRestriction.subject_type == kind, ProcessingRestriction.subject_id == sid)
        .order_by(ProcessingRestriction.id))]
    data["toegangslog"] = _access_log(session, sa.or_(*audited))
    return data


def _support(session: Session, data: dict, plans_of, carers_of) -> None:
    """The client's support plans (with their readers, by username) and informal carers."""
    plans = _all(session, sa.select(SupportPlan).where(plans_of).order_by(SupportPlan.id))
    data["ondersteuningsplannen"] += [
        {**row(p), "readers": ", ".join(sorted(u.username for u in p.readers))} for p in plans]
    data["planversies"] += [row(v) for v in _all(session, sa.select(SupportPlanVersion).where(
        SupportPlanVersion.plan_id.in_([p.id for p in plans])).order_by(
        SupportPlanVersion.plan_id, SupportPlanVersion.version_no))]
    carers = _all(session, sa.select(InformalCarer).where(carers_of).order_by(InformalCarer.id))
    data["mantelzorgers"] += [row(c) for c in carers]
    data["overbelasting"] += [row(o) for o in _all(session, sa.select(CarerOverload).where(
        CarerOverload.carer_id.in_([c.id for c in carers])).order_by(CarerOverload.id))]


def _consent(consent: Consent) -> dict:
    item = row(consent)
    item["bewijsstuk_in_archief"] = _evidence_name(consent) if _evidence_path(consent) else None
    return item


def _evidence_path(consent: Consent) -> Path | None:
    """The stored scan (encrypted at rest, see workflows/consents.py), when there is one."""
    try:
        path = evidence_path(consent.evidence_file or "")
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def _evidence_name(consent: Consent) -> str:
    _, _, ext = read_evidence(consent)
    return f"bewijs/toestemming-{consent.id}.{ext}"


def _access_log(session: Session, where) -> list[dict]:
    names = dict(session.execute(sa.select(Organisation.id, Organisation.name)).all())
    events = session.scalars(sa.select(AuditEvent).where(where).order_by(AuditEvent.id)).all()
    return [{**{c: _value(getattr(e, c)) for c in AUDIT_COLUMNS if c != "organisation"},
             "organisation": names.get(e.organisation_id)} for e in events]


# -- the archive ----------------------------------------------------------------------------------

README = """Inzage in uw gegevens bij {organisation}
=====================================================

Dit archief bevat alle gegevens die {organisation} in Hulpregie over u bewaart,
gemaakt op {made} ({purpose}).

- overzicht.pdf   alles in leesbare vorm
- gegevens.json   dezelfde gegevens, machineleesbaar (JSON, UTF-8), om mee te nemen
                  naar een andere organisatie (recht op overdraagbaarheid, AVG art. 20)
- bewijs/         kopieën van de bewijsstukken van uw toestemmingen (als die er zijn)

Het toegangslog laat zien welke medewerker (gebruikersnaam en rol) uw gegevens heeft
bekeken of gewijzigd, en wanneer. Gegevens van andere mensen staan er niet in.

Klopt er iets niet? U kunt vragen het te corrigeren of te verwijderen.
"""


def _pdf(subject, data: dict, made: str, organisation: str) -> bytes:
    from app.cards.printing import _env, html_to_pdf

    sections = [(heading, log_summary(data[key]) if key == "toegangslog" else data[key])
                for key, (heading, _) in SECTIONS.items()]
    html = _env.get_template("access.html").render(
        sections=sections, made=made, organisation=organisation, name=_name(subject),
        labels=labels())
    return html_to_pdf(html)


def log_summary(events: list[dict]) -> list[dict]:
    """The access log for reading: one line per day, person, role, action and kind of
    record, with how often (the JSON keeps every event)."""
    counts: dict[tuple, int] = {}
    for e in events:
        key = (e["at"][:10], e["username"], e["roles"] or "", e["organisation"] or "",
               e["action"], e["resource"])
        counts[key] = counts.get(key, 0) + 1
    return [{"day": k[0], "username": k[1], "roles": k[2], "organisation": k[3], "action": k[4],
             "resource": k[5], "count": n} for k, n in sorted(counts.items())]


def labels() -> dict:
    """Dutch field names, from the screens' labels (app/<domain>/schemas.py)."""
    from importlib import import_module

    from app import DOMAINS

    labels = {"id": "Nummer", "created_at": "Aangemaakt op", "updated_at": "Gewijzigd op",
              "soort": "Soort", "vrijwilliger": "Vrijwilliger"}
    for domain in DOMAINS:
        try:
            module = import_module(f"app.{domain}.schemas")
        except ModuleNotFoundError:
            continue
        for name in dir(module):
            if name.endswith("LABELS") and isinstance(getattr(module, name), dict):
                for key, value in getattr(module, name).items():
                    labels.setdefault(key, str(value))
    return labels


def _name(subject) -> str:
    if isinstance(subject, HelpRequest):
        return subject.requester_name
    if isinstance(subject, ContactPerson):
        return subject.name
    return f"{subject.first_name} {subject.last_name}"


def build_archive(session: Session, subject, *, by, request: PrivacyRequest | None = None) -> bytes:
    """The ZIP for one person; the export is written to the access log (caller commits)."""
    data = collect(session, subject)
    made = dt.datetime.now().strftime("%d-%m-%Y %H:%M")
    organisation = session.get(Organisation, subject.organisation_id).name
    purpose = f"inzageverzoek {request.id}" if request is not None else "inzage"
    document = {"gemaakt_op": made, "organisatie": organisation, "doel": purpose,
                "onderdelen": {key: heading for key, (heading, _) in SECTIONS.items()}, **data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(organisation=organisation, made=made,
                                                     purpose=purpose))
        archive.writestr("gegevens.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("overzicht.pdf", _pdf(subject, data, made, organisation))
        for consent in session.scalars(sa.select(Consent).where(Consent.id.in_(
                [c["id"] for c in data["toestemmingen"] if c["bewijsstuk_in_archief"]]))):
            archive.writestr(_evidence_name(consent), read_evidence(consent)[0])  # decrypted
    token = set_actor(by)
    try:
        record(session, "export", type(subject).__name__, subject.id, holder_id=holder_of(subject),
               purpose=purpose)
    finally:
        reset_actor(token)
    return buffer.getvalue()
