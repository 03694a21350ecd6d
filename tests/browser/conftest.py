"""Browser fixtures: the app with demo data served on a free loopback port (CSRF on), a
real SMTP server on loopback behind it, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.core.registry import resource_menus
from tests.support.pg import free_port
from tests.support.smtp import SmtpServer

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def live_smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory, live_smtp):
    import flask_migrate

    from app import create_app
    from security.sync import sync_roles

    folder = tmp_path_factory.mktemp("browser")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}",
                     WTF_CSRF_ENABLED=True, SMTP_HOST=live_smtp.host, SMTP_PORT=live_smtp.port)
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
    app.config["HULPREGIE_BASE_URL"] = app.base_url  # links in mails point at this server
    app.smtp = live_smtp
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
