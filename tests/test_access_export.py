"""The access/portability archive (workflows/privacy/access_export.py): every kind of record of a
seeded person, nothing of other people, a valid PDF, audited; and a coverage test over all
models with personal (encrypted) columns."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from flask_appbuilder import Model

from app.cards.models import Appointment, AppointmentKind, CardPrint, Evaluation, HelpCard, HelpCardVersion
from app.concerns.models import Concern, ConcernKind
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.core.models import utcnow
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral, Respondent
from app.privacy.models import PrivacyRequestKind
from security.audit import Actor, AuditEvent
from security.crypto import encrypted_columns
from tests.support import factories
from tests.support.fixtures import org_id
from workflows import privacy
from workflows.privacy import access_export


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="privacyofficer_a")
    return Actor(user.id, user.username, org_id("a"), "PrivacyOfficer")


def seeded_person(db):
    """A holder with one of everything, and a help request by the same e-mail address."""
    s, org = db.session, org_id("a")
    holder = factories.holder("a", coach_login="coach_a", email="marie.seed@example.nl")
    card = HelpCard(holder_id=holder.id, organisation_id=org)
    s.add(card)
    s.flush()
    version = HelpCardVersion(card_id=card.id, organisation_id=org, version_no=1,
                              how_to_help="Rustig praten")
    contact = ContactPerson(holder_id=holder.id, organisation_id=org, name="Jan Naaste",
                            phone="0687654321", priority=1)
    s.add_all([version, contact])
    s.flush()
    s.add_all([
        Consent(purpose=ConsentPurpose.registration, holder_id=holder.id, organisation_id=org,
                form=ConsentForm.written, evidence_note="Formulier getekend"),
        Appointment(holder_id=holder.id, card_id=card.id, organisation_id=org, kind=list(AppointmentKind)[0],
                    starts_at=utcnow(), notes="Kennismaking thuis"),
        Evaluation(card_id=card.id, organisation_id=org, due_on=dt.date.today()),
        CardPrint(card_id=card.id, version_id=version.id, organisation_id=org),
        Concern(holder_id=holder.id, organisation_id=org, kind=list(ConcernKind)[0], description="Zorg om vereenzaming"),
    ])
    volunteer = factories.volunteer("a")
    request = HelpRequest(organisation_id=org, description="Boodschappen",
                          requester_name="Marie Seed", requester_email="Marie.Seed@example.nl")
    s.add(request)
    s.flush()
    match = Match(help_request_id=request.id, volunteer_id=volunteer.id, organisation_id=org)
    s.add_all([match, Referral(help_request_id=request.id, organisation_id=org,
                               organisation_name="Welzijn", reason="Ook hulp bij post")])
    s.flush()
    s.add(Feedback(match_id=match.id, organisation_id=org, respondent=list(Respondent)[0], rating=5, comment="Fijn geholpen"))
    s.commit()
    return holder, volunteer


def _archive(db, by, subject, request=None):
    data = access_export.build_archive(db.session, subject, by=by, request=request)
    db.session.commit()
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_archive_holds_every_kind_of_record(db, by):
    holder, volunteer = seeded_person(db)
    req = privacy.receive(db.session, by=by, organisation_id=holder.organisation_id,
                          kind=PrivacyRequestKind.access, requester_name="Marie Seed",
                          received_on=dt.date.today(), holder=holder)
    db.session.commit()
    archive = _archive(db, by, holder, req)
    assert {"README.txt", "gegevens.json", "overzicht.pdf"} <= set(archive.namelist())
    data = json.loads(archive.read("gegevens.json"))
    for section in ("hulpkaarten", "kaartversies", "contactpersonen", "toestemmingen", "afspraken",
                    "evaluaties", "kaartafdrukken", "signalen", "hulpvragen", "koppelingen",
                    "doorverwijzingen", "feedback", "privacyverzoeken", "toegangslog"):
        assert data[section], f"{section} is empty"
    assert data["persoon"][0]["email"] == "marie.seed@example.nl"  # decrypted
    assert data["kaartversies"][0]["how_to_help"] == "Rustig praten"
    assert data["toestemmingen"][0]["evidence_note"] == "Formulier getekend"
    assert "Boodschappen" in [h["description"] for h in data["hulpvragen"]]
    assert data["koppelingen"][0]["vrijwilliger"] == "Vera"  # first name only
    assert volunteer.last_name not in archive.read("gegevens.json").decode()
    assert not any(k.endswith("_index") for k in data["persoon"][0])
    assert all("ip" not in e for e in data["toegangslog"])
    pdf = archive.read("overzicht.pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 2000
    assert db.session.query(AuditEvent).filter_by(
        action="export", purpose=f"inzageverzoek {req.id}", holder_id=holder.id).count() == 1
    assert privacy.archive_produced(db.session, req)


def test_a_volunteer_and_a_requester_have_their_own_archive(db, by):
    holder, volunteer = seeded_person(db)
    data = json.loads(_archive(db, by, volunteer).read("gegevens.json"))
    assert data["persoon"][0]["last_name"] == volunteer.last_name and data["koppelingen"]
    request = db.session.query(HelpRequest).filter_by(
        requester_email_index=HelpRequest.requester_email_index).order_by(HelpRequest.id.desc()).first()
    data = json.loads(_archive(db, by, request).read("gegevens.json"))
    assert data["hulpvragen"] and data["feedback"] and data["doorverwijzingen"]


def test_every_model_with_personal_data_is_exported_or_explained(app):
    personal = {m.class_.__name__ for m in Model.registry.mappers if encrypted_columns(m.class_)}
    explained = access_export.EXPORTED | set(access_export.NOT_ABOUT_THE_SUBJECT)
    assert personal - explained == set(), (
        "models with personal data that the access export neither exports nor explains")
    assert all(len(why) > 20 for why in access_export.NOT_ABOUT_THE_SUBJECT.values())


def test_the_request_page_downloads_the_archive(db, by, client):
    from tests.conftest import login

    holder, _ = seeded_person(db)
    req = privacy.receive(db.session, by=by, organisation_id=holder.organisation_id,
                          kind=PrivacyRequestKind.portability, requester_name="Marie Seed",
                          received_on=dt.date.today(), holder=holder)
    db.session.commit()
    login(client, "privacyofficer_a")
    resp = client.get(f"/privacyrequestview/archive/{req.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert "gegevens.json" in zipfile.ZipFile(io.BytesIO(resp.data)).namelist()


def test_a_consent_scan_is_in_the_archive_decrypted(db, by):
    from workflows import consents

    holder, _ = seeded_person(db)
    scan = b"%PDF-1.4 getekend toestemmingsformulier " + b"x" * 200
    consent = consents.give(db.session, by=by, subject=holder, purpose="research",
                            form="written", evidence_file=scan)
    db.session.commit()
    archive = _archive(db, by, holder)
    assert archive.read(f"bewijs/toestemming-{consent.id}.pdf") == scan
