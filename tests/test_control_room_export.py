"""Export to the police control room (issue 7): eligibility, deltas, the protected file,
the schema, bad input, the screens, and the acceptance on demo data."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cards.models import CardStatus, HelpCard, HelpCardVersion, MakingChoice, SECTION_LIMITS
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.controlroom.models import ControlRoomExport, ControlRoomState
from app.core.models import utcnow
from app.holders.models import Holder
from app.organisations.models import Organisation
from security import envelope
from security.audit import Actor, AuditEvent
from tests.conftest import login
from tests.test_demo import demo_app  # noqa: F401  (the demo data fixture)
from workflows import cards as card_wf
from workflows import controlroom as wf

BY = Actor(None, "test meldkamer")
_n = itertools.count(1)


@pytest.fixture(scope="module")
def key_files(tmp_path_factory):
    return envelope.make_key_set(tmp_path_factory.mktemp("meldkamer-keys"))


@pytest.fixture
def keys(app, key_files, tmp_path):
    old = {k: app.config.get(k) for k in ("HULPREGIE_MELDKAMER_PUBLIC_KEY",
                                          "HULPREGIE_MELDKAMER_SIGNING_KEY",
                                          "HULPREGIE_MELDKAMER_DIR")}
    app.config.update(HULPREGIE_MELDKAMER_PUBLIC_KEY=str(key_files["meldkamer-public.pem"]),
                      HULPREGIE_MELDKAMER_SIGNING_KEY=str(key_files["organisatie-signing.pem"]),
                      HULPREGIE_MELDKAMER_DIR=str(tmp_path / "exports"))
    yield wf.configured_keys(app.config)
    app.config.update(old)


# -- building a population ------------------------------------------------------------------------

def new_org(db) -> Organisation:
    org = Organisation(name=f"Meldkamer test {uuid.uuid4().hex[:10]}", pc4="3511")
    db.session.add(org)
    db.session.commit()
    return org


def issue_card(db, holder: Holder, sections=None, text_version: int = 1) -> HelpCard:
    card = HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                    status=CardStatus.approved, making_choice=MakingChoice.with_coach,
                    control_room_sections=",".join(sections) if sections is not None else None)
    db.session.add(card)
    db.session.flush()
    version = HelpCardVersion(card_id=card.id, organisation_id=card.organisation_id, version_no=1,
                              holder_approved_on=dt.date(2026, 1, 5),
                              **{s: f"{s} tekst v{text_version}" for s in SECTION_LIMITS})
    db.session.add(version)
    db.session.flush()
    card.issued_version_id, card.issued_on = version.id, dt.date(2026, 1, 10)
    db.session.flush()
    card.status = CardStatus.issued
    db.session.commit()
    return card


def add_contact(db, holder: Holder, priority: int = 1, consent: bool = True) -> ContactPerson:
    person = ContactPerson(holder_id=holder.id, organisation_id=holder.organisation_id,
                           name=f"Contact {priority}", relation="zus", phone="0612345678",
                           priority=priority)
    db.session.add(person)
    db.session.flush()
    if consent:
        db.session.add(Consent(contact_person_id=person.id, organisation_id=holder.organisation_id,
                               purpose=ConsentPurpose.on_card, form=ConsentForm.written))
    db.session.commit()
    return person


def give_consent(db, holder: Holder) -> Consent:
    consent = Consent(holder_id=holder.id, organisation_id=holder.organisation_id,
                      purpose=ConsentPurpose.control_room, form=ConsentForm.written)
    db.session.add(consent)
    db.session.commit()
    return consent


def withdraw_consents(db, holder_id: int) -> None:
    for c in db.session.query(Consent).filter_by(holder_id=holder_id, withdrawn_at=None,
                                                  purpose=ConsentPurpose.control_room):
        c.withdrawn_at = utcnow()
    db.session.commit()


def make_holder(db, org: Organisation, *, card=True, consent=True, sections=None, contact=True):
    holder = Holder(reference=f"MK-{next(_n)}", first_name="Xandriel", last_name="Qwertyhuis",
                    organisation_id=org.id, address="Dorpsstraat 1", postcode="3511 AB",
                    town="Utrecht")
    db.session.add(holder)
    db.session.commit()
    if contact:
        add_contact(db, holder)
    if card:
        issue_card(db, holder, sections)
    if consent:
        give_consent(db, holder)
    return holder


def export(db, org, keys, tmp_path, full=False, purpose="test"):
    path = tmp_path / f"{uuid.uuid4()}.hmk"
    with open(path, "wb") as fh:
        result = wf.run_export(db.session, org.id, fh, by=BY, purpose=purpose, full=full, keys=keys)
    db.session.commit()
    return result, path


def read(key_files, path) -> dict:
    private = envelope.load_recipient_private_key(key_files["meldkamer-private.pem"])
    signer = envelope.load_signer_public_key(key_files["organisatie-public.pem"])
    _, document = wf.read_export(path, private, signer)
    assert wf.schema_errors(document) == []
    return document


def by_action(document) -> tuple[dict, list]:
    upserts = {r["reference"]: r for r in document["records"] if r["action"] == "upsert"}
    deletes = [r["reference"] for r in document["records"] if r["action"] == "delete"]
    return upserts, deletes


# -- the property: exactly the eligible holders, one delete per leaver, nothing unchosen ----------

CODES = list(wf.SECTIONS)
OPS = st.sampled_from(["consent", "card", "sections", "edit", "erase"])
SETS = st.sets(st.sampled_from(CODES), min_size=1)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_exports_follow_consent_card_and_erasure(app, db, keys, key_files, tmp_path, data):
    org = new_org(db)
    n = data.draw(st.integers(1, 4), label="holders")
    model = []
    for _ in range(n):
        sections = data.draw(SETS, label="sections")
        consent, card = data.draw(st.booleans()), data.draw(st.booleans())
        holder = make_holder(db, org, card=card, consent=consent, sections=sorted(sections))
        model.append({"id": holder.id, "consent": consent, "card": card, "alive": True,
                      "sections": frozenset(sections), "text": 1})
    ref = {wf.reference_for(org.id, m["id"]): i for i, m in enumerate(model)}
    present, sent = set(), {}

    def eligible(i):
        m = model[i]
        return m["alive"] and m["consent"] and m["card"]

    for _ in range(data.draw(st.integers(1, 4), label="exports")):
        for op, i, chosen in data.draw(st.lists(st.tuples(OPS, st.integers(0, n - 1), SETS),
                                                    max_size=3), label="changes"):
            mutate(db, org, model[i], op, chosen)
        full = data.draw(st.booleans(), label="full")
        result, path = export(db, org, keys, tmp_path, full=full)
        upserts, deletes = by_action(read(key_files, path))
        key = {i: (model[i]["sections"], model[i]["text"]) for i in range(n)}
        want_up = {i for i in range(n) if eligible(i)
                   and (full or i not in present or sent.get(i) != key[i])}
        want_del = {i for i in present if not eligible(i)}
        assert {ref[r] for r in upserts} == want_up
        assert sorted(ref[r] for r in deletes) == sorted(want_del)  # exactly once each
        assert (result.upserts, result.deletes) == (len(want_up), len(want_del))
        for r, record in upserts.items():
            assert set(record["sections"]) <= model[ref[r]]["sections"]
        present = {i for i in range(n) if eligible(i)}
        sent.update({i: key[i] for i in want_up})


def mutate(db, org, m, op, chosen):
    if not m["alive"]:
        return
    holder_id = m["id"]
    card = db.session.query(HelpCard).filter(
        HelpCard.holder_id == holder_id, HelpCard.status.in_(wf.CURRENT)).one_or_none()
    if op == "consent":
        if m["consent"]:
            withdraw_consents(db, holder_id)
        else:
            give_consent(db, db.session.get(Holder, holder_id))
        m["consent"] = not m["consent"]
    elif op == "card":
        if card is not None:
            card_wf.end(db.session, card, by=BY, reason="Houder wil de kaart niet meer")
            db.session.commit()
        else:
            issue_card(db, db.session.get(Holder, holder_id), sorted(m["sections"]), m["text"])
        m["card"] = card is None
    elif op == "sections" and card is not None:
        wf.set_sections(db.session, card, sorted(chosen), by=BY)
        db.session.commit()
        m["sections"] = frozenset(chosen)
    elif op == "edit" and card is not None:
        m["text"] += 1
        version = card.issued_version
        for s in SECTION_LIMITS:
            setattr(version, s, f"{s} tekst v{m['text']}")
        db.session.commit()
    elif op == "erase":  # what an erasure leaves: no holder, no consents (state keeps the pseudonym)
        session = db.session
        contacts = sa.select(ContactPerson.id).where(ContactPerson.holder_id == holder_id)
        cards = sa.select(HelpCard.id).where(HelpCard.holder_id == holder_id)
        session.execute(sa.delete(Consent).where(sa.or_(
            Consent.holder_id == holder_id, Consent.contact_person_id.in_(contacts))))
        session.execute(sa.delete(ContactPerson).where(ContactPerson.holder_id == holder_id))
        session.execute(sa.update(HelpCard).where(HelpCard.holder_id == holder_id)
                        .values(status=CardStatus.ended, issued_version_id=None))
        session.execute(sa.delete(HelpCardVersion).where(HelpCardVersion.card_id.in_(cards)))
        session.execute(sa.delete(HelpCard).where(HelpCard.holder_id == holder_id))
        session.execute(sa.delete(Holder).where(Holder.id == holder_id))
        session.execute(sa.update(ControlRoomState).where(
            ControlRoomState.holder_id == holder_id).values(holder_id=None))
        session.commit()
        session.expire_all()
        m["alive"] = False


# -- content ----------------------------------------------------------------------------------------

def test_record_holds_only_what_was_chosen(app, db, keys, key_files, tmp_path):
    org = new_org(db)
    default = make_holder(db, org)  # no choice recorded: the default sections
    chosen = make_holder(db, org, sections=["how_to_help", "address"])
    add_contact(db, default, priority=2)
    add_contact(db, default, priority=3, consent=False)  # did not agree: never exported
    _, path = export(db, org, keys, tmp_path)
    document = read(key_files, path)
    upserts, _ = by_action(document)
    rec = upserts[wf.reference_for(org.id, default.id)]
    assert set(rec["sections"]) == set(wf.DEFAULT_SECTIONS)
    assert [c["order"] for c in rec["sections"]["contacts"]] == [1, 2]
    assert rec["sections"]["contacts"][0] == {"order": 1, "name": "Contact 1", "relation": "zus",
                                             "phone": "+31612345678"}
    rec = upserts[wf.reference_for(org.id, chosen.id)]
    assert set(rec["sections"]) == {"how_to_help", "address"}
    assert rec["sections"]["address"] == {"street": "Dorpsstraat 1", "postcode": "3511 AB",
                                          "town": "Utrecht"}
    assert rec["card_version"] == {"number": 1, "date": "2026-01-05"}
    text = str(document)
    assert "Xandriel" not in text and "Qwertyhuis" not in text
    header = document["header"]
    assert header["full"] is False and header["record_count"] == 2
    assert header["organisation"]["id"] == org.id


def test_reference_is_stable_and_pseudonymous(app, db):
    a = wf.reference_for(1, 42)
    assert a == wf.reference_for(1, 42) and a != wf.reference_for(2, 42)
    assert len(a) == 64 and "42" not in a[:2]


def test_restricted_holder_is_not_exported(app, db, keys, key_files, tmp_path):
    from app.privacy.models import ProcessingRestriction

    org = new_org(db)
    holder = make_holder(db, org)
    export(db, org, keys, tmp_path)
    db.session.add(ProcessingRestriction(organisation_id=org.id, subject_type="Holder",
                                         subject_id=holder.id, reason="Bezwaar loopt"))
    db.session.commit()
    _, path = export(db, org, keys, tmp_path)
    assert by_action(read(key_files, path))[1] == [wf.reference_for(org.id, holder.id)]


# -- bad input: all-or-nothing -----------------------------------------------------------------------

def _exports(db, org) -> int:
    return db.session.query(ControlRoomExport).filter_by(organisation_id=org.id).count()


def test_card_without_contact_person_is_a_clear_error(app, db, keys, tmp_path):
    org = new_org(db)
    make_holder(db, org)
    lonely = make_holder(db, org, contact=False)
    with pytest.raises(wf.ExportError, match=f"{lonely.reference}.*geen contactpersoon"):
        export(db, org, keys, tmp_path)
    db.session.rollback()
    assert _exports(db, org) == 0
    assert db.session.query(ControlRoomState).filter_by(organisation_id=org.id).count() == 0


def test_missing_or_unreadable_keys(app, db, key_files, tmp_path):
    with pytest.raises(wf.ExportError, match="HULPREGIE_MELDKAMER_PUBLIC_KEY.*niet ingesteld"):
        wf.configured_keys({})
    with pytest.raises(wf.ExportError, match="HULPREGIE_MELDKAMER_SIGNING_KEY.*niet te lezen"):
        wf.configured_keys({"HULPREGIE_MELDKAMER_PUBLIC_KEY": key_files["meldkamer-public.pem"],
                            "HULPREGIE_MELDKAMER_SIGNING_KEY": tmp_path / "weg.pem"})
    org = new_org(db)
    make_holder(db, org)
    old = app.config.get("HULPREGIE_MELDKAMER_PUBLIC_KEY")
    app.config["HULPREGIE_MELDKAMER_PUBLIC_KEY"] = ""
    try:
        with pytest.raises(wf.ExportError, match="niet ingesteld"):
            wf.run_export(db.session, org.id, io.BytesIO(), by=BY, purpose="x")
    finally:
        app.config["HULPREGIE_MELDKAMER_PUBLIC_KEY"] = old
    db.session.rollback()
    assert _exports(db, org) == 0


def test_purpose_is_required(app, db, keys):
    org = new_org(db)
    with pytest.raises(wf.ExportError, match="Doel"):
        wf.run_export(db.session, org.id, io.BytesIO(), by=BY, purpose="  ", keys=keys)


def test_consent_withdrawn_during_the_export(app, db, keys, tmp_path):
    org = new_org(db)
    holders = [make_holder(db, org) for _ in range(3)]
    consent_id = db.session.query(Consent.id).filter_by(
        holder_id=holders[1].id, purpose=ConsentPurpose.control_room).scalar()

    def withdraw_elsewhere(done):  # another user, another connection, committed mid-export
        with db.engine.begin() as conn:
            conn.execute(sa.update(Consent.__table__).where(Consent.__table__.c.id == consent_id)
                         .values(withdrawn_at=utcnow()))

    out = io.BytesIO()
    with pytest.raises(wf.ExportError, match="tijdens de export"):
        wf.run_export(db.session, org.id, out, by=BY, purpose="test", keys=keys,
                      progress=withdraw_elsewhere)
    db.session.rollback()
    assert _exports(db, org) == 0 and out.getvalue() == b""
    assert db.session.query(ControlRoomState).filter_by(organisation_id=org.id).count() == 0
    result, _ = export(db, org, keys, tmp_path)  # once more: the two with consent
    assert result.upserts == 2


def test_export_is_audited_with_its_purpose(app, db, keys, tmp_path):
    org = new_org(db)
    holder = make_holder(db, org)
    result, _ = export(db, org, keys, tmp_path, purpose="Maandlevering juni")
    event = db.session.query(AuditEvent).filter_by(
        action="cr.export", resource="ControlRoomExport", record_id=str(result.id)).one()
    assert event.purpose == "Maandlevering juni"
    state = db.session.query(ControlRoomState).filter_by(holder_id=holder.id).one()
    assert state.present and state.last_export_id == result.id  # which export carried him
    assert state.reference == wf.reference_for(org.id, holder.id)


# -- CLI ------------------------------------------------------------------------------------------------

def test_cli_export_verify_and_tamper(app, db, keys, key_files, tmp_path):
    org = new_org(db)
    make_holder(db, org)
    runner = app.test_cli_runner()
    out = tmp_path / "export.hmk"
    result = runner.invoke(args=["meldkamer", "export", "--out", str(out), "--full",
                                 "--organisation", org.name, "--purpose", "CLI-test"])
    assert result.exit_code == 0, result.output
    assert "1 bijwerken" in result.output
    verify = ["meldkamer", "verify", "--in", str(out), "--key",
              str(key_files["meldkamer-private.pem"]), "--signer",
              str(key_files["organisatie-public.pem"])]
    result = runner.invoke(args=verify)
    assert result.exit_code == 0, result.output
    assert "Handtekening: geldig" in result.output and "Schema: geldig" in result.output
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x40
    out.write_bytes(bytes(data))
    result = runner.invoke(args=verify)
    assert result.exit_code != 0 and "Niet goedgekeurd" in result.output


def test_cli_keys_and_missing_key_message(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["meldkamer", "keys", "--out", str(tmp_path / "k")])
    assert result.exit_code == 0 and (tmp_path / "k" / "meldkamer-public.pem").is_file()
    old = app.config.get("HULPREGIE_MELDKAMER_SIGNING_KEY")
    app.config["HULPREGIE_MELDKAMER_SIGNING_KEY"] = str(tmp_path / "nergens.pem")
    app.config["HULPREGIE_MELDKAMER_PUBLIC_KEY"] = str(tmp_path / "k" / "meldkamer-public.pem")
    try:
        org = new_org(db)
        result = runner.invoke(args=["meldkamer", "export", "--out", str(tmp_path / "x.hmk"),
                                     "--organisation", org.name])
    finally:
        app.config["HULPREGIE_MELDKAMER_SIGNING_KEY"] = old
    assert result.exit_code != 0
    assert "HULPREGIE_MELDKAMER_SIGNING_KEY" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.hmk").exists()


# -- screens ----------------------------------------------------------------------------------------------

def test_privacy_officer_previews_runs_and_downloads(app, db, keys, key_files, tmp_path):
    from tests.support.fixtures import org_id

    client = app.test_client()
    login(client, "privacyofficer_a")
    page = client.get("/meldkamer/?volledig=1")
    assert page.status_code == 200 and "Voorbeeld" in page.text
    resp = client.post("/meldkamer/export", data={"purpose": "UI-test", "full": "1",
                                                  "confirm": "yes"})
    assert resp.status_code == 302
    made = db.session.query(ControlRoomExport).filter_by(
        organisation_id=org_id("a"), purpose="UI-test").one()
    download = client.get(f"/controlroomexportview/bestand/{made.id}")
    assert download.status_code == 200
    path = tmp_path / "dl.hmk"
    path.write_bytes(download.data)
    assert read(key_files, path)["header"]["export_id"] == made.export_id
    listing = client.get("/controlroomexportview/list/")
    assert listing.status_code == 200 and "UI-test" in listing.text


def test_unconfirmed_run_does_nothing(app, db, keys):
    client = app.test_client()
    login(client, "projectleader_a")
    before = db.session.query(ControlRoomExport).count()
    resp = client.post("/meldkamer/export", data={"purpose": "zonder bevestiging"})
    assert resp.status_code == 302
    assert db.session.query(ControlRoomExport).count() == before


@pytest.mark.parametrize("user", ["coach_a", "helpdesk_a"])
def test_others_cannot_export(app, user):
    client = app.test_client()
    login(client, user)
    for resp in (client.get("/meldkamer/"), client.post("/meldkamer/export", data={})):
        assert resp.status_code == 403 or (
            resp.status_code == 302 and "/login" in resp.headers["Location"])


def test_coach_chooses_sections_for_own_card(app, db):
    from tests.support import factories

    holder = factories.holder("a", coach_login="coach_a")
    card = issue_card(db, holder)
    client = app.test_client()
    login(client, "coach_a")
    page = client.get(f"/meldkamer/kaart/{card.id}/secties")
    assert page.status_code == 200 and "Keuze voor de meldkamer" in page.text
    resp = client.post(f"/meldkamer/kaart/{card.id}/secties",
                       data={"section": ["how_to_help", "address"]})
    assert resp.status_code == 302
    db.session.refresh(card)
    assert card.control_room_sections == "how_to_help,address"


def test_other_coach_cannot_choose_sections(app, db):
    from tests.support import factories

    card = issue_card(db, factories.holder("a", coach_login="coach_a"))
    client = app.test_client()
    login(client, "coach2_a")  # not his holder
    assert client.get(f"/meldkamer/kaart/{card.id}/secties").status_code == 404


# -- acceptance on demo data ------------------------------------------------------------------------------

def test_acceptance_on_demo_data(demo_app, key_files, tmp_path):
    from app.extensions import db

    app = demo_app
    app.config.update(HULPREGIE_MELDKAMER_PUBLIC_KEY=str(key_files["meldkamer-public.pem"]),
                      HULPREGIE_MELDKAMER_SIGNING_KEY=str(key_files["organisatie-signing.pem"]))
    with app.app_context():
        org = db.session.query(Organisation).order_by(Organisation.id).first()
        consented = {h for (h,) in db.session.query(Consent.holder_id).filter(
            Consent.organisation_id == org.id, Consent.purpose == ConsentPurpose.control_room,
            Consent.withdrawn_at.is_(None))}
        assert consented
        keys = wf.configured_keys()
        result, path = export(db, org, keys, tmp_path, full=True)
        upserts, deletes = by_action(read(key_files, path))
        refs = {wf.reference_for(org.id, h): h for h in consented}
        assert set(upserts) <= set(refs) and upserts and not deletes
        leaving = refs[next(iter(upserts))]
        withdraw_consents(db, leaving)
        _, path = export(db, org, keys, tmp_path)
        upserts, deletes = by_action(read(key_files, path))
        assert deletes == [wf.reference_for(org.id, leaving)] and not upserts
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # the signature
    path.write_bytes(bytes(data))
    result = app.test_cli_runner().invoke(args=[
        "meldkamer", "verify", "--in", str(path), "--key", str(key_files["meldkamer-private.pem"])])
    assert result.exit_code != 0 and "Niet goedgekeurd" in result.output
