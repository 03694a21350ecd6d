"""Issue 11's acceptance in a real browser: a coach holds a support-plan conversation for one
of his holders (the guide's questions in order), the client agrees, and the plan downloads as
a PDF marked as agreed, with the answers."""

from __future__ import annotations

import subprocess

from tests.browser.test_card_flow import _id_of, _login

IMPORTANT = "Mijn kleinzoon zien, in mijn eigen huis blijven, mijn tuin."
GOALS = "Over drie maanden doe ik zelf weer boodschappen."


def test_coach_holds_a_support_plan_conversation_and_prints_the_plan(live_app, browser, tmp_path):
    from app.holders.models import Holder
    from app.supportplans.models import SupportPlan

    page = browser.new_page(accept_downloads=True)
    _login(page, live_app, "coach")
    base = live_app.base_url

    page.goto(base + "/holderview/add")
    page.fill("#reference", "PLAN-1")
    page.fill("#first_name", "Petra")
    page.fill("#last_name", "Plan")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    holder_id = _id_of(live_app, Holder, reference="PLAN-1")

    page.goto(base + "/supportplanview/add")
    page.select_option("#holder", str(holder_id), force=True)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    plan_id = _id_of(live_app, SupportPlan, holder_id=holder_id)

    page.goto(f"{base}/supportplanview/show/{plan_id}")
    page.click("#start-conversation")
    page.wait_for_load_state()
    labels = page.locator("#conversation-form label").all_inner_texts()
    assert labels.index("1. Wat vindt u het belangrijkst in uw leven?") < \
        labels.index("11. Wat wilt u bereiken?")
    page.fill("#important", IMPORTANT)
    page.fill("#network_who", "Mijn dochter en de buurvrouw")
    page.fill("#goals", GOALS)
    page.check("#agreed")
    page.click("#save-conversation")
    page.wait_for_load_state()
    assert "versie 1" in page.locator(".alert-success").first.inner_text()
    assert "Afgesproken" in page.locator("#support-plan .panel-heading").inner_text()

    with page.expect_download() as info:
        page.click("#plan-pdf")
    pdf = tmp_path / "plan.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True).stdout.split())
    assert IMPORTANT in text and GOALS in text and "Afgesproken" in text
    assert "Petra Plan" in text
    page.close()
