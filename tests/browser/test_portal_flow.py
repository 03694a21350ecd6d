"""Issue 12's acceptance in a real browser on a phone-sized screen (360 x 740): a holder without
an account opens the link from his e-mail, writes his card one question at a time, adds a
contact person who agrees through his own link, approves, downloads the PDF; then withdraws
his control-room consent and sees it withdrawn. axe-core (from the axe-playwright-python
package) runs on every page: 0 serious or critical violations."""

from __future__ import annotations

import re
import subprocess

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 360, "height": 740}
HOLDER_MAIL = "petra.portaal@example.nl"
CONTACT_MAIL = "jan.portaal@example.nl"
HELP = "Praat rustig tegen mij en geef mij even de tijd."
_axe = Axe()


def _check_a11y(page, checked: list):
    result = _axe.run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
           for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}:\n" + "\n".join(bad)
    checked.append(page.url)


def _setup(app):
    """A holder of the demo organisation with an e-mail address and a control-room consent;
    his coach sends him the portal link (the mail goes out over SMTP)."""
    from app.consents.models import ConsentForm, ConsentPurpose
    from app.demo.builder import MAIN_ORG
    from app.extensions import db
    from app.holders.models import Holder
    from app.organisations.models import Organisation
    from security.audit import SYSTEM
    from workflows import consents
    from workflows import portal as wf
    from infra.outbox import deliver_due

    with app.app_context():
        org = db.session.query(Organisation).filter_by(name=MAIN_ORG).one()
        holder = Holder(reference="PORTAAL-1", first_name="Petra", last_name="Portaal",
                        email=HOLDER_MAIL, organisation_id=org.id)
        db.session.add(holder)
        db.session.flush()
        consents.give(db.session, by=SYSTEM, subject=holder, purpose=ConsentPurpose.control_room,
                      form=ConsentForm.oral, evidence_note="Gehoord door de coach")
        wf.send_link(db.session, holder, by=SYSTEM)
        db.session.commit()
        deliver_due()
        db.session.remove()


def _send_outbox(app):
    from app.extensions import db
    from infra.outbox import deliver_due

    with app.app_context():
        deliver_due()
        db.session.remove()


def test_holder_goes_from_mailed_link_to_approved_card(live_app, browser, tmp_path):
    _setup(live_app)
    smtp, checked = live_app.smtp, []
    body = smtp.text(smtp.wait_for(HOLDER_MAIL)[0])
    link = re.search(r"https?://\S+/portaal/link/\S+", body).group(0)

    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(link)
    _check_a11y(page, checked)
    page.click("#enter")
    page.wait_for_load_state()
    assert "Hallo Petra" in page.content()
    _check_a11y(page, checked)

    page.click("#start-writing")
    page.wait_for_load_state()
    assert "Hoe ziet dat er bij mij uit?" in page.content()
    _check_a11y(page, checked)
    page.fill("#text", "Ik ga snel praten en loop weg.")
    page.click("#save-next")
    page.wait_for_load_state()
    assert "Hoe kunnen anderen mij dan het beste helpen?" in page.content()
    page.fill("#text", HELP)
    # The live preview follows what is typed, and the room left counts down.
    assert HELP in page.locator("#hk-how_to_help").inner_text()
    assert page.locator("#room-left").inner_text() == str(500 - len(HELP))
    _check_a11y(page, checked)
    for _ in range(6):  # save, then step through the other questions to the contacts
        page.click("#save-next")
        page.wait_for_load_state()
    assert "Wie mogen ze bellen" in page.content()
    _check_a11y(page, checked)
    page.fill("#name", "Jan Portaal")
    page.fill("#relation", "broer")
    page.fill("#phone", "0612345678")
    page.fill("#email", CONTACT_MAIL)
    page.click("#add-contact")
    page.wait_for_load_state()
    assert "Wacht op antwoord" in page.content()

    _send_outbox(live_app)
    contact_mail = smtp.text(smtp.wait_for(CONTACT_MAIL)[0])
    consent_link = re.search(r"https?://\S+/toestemming/\S+", contact_mail).group(0)
    contact = context.browser.new_context(viewport=PHONE).new_page()
    contact.goto(consent_link)
    _check_a11y(contact, checked)
    contact.click("#agree")
    contact.wait_for_load_state()
    assert "U staat nu als contactpersoon" in contact.content()
    _check_a11y(contact, checked)

    page.goto(live_app.base_url + "/portaal/goedkeuren")
    _check_a11y(page, checked)
    page.check("#confirm")
    page.click("#approve")
    page.wait_for_load_state()
    assert page.locator("#approved").is_visible()
    _check_a11y(page, checked)
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / "kaart.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Praat rustig tegen mij" in text and "Jan Portaal" in text

    page.goto(live_app.base_url + "/portaal/gegevens")
    _check_a11y(page, checked)
    row = page.locator("#consents tr", has_text="Meldkamer")
    row.locator("a").click()
    page.wait_for_load_state()
    _check_a11y(page, checked)
    page.check("#confirm")
    page.click("#withdraw")
    page.wait_for_load_state()
    assert "Ingetrokken op" in page.locator("#consents tr", has_text="Meldkamer").inner_text()
    _check_a11y(page, checked)
    page.goto(live_app.base_url + "/portaal/verzoek")
    _check_a11y(page, checked)
    page.goto(live_app.base_url + "/portaal/kaart")
    _check_a11y(page, checked)
    assert len(checked) >= 12
    context.close()
