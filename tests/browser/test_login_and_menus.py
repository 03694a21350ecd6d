"""In a real browser (Debian's Chromium): the demo logins work through the login form
(with CSRF on) and each role's menu bar shows exactly the menus of what it may read."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.core.registry import resource_menus
from security.roles import allowed
from tests.support.pg import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROLE_OF = {"admin": "Admin", "projectleider": "ProjectLeader", "coach": "Coach",
           "helpdesk": "Helpdesk", "coordinator": "VolunteerCoordinator",
           "partner": "PartnerContact", "privacy": "PrivacyOfficer"}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    import flask_migrate

    from app import create_app
    from security.sync import sync_roles

    folder = tmp_path_factory.mktemp("browser")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}",
                     WTF_CSRF_ENABLED=True)
    app.instance_path = str(folder)
    with app.app_context():
        flask_migrate.upgrade()
        sync_roles(app.appbuilder, resource_menus(app.appbuilder))
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{port}"
    yield app
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


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
