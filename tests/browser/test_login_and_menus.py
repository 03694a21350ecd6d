"""In a real browser (Debian's Chromium): the demo logins work through the login form
(with CSRF on) and each role's menu bar shows exactly the menus of what it may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.registry import resource_menus
from security.roles import allowed
ROLE_OF = {"admin": "Admin", "projectleider": "ProjectLeader", "coach": "Coach",
           "helpdesk": "Helpdesk", "coordinator": "VolunteerCoordinator",
           "partner": "PartnerContact", "privacy": "PrivacyOfficer"}


def _credentials(app) -> dict[str, str]:
    lines = (Path(app.instance_path) / "demo-credentials.txt").read_text().splitlines()
    return {parts[0]: parts[-1] for parts in (line.split() for line in lines)
            if parts and parts[0] in ROLE_OF}


@pytest.mark.parametrize("login", list(ROLE_OF))
def test_demo_login_shows_only_the_roles_menus(live_app, browser, login):
    password = _credentials(live_app)[login]
    page = browser.new_page()
    page.goto(live_app.base_url + "/login/")
    page.fill("#username", login)
    page.fill("#password", password)
    page.click("[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{login} could not log in"
    shown = set(page.eval_on_selector_all(
        ".navbar-nav:not(.navbar-right) a", "els => els.map(e => e.textContent.trim())"))
    role = ROLE_OF[login]
    menus = resource_menus(live_app.appbuilder)
    readable = {n for res, names in menus.items() if allowed(role, res, "read") for n in names}
    every = {n for names in menus.values() for n in names}
    assert readable <= shown, f"{login} misses {readable - shown}"
    assert not (every - readable) & shown, f"{login} sees {(every - readable) & shown}"
    assert ("Security" in shown or "Beveiliging" in shown) == (role == "Admin")
    page.close()
