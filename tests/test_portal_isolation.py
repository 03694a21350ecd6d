"""A holder in the portal never reaches another holder's data: every portal URL is tried with
the other holder's ids (comments, consents) and every page is checked for his text."""

from __future__ import annotations

import pytest

from app.consents.models import ConsentForm, ConsentPurpose
from app.portal.models import CardComment
from security.audit import SYSTEM
from tests.support import portal as support
from workflows import consents
from workflows import portal as wf

SECRET = "Geheime tekst van de andere houder"


@pytest.fixture(autouse=True)
def _generous_limit(app):
    app.config["HULPREGIE_PORTAL_ENTRY_LIMIT"] = "1000 per minute"
    yield
    app.config.pop("HULPREGIE_PORTAL_ENTRY_LIMIT", None)


def _other_holder(db):
    other = support.holder(first_name="Ottolien")
    by = wf.holder_actor(other)
    wf.save_section(db.session, other, "how_to_help", SECRET, by=by)
    person = wf.add_contact(db.session, other, by=by, name="Karel Anders", relation="broer",
                            phone="0612345671", email="karel.anders@example.org")
    consent = consents.give(db.session, by=SYSTEM, subject=other,
                            purpose=ConsentPurpose.research, form=ConsentForm.oral,
                            evidence_note="Gehoord")
    card = wf.current_card(db.session, other)
    comment = wf.add_comment(db.session, card, "how_to_help", "Opmerking voor Ottolien",
                             by=SYSTEM)
    db.session.commit()
    return other, person, consent, comment


def test_no_way_into_another_holders_data(app, db):
    other, person, consent, comment = _other_holder(db)
    mine = support.holder()
    client = support.open_portal(app, mine)
    for url in ("/portaal/start", "/portaal/kaart", "/portaal/contactpersonen",
                "/portaal/goedkeuren", "/portaal/gegevens", "/portaal/verzoek",
                *(f"/portaal/kaart/{s}" for s in wf.SECTION_LIMITS)):
        page = client.get(url)
        assert page.status_code == 200, url
        for text in (SECRET, "Karel Anders", "Ottolien", "Opmerking voor Ottolien",
                     other.reference):
            assert text not in page.text, (url, text)
    assert client.get(f"/portaal/toestemming/{consent.id}/intrekken").status_code == 404
    assert client.post(f"/portaal/toestemming/{consent.id}/intrekken",
                       data={"confirm": "1"}).status_code == 404
    assert client.post(f"/portaal/opmerking/{comment.id}/klaar").status_code == 404
    assert client.get("/portaal/kaart.pdf").status_code == 404  # he has no card
    db.session.refresh(consent)
    assert consent.withdrawn_at is None
    assert db.session.get(CardComment, comment.id).resolved_at is None
    # Writing in the portal only ever touches his own card.
    client.post("/portaal/kaart/how_to_help", data={"text": "Mijn eigen tekst"})
    assert wf.current_card(db.session, other).versions[-1].how_to_help == SECRET
    assert wf.current_card(db.session, mine).holder_id == mine.id


def test_other_holders_pdf_and_contact_link(app, db):
    other, person, consent, comment = _other_holder(db)
    mine = support.holder()
    wf.save_section(db.session, mine, "other_info", "Mijn kaart", by=wf.holder_actor(mine))
    db.session.commit()
    client = support.open_portal(app, mine)
    resp = client.get("/portaal/kaart.pdf")  # his own card is not approved: no PDF, no leak
    assert resp.status_code == 302 and not resp.data.startswith(b"%PDF")
    # A session cookie cannot be pointed at another holder: it is signed.
    forged = app.test_client()
    forged.set_cookie("session", "eyJfaHJfcG9ydGFsIjp7ImgiOjF9fQ.x.y")
    assert forged.get("/portaal/gegevens").status_code == 401


def test_other_organisation_holder_unreachable(app, db):
    other = support.holder(org="b", coach_login="coach_b")
    wf.save_section(db.session, other, "how_to_help", SECRET, by=wf.holder_actor(other))
    db.session.commit()
    client = support.open_portal(app, support.holder())
    assert SECRET not in client.get("/portaal/kaart").text
