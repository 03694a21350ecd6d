"""Consents (workflows/consents.py): giving with evidence, immutability, withdrawal effects,
the encrypted evidence scan, the overviews and the research export — SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.cards.models import CardStatus as S
from app.concerns.models import Concern, ConcernKind
from app.consents.checks import IMMUTABLE, NOTICE_IN_USE
from app.consents.models import Consent, ConsentForm, ConsentPurpose as P, PrivacyNotice
from app.contacts.models import ContactPerson
from app.core.validation import FieldError
from app.privacy.models import PrivacyChannel, PrivacyRequest, PrivacyRequestKind
from security.audit import Actor, AuditEvent
from security.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import org_id
from tests.workflows.test_cards import card_at
from workflows import consents as wf
from infra.dates import add_months
from app.core.errors import TransitionError
from infra.outbox import deliver_due

TODAY = dt.date.today()
PDF = b"%PDF-1.4\n% scan van het toestemmingsformulier\n" + b"x" * 200
_seq = itertools.count(1)


@pytest.fixture
def po(app):
    user = app.appbuilder.sm.find_user(username="privacyofficer_a")
    return Actor(user.id, user.username, org_id("a"), "PrivacyOfficer")


@pytest.fixture
def coach_actor(app):
    user = app.appbuilder.sm.find_user(username="coach_a")
    return Actor(user.id, user.username, org_id("a"), "Coach")


@pytest.fixture
def uploads(app, tmp_path):
    old = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_FOLDER"] = old


def notice(db, org="a", effective=TODAY) -> PrivacyNotice:
    item = PrivacyNotice(organisation_id=org_id(org), version=f"t{next(_seq)}-{id(db) % 1000}",
                         title="Privacyverklaring", body="Wat wij bewaren en waarom.",
                         effective_from=effective)
    db.session.add(item)
    db.session.commit()
    return item


def contact(db, holder, priority=1) -> ContactPerson:
    person = ContactPerson(holder_id=holder.id, organisation_id=holder.organisation_id,
                           name=f"Contact {next(_seq)}", phone="0687654321", priority=priority,
                           on_card=True)
    db.session.add(person)
    db.session.commit()
    return person


def give(db, po, subject, purpose, **kw):
    kw.setdefault("form", ConsentForm.oral)
    kw.setdefault("evidence_note", "Mondeling gegeven aan de coach")
    consent = wf.give(db.session, by=po, subject=subject, purpose=purpose, **kw)
    db.session.commit()
    return consent


def actions(db, resource, record_id) -> list[str]:
    return [a for (a,) in db.session.query(AuditEvent.action).filter_by(
        resource=resource, record_id=str(record_id)).order_by(AuditEvent.id)]


# -- giving -------------------------------------------------------------------------------

def test_give_checks_purpose_evidence_and_duplicates(db, po):
    holder = factories.holder("a", coach_login="coach_a")
    newest = notice(db)
    with pytest.raises(FieldError, match="contactpersoon, niet door een hulpkaarthouder"):
        wf.give(db.session, by=po, subject=holder, purpose=P.on_card, form=ConsentForm.oral,
                evidence_note="x")
    with pytest.raises(FieldError) as err:
        wf.give(db.session, by=po, subject=holder, purpose=P.registration, form=ConsentForm.oral)
    assert err.value.field == "evidence_note" and "mondelinge" in str(err.value)
    with pytest.raises(FieldError) as err:
        wf.give(db.session, by=po, subject=holder, purpose="registration", form="written")
    assert err.value.field == "evidence_file"
    db.session.rollback()
    consent = give(db, po, holder, P.registration)
    assert consent.notice_id == newest.id  # the organisation's newest notice by default
    assert consent.recorded_by_id == po.user_id
    assert "consent.give" in actions(db, "Consent", consent.id)
    with pytest.raises(FieldError, match="al een actieve toestemming"):
        wf.give(db.session, by=po, subject=holder, purpose=P.registration,
                form=ConsentForm.oral, evidence_note="nog eens")
    db.session.rollback()
    volunteer = factories.volunteer("a")
    assert give(db, po, volunteer, P.email_contact).volunteer_id == volunteer.id


# -- immutability ----------------------------------------------------------------------------

def test_a_given_consent_never_changes_but_is_withdrawn_once(db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.email_contact)
    consent.evidence_note = "iets anders"
    with pytest.raises(FieldError, match=IMMUTABLE):
        db.session.flush()
    db.session.rollback()
    consent.form = ConsentForm.written
    with pytest.raises(FieldError, match=IMMUTABLE):
        db.session.commit()
    db.session.rollback()
    db.session.delete(consent)
    with pytest.raises(FieldError, match="niet verwijderd"):
        db.session.flush()
    db.session.rollback()
    wf.withdraw(db.session, consent, by=po, method="email", reason="Wil geen e-mail meer")
    db.session.commit()
    consent.withdrawal_reason = "andere reden"
    with pytest.raises(FieldError, match="al ingetrokken"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(TransitionError, match="al ingetrokken"):
        wf.withdraw(db.session, consent, by=po, method="oral", reason="nog eens")
    db.session.refresh(consent)
    assert consent.withdrawal_reason == "Wil geen e-mail meer"
    assert consent.withdrawal_method == "email" and consent.withdrawn_by_id == po.user_id


def test_a_notice_that_consents_refer_to_is_not_edited_or_deleted(db, po):
    used, unused = notice(db, effective=TODAY - dt.timedelta(days=400)), notice(db)
    give(db, po, factories.holder("a"), P.email_contact, notice=used)
    used.body = "Nieuwe tekst"
    with pytest.raises(FieldError, match=NOTICE_IN_USE):
        db.session.flush()
    db.session.rollback()
    db.session.delete(used)
    with pytest.raises(FieldError, match=NOTICE_IN_USE):
        db.session.flush()
    db.session.rollback()
    unused.body = "Verbeterde tekst"  # nobody gave consent under it yet
    db.session.commit()


def test_immutable_through_form_and_api(app, db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.email_contact)
    client = login(app.test_client(), "privacyofficer_a")
    page = client.get(f"/consentview/edit/{consent.id}")
    assert page.status_code == 200 and IMMUTABLE in page.get_data(as_text=True)
    client.post(f"/consentview/edit/{consent.id}", data={"evidence_note": "gewijzigd"})
    headers = api_headers(client, "privacyofficer_a")
    resp = client.put(f"/api/v1/consent/{consent.id}", json={"evidence_note": "gewijzigd"},
                      headers=headers)
    assert resp.status_code == 400 and IMMUTABLE in str(resp.json)
    resp = client.delete(f"/api/v1/consent/{consent.id}", headers=headers)
    assert resp.status_code in (400, 403)
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).evidence_note == "Mondeling gegeven aan de coach"
    # the API gives through the workflow: evidence is required there too
    resp = client.post("/api/v1/consent/", headers=headers, json={
        "purpose": "research", "holder": holder.id, "form": "oral"})
    assert resp.status_code == 400 and "evidence_note" in resp.json["message"]
    resp = client.post("/api/v1/consent/", headers=headers, json={
        "purpose": "research", "holder": holder.id, "form": "oral", "evidence_note": "Gebeld"})
    assert resp.status_code == 201, resp.json
    resp = client.post(f"/api/v1/consent/{resp.json['id']}/withdraw", headers=headers,
                       json={"method": "portal"})
    assert resp.status_code == 400 and "withdrawal_reason" in resp.json["message"]


# -- withdrawal effects --------------------------------------------------------------------------

def test_withdrawing_control_room_consent_creates_a_privacy_task(db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.control_room, form=ConsentForm.written,
                   evidence_note="Formulier in het dossier")
    wf.withdraw(db.session, consent, by=po, method="written", reason="Wil het niet meer")
    db.session.commit()
    task = db.session.query(Concern).filter_by(holder_id=holder.id).one()
    assert task.kind is ConcernKind.privacy_task and task.description == wf.CONTROL_ROOM_TASK
    assert task.follow_up_on == TODAY + dt.timedelta(days=7)
    assert actions(db, "Consent", consent.id)[-1] == "consent.withdraw"
    assert "concern.raise" in actions(db, "Concern", task.id)


def test_withdrawing_on_card_consent_sends_the_card_back_and_tells_the_coach(
        app, db, coach_actor, po, smtp):
    card = card_at(db, coach_actor, S.issued)
    person = db.session.query(ContactPerson).filter_by(holder_id=card.holder_id).one()
    consent = db.session.query(Consent).filter_by(contact_person_id=person.id).one()
    issued_version = card.issued_version_id
    wf.withdraw(db.session, consent, by=po, method="oral", reason="Wil niet meer op de kaart")
    db.session.commit()
    assert person.on_card is False
    assert card.status is S.drafting and card.issued_version_id == issued_version
    assert max(v.version_no for v in card.versions) == 2
    assert "contact.off_card" in actions(db, "ContactPerson", person.id)
    deliver_due()
    mails = [m for m in smtp.wait_for("coach_a@example.org")
             if card.holder.reference in str(m["Subject"])]
    assert len(mails) == 1
    assert person.name not in str(mails[0]["Subject"])
    body = smtp.text(mails[0])
    assert "teruggezet naar de opmaak" in body and "geen contactpersoon" in body
    assert f"/helpcardview/show/{card.id}" in body


def test_withdrawing_registration_opens_an_erasure_request(db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.registration)
    wf.withdraw(db.session, consent, by=po, method="email", reason="Uitschrijven")
    db.session.commit()
    request = db.session.query(PrivacyRequest).filter_by(holder_id=holder.id).one()
    assert request.kind is PrivacyRequestKind.erasure and request.status.name == "received"
    assert request.received_on == TODAY and request.due_on == add_months(TODAY, 1)
    assert request.channel is PrivacyChannel.email
    assert request.requester_name == holder.full_name
    assert request.details == wf.ERASURE_DETAILS
    assert "privacy.received" in actions(db, "PrivacyRequest", request.id)


def test_correct_is_withdraw_plus_give_without_effects(db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.registration)
    new = wf.correct(db.session, consent, by=po, reason="Verkeerde vorm vastgelegd",
                     form=ConsentForm.written, evidence_note="Getekend formulier in dossier")
    db.session.commit()
    assert consent.withdrawn_at is not None and new.withdrawn_at is None
    assert new.purpose is P.registration and new.holder_id == holder.id
    assert db.session.query(PrivacyRequest).filter_by(holder_id=holder.id).count() == 0


def test_research_withdrawal_leaves_cohort_and_export(app, db, po, tmp_path):
    stays, leaves = factories.holder("a", birth_date=dt.date(1960, 5, 1)), factories.holder("a")
    give(db, po, stays, P.research)
    gone = give(db, po, leaves, P.research)
    cohort = wf.research_cohort(db.session, org_id("a"))
    assert stays in cohort and leaves in cohort
    wf.withdraw(db.session, gone, by=po, method="oral", reason="Geen onderzoek meer")
    db.session.commit()
    cohort = wf.research_cohort(db.session, org_id("a"))
    assert stays in cohort and leaves not in cohort
    out = tmp_path / "onderzoek.csv"
    result = app.test_cli_runner().invoke(args=["privacy", "research-export", "--out", str(out),
                                                "--organisation", "Organisatie A"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.splitlines()[0] == ",".join(wf.RESEARCH_COLUMNS)
    assert wf.research_reference(stays) in text and wf.research_reference(leaves) not in text
    assert "1960" in text
    assert str(stays.last_name) not in text and stays.reference not in text


# -- evidence scans -------------------------------------------------------------------------------

def test_file_encryption_round_trip():
    blob = encrypt_bytes(PDF)
    assert PDF not in blob and decrypt_bytes(blob) == PDF
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))


def test_evidence_is_stored_encrypted_and_downloaded_only_with_access(app, db, uploads):
    holder = factories.holder("a", coach_login="coach_a")
    client = login(app.test_client(), "coach_a")
    form = {"purpose": "registration", "holder": str(holder.id), "form": "written",
            "csrf_token": ""}
    import io

    bad = client.post("/consentview/add", content_type="multipart/form-data",
                      data={**form, "evidence_upload": (io.BytesIO(b"MZ not a scan"), "x.exe")})
    assert "PDF, JPEG of PNG" in bad.get_data(as_text=True)
    resp = client.post("/consentview/add", content_type="multipart/form-data",
                       data={**form, "evidence_upload": (io.BytesIO(PDF), "scan.pdf")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    consent = db.session.query(Consent).filter_by(holder_id=holder.id).one()
    stored = uploads / consent.evidence_file
    assert stored.parent == uploads / "consents" and PDF not in stored.read_bytes()
    assert b"%PDF" not in stored.read_bytes()
    got = client.get(f"/consentview/bewijs/{consent.id}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert "download" in actions(db, "Consent", consent.id)


def test_evidence_download_needs_access_to_the_consent(app, db, po, uploads):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.registration, form=ConsentForm.written, evidence_file=PDF)
    client = login(app.test_client(), "coach2_a")  # not his holder: he does not see it
    assert client.get(f"/consentview/bewijs/{consent.id}").status_code == 404
    assert "download" not in actions(db, "Consent", consent.id)


# -- overviews -------------------------------------------------------------------------------------

def test_missing_consents_page(app, db, coach_actor, po):
    card = card_at(db, coach_actor, S.issued)
    holder = card.holder
    second = contact(db, holder, priority=2)  # on the issued card, no consent
    client = login(app.test_client(), "privacyofficer_a")
    page = client.get("/consentview/ontbrekend/").get_data(as_text=True)
    assert f"kind=contact_person&amp;id={second.id}\"" in page
    assert f"kind=holder&amp;id={holder.id}\"" in page  # no registration consent
    give(db, po, holder, P.registration)
    give(db, po, second, P.on_card)
    page = client.get("/consentview/ontbrekend/").get_data(as_text=True)
    assert f"kind=contact_person&amp;id={second.id}\"" not in page and f"kind=holder&amp;id={holder.id}\"" not in page


def test_outdated_notice_and_per_person_pages(app, db, po):
    holder = factories.holder("a", coach_login="coach_a")
    old = notice(db, effective=dt.date(2000, 1, 1))
    stale = give(db, po, holder, P.research, notice=old, given_at=dt.date(2001, 1, 1))
    notice(db)  # a newer version is now in force
    current = give(db, po, holder, P.email_contact)
    client = login(app.test_client(), "privacyofficer_a")
    page = client.get("/consentview/oude-verklaring/").get_data(as_text=True)
    assert f"/consentview/show/{stale.id}\"" in page
    assert f"/consentview/show/{current.id}\"" not in page
    page = client.get(f"/consentview/per-persoon/?kind=holder&id={holder.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/consentview/show/{stale.id}\"" in text and f"/consentview/show/{current.id}\"" in text
    assert client.get("/consentview/per-persoon/?kind=holder").status_code == 200


def test_per_person_page_is_scoped(app, db, po):
    holder = factories.holder("a", coach_login="coach_a")
    give(db, po, holder, P.email_contact)
    client = login(app.test_client(), "privacyofficer_b")
    assert client.get(f"/consentview/per-persoon/?kind=holder&id={holder.id}").status_code == 404
    assert f"value=\"{holder.id}\"" not in client.get(
        "/consentview/per-persoon/?kind=holder").get_data(as_text=True)


def test_withdraw_form_needs_confirmation(app, db, po):
    holder = factories.holder("a", coach_login="coach_a")
    consent = give(db, po, holder, P.email_contact)
    client = login(app.test_client(), "privacyofficer_a")
    url = f"/consentview/intrekken/{consent.id}"
    assert "Intrekken" in client.get(url).get_data(as_text=True)
    page = client.post(url, data={"method": "oral", "reason": "Geen mail"})
    assert "Bevestig" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawn_at is None
    resp = client.post(url, data={"method": "oral", "reason": "Geen mail", "confirm": "yes"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawal_method == "oral"
