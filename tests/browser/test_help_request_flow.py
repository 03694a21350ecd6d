"""Issue 8's acceptance in a real browser: a request through the public form, the helpdesk's
intake, matching, the volunteer accepting through the link in his mail, and the requester's
confirmation. Mails go through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import re

from tests.browser.test_card_flow import _login, _step

REQUESTER = "rianne.vraag@example.nl"


def _send_outbox(app):
    from app.extensions import db
    from infra.outbox import deliver_due

    with app.app_context():
        deliver_due()
        db.session.remove()


def _latest(app, model, **by):
    from app.extensions import db

    with app.app_context():
        return db.session.query(model).filter_by(**by).order_by(model.id.desc()).first()


def test_request_from_public_form_to_confirmed_match(live_app, browser):
    from app.helpdesk.models import HelpRequest
    from app.organisations.models import Organisation
    from app.volunteers.models import Volunteer

    smtp, base = live_app.smtp, live_app.base_url
    from app.demo.builder import MAIN_ORG

    org = _latest(live_app, Organisation, name=MAIN_ORG)

    requester = browser.new_page()
    requester.goto(f"{base}/hulp-vragen/?org={org.id}")
    requester.check("text=Voor mijzelf")
    requester.fill("#name", "Rianne Vraag")
    requester.fill("#email", REQUESTER)
    requester.fill("#postcode", f"{org.pc4} AB")
    requester.fill("#description", "Wie kan mij helpen een lamp op te hangen in de woonkamer?")
    requester.click("form [type=submit]")
    requester.wait_for_load_state()
    assert "Rianne" not in requester.content()  # the thank-you page echoes no personal data
    _send_outbox(live_app)
    assert len(smtp.wait_for(REQUESTER)) == 1  # confirmation of receipt
    request_id = _latest(live_app, HelpRequest, organisation_id=org.id).id

    helpdesk = browser.new_page()
    helpdesk.on("dialog", lambda dialog: dialog.accept())  # "Doorgaan?" before putting it out
    _login(helpdesk, live_app, "helpdesk")
    helpdesk.goto(f"{base}/helprequestview/show/{request_id}")
    _step_form = lambda action: helpdesk.locator(f"#step-{action}")  # noqa: E731
    _step_form("start_intake").locator("button[type=submit]").click()
    helpdesk.wait_for_load_state()
    intake = _step_form("record_intake")
    options = intake.locator("select[name=category_id] option").all_inner_texts()
    lamp = next(o for o in options if "lamp" in o.lower() or "klus" in o.lower())
    intake.locator("select[name=category_id]").select_option(label=lamp)
    intake.locator("select[name=target_group_ok]").select_option("1")
    intake.locator("button[type=submit]").click()
    helpdesk.wait_for_load_state()
    _step_form("accept").locator("button[type=submit]").click()
    helpdesk.wait_for_load_state()
    assert helpdesk.locator("#request-status").inner_text() == "Geaccepteerd"

    helpdesk.click("#find-volunteers")
    helpdesk.wait_for_load_state()
    rows = helpdesk.locator("tbody tr", has_text="ja")  # volunteers who have an e-mail address
    assert rows.count() >= 1, "no volunteer with e-mail near the request"
    volunteer_id = int(rows.first.locator("input[name=volunteer]").get_attribute("value"))
    rows.first.locator("input[name=volunteer]").check()
    helpdesk.click("text=Hulpvraag voorleggen aan de gekozen vrijwilligers")
    helpdesk.wait_for_load_state()

    volunteer_email = _latest(live_app, Volunteer, id=volunteer_id).email
    _send_outbox(live_app)
    offer = smtp.wait_for(volunteer_email)[-1]
    body = smtp.text(offer)
    assert "Rianne" not in body and REQUESTER not in body  # no identity before the match
    link = re.search(r"https?://\S+/koppeling/aannemen/\S+", body).group(0)

    volunteer = browser.new_page()
    volunteer.goto(link)
    volunteer.click("text=Ik neem deze hulpvraag aan")
    volunteer.wait_for_load_state()
    assert "Dank" in volunteer.content()

    _send_outbox(live_app)
    confirmations = smtp.wait_for(REQUESTER, count=2)
    assert len(confirmations) == 2  # receipt, then the match
    details = [m for m in smtp.to(volunteer_email) if "Rianne" in smtp.text(m)]
    assert details, "the volunteer gets the requester's details after accepting"
    volunteer.goto(link)  # the link works once
    assert "al gebruikt" in volunteer.content() or "aangenomen" in volunteer.content()
    for page in (requester, helpdesk, volunteer):
        page.close()
