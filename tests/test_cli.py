"""The CLI: clear errors, nothing half-written."""

from __future__ import annotations

from app.organisations.models import StaffProfile
from security.crypto import parse_key_ring


def test_users_add_links_the_login_to_its_organisation(app, db):
    result = app.test_cli_runner().invoke(args=[
        "users", "add", "nieuwe_helpdesk", "--role", "Helpdesk", "--organisation", "Organisatie A",
        "--email", "nieuw@example.org", "--password", "Lang-genoeg-1"])
    assert result.exit_code == 0, result.output
    user = app.appbuilder.sm.find_user(username="nieuwe_helpdesk")
    assert [r.name for r in user.roles] == ["Helpdesk"]
    assert db.session.query(StaffProfile).filter_by(user_id=user.id).one()


def test_users_add_refuses_unknown_role_or_organisation(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "add", "x1", "--role", "Baas", "--organisation",
                                 "Organisatie A", "--email", "x1@example.org", "--password", "p"])
    assert result.exit_code != 0 and "Onbekende rol" in result.output
    result = runner.invoke(args=["users", "add", "x2", "--role", "Coach", "--organisation",
                                 "Bestaat Niet", "--email", "x2@example.org", "--password", "p"])
    assert result.exit_code != 0 and "bestaat niet" in result.output
    assert app.appbuilder.sm.find_user(username="x2") is None


def test_keys_generate_prints_usable_keys(app):
    out = app.test_cli_runner().invoke(args=["keys", "generate", "--id", "k9"]).output
    field = out.split("HULPREGIE_FIELD_KEYS entry: ")[1].split()[0]
    index = out.split("(only for a new installation): ")[1].split()[0]
    ring = parse_key_ring(field, index)
    assert ring.current_id == "k9" and ring.decrypt(ring.encrypt("test")) == "test"


def test_roles_sync_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["roles", "sync"]).output
    assert runner.invoke(args=["roles", "sync"]).output == first
