"""Sign-in security, through real requests: password policy, lock-out, rate limits, session
time-outs, security headers, CSRF and two-factor login (page and API)."""

from __future__ import annotations

import html
import re
import time
import uuid

import pyotp
import pytest
from sqlalchemy import text

from app.organisations.models import StaffProfile
from security.passwords import password_problem
from tests.conftest import login
from tests.support.fixtures import ORGS, PASSWORD
from workflows.organisations import add_user

PROTECTED = "/users/userinfo/"  # every logged-in role may open its profile


def new_user(app, role: str, prefix: str = "auth") -> str:
    """A fresh account per test, so lock-outs and 2FA never touch the shared fixture users."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        add_user(name, PASSWORD, email=f"{name}@example.org", roles=[role],
                 organisation_name=ORGS["a"], first_name=role, last_name="Test")
    return name


def profile(app, name: str) -> StaffProfile:
    from app.extensions import db

    user = app.appbuilder.sm.find_user(username=name)
    db.session.expire_all()
    return db.session.query(StaffProfile).filter_by(user_id=user.id).one()


def post_login(client, name, password=PASSWORD):
    return client.post("/login/", data={"username": name, "password": password})


def page(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def is_logged_in(client) -> bool:
    return client.get(PROTECTED).status_code == 200


def api_login(client, name, password=PASSWORD, **extra):
    return client.post("/api/v1/security/login", json={
        "username": name, "password": password, "provider": "db", **extra})


@pytest.fixture
def two_factor_required(app, monkeypatch):
    """Switch the 2FA requirement on for this test only (TestConfig has it off)."""
    monkeypatch.setitem(app.config, "HULPREGIE_2FA_REQUIRED_ROLES", ("Admin", "PrivacyOfficer"))


# -- password policy -----------------------------------------------------------------------

def test_policy_rules():
    assert "minstens 12 tekens" in password_problem("Kort-1")
    assert "gebruikersnaam" in password_problem("xx-janssen-2024", "janssen", "j@example.org")
    assert "gebruikersnaam" in password_problem("piet.bakker!!99", "pb", "piet.bakker@example.org")
    assert "veelgebruikte" in password_problem("Wachtwoord2024!")
    assert "veelgebruikte" in password_problem("aaaaaaaaaaaaaa")
    assert password_problem("paars fietsje onder de brug") is None
    assert password_problem(PASSWORD, "admin_a", "admin_a@example.org") is None


def test_cli_users_add_refuses_weak_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=[
        "users", "add", "zwak_ww", "--role", "Coach", "--organisation", ORGS["a"],
        "--email", "zwak@example.org", "--password", "welkom2024!!"])
    assert result.exit_code != 0 and "veelgebruikte wachtwoorden" in result.output
    result = runner.invoke(args=[
        "users", "add", "zwak_ww", "--role", "Coach", "--organisation", ORGS["a"],
        "--email", "zwak@example.org", "--password", "kort"])
    assert result.exit_code != 0 and "minstens 12 tekens" in result.output
    assert app.appbuilder.sm.find_user(username="zwak_ww") is None


def test_user_add_form_refuses_weak_password(app):
    client = login(app.test_client(), "admin_a")
    role_id = app.appbuilder.sm.find_role("Coach").id
    name = f"form_{uuid.uuid4().hex[:6]}"
    form = {"first_name": "F", "last_name": "Orm", "username": name, "active": "y",
            "email": f"{name}@example.org", "roles": str(role_id)}
    resp = client.post("/users/add", data={**form, "password": f"{name}-geheim!",
                                           "conf_password": f"{name}-geheim!"})
    assert "mag uw gebruikersnaam of e-mailadres niet bevatten" in page(resp)
    assert app.appbuilder.sm.find_user(username=name) is None
    resp = client.post("/users/add", data={**form, "password": "kort", "conf_password": "kort"})
    assert "minstens 12 tekens" in page(resp)
    resp = client.post("/users/add", data={**form, "password": "lange zin met woorden",
                                           "conf_password": "lange zin met woorden"})
    assert resp.status_code == 302
    assert app.appbuilder.sm.find_user(username=name) is not None


def test_reset_my_password_applies_the_policy(app):
    name = new_user(app, "Coach")
    client = login(app.test_client(), name)
    resp = client.post("/resetmypassword/form", data={"password": "qwerty123456",
                                                      "conf_password": "qwerty123456"})
    assert "veelgebruikte wachtwoorden" in page(resp)
    resp = client.post("/resetmypassword/form", data={"password": f"{name}!!!!",
                                                      "conf_password": f"{name}!!!!"})
    assert "gebruikersnaam" in page(resp)
    new = "een nieuwe lange zin"
    resp = client.post("/resetmypassword/form", data={"password": new, "conf_password": new})
    assert resp.status_code == 302
    assert profile(app, name).password_changed_at is not None
    assert post_login(app.test_client(), name, new).headers["Location"] == "/"


def test_admin_reset_password_checks_the_target_account(app):
    name = new_user(app, "Helpdesk")
    pk = app.appbuilder.sm.find_user(username=name).id
    client = login(app.test_client(), "admin_a")
    resp = client.post(f"/resetpassword/form?pk={pk}",
                       data={"password": f"Nieuw-{name}", "conf_password": f"Nieuw-{name}"})
    assert "gebruikersnaam" in page(resp)
    assert post_login(app.test_client(), name).headers["Location"] == "/"  # unchanged


# -- lock-out and rate limits ------------------------------------------------------------

def test_lockout_after_failures_and_reset_after_success(app):
    name = new_user(app, "Coach")
    client = app.test_client()
    for _ in range(4):
        post_login(client, name, "fout-fout-fout")
        assert "Onjuiste gebruikersnaam" in page(client.get("/login/"))
    assert profile(app, name).failed_logins == 4
    login(client, name)  # a success resets the counter
    assert profile(app, name).failed_logins == 0
    client.get("/logout/")

    for _ in range(5):
        post_login(client, name, "fout-fout-fout")
    assert profile(app, name).locked_until is not None
    resp = client.get("/login/")
    assert "tijdelijk geblokkeerd na 5 mislukte inlogpogingen" in page(resp)
    assert "over 15 minuten" in page(resp)
    # The right password does not help while locked, on the page nor in the API.
    resp = post_login(client, name)
    assert "/login" in resp.headers["Location"] and not is_logged_in(client)
    assert "tijdelijk geblokkeerd" in page(client.get("/login/"))
    resp = api_login(client, name)
    assert resp.status_code == 401 and "tijdelijk geblokkeerd" in resp.json["message"]

    # When the lock has expired the right password works and the counters start again.
    from app.extensions import db

    prof = profile(app, name)
    prof.locked_until = prof.locked_until.replace(year=2000)
    db.session.commit()
    login(client, name)
    prof = profile(app, name)
    assert prof.failed_logins == 0 and prof.locked_until is None


def test_unknown_user_and_wrong_password_get_the_same_answer(app):
    client = app.test_client()
    post_login(client, "bestaat_niet_" + uuid.uuid4().hex[:6], "wat-dan-ook-123")
    unknown = page(client.get("/login/"))
    post_login(client, "coach_b", "fout-fout-fout-1")
    wrong = page(client.get("/login/"))
    assert "Onjuiste gebruikersnaam of wachtwoord" in unknown and \
        "Onjuiste gebruikersnaam of wachtwoord" in wrong


def test_login_attempts_are_rate_limited_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "3 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.77"
    try:
        codes = [post_login(client, "coach_b", "fout-fout-fout-1").status_code for _ in range(4)]
        assert codes == [302, 302, 302, 429]
        resp = post_login(client, "coach_b")
        assert resp.status_code == 429 and "Te veel pogingen" in page(resp)
        resp = api_login(client, "coach_b")
        api_codes = [resp.status_code] + [api_login(client, "coach_b").status_code
                                          for _ in range(3)]
        assert api_codes[-1] == 429 and "Te veel pogingen" in api_login(client, "x").json["message"]
        assert client.get("/login/").status_code == 200  # only POSTs count
    finally:
        app.appbuilder.sm.limiter.reset()
        from app.extensions import db

        prof = profile(app, "coach_b")  # the wrong passwords above count for coach_b
        prof.failed_logins, prof.locked_until = 0, None
        db.session.commit()


# -- sessions ----------------------------------------------------------------------------

def test_idle_timeout_logs_out_with_a_message(app):
    client = login(app.test_client(), "coach_a")
    assert is_logged_in(client)
    with client.session_transaction() as sess:
        sess["_hr_seen"] = time.time() - 29 * 60
    assert is_logged_in(client)  # 29 minutes: still in, and the clock restarts
    with client.session_transaction() as sess:
        sess["_hr_seen"] = time.time() - 31 * 60
    resp = client.get(PROTECTED)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "niets hebt gedaan" in page(client.get("/login/"))
    assert not is_logged_in(client)


def test_idle_minutes_come_from_the_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "HULPREGIE_IDLE_MINUTES", 5)
    client = login(app.test_client(), "coach_a")
    with client.session_transaction() as sess:
        sess["_hr_seen"] = time.time() - 6 * 60
    assert not is_logged_in(client)


def test_absolute_session_lifetime(app):
    client = login(app.test_client(), "coach_a")
    with client.session_transaction() as sess:
        assert sess.permanent
        sess["_hr_started"] = time.time() - 8 * 3600 - 60  # active all day, but 8 h are up
    resp = client.get(PROTECTED)
    assert resp.status_code == 302
    assert "langer dan 8 uur" in page(client.get("/login/"))


def test_session_cookie_flags(app):
    resp = post_login(app.test_client(), "coach_a")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_security_headers_and_csp_nonce(app):
    client = app.test_client()
    for resp in (client.get("/login/"), login(client, "projectleader_a").get("/holderview/list/"),
                 client.get("/api/v1/holder/")):
        headers = resp.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        if resp.mimetype == "text/html":
            # Every script carries this response's nonce, or the browser would block it.
            nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
            scripts = re.findall(r"<script[^>]*>", resp.get_data(as_text=True))
            assert scripts and all(f'nonce="{nonce}"' in s for s in scripts), scripts
    assert resp.headers["Cache-Control"] == "no-store"


def test_csrf_is_required_on_forms(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    resp = post_login(client, "coach_a")
    assert resp.status_code == 400 and "beveiligingscontrole" in page(resp)
    assert not is_logged_in(client)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login/").get_data(as_text=True)).group(1)
    resp = client.post("/login/", data={"username": "coach_a", "password": PASSWORD,
                                        "csrf_token": token})
    assert resp.status_code == 302 and is_logged_in(client)
    # A logged-in form without the token is refused too; the JWT API needs none.
    resp = client.post("/resetmypassword/form", data={"password": "een nieuwe lange zin",
                                                      "conf_password": "een nieuwe lange zin"})
    assert resp.status_code == 400
    assert api_login(app.test_client(), "coach_a").status_code == 200


def test_delete_by_get_is_refused(app, db):
    from app.organisations.models import Organisation

    org = Organisation(name=f"Weg {uuid.uuid4().hex[:6]}")
    db.session.add(org)
    db.session.commit()
    client = login(app.test_client(), "admin_a")
    client.get(f"/organisationview/delete/{org.id}")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id) is not None


# -- two-factor login --------------------------------------------------------------------

def enrol_page_secret(resp) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', resp.get_data(as_text=True)) \
        .group(1).replace(" ", "")


def test_two_factor_required_flow_for_privacy_officer(app, db, two_factor_required):
    name = new_user(app, "PrivacyOfficer")
    client = app.test_client()
    resp = post_login(client, name)
    assert resp.headers["Location"].endswith("/tweestap/instellen/")
    assert not is_logged_in(client)  # half logged in: no page yet

    resp = client.get("/tweestap/instellen/")
    assert resp.status_code == 200 and "<svg" in page(resp)
    secret = enrol_page_secret(resp)
    assert profile(app, name).totp_enabled is False
    stored = db.session.execute(text("SELECT totp_secret FROM staff_profile WHERE id = :id"),
                                {"id": profile(app, name).id}).scalar()
    assert secret not in stored  # encrypted at rest

    resp = client.post("/tweestap/instellen/", data={"code": "000000"})
    assert "klopt niet" in page(resp) and not is_logged_in(client)
    resp = client.post("/tweestap/instellen/", data={"code": pyotp.TOTP(secret).now()})
    assert resp.status_code == 302 and is_logged_in(client)
    assert profile(app, name).totp_enabled is True
    client.get("/logout/")

    # Next time: password, then the code.
    resp = post_login(client, name)
    assert resp.headers["Location"].endswith("/tweestap/code/")
    assert client.get("/tweestap/instellen/").headers["Location"].endswith("/tweestap/code/")
    assert not is_logged_in(client)
    resp = client.post("/tweestap/code/", data={"code": "123456"})
    assert "klopt niet" in page(resp) and not is_logged_in(client)
    assert profile(app, name).failed_logins == 1  # wrong codes count towards the lock-out
    resp = client.post("/tweestap/code/", data={"code": pyotp.TOTP(secret).now()})
    assert resp.status_code == 302 and is_logged_in(client)
    assert profile(app, name).failed_logins == 0


def test_wrong_codes_lock_the_account(app, two_factor_required):
    name = new_user(app, "Admin")
    secret = pyotp.random_base32()
    with app.app_context():
        app.appbuilder.sm.set_totp(app.appbuilder.sm.find_user(username=name), secret, True)
    client = app.test_client()
    post_login(client, name)
    for _ in range(4):
        client.post("/tweestap/code/", data={"code": "111111"})
    resp = client.post("/tweestap/code/", data={"code": "111111"})
    assert "/login" in resp.headers["Location"]
    assert "tijdelijk geblokkeerd" in page(client.get("/login/"))
    post_login(client, name)
    assert "tijdelijk geblokkeerd" in page(client.get("/login/"))
    assert client.get("/tweestap/code/").headers["Location"].endswith("/login/")
    from app.extensions import db
    from security.audit import AuditEvent

    actions = [a for (a,) in db.session.query(AuditEvent.action).filter_by(username=name)]
    assert actions.count("login_failed") == 5 and "login_locked" in actions


def test_half_login_expires_and_needs_a_password(app, two_factor_required):
    client = app.test_client()
    assert client.get("/tweestap/code/").headers["Location"].endswith("/login/")
    assert client.get("/tweestap/instellen/").headers["Location"].endswith("/login/")
    name = new_user(app, "PrivacyOfficer")
    post_login(client, name)
    with client.session_transaction() as sess:
        sess["_hr_2fa_pending"] = {**sess["_hr_2fa_pending"], "at": time.time() - 600}
    resp = client.get("/tweestap/instellen/")
    assert resp.headers["Location"].endswith("/login/")


def test_api_login_with_and_without_totp(app, two_factor_required):
    client = app.test_client()
    fresh = new_user(app, "PrivacyOfficer")
    resp = api_login(client, fresh)
    assert resp.status_code == 401 and "verplicht" in resp.json["message"]

    name = new_user(app, "PrivacyOfficer")
    secret = pyotp.random_base32()
    with app.app_context():
        app.appbuilder.sm.set_totp(app.appbuilder.sm.find_user(username=name), secret, True)
    resp = api_login(client, name)
    assert resp.status_code == 401 and "'totp'" in resp.json["message"]
    resp = api_login(client, name, totp="000000")
    assert resp.status_code == 401 and "klopt niet" in resp.json["message"]
    resp = api_login(client, name, totp=pyotp.TOTP(secret).now())
    assert resp.status_code == 200
    headers = {"Authorization": f"Bearer {resp.json['access_token']}"}
    assert client.get("/api/v1/holder/", headers=headers).status_code == 200
    resp = api_login(client, "coach_a", totp="123456")  # no 2FA: the field is ignored
    assert resp.status_code == 200


def test_optional_two_factor_from_the_profile(app):
    name = new_user(app, "Coach")
    client = login(app.test_client(), name)
    assert "Tweestapsverificatie" in page(client.get(PROTECTED))  # the menu link
    resp = client.get("/tweestap/instellen/")
    assert "Met tweestapsverificatie" in page(resp)
    secret = enrol_page_secret(resp)
    resp = client.post("/tweestap/instellen/", data={"code": pyotp.TOTP(secret).now()})
    assert resp.headers["Location"].endswith(PROTECTED)
    assert is_logged_in(client)  # this session proved the new code: no second step now
    client.get("/logout/")
    assert post_login(client, name).headers["Location"].endswith("/tweestap/code/")
    client.post("/tweestap/code/", data={"code": pyotp.TOTP(secret).now()})
    assert is_logged_in(client)
    client.post("/tweestap/uitzetten/", data={"code": "000000"})
    assert profile(app, name).totp_enabled is True
    client.post("/tweestap/uitzetten/", data={"code": pyotp.TOTP(secret).now()})
    assert profile(app, name).totp_enabled is False
    client.get("/logout/")
    assert post_login(client, name).headers["Location"] == "/"


def test_session_without_owed_second_factor_is_sent_to_it(app, monkeypatch):
    name = new_user(app, "PrivacyOfficer")
    client = login(app.test_client(), name)  # 2FA not yet required: password suffices
    monkeypatch.setitem(app.config, "HULPREGIE_2FA_REQUIRED_ROLES", ("PrivacyOfficer",))
    resp = client.get(PROTECTED)
    assert resp.headers["Location"].endswith("/tweestap/instellen/")
    assert not is_logged_in(client)


def test_required_roles_setting_is_checked_at_start(app):
    from app.core.errors import ConfigError
    from security.session import _normalise

    config = {"HULPREGIE_IDLE_MINUTES": "45", "HULPREGIE_LOCKOUT_ATTEMPTS": 5,
              "HULPREGIE_LOCKOUT_MINUTES": "15", "HULPREGIE_PROXY_COUNT": "0",
              "HULPREGIE_2FA_REQUIRED_ROLES": "Admin, Coach"}
    _normalise(config)
    assert config["HULPREGIE_IDLE_MINUTES"] == 45
    assert config["HULPREGIE_2FA_REQUIRED_ROLES"] == ("Admin", "Coach")
    with pytest.raises(ConfigError, match="unknown roles: Baas"):
        _normalise({**config, "HULPREGIE_2FA_REQUIRED_ROLES": "Admin,Baas"})
    with pytest.raises(ConfigError, match="HULPREGIE_IDLE_MINUTES"):
        _normalise({**config, "HULPREGIE_IDLE_MINUTES": "dertig"})


def test_cli_unlocks_and_resets_two_factor(app, two_factor_required):
    name = new_user(app, "PrivacyOfficer")
    client = app.test_client()
    for _ in range(5):
        post_login(client, name, "fout-fout-fout")
    runner = app.test_cli_runner()
    assert "geblokkeerd tot (UTC):    20" in runner.invoke(args=["login", "status", name]).output
    assert runner.invoke(args=["login", "unlock", name]).exit_code == 0
    assert post_login(client, name).headers["Location"].endswith("/tweestap/instellen/")
    secret = enrol_page_secret(client.get("/tweestap/instellen/"))
    client.post("/tweestap/instellen/", data={"code": pyotp.TOTP(secret).now()})
    assert is_logged_in(client)
    client.get("/logout/")
    result = runner.invoke(args=["login", "reset-2fa", name])
    assert result.exit_code == 0, result.output
    assert profile(app, name).totp_secret is None
    assert post_login(client, name).headers["Location"].endswith("/tweestap/instellen/")
    assert enrol_page_secret(client.get("/tweestap/instellen/")) != secret
    result = runner.invoke(args=["login", "unlock", "niemand_hier"])
    assert result.exit_code != 0 and "bestaat niet" in result.output
