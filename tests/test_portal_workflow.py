"""The holder drafts, adds a contact who confirms through his own link, asks his coach to
look along, approves (his approval via the portal, the quality gate), asks for the card to be
sent or downloads it; and sees his data, withdraws a consent, asks for a correction."""

from __future__ import annotations

import subprocess

import pytest

from app.cards.models import ApprovalMethod, CardStatus, MakingChoice, SECTION_LIMITS
from app.concerns.models import Concern
from app.consents.models import ConsentForm, ConsentPurpose
from app.core.validation import FieldError
from app.notifications.models import Notification
from app.portal.models import CardComment
from app.privacy.models import PrivacyChannel, PrivacyRequest, PrivacyRequestKind
from security.audit import SYSTEM, AuditEvent
from tests.conftest import login
from tests.support import portal as support
from workflows import consents
from workflows import portal as wf


@pytest.fixture(autouse=True)
def _generous_limit(app):
    app.config["HULPREGIE_PORTAL_ENTRY_LIMIT"] = "1000 per minute"
    yield
    app.config.pop("HULPREGIE_PORTAL_ENTRY_LIMIT", None)


def _mail(db, key_prefix):
    return (db.session.query(Notification).filter(Notification.dedupe_key.like(f"{key_prefix}%"))
            .order_by(Notification.id.desc()).first())


def test_draft_contact_approve_and_download(app, db, smtp):
    from infra.outbox import deliver_due

    holder = support.holder()
    client = support.open_portal(app, holder)
    first = client.get("/portaal/kaart/loss_of_control_signs")
    assert first.status_code == 200 and "Hoe ziet dat er bij mij uit?" in first.text
    assert "Nog <span id=\"room-left\">400</span>" in first.text
    resp = client.post("/portaal/kaart/loss_of_control_signs",
                       data={"text": "Ik praat heel snel en loop weg."})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/portaal/kaart/how_to_help")
    card = wf.current_card(db.session, holder)
    assert card.status is CardStatus.drafting and card.making_choice is MakingChoice.alone
    page = client.get("/portaal/kaart/how_to_help")
    assert "Ik praat heel snel" in page.text and 'id="preview"' in page.text  # live preview
    too_long = client.post("/portaal/kaart/how_to_help", data={"text": "x" * 501})
    assert too_long.status_code == 400 and "1 tekens korter" in too_long.text
    client.post("/portaal/kaart/how_to_help", data={"text": "Praat rustig tegen mij."})
    edited = db.session.query(AuditEvent).filter_by(resource="HelpCardVersion", action="update",
                                                    holder_id=holder.id).all()
    assert edited and all(e.username == f"houder:{holder.reference}" for e in edited)

    approve = client.get("/portaal/goedkeuren")
    assert "minstens één contactpersoon" in approve.text and 'id="approve"' not in approve.text
    refused = client.post("/portaal/goedkeuren", data={"confirm": "1"})
    assert "Goedkeuren kan nog niet" in refused.text
    db.session.refresh(card)
    assert card.status is CardStatus.drafting  # refused: nothing changed

    bad = client.post("/portaal/contactpersonen", data={"name": "Els", "phone": "12",
                                                        "email": "els@example.org"})
    assert bad.status_code == 400 and "Telefoonnummer" in bad.text
    client.post("/portaal/contactpersonen", data={
        "name": "Els de Zus", "relation": "zus", "phone": "0612345679",
        "email": "els@example.org"})
    deliver_due()
    mail = smtp.text(smtp.wait_for("els@example.org")[0])
    token = support.token_in(mail, "/toestemming/")
    contact = holder.contact_persons[-1]
    assert "Wacht op antwoord" in client.get("/portaal/contactpersonen").text
    other = app.test_client()
    assert "Wilt u contactpersoon zijn" in other.get(f"/toestemming/{token}").text
    done = other.post(f"/toestemming/{token}", data={"answer": "ja"})
    assert done.status_code == 200 and "U staat nu als contactpersoon" in done.text
    consent = consents.active_consent(db.session, contact, ConsentPurpose.on_card)
    assert consent.form is ConsentForm.online and "via eigen link" in consent.evidence_note
    assert other.get(f"/toestemming/{token}").status_code == 410  # once
    assert "Heeft ja gezegd" in client.get("/portaal/contactpersonen").text

    assert client.post("/portaal/goedkeuren", data={}).status_code == 302  # no tick: nothing
    db.session.refresh(card)
    assert card.status is CardStatus.drafting
    client.post("/portaal/goedkeuren", data={"confirm": "1"})
    db.session.refresh(card)
    version = card.versions[-1]
    assert card.status is CardStatus.approved and version.approved_at is not None
    assert version.holder_approval_method is ApprovalMethod.portal
    assert db.session.query(AuditEvent).filter_by(action="card.holder_agreed",
                                                  holder_id=holder.id).one().username \
        == f"houder:{holder.reference}"

    client.post("/portaal/opsturen")
    assert _mail(db, f"portal-send:{version.id}").recipient == "coach_a@example.org"
    pdf = client.get("/portaal/kaart.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True).stdout
    assert b"Praat rustig tegen mij." in text and b"Els de Zus" in text


def test_contact_declines(app, db):
    holder = support.holder()
    person = wf.add_contact(db.session, holder, by=wf.holder_actor(holder), name="Piet",
                            relation=None, phone="0612345670", email="piet@example.org")
    db.session.commit()
    token = support.token_in(_mail(db, "portal-consent:").body, "/toestemming/")
    resp = app.test_client().post(f"/toestemming/{token}", data={"answer": "nee"})
    assert resp.status_code == 200 and "niet op de Hulpkaart" in resp.text
    db.session.refresh(person)
    assert person.on_card is False
    assert wf.consent_state(db.session, person) == "declined"


def test_feedback_and_comments(app, db):
    holder = support.holder()
    client = support.open_portal(app, holder)
    assert client.post("/portaal/kaart/meekijken").status_code == 302
    assert wf.current_card(db.session, holder) is None  # nothing written yet: refused
    client.post("/portaal/kaart/what_not_to_do", data={"text": "Niet schreeuwen."})
    client.post("/portaal/kaart/meekijken")
    card = wf.current_card(db.session, holder)
    assert card.feedback_requested_at is not None
    mail = _mail(db, f"portal-feedback:{card.id}:")
    assert mail.recipient == "coach_a@example.org" and f"/kaartopmerkingen/{card.id}" in mail.body

    coach = app.test_client()
    login(coach, "coach_a")
    page = coach.get(f"/kaartopmerkingen/{card.id}")
    assert page.status_code == 200 and "Niet schreeuwen." in page.text
    assert "feedback-requested" in page.text
    coach.post(f"/kaartopmerkingen/{card.id}/toevoegen",
               data={"section": "what_not_to_do", "body": "Wat mag wel? Schrijf dat erbij."})
    comment = db.session.query(CardComment).filter_by(card_id=card.id).one()
    assert comment.author_id is not None
    assert "Wat mag wel?" in client.get("/portaal/kaart/what_not_to_do").text
    client.post(f"/portaal/opmerking/{comment.id}/klaar")
    db.session.refresh(comment)
    assert comment.resolved_at is not None


def test_comments_only_for_the_holders_coach(app, db):
    holder = support.holder()
    wf.save_section(db.session, holder, "other_info", "Ik hoor slecht.",
                    by=wf.holder_actor(holder))
    db.session.commit()
    card = wf.current_card(db.session, holder)
    other_coach = app.test_client()
    login(other_coach, "coach2_a")  # the same organisation, not his holder
    assert other_coach.get(f"/kaartopmerkingen/{card.id}").status_code == 404
    other_coach.post(f"/kaartopmerkingen/{card.id}/toevoegen",
                     data={"section": "other_info", "body": "x"})
    assert db.session.query(CardComment).filter_by(card_id=card.id).count() == 0


def test_my_data_withdraw_and_request(app, db):
    holder = support.holder()
    control = consents.give(db.session, by=SYSTEM, subject=holder,
                            purpose=ConsentPurpose.control_room, form=ConsentForm.oral,
                            evidence_note="Gehoord door de coach")
    db.session.commit()
    coach = app.test_client()
    login(coach, "coach_a")
    coach.get(f"/holderview/show/{holder.id}")  # a staff read: in his access log by role
    client = support.open_portal(app, holder)
    page = client.get("/portaal/gegevens")
    assert page.status_code == 200 and holder.reference in page.text
    assert "Meldkamer politie" in page.text and "Coach" in page.text
    assert "coach_a" not in page.text  # never staff names
    confirm = client.get(f"/portaal/toestemming/{control.id}/intrekken")
    assert confirm.status_code == 200 and "zeker" in confirm.text
    client.post(f"/portaal/toestemming/{control.id}/intrekken", data={})  # no tick
    db.session.refresh(control)
    assert control.withdrawn_at is None
    client.post(f"/portaal/toestemming/{control.id}/intrekken", data={"confirm": "1"})
    db.session.refresh(control)
    assert control.withdrawn_at is not None and control.withdrawal_method == "portal"
    assert db.session.query(Concern).filter_by(holder_id=holder.id).count() == 1  # the effect
    assert "Ingetrokken op" in client.get("/portaal/gegevens").text

    empty = client.post("/portaal/verzoek", data={"kind": "correctie", "details": ""})
    assert empty.status_code == 400 and "Schrijf op" in empty.text
    client.post("/portaal/verzoek", data={"kind": "correctie",
                                          "details": "Mijn adres klopt niet."})
    request = db.session.query(PrivacyRequest).filter_by(holder_id=holder.id).one()
    assert request.kind is PrivacyRequestKind.rectification
    assert request.channel is PrivacyChannel.portal and request.details == "Mijn adres klopt niet."


def test_staff_send_link_and_code_pages(app, db):
    holder = support.holder()
    coach = app.test_client()
    login(coach, "coach_a")
    page = coach.get(f"/holderview/show/{holder.id}")
    assert "Link naar het portaal sturen" in page.text
    assert coach.get(f"/portaalbeheer/houder/{holder.id}").status_code == 200
    coach.post(f"/portaalbeheer/houder/{holder.id}/link", data={})
    assert _mail(db, "portal-link:").recipient == holder.email
    made = coach.post(f"/portaalbeheer/houder/{holder.id}/code")
    assert made.status_code == 200 and 'id="portal-code"' in made.text


def test_helpdesk_finds_holder_by_reference(app, db):
    holder = support.holder()
    helpdesk = app.test_client()
    login(helpdesk, "helpdesk_a")
    found = helpdesk.get(f"/portaalbeheer/?kenmerk={holder.reference}")
    assert found.status_code == 302 and found.headers["Location"].endswith(
        f"/portaalbeheer/houder/{holder.id}")


def test_other_organisation_cannot_send(app, db):
    holder = support.holder()
    other_org = app.test_client()
    login(other_org, "coach_b")
    assert other_org.get(f"/portaalbeheer/houder/{holder.id}").status_code == 404


def test_save_section_limits(app, db):
    holder = support.holder()
    by = wf.holder_actor(holder)
    with pytest.raises(FieldError, match="korter"):
        wf.save_section(db.session, holder, "what_i_do_myself",
                        "a" * (SECTION_LIMITS["what_i_do_myself"] + 5), by=by)
    db.session.rollback()
    with pytest.raises(FieldError):
        wf.save_section(db.session, holder, "not_a_section", "x", by=by)
    db.session.rollback()


def test_access_export_lists_and_erasure_removes_portal_records(app, db):
    from app.portal.models import PortalLink
    from workflows.privacy import access_export
    from workflows.privacy import erasure

    holder = support.holder()
    by = wf.holder_actor(holder)
    wf.save_section(db.session, holder, "other_info", "Ik hoor slecht.", by=by)
    wf.add_contact(db.session, holder, by=by, name="Rob", relation=None, phone="0612345672",
                   email="rob@example.org")
    card = wf.current_card(db.session, holder)
    wf.add_comment(db.session, card, "other_info", "Wie moeten ze bellen?", by=SYSTEM)
    db.session.commit()
    data = access_export.collect(db.session, holder)
    assert len(data["portaallinks"]) == 1 and "nonce" not in data["portaallinks"][0]
    assert data["kaartopmerkingen"][0]["body"] == "Wie moeten ze bellen?"
    holder_id, card_id = holder.id, card.id
    erasure.erase_subject(db.session, holder, by=SYSTEM)
    db.session.commit()
    assert db.session.query(PortalLink).filter_by(holder_id=holder_id).count() == 0
    assert db.session.query(CardComment).filter_by(card_id=card_id).count() == 0
