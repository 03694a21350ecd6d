"""Issue 6 in a real browser: a privacy officer records a contact person's oral withdrawal and
the card goes back to drafting; then she handles an access request and downloads the archive."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from tests.browser.test_card_flow import _login


def _contact_consent_on_an_issued_card(app):
    """An active 'op de kaart' consent of a contact person on an issued card (demo data)."""
    from app.cards.models import CardStatus, HelpCard
    from app.consents.models import Consent, ConsentPurpose
    from app.contacts.models import ContactPerson
    from app.extensions import db

    with app.app_context():
        row = (db.session.query(Consent.id, HelpCard.id, ContactPerson.holder_id)
               .join(ContactPerson, Consent.contact_person_id == ContactPerson.id)
               .join(HelpCard, HelpCard.holder_id == ContactPerson.holder_id)
               .filter(Consent.purpose == ConsentPurpose.on_card, Consent.withdrawn_at.is_(None),
                       ContactPerson.on_card.is_(True), HelpCard.status == CardStatus.issued)
               .order_by(Consent.id).first())
        db.session.remove()
    assert row is not None, "the demo data has no issued card with a consenting contact"
    return row


def _card_status(app, card_id):
    from app.cards.models import HelpCard
    from app.extensions import db

    with app.app_context():
        status = db.session.get(HelpCard, card_id).status.name
        db.session.remove()
    return status


def test_privacy_officer_withdraws_a_consent_and_answers_an_access_request(live_app, browser):
    base = live_app.base_url
    consent_id, card_id, holder_id = _contact_consent_on_an_issued_card(live_app)
    page = browser.new_page(accept_downloads=True)
    _login(page, live_app, "privacy")

    page.goto(f"{base}/consentview/intrekken/{consent_id}")
    page.check("input[name=method][value=oral]")
    page.fill("#reason", "Belde op: wil niet meer op de kaart staan.")
    page.check("#confirm")
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_load_state()
    assert "De toestemming is ingetrokken." in page.content()
    assert _card_status(live_app, card_id) == "drafting"  # back to a draft, the gate re-checks

    page.goto(f"{base}/privacyrequestview/add")
    page.select_option("#kind", "access", force=True)
    page.select_option("#holder", str(holder_id), force=True)
    page.fill("#requester_name", "De houder zelf")
    page.select_option("#channel", "letter", force=True)
    # The date picker widget rewrites typed text; set the field as a picked date does.
    page.eval_on_selector("#received_on", "(el, v) => { el.value = v; }", dt.date.today().isoformat())
    page.click("form [type=submit]")
    page.wait_for_load_state()
    from app.extensions import db
    from app.privacy.models import PrivacyRequest

    with live_app.app_context():
        found = [r for r in db.session.query(PrivacyRequest).filter_by(holder_id=holder_id)
                 if r.requester_name == "De houder zelf"]  # an encrypted field: compare in Python
        request_id, status = found[0].id, found[0].status
        db.session.remove()
    assert status.name == "received"
    page.goto(f"{base}/privacyrequestview/show/{request_id}")
    verify = page.locator("form:has(input[name=action][value=verify_identity])")
    verify.locator("[name=method]").fill("Kopie identiteitsbewijs gezien")
    verify.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("form:has(input[name=action][value=start]) button[type=submit]").click()
    page.wait_for_load_state()
    with page.expect_download() as info:
        page.click("#download-archive")
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert {"gegevens.json", "overzicht.pdf", "README.txt"} <= set(archive.namelist())
    assert json.loads(archive.read("gegevens.json"))["hulpkaarten"]
    page.goto(f"{base}/privacyrequestview/show/{request_id}")
    done = page.locator("form:has(input[name=action][value=complete])")
    done.locator("[name=response_channel]").select_option("letter")
    done.locator("[name=response_sent_on]").fill(dt.date.today().isoformat())
    done.locator("[name=outcome]").fill("Archief per aangetekende post verstuurd.")
    done.locator("button[type=submit]").click()
    page.wait_for_load_state()
    with live_app.app_context():
        assert db.session.get(PrivacyRequest, request_id).status.name == "completed"
        db.session.remove()
    page.close()
