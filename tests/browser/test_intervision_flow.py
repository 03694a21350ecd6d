"""Issue 9 in a real browser: a project leader plans an intervision (the proposed date is filled
in), records who was there (one coach and a guest from another organisation) and holds it."""

from __future__ import annotations

import datetime as dt

from tests.browser.test_card_flow import _login


def _proposed(app) -> dt.date:
    from app.extensions import db
    from app.organisations.models import Organisation
    from workflows.coaches.intervision import propose_next

    with app.app_context():
        org_id = db.session.query(Organisation.id).order_by(Organisation.id).first()[0]
        day = propose_next(db.session, org_id)
        db.session.remove()
    return day


def _session(app, pk):
    from app.coaches.models import IntervisionSession
    from app.extensions import db

    with app.app_context():
        item = db.session.get(IntervisionSession, pk)
        result = (item.status.name, item.notes, item.location,
                  sorted((a.coach_id is not None, a.guest_name, a.present) for a in item.attendance))
        db.session.remove()
    return result


def test_project_leader_plans_records_attendance_and_holds(live_app, browser):
    base = live_app.base_url
    proposed = _proposed(live_app)
    page = browser.new_page()
    _login(page, live_app, "projectleider")

    page.goto(f"{base}/intervisionsessionview/list/")
    page.click("#intervision-plan")
    page.wait_for_load_state()
    assert page.input_value("#held_on") == proposed.isoformat()
    today = dt.date.today()
    page.fill("#held_on", today.isoformat())  # held today, so it can be recorded as held now
    page.fill("#location", "Buurthuis De Boog")
    page.fill("#topics", "Omgaan met weerstand")
    page.click("#plan-submit")
    page.wait_for_load_state()
    assert f"Intervisie gepland op {today:%d-%m-%Y}." in page.content()
    pk = int(page.url.rstrip("/").split("/")[-1])
    invited = page.locator("#attendance input[name=present]").count()
    assert invited >= 2  # every active coach is on the list

    page.locator("#attendance input[name=present]").first.check()
    page.fill("#guest-name-0", "Gerda Gast")
    page.fill("#guest-org-0", "Hulpkaart Zeist")
    page.click("#attendance-submit")
    page.wait_for_load_state()
    assert "Aanwezigheid vastgelegd." in page.content()
    assert "Gerda Gast" in page.inner_text("#attendance")

    page.fill("#notes", "Twee casussen besproken; afspraken over de-escalatie.")
    page.click("#hold-submit")
    page.wait_for_load_state()
    assert "De bijeenkomst is vastgelegd als gehouden." in page.content()
    assert page.inner_text("#session-status") == "Gehouden"
    assert page.locator("#hold-form").count() == 0

    status, notes, location, rows = _session(live_app, pk)
    assert (status, location) == ("held", "Buurthuis De Boog")
    assert notes.startswith("Twee casussen")
    coaches_present = [r for r in rows if r[0] and r[2]]
    guests = [r for r in rows if not r[0]]
    assert len(coaches_present) == 1 and guests == [(False, "Gerda Gast", True)]

    page.goto(f"{base}/intervisionsessionview/aanwezigheid-per-coach/")
    assert page.locator("#attendance-per-coach tbody tr").count() >= 2
    page.close()
