"""Issue 5's acceptance in a real browser: a coach takes a new holder from request to a printed
card. Approval is refused while the contact person has not consented; with consent it passes,
the card is issued and the wallet card downloads as a one-page PDF with the approved text."""

from __future__ import annotations

import subprocess

from tests.browser.test_login_and_menus import _credentials

SIGNS = "Ik praat snel en loop weg als het druk wordt."
HELP = "Spreek mij rustig aan en geef mij even de tijd."


def _login(page, app, login):
    page.goto(app.base_url + "/login/")
    page.fill("#username", login)
    page.fill("#password", _credentials(app)[login])
    page.click("[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url


def _id_of(app, model, **by):
    from app.extensions import db

    with app.app_context():
        return db.session.query(model.id).filter_by(**by).order_by(model.id.desc()).first()[0]


def _step(page, action, **fields):
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"[name={name}]").select_option(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_coach_makes_a_card_from_request_to_pdf(live_app, browser, tmp_path):
    from app.cards.models import HelpCard
    from app.contacts.models import ContactPerson
    from app.holders.models import Holder

    page = browser.new_page(accept_downloads=True)
    _login(page, live_app, "coach")
    base = live_app.base_url

    page.goto(base + "/holderview/add")
    page.fill("#reference", "BROWSER-1")
    page.fill("#first_name", "Bram")
    page.fill("#last_name", "Browser")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    holder_id = _id_of(live_app, Holder, reference="BROWSER-1")

    page.goto(base + "/contactpersonview/add")
    page.select_option("#holder", str(holder_id), force=True)
    page.fill("#name", "Carla Contact")
    page.fill("#phone", "06 12 34 56 78")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    contact_id = _id_of(live_app, ContactPerson, holder_id=holder_id)

    page.goto(base + "/helpcardview/add")
    page.select_option("#holder", str(holder_id), force=True)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    card_id = _id_of(live_app, HelpCard, holder_id=holder_id)
    card_page = f"{base}/helpcardview/show/{card_id}"

    page.goto(card_page)
    _step(page, "hold_intro", choice="with_coach")
    _step(page, "start_drafting")
    page.click("text=Concepttekst bewerken")
    page.fill("#loss_of_control_signs", SIGNS)
    page.fill("#how_to_help", HELP)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.goto(card_page)
    _step(page, "submit_for_approval")
    _step(page, "record_holder_approval", method="oral")
    missing = page.locator("#quality-problems").inner_text()
    assert "toestemming" in missing  # the contact has not consented yet
    _step(page, "approve")
    assert "toestemming" in page.locator(".alert-danger, .alert-warning").first.inner_text()

    page.goto(base + "/consentview/add")
    page.select_option("#purpose", "on_card", force=True)
    page.select_option("#contact_person", str(contact_id), force=True)
    page.select_option("#form", "oral", force=True)
    page.fill("#evidence_note", "Mondeling toegezegd aan de telefoon")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(card_page)
    assert page.locator("#quality-ok").is_visible()
    _step(page, "approve")
    _step(page, "issue")
    assert "Uitgereikt" in page.locator("#card-workflow .panel-heading").inner_text()

    with page.expect_download() as info:
        page.click("text=PDF downloaden")
    pdf = tmp_path / "kaart.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in pages
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True).stdout.split())
    assert SIGNS in text and HELP in text and "06-12345678" in text.replace(" ", "-")
    page.close()
