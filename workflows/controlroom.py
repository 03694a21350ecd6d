"""Export to the police control room (meldkamer): only holders with explicit consent.

A holder is *eligible* while he has an active ``control_room`` consent, an issued and current
card (issued, evaluation due or evaluated) and no processing restriction. Per card he chooses
the sections that leave (``HelpCard.control_room_sections``); nothing else does.

An export (:func:`run_export`) writes the document ``hulpregie-meldkamer/1`` (schema in
schemas/, documented in docs/meldkamer.md) through :class:`security.envelope.SealedWriter`:
records are built a batch of holders at a time, kept encrypted in a spool until the counts
for the header are known, then sealed for the control room and signed. ``ControlRoomState``
remembers per pseudonymous reference what the control room holds: a delta export sends the
holders whose record changed and exactly one ``delete`` for each holder that left; ``full``
sends every eligible holder. State, export row and access log change in the caller's
transaction; a consent withdrawn while the export ran is detected before anything is recorded.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from array import array
from dataclasses import dataclass, field

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy.orm import Session

from app.cards.models import SECTION_LIMITS, CardStatus, HelpCard, HelpCardVersion
from app.consents.models import Consent, ConsentPurpose
from app.contacts.models import ContactPerson
from app.controlroom.models import ControlRoomExport, ControlRoomState
from app.core.models import utcnow
from app.holders.models import Holder
from app.organisations.models import Organisation
from app.privacy.models import ProcessingRestriction
from security import envelope
from security.audit import Actor, record, reset_actor, set_actor
from security.crypto import DecryptionError, key_ring
from app.core.errors import TransitionError

FORMAT = "hulpregie-meldkamer/1"
CURRENT = (CardStatus.issued, CardStatus.evaluation_due, CardStatus.evaluated)
TEXT_SECTIONS = tuple(SECTION_LIMITS)
# Every section a holder can choose, in the order of the card, with its Dutch label.
SECTIONS = {
    "loss_of_control_signs": "Signalen dat ik de controle verlies",
    "how_to_help": "Zo kunt u mij helpen",
    "what_not_to_do": "Wat u beter niet kunt doen",
    "contacts": "Contactpersonen (naam, relatie, telefoon)",
    "what_i_do_myself": "Wat ik zelf doe",
    "medication_preferences": "Medicatie: voorkeuren",
    "medication_refused": "Medicatie die ik niet wil",
    "other_info": "Overige informatie",
    "address": "Adres (straat, postcode, plaats)",
}
DEFAULT_SECTIONS = ("loss_of_control_signs", "how_to_help", "what_not_to_do", "contacts")
BATCH = 1000
PURPOSE_MAX = 200


class ExportError(TransitionError):
    """The export cannot be made; nothing was recorded. The message says why, in Dutch."""


# -- choices ---------------------------------------------------------------------------------------

def parse_sections(text: str | None) -> tuple[str, ...]:
    """The chosen section codes of a card (the default when nothing was chosen)."""
    if text is None:
        return DEFAULT_SECTIONS
    chosen = {c.strip() for c in text.split(",") if c.strip()}
    return tuple(c for c in SECTIONS if c in chosen)


def set_sections(session: Session, card: HelpCard, codes, *, by: Actor) -> None:
    """Record the holder's choice of what the control room gets (at least one section)."""
    codes = [c for c in codes]
    unknown = [c for c in codes if c not in SECTIONS]
    if unknown:
        raise ExportError(f"Onbekend onderdeel voor de meldkamer: {', '.join(unknown)}")
    if not codes:
        raise ExportError("Kies ten minste één onderdeel dat de meldkamer mag zien")
    card.control_room_sections = ",".join(c for c in SECTIONS if c in codes)
    session.flush()
    token = set_actor(by)
    try:
        record(session, "cr.sections", "HelpCard", card.id, holder_id=card.holder_id,
               fields=["control_room_sections"])
    finally:
        reset_actor(token)


def reference_for(organisation_id: int, holder_id: int) -> str:
    """The stable pseudonymous reference of a holder: never a database id."""
    message = f"meldkamer:{organisation_id}:{holder_id}".encode()
    return hmac.new(key_ring().index_key, message, hashlib.sha256).hexdigest()


# -- keys ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportKeys:
    recipient: object  # RSA public key of the control room
    signer: object  # Ed25519 private key of the organisation


def configured_keys(config=None) -> ExportKeys:
    """Both keys from the PEM files named in the configuration; one Dutch line when not."""
    config = config if config is not None else current_app.config
    try:
        return ExportKeys(
            envelope.load_recipient_key(
                config.get("HULPREGIE_MELDKAMER_PUBLIC_KEY"),
                "De publieke sleutel van de meldkamer (HULPREGIE_MELDKAMER_PUBLIC_KEY)"),
            envelope.load_signing_key(
                config.get("HULPREGIE_MELDKAMER_SIGNING_KEY"),
                "De ondertekensleutel van de organisatie (HULPREGIE_MELDKAMER_SIGNING_KEY)"))
    except envelope.EnvelopeError as exc:
        raise ExportError(f"Meldkamerexport niet mogelijk: {exc}.") from None


# -- who is eligible -------------------------------------------------------------------------------

def _not_restricted():
    # AVG art. 18: a restricted holder is not exported (nor a restricted contact person, in
    # _contacts). In SQL for every holder at once, with the meaning of
    # workflows.privacy.restrictions.is_restricted(session, "Holder", id): a restriction not lifted.
    return ~sa.exists().where(ProcessingRestriction.subject_type == "Holder",
                              ProcessingRestriction.subject_id == Holder.id,
                              ProcessingRestriction.lifted_at.is_(None))


def _eligibility(organisation_id: int):
    """The conditions (without consent) for a holder row joined to his current card."""
    return (Holder.organisation_id == organisation_id,
            HelpCard.holder_id == Holder.id,
            HelpCard.status.in_(CURRENT),
            HelpCard.issued_version_id.is_not(None),
            _not_restricted())


def _active_consent(organisation_id: int):
    return (Consent.organisation_id == organisation_id,
            Consent.purpose == ConsentPurpose.control_room,
            Consent.withdrawn_at.is_(None))


def _raw(column):
    return sa.type_coerce(column, sa.Text).label(column.key)


def _eligible_rows(session: Session, organisation_id: int, after: int, limit: int):
    """The next ``limit`` eligible holders after holder id ``after`` (keyset: every batch
    costs the same, however large the organisation), with their current card's content."""
    given = (sa.select(sa.func.max(Consent.given_at))
             .where(Consent.holder_id == Holder.id, *_active_consent(organisation_id))
             .correlate(Holder).scalar_subquery())
    query = (
        sa.select(Holder.id.label("holder_id"), HelpCard.id.label("card_id"),
                  HelpCard.control_room_sections, HelpCard.issued_on, given.label("given_at"),
                  HelpCardVersion.version_no, HelpCardVersion.approved_at,
                  HelpCardVersion.holder_approved_on,
                  *(_raw(getattr(HelpCardVersion, s)) for s in TEXT_SECTIONS),
                  _raw(Holder.address), _raw(Holder.postcode), Holder.town,
                  Holder.reference.label("holder_reference"),
                  ControlRoomState.id.label("state_id"), ControlRoomState.content_hash,
                  ControlRoomState.present)
        .join(HelpCard, HelpCard.holder_id == Holder.id)
        .join(HelpCardVersion, HelpCardVersion.id == HelpCard.issued_version_id)
        .outerjoin(ControlRoomState, sa.and_(ControlRoomState.holder_id == Holder.id,
                                             ControlRoomState.organisation_id == organisation_id))
        .where(*_eligibility(organisation_id), Holder.id > after,
               sa.exists().where(Consent.holder_id == Holder.id,
                                 *_active_consent(organisation_id)))
        .order_by(Holder.id, HelpCard.id.desc()).limit(limit))
    return session.connection().execute(query).all()


def _contacts(session: Session, holder_ids) -> dict[int, list]:
    agreed = sa.exists().where(Consent.contact_person_id == ContactPerson.id,
                               Consent.purpose == ConsentPurpose.on_card,
                               Consent.withdrawn_at.is_(None))
    rows = session.connection().execute(
        sa.select(ContactPerson.holder_id, ContactPerson.priority, _raw(ContactPerson.name),
                  _raw(ContactPerson.relation), _raw(ContactPerson.phone))
        .where(ContactPerson.holder_id.in_(holder_ids), ContactPerson.on_card.is_(True),
               ContactPerson.phone.is_not(None), agreed,
               ~sa.exists().where(ProcessingRestriction.subject_type == "ContactPerson",
                                  ProcessingRestriction.subject_id == ContactPerson.id,
                                  ProcessingRestriction.lifted_at.is_(None)))
        .order_by(ContactPerson.holder_id, ContactPerson.priority, ContactPerson.id))
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.holder_id, []).append(row)
    return found


# -- the record ------------------------------------------------------------------------------------

_aead: dict = {}


def _decrypt(stored: str) -> str:
    """key_ring().decrypt with the cipher per key kept (at 100k holders setting up AES for
    each of some 600,000 values is a noticeable part of the export)."""
    ring = key_ring()
    prefix, key_id, payload = stored.split(":", 2) if stored.count(":") >= 2 else ("", "", "")
    key = ring.key(key_id) if prefix == "v1" else None
    if key is None:
        return ring.decrypt(stored)  # its own message for what is not a field of this ring
    aead = _aead.get(key)
    if aead is None:
        aead = _aead[key] = AESGCM(key)
    try:
        raw = base64.b64decode(payload, validate=True)
        return aead.decrypt(raw[:12], raw[12:], key_id.encode()).decode("utf-8")
    except (ValueError, InvalidTag):
        return ring.decrypt(stored)  # raises DecryptionError with the reason


def _plain(raw: str | None, what: str, holder_reference: str) -> str | None:
    if raw is None:
        return None
    try:
        return _decrypt(raw)
    except DecryptionError:
        raise ExportError(f"Meldkamerexport afgebroken: {what} van hulpkaarthouder "
                          f"{holder_reference} is niet te ontsleutelen; er is niets "
                          "vastgelegd.") from None


def _date(value) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def build_record(organisation_id: int, row, contacts: list) -> dict:
    """The upsert record of one eligible holder: only what he chose."""
    chosen = parse_sections(row.control_room_sections)
    ref = row.holder_reference
    sections: dict = {}
    for code in chosen:
        if code in TEXT_SECTIONS:
            text = _plain(getattr(row, code), "een kaartonderdeel", ref)
            if text and text.strip():
                sections[code] = text.strip()
        elif code == "contacts":
            if not contacts:
                raise ExportError(
                    f"Meldkamerexport afgebroken: de kaart van hulpkaarthouder {ref} heeft geen "
                    "contactpersoon op de kaart met een telefoonnummer en toestemming; vul die "
                    "aan of haal 'contactpersonen' uit de keuze voor de meldkamer. Er is niets "
                    "vastgelegd.")
            sections["contacts"] = [
                {"order": n, "name": _plain(c.name, "een contactpersoon", ref),
                 "relation": _plain(c.relation, "een contactpersoon", ref) or None,
                 "phone": _plain(c.phone, "een contactpersoon", ref)}
                for n, c in enumerate(contacts, start=1)]
        elif code == "address":
            sections["address"] = {"street": _plain(row.address, "het adres", ref),
                                   "postcode": _plain(row.postcode, "het adres", ref),
                                   "town": row.town}
    version_date = row.approved_at or row.holder_approved_on or row.issued_on
    return {
        "reference": reference_for(organisation_id, row.holder_id),
        "action": "upsert",
        "consent_given_on": _date(row.given_at),
        "card_version": {"number": row.version_no, "date": _date(version_date)},
        "sections": sections,
    }


def content_hash(rec: dict) -> str:
    text = json.dumps(rec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- planning: what goes into the next export -------------------------------------------------------

@dataclass
class Plan:
    """What an export holds, compactly (arrays, no objects): flat memory at 100k holders."""

    upsert_holders: array = field(default_factory=lambda: array("q"))
    upsert_states: array = field(default_factory=lambda: array("q"))  # 0: no state row yet
    upsert_hashes: list = field(default_factory=list)
    delete_states: array = field(default_factory=lambda: array("q"))
    eligible: tuple = (0, 0, 0)  # count, sum and sum of squares of eligible holder ids

    @property
    def upserts(self) -> int:
        return len(self.upsert_holders)

    @property
    def deletes(self) -> int:
        return len(self.delete_states)


def _fingerprint(ids) -> tuple[int, int, int]:
    n = s = q = 0
    for i in ids:
        n, s, q = n + 1, s + i, q + i * i
    return n, s, q


def plan(session: Session, organisation_id: int, *, full: bool = False, emit=None,
         progress=None) -> Plan:
    """Walk the eligible holders a batch at a time; ``emit(record)`` gets every record that
    goes out (upserts, then deletes); ``progress(holders seen)`` is called after each batch.
    Raises ExportError for a card without contacts."""
    result, after = Plan(), 0
    while True:
        rows = _eligible_rows(session, organisation_id, after, BATCH)
        if not rows:
            break
        after = rows[-1].holder_id
        firsts, last_holder = [], None
        for row in rows:  # the newest current card per holder
            if row.holder_id != last_holder:
                firsts.append(row)
                last_holder = row.holder_id
        ids = [r.holder_id for r in firsts]
        contacts = _contacts(session, ids) if any(
            "contacts" in parse_sections(r.control_room_sections) for r in firsts) else {}
        for row in firsts:
            rec = build_record(organisation_id, row, contacts.get(row.holder_id, []))
            digest = content_hash(rec)
            if full or not row.present or row.content_hash != digest:
                result.upsert_holders.append(row.holder_id)
                result.upsert_states.append(row.state_id or 0)
                result.upsert_hashes.append(digest)
                if emit:
                    emit(rec)
        result.eligible = tuple(a + b for a, b in zip(result.eligible, _fingerprint(ids)))
        if progress:
            progress(result.eligible[0])
    for state_id, reference in _leavers(session, organisation_id):
        result.delete_states.append(state_id)
        if emit:
            emit({"reference": reference, "action": "delete"})
    return result


def _eligible_holder_ids(organisation_id: int):
    return (sa.select(Holder.id).join(HelpCard, HelpCard.holder_id == Holder.id)
            .join(Consent, Consent.holder_id == Holder.id)
            .where(*_eligibility(organisation_id), *_active_consent(organisation_id)))


def _leavers(session: Session, organisation_id: int):
    """(state id, reference) of every holder the control room holds who is no longer eligible:
    consent withdrawn, card ended or withdrawn, restricted, or erased (holder gone)."""
    still = _eligible_holder_ids(organisation_id)
    return session.execute(
        sa.select(ControlRoomState.id, ControlRoomState.reference)
        .where(ControlRoomState.organisation_id == organisation_id,
               ControlRoomState.present.is_(True),
               sa.or_(ControlRoomState.holder_id.is_(None),
                      ControlRoomState.holder_id.not_in(still)))
        .order_by(ControlRoomState.id)).all()


def _eligible_now(session: Session, organisation_id: int) -> tuple[int, int, int]:
    """The eligible holders again, inside the export's transaction. On PostgreSQL the active
    consents are locked (FOR SHARE): a withdrawal from now on waits for this export and shows
    up as a delete in the next one; a withdrawal committed before is seen here."""
    query = (sa.select(Holder.id, Consent.id).join(HelpCard, HelpCard.holder_id == Holder.id)
             .join(Consent, Consent.holder_id == Holder.id)
             .where(*_eligibility(organisation_id), *_active_consent(organisation_id))
             .order_by(Holder.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True, of=Consent)
    ids, last = [], None
    for holder_id, _ in session.execute(query):
        if holder_id != last:
            ids.append(holder_id)
            last = holder_id
    return _fingerprint(ids)


# -- preview and run -------------------------------------------------------------------------------

@dataclass
class Preview:
    full: bool
    upserts: int
    deletes: int
    references: list  # (action, reference), at most ``limit``


def preview(session: Session, organisation_id: int, *, full: bool = False,
            limit: int = 200) -> Preview:
    """Counts and pseudonymous references of the next export; no content, nothing written."""
    refs: list = []

    def note(rec):
        if len(refs) < limit:
            refs.append((rec["action"], rec["reference"]))

    result = plan(session, organisation_id, full=full, emit=note)
    return Preview(full, result.upserts, result.deletes, refs)


def _check_purpose(purpose: str | None) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise ExportError("Doel: vul in waarvoor deze export is (bijv. 'maandelijkse levering')")
    if len(purpose) > PURPOSE_MAX:
        raise ExportError(f"Doel: ten hoogste {PURPOSE_MAX} tekens")
    return purpose


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def run_export(session: Session, organisation_id: int, out, *, by: Actor, purpose: str,
               full: bool = False, keys: ExportKeys | None = None,
               now: dt.datetime | None = None, progress=None) -> ControlRoomExport:
    """Write the protected export file to ``out`` (a binary stream) and record it.

    All-or-nothing: raises ExportError (nothing recorded, ``out`` may hold a partial file
    that the caller throws away) for missing keys, a card without contact persons, or a
    consent or card that changed while the export ran. The caller commits."""
    purpose = _check_purpose(purpose)
    keys = keys or configured_keys()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ExportError(f"Organisatie {organisation_id} bestaat niet")
    now = now or utcnow()
    previous = session.execute(
        sa.select(ControlRoomExport).where(ControlRoomExport.organisation_id == organisation_id)
        .order_by(ControlRoomExport.id.desc()).limit(1)).scalar_one_or_none()
    export_id = str(uuid.uuid4())
    with envelope.Spool() as spool:
        first = [True]

        def emit(rec):
            spool.write((b"" if first[0] else b",\n") + json.dumps(
                rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            first[0] = False

        result = plan(session, organisation_id, full=full, emit=emit, progress=progress)
        # The export row first: on SQLite this takes the write lock, so nothing changes
        # between the check below and the commit; PostgreSQL locks the consents it reads.
        export = ControlRoomExport(
            organisation_id=organisation_id, export_id=export_id, full=full,
            previous_id=previous.id if previous else None, created_by_id=by.user_id,
            upserts=result.upserts, deletes=result.deletes, purpose=purpose, created_at=now)
        session.add(export)
        session.flush()
        if _eligible_now(session, organisation_id) != result.eligible:
            raise ExportError("Meldkamerexport afgebroken: tijdens de export is een toestemming "
                              "of kaart gewijzigd (bijv. een toestemming ingetrokken). Er is "
                              "niets vastgelegd; start de export opnieuw.")
        header = {
            "format_version": FORMAT,
            "organisation": {"id": organisation.id, "name": organisation.name},
            "export_id": export_id, "created_at": _iso(now), "full": full,
            "previous_export_id": previous.export_id if previous else None,
            "record_count": result.upserts + result.deletes,
            "upserts": result.upserts, "deletes": result.deletes,
        }
        writer = envelope.SealedWriter(out, keys.recipient, keys.signer, {
            "format": FORMAT, "export_id": export_id, "created_at": header["created_at"],
            "organisation_id": organisation.id})
        writer.write(json.dumps({"format": FORMAT, "header": header}, ensure_ascii=False)[:-1]
                     .encode("utf-8") + b',\n"records":[\n')
        for chunk in spool.chunks():
            writer.write(chunk)
        writer.write(b"\n]}\n")
        export.checksum = writer.finish()
    _apply(session, organisation_id, export, result)
    token = set_actor(by)
    try:
        record(session, "cr.export", "ControlRoomExport", export.id, purpose=purpose)
    finally:
        reset_actor(token)
    session.flush()
    return export


def _apply(session: Session, organisation_id: int, export: ControlRoomExport, result: Plan):
    """Update what the control room holds, a batch at a time, in bulk statements (at 100k
    holders the ORM would take most of the time). The ledger row of each holder names the
    export that last carried him; the export itself is in the access log with its purpose."""
    table, now = ControlRoomState.__table__, utcnow()
    change = (sa.update(table).where(table.c.id == sa.bindparam("sid"))
              .values(present=sa.bindparam("p_present"), content_hash=sa.bindparam("p_digest"),
                      last_export_id=export.id, updated_at=now))
    for start in range(0, result.upserts, BATCH):
        part = zip(result.upsert_holders[start:start + BATCH],
                   result.upsert_states[start:start + BATCH],
                   result.upsert_hashes[start:start + BATCH])
        known, new = [], []
        for holder_id, state_id, digest in part:
            if state_id:
                known.append({"sid": state_id, "p_present": True, "p_digest": digest})
            else:
                new.append({"organisation_id": organisation_id, "holder_id": holder_id,
                            "reference": reference_for(organisation_id, holder_id),
                            "content_hash": digest, "present": True,
                            "last_export_id": export.id, "created_at": now, "updated_at": now})
        if known:
            session.execute(change, known)
        if new:
            session.execute(sa.insert(table), new)
    for start in range(0, result.deletes, BATCH):
        session.execute(change, [{"sid": sid, "p_present": False, "p_digest": None}
                                 for sid in result.delete_states[start:start + BATCH]])


def read_export(path, private_key, signer=None) -> tuple[envelope.Opened, dict]:
    """The receiving side: check the signature, decrypt, parse and validate against the schema.
    Raises EnvelopeError with a Dutch message for anything that does not hold."""
    opened = envelope.verify_signature(path, signer)
    data = b"".join(envelope.decrypt_chunks(path, private_key))
    try:
        document = json.loads(data)
    except ValueError:
        raise envelope.EnvelopeError("De inhoud is geen geldige JSON") from None
    errors = schema_errors(document)
    if errors:
        raise envelope.EnvelopeError("De inhoud voldoet niet aan het schema: " + errors[0])
    return opened, document


def schema_path():
    from config import BASE_DIR

    return BASE_DIR / "schemas" / "hulpregie-meldkamer-1.schema.json"


def schema_errors(document) -> list[str]:
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(document)'}: {e.message}"
            for e in validator.iter_errors(document)]
