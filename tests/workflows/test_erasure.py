"""Erasure (workflows/privacy/erasure.py): after it, no value of the person is left anywhere in the raw
database (every table, every text column, ciphertext decrypted, blind indexes recomputed), and
the access log still verifies. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from app.cards.models import (
    Appointment, AppointmentKind, CardPrint, CardStatus, Evaluation, HelpCard, HelpCardVersion,
    MakingChoice,
)
from app.concerns.models import Concern, ConcernKind
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.controlroom.models import ControlRoomState
from app.core.models import utcnow
from app.helpdesk.models import (
    Feedback, HelpRequest, Match, MatchStatus, Referral, RequestStatus, Respondent,
)
from app.holders.models import Holder
from app.notifications.models import Notification
from app.privacy.models import (
    ErasureRecord, PrivacyRequest, PrivacyRequestKind, ProcessingRestriction,
)
from app.vog.models import VogCheck, VogStatus
from app.volunteers.models import Volunteer, VolunteerStatus
from security.audit import Actor, AuditEvent, verify_chain
from security.crypto import DecryptionError, key_ring
from tests.support.fixtures import coach_of, org_id
from workflows.privacy.erasure import ERASED, erase_subject
from app.core.errors import TransitionError
from infra.notify import enqueue

TODAY = dt.date.today()


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="privacyofficer_a")
    return Actor(user.id, user.username, org_id("a"), "PrivacyOfficer")


# -- the raw scan -----------------------------------------------------------------------------------

def raw_values(db):
    """(table, column, text) for every text value in the database, ciphertext decrypted."""
    ring = key_ring()
    meta = sa.MetaData()
    meta.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        for table in meta.tables.values():
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("latin-1")
                    if not isinstance(value, str):
                        continue
                    if value.startswith("v1:"):
                        try:
                            value = ring.decrypt(value)
                        except DecryptionError:
                            pass
                    yield table.name, column, value


def leftovers(db, texts, phones=(), indexed=()):
    """Where any of ``texts`` (case-insensitive), a phone number (any notation: its digits) or
    the blind index of an ``indexed`` (value, kind) still appears."""
    ring = key_ring()
    needles = {t.casefold() for t in texts if t}
    needles |= {ring.blind_index(value, kind) for value, kind in indexed if value}
    digits = {re.sub(r"\D", "", p)[-9:] for p in phones}
    found = []
    for table, column, value in raw_values(db):
        text = value.casefold()
        hits = [n for n in needles if n in text]
        hits += [d for d in digits if d in re.sub(r"\D", "", value)]
        if hits:
            found.append((table, column, hits))
    return found


def mark(tag: str) -> str:
    """A free text nobody else writes."""
    return f"Vrije tekst {tag}-{uuid.uuid4().hex[:10]}"


# -- seeding a holder with every kind of record ------------------------------------------------------

HOLDER = {
    "first_name": "Zwaantje", "last_name": "Quirijnsdochter", "phone": "06-41975308",
    "email": "zwaantje.quirijnsdochter@voorbeeld.nl", "address": "Erasmuskade 1729",
    "postcode": "3072 AP", "birth_date": dt.date(1941, 7, 23),
}
CONTACT = {"name": "Wubbo Zwaluwstaart", "phone": "+31 6 2468 1357",
           "email": "wubbo.zwaluwstaart@voorbeeld.nl", "relation": "Buurman-Zwaluw"}


def seed_holder(app, db, tmp_path):
    org = org_id("a")
    coach = coach_of("coach_a")
    texts = {}

    def t(tag):
        texts[tag] = mark(tag)
        return texts[tag]

    holder = Holder(organisation_id=org, reference=f"ZW-{uuid.uuid4().hex[:6]}", coach_id=coach.id,
                    notes=t("holder-notes"), **HOLDER)
    db.session.add(holder)
    db.session.flush()
    contact = ContactPerson(organisation_id=org, holder_id=holder.id, priority=1, **CONTACT)
    card = HelpCard(organisation_id=org, holder_id=holder.id, coach_id=coach.id,
                    status=CardStatus.drafting, making_choice=MakingChoice.with_coach,
                    closed_reason=t("closed-reason"))
    db.session.add_all([contact, card])
    db.session.flush()
    v1 = HelpCardVersion(organisation_id=org, card_id=card.id, version_no=1,
                         approved_at=utcnow(), **{k: t(k) for k in (
                             "loss_of_control_signs", "how_to_help", "what_not_to_do",
                             "what_i_do_myself", "medication_preferences", "medication_refused",
                             "other_info")})
    v2 = HelpCardVersion(organisation_id=org, card_id=card.id, version_no=2,
                         how_to_help=t("v2-how"))
    db.session.add_all([v1, v2])
    db.session.flush()
    card.issued_version_id = v1.id
    evaluation = Evaluation(organisation_id=org, card_id=card.id, coach_id=coach.id,
                            due_on=TODAY, notes=t("evaluation-notes"))
    db.session.add_all([
        evaluation,
        CardPrint(organisation_id=org, card_id=card.id, version_id=v1.id),
        Appointment(organisation_id=org, holder_id=holder.id, card_id=card.id,
                    kind=AppointmentKind.intro_meeting, starts_at=utcnow(),
                    attendees=t("attendees"), notes=t("appointment-notes")),
        Concern(organisation_id=org, holder_id=holder.id, kind=ConcernKind.holder_wellbeing,
                description=t("concern"), resolution=t("resolution")),
        ControlRoomState(organisation_id=org, holder_id=holder.id, reference=uuid.uuid4().hex,
                         present=True),
    ])
    evidence = tmp_path / f"consent-{uuid.uuid4().hex}.pdf"
    evidence.write_text("scan")
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    db.session.flush()
    db.session.add_all([
        Consent(organisation_id=org, holder_id=holder.id, purpose=ConsentPurpose.registration,
                form=ConsentForm.written, evidence_file=evidence.name,
                evidence_note=t("evidence-holder")),
        Consent(organisation_id=org, holder_id=holder.id, purpose=ConsentPurpose.control_room,
                form=ConsentForm.oral, evidence_note=t("evidence-oral"),
                withdrawn_at=utcnow() + dt.timedelta(seconds=1), withdrawal_method="telefoon",
                withdrawal_reason=t("withdrawal")),
        Consent(organisation_id=org, contact_person_id=contact.id, purpose=ConsentPurpose.on_card,
                form=ConsentForm.oral, evidence_note=t("evidence-contact")),
        PrivacyRequest(organisation_id=org, kind=PrivacyRequestKind.erasure, holder_id=holder.id,
                       requester_name="Zwaantje Quirijnsdochter", details=t("request-details"),
                       received_on=TODAY, due_on=TODAY + dt.timedelta(days=30),
                       extension_reason="Zwaantje Quirijnsdochter vroeg om uitstel"),
        PrivacyRequest(organisation_id=org, kind=PrivacyRequestKind.access,
                       contact_person_id=contact.id, requester_name=CONTACT["name"],
                       received_on=TODAY, due_on=TODAY + dt.timedelta(days=30)),
    ])
    db.session.flush()
    context = {"first_name": holder.first_name, "due_on": "1-1-2030", "coach_name": None,
               "organisation_name": "Organisatie A", "letter_url": "http://x/brief",
               "card_reference": holder.reference}
    enqueue(db.session, template="evaluation_invite", recipient=holder.email, context=context,
            dedupe_key=f"eval-invite:{evaluation.id}", organisation_id=org)
    enqueue(db.session, template="evaluation_letter", recipient="coach_a@example.org",
            context=context, dedupe_key=f"eval-letter:{evaluation.id}:coach_a@example.org",
            organisation_id=org)
    enqueue(db.session, template="evaluation_overdue", recipient="coach_a@example.org",
            context=context, dedupe_key=f"test-unkeyed:{uuid.uuid4()}", organisation_id=org)
    other = enqueue(db.session, template="evaluation_overdue", recipient="coach_a@example.org",
                    context={**context, "card_reference": "ANDER-1"},
                    dedupe_key=f"test-other:{uuid.uuid4()}", organisation_id=org)
    db.session.add(ProcessingRestriction(organisation_id=org, subject_type="Holder",
                                         subject_id=holder.id, reason=t("restriction")))
    db.session.commit()
    return holder, contact, texts, evidence, other.id


def holder_needles(holder, texts):
    values = [*(str(v) for k, v in HOLDER.items() if k != "birth_date"), "3072AP",
              "1941-07-23", "23-07-1941", holder.reference, "Zwaantje Quirijnsdochter",
              CONTACT["name"], CONTACT["email"], CONTACT["relation"], *texts.values()]
    phones = [HOLDER["phone"], CONTACT["phone"]]
    indexed = [(HOLDER["last_name"], "name"), ("Zwaantje Quirijnsdochter", "name"),
               (HOLDER["phone"], "phone"), (HOLDER["email"], "email"),
               (HOLDER["postcode"], "postcode"), (CONTACT["phone"], "phone"),
               (CONTACT["name"], "name"), (CONTACT["email"], "email")]
    return values, phones, indexed


def test_erasing_a_holder_leaves_no_value_anywhere_in_the_raw_database(app, db, by, tmp_path):
    upload_folder = app.config["UPLOAD_FOLDER"]
    try:
        holder, contact, texts, evidence, other_id = seed_holder(app, db, tmp_path)
        values, phones, indexed = holder_needles(holder, texts)
        before = leftovers(db, values, phones, indexed)
        assert {t for t, _, _ in before} >= {
            "holder", "contact_person", "help_card", "help_card_version", "appointment",
            "evaluation", "concern", "consent", "privacy_request", "notification",
            "processing_restriction"}, before  # the scan sees them before the erasure
        holder_id, contact_id = holder.id, contact.id
        request = db.session.scalars(sa.select(PrivacyRequest).where(
            PrivacyRequest.holder_id == holder_id)).one()

        journal = erase_subject(db.session, holder, by=by, request=request)
        db.session.commit()

        assert leftovers(db, values, phones, indexed) == []
        assert not evidence.exists()  # the scan went after the commit
    finally:
        app.config["UPLOAD_FOLDER"] = upload_folder
    assert journal.subject_type == "Holder" and journal.subject_id == holder_id
    assert journal.privacy_request_id == request.id and journal.erased_by_id == by.user_id
    assert journal.counts["cards"] == 1 and journal.counts["card_versions"] == 2
    # What stays: the request (anonymised), the control room's reference (for one delete),
    # a message about someone else, and the access log's record that an erasure happened.
    db.session.expire_all()
    request = db.session.get(PrivacyRequest, request.id)
    assert request.requester_name == ERASED and request.holder_id is None and not request.details
    assert request.extension_reason == "[verwijderd] vroeg om uitstel"
    state = db.session.scalars(sa.select(ControlRoomState).where(
        ControlRoomState.organisation_id == org_id("a"), ControlRoomState.holder_id.is_(None),
        ControlRoomState.present.is_(True))).all()
    assert state
    assert db.session.get(Notification, other_id) is not None
    assert db.session.get(ContactPerson, contact_id) is None
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "erase", AuditEvent.resource == "Holder",
        AuditEvent.record_id == str(holder_id))).all()
    assert len(events) == 1 and events[0].user_id == by.user_id
    assert events[0].purpose == f"privacyverzoek {request.id}"
    with db.engine.connect() as conn:
        verdict = verify_chain(conn)
    assert verdict.ok, verdict
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK:" in result.output


def test_erasing_twice_or_something_else_is_refused(app, db, by, tmp_path):
    volunteer = Volunteer(organisation_id=org_id("a"), first_name="Twee", last_name="Keer",
                          pc4="3511")
    db.session.add(volunteer)
    db.session.commit()
    erase_subject(db.session, volunteer, by=by, reason="retention")
    db.session.commit()
    with pytest.raises(TransitionError, match="al verwijderd"):
        erase_subject(db.session, volunteer, by=by)
    holder = Holder(organisation_id=org_id("a"), reference="x", first_name="x", last_name="x")
    with pytest.raises(TransitionError, match="niet voor 'Coach'"):
        erase_subject(db.session, coach_of("coach_a"), by=by)
    with pytest.raises(TransitionError, match="Onbekende reden"):
        erase_subject(db.session, holder, by=by, reason="zomaar")
    db.session.rollback()


def test_erasing_a_contact_person_keeps_the_holder(app, db, by):
    org = org_id("a")
    holder = Holder(organisation_id=org, reference=f"CP-{uuid.uuid4().hex[:6]}",
                    first_name="Houder", last_name="Blijft")
    db.session.add(holder)
    db.session.flush()
    contact = ContactPerson(organisation_id=org, holder_id=holder.id, name="Kornelis Gaatweg",
                            phone="0657913579", email="kornelis.gaatweg@voorbeeld.nl")
    db.session.add(contact)
    db.session.flush()
    note = mark("cp-evidence")
    db.session.add(Consent(organisation_id=org, contact_person_id=contact.id,
                           purpose=ConsentPurpose.on_card, form=ConsentForm.oral,
                           evidence_note=note))
    db.session.commit()

    erase_subject(db.session, contact, by=by)
    db.session.commit()

    assert leftovers(db, ["Kornelis Gaatweg", "kornelis.gaatweg@voorbeeld.nl", note],
                     ["0657913579"], [("0657913579", "phone")]) == []
    assert db.session.get(Holder, holder.id) is not None


def test_erasing_a_volunteer_anonymises_and_keeps_the_counts(app, db, by):
    org = org_id("a")
    texts = [mark("vol-notes"), mark("vol-availability"), mark("vog-ref")[:60], mark("feedback"),
             mark("vol-consent")]
    volunteer = Volunteer(organisation_id=org, first_name="Ysbrand", last_name="Klaverkamp",
                          email="ysbrand.klaverkamp@voorbeeld.nl", phone="0631415926",
                          address="Klaverkampweg 77", pc4="3511", notes=texts[0],
                          availability=texts[1], status=VolunteerStatus.approved)
    req = HelpRequest(organisation_id=org, description="Lamp ophangen", requester_name="Iemand",
                      status=RequestStatus.matched, pc4="3511")
    db.session.add_all([volunteer, req])
    db.session.flush()
    match = Match(organisation_id=org, help_request_id=req.id, volunteer_id=volunteer.id,
                  status=MatchStatus.completed)
    db.session.add_all([match, VogCheck(organisation_id=org, volunteer_id=volunteer.id,
                                        status=VogStatus.received, requested_on=TODAY,
                                        reference=texts[2]),
                        Consent(organisation_id=org, volunteer_id=volunteer.id,
                                purpose=ConsentPurpose.email_contact, form=ConsentForm.written,
                                evidence_note=texts[4])])
    db.session.flush()
    db.session.add(Feedback(organisation_id=org, match_id=match.id, rating=5,
                            respondent=Respondent.volunteer, comment=texts[3]))
    enqueue(db.session, template="match_confirmed_requester", recipient="iemand@example.org",
            context={"name": "Iemand", "volunteer_first_name": "Ysbrand", "number": req.id},
            dedupe_key=f"match-confirmed:{match.id}", organisation_id=org)
    db.session.commit()
    volunteer_id, match_id = volunteer.id, match.id

    erase_subject(db.session, volunteer, by=by)
    db.session.commit()

    assert leftovers(db, ["Ysbrand", "Klaverkamp", "ysbrand.klaverkamp@voorbeeld.nl",
                          "Klaverkampweg 77", *texts], ["0631415926"],
                     [("Klaverkamp", "name"), ("0631415926", "phone"),
                      ("ysbrand.klaverkamp@voorbeeld.nl", "email")]) == []
    db.session.expire_all()
    kept = db.session.get(Volunteer, volunteer_id)
    assert kept.status is VolunteerStatus.inactive and kept.pc4 == "3511"
    assert db.session.get(Match, match_id).volunteer_id == volunteer_id  # counts for funders
    assert db.session.scalars(sa.select(Consent).where(Consent.volunteer_id == volunteer_id)).one()


def test_erasing_a_requester_anonymises_the_request(app, db, by):
    org = org_id("a")
    texts = [mark("description"), mark("decision"), mark("referral"), mark("concern"),
             mark("scope")[:200], mark("professional")[:200], mark("req-consent")]
    req = HelpRequest(organisation_id=org, description=texts[0], requester_name="Aafke Dobbenga",
                      requester_phone="0612121212", requester_email="aafke.dobbenga@voorbeeld.nl",
                      requester_address="Dobbengastraat 9", pc4="3511", decision_reason=texts[1],
                      scope=texts[4], professional=texts[5], status=RequestStatus.referred)
    db.session.add(req)
    db.session.flush()
    db.session.add_all([
        Referral(organisation_id=org, help_request_id=req.id, organisation_name="Wijkteam",
                 reason=texts[2]),
        Concern(organisation_id=org, help_request_id=req.id, kind=ConcernKind.loneliness,
                description=texts[3]),
        Consent(organisation_id=org, help_request_id=req.id, purpose=ConsentPurpose.partner_sharing,
                form=ConsentForm.oral, evidence_note=texts[6]),
    ])
    enqueue(db.session, template="request_received", recipient=req.requester_email,
            context={"name": req.requester_name, "number": req.id},
            dedupe_key=f"request-received:{req.id}", organisation_id=org)
    db.session.commit()

    erase_subject(db.session, req, by=by)
    db.session.commit()

    assert leftovers(db, ["Aafke Dobbenga", "aafke.dobbenga@voorbeeld.nl", "Dobbengastraat 9",
                          *texts], ["0612121212"],
                     [("Aafke Dobbenga", "name"), ("aafke.dobbenga@voorbeeld.nl", "email")]) == []
    db.session.expire_all()
    kept = db.session.get(HelpRequest, req.id)
    assert kept.requester_name == ERASED and kept.pc4 == "3511"
    assert kept.status is RequestStatus.referred
    assert db.session.scalars(sa.select(ErasureRecord).where(
        ErasureRecord.subject_type == "HelpRequest", ErasureRecord.subject_id == req.id)).one()
