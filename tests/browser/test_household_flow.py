"""Issue 11's acceptance in a real browser: a helpdesk worker walks the household-help
assessment to an advice, with a reason at every step, and prints it (CSRF and CSP on)."""

from __future__ import annotations

import subprocess

from tests.browser.test_card_flow import _login


def _answer(page, reason, choice=None, tasks=()):
    form = page.locator("#step-form")
    if choice is not None:
        form.locator(f"input[name=answer][value={choice}]").check()
    for label in tasks:
        form.locator("label", has_text=label).locator("input[name=task]").check()
    form.locator("#reason").fill(reason)
    form.locator("#next-step").click()
    page.wait_for_load_state()


def test_helpdesk_walks_an_assessment_to_an_advice(live_app, browser, tmp_path):
    base = live_app.base_url
    page = browser.new_page(accept_downloads=True)
    page.on("dialog", lambda dialog: dialog.accept())  # "Doorgaan?" before changing an answer
    _login(page, live_app, "helpdesk")
    page.goto(f"{base}/householdassessmentview/list/")
    assert "Beoordelingen hulp bij het huishouden" in page.content()
    page.goto(f"{base}/householdassessmentview/add")  # FAB's add leads to choosing the client
    page.wait_for_load_state()
    options = page.locator("#help_request_id option").all()
    page.select_option("#help_request_id", options[-1].get_attribute("value"))
    page.click("#start-assessment [type=submit]")
    page.wait_for_load_state()
    assert "/walk/" in page.url

    # Without a reason the browser does not send; with a blank reason the server refuses.
    page.locator("input[name=answer][value=yes]").check()
    page.locator("#reason").fill("   ")
    page.locator("#next-step").click()
    page.wait_for_load_state()
    assert "Reden is verplicht bij" in page.content()

    _answer(page, "Keuken en badkamer raken vervuild.", "yes")
    _answer(page, "Woont alleen in een flat.", "independent")
    _answer(page, "Kan zelf regelen, niet uitvoeren.", "household")
    assert page.locator("#step-form legend").inner_text().startswith("Welke taken")
    _answer(page, "Kan niet bukken.", tasks=["zwaar huishoudelijk werk", "bedden verschonen"])
    _answer(page, "Partner werkt weken achter elkaar op zee.", "away")
    _answer(page, "Heeft al een vaatwasser; lost de taken niet op.", "no")
    _answer(page, "Niets aan te leren.", "no")
    # Change an earlier answer: the later one goes, the question comes back.
    page.locator("#answers tr[data-step=provisions] button").click()
    page.wait_for_load_state()
    assert page.locator("#answers tr[data-step=instruction]").count() == 0
    assert "Voorliggende" in page.locator("#step-form .panel-heading").inner_text()
    _answer(page, "Heeft al een vaatwasser; die lost de taken niet op.", "no")
    _answer(page, "Niets aan te leren.", "no")
    _answer(page, "Geen herstel te verwachten.", "no")
    _answer(page, "Geen allergie.", "no")
    _answer(page, "Geen bijzonderheden.")  # no surcharge
    assert "Indicatie" in page.locator("#outcome").inner_text()
    page.locator("#complete-form input[name=confirm]").check()
    page.click("#complete")
    page.wait_for_load_state()

    assert "/advice/" in page.url
    # 90 minutes x 1 + 20 minutes x 1 a week (the demo's example norms) = 1.83 hours
    assert page.locator("#advice-hours").inner_text() == "1,83"
    reasons = page.locator("#advice-reasons").inner_text()
    for reason in ("Kan niet bukken.", "Partner werkt weken achter elkaar op zee.",
                   "die lost de taken niet op", "Geen bijzonderheden."):
        assert reason in reasons
    assert "het besluit neemt een medewerker" in page.content().lower()
    with page.expect_download() as info:
        page.click("#advice-pdf")
    pdf = tmp_path / "advies.pdf"
    info.value.save_as(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "ADVIES hulp bij het huishouden" in text and "geen besluit" in text
    assert "1,83 uur per week" in text and "Kan niet bukken." in text
    page.close()
