"""Demo data: realistic, idempotent, logins per role, and no plaintext personal data at rest."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa


@pytest.fixture
def demo_app(database_url, request, tmp_path):
    """A fresh application on its own empty database, with the demo data loaded once."""
    import flask_migrate

    from app import create_app
    from app.core.registry import resource_menus
    from security.sync import sync_roles

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'demo.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database("hulpregie_demo")
    application = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    application.instance_path = str(tmp_path)  # keep the credentials file out of instance/
    with application.app_context():
        flask_migrate.upgrade()
        sync_roles(application.appbuilder, resource_menus(application.appbuilder))
    result = application.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    application.demo_output = result.output
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _counts(app):
    from app.extensions import db

    with app.app_context():
        names = ["holder", "help_card", "contact_person", "consent", "volunteer", "help_request",
                 "match", "partner", "coach", "ab_user"]
        return {n: db.session.execute(sa.text(f"SELECT COUNT(*) FROM {n}")).scalar() for n in names}


def _credentials(app) -> dict[str, str]:
    text = (Path(app.instance_path) / "demo-credentials.txt").read_text()
    rows = [line.split() for line in text.splitlines() if line and not line.startswith(("-", "Hulpregie", "Gebruiker"))]
    return {row[0]: row[-1] for row in rows if len(row) >= 4}


def test_demo_is_realistic_and_idempotent(demo_app):
    first = _counts(demo_app)
    assert first["holder"] >= 12 and first["volunteer"] >= 30 and first["match"] >= 1
    assert first["consent"] > first["holder"]
    result = demo_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert _counts(demo_app) == first


def test_printed_credentials_log_in_for_every_role(demo_app):
    creds = _credentials(demo_app)
    assert {"admin", "projectleider", "coach", "helpdesk", "coordinator", "partner", "privacy"} <= set(creds)
    client = demo_app.test_client()
    for login, password in creds.items():
        resp = client.post("/api/v1/security/login",
                           json={"username": login, "password": password, "provider": "db"})
        assert resp.status_code == 200, login
        headers = {"Authorization": f"Bearer {resp.json['access_token']}"}
        assert client.get("/api/v1/menu/", headers=headers).status_code == 200


def _raw_bytes(app) -> bytes:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).read_bytes()
    parsed = sa.engine.make_url(url)
    dump = subprocess.run(
        ["/usr/lib/postgresql/15/bin/pg_dump", "-h", parsed.host, "-p", str(parsed.port),
         "-U", parsed.username, parsed.database], check=True, capture_output=True)
    return dump.stdout


def test_no_personal_value_is_stored_in_plaintext(demo_app):
    from app.contacts.models import ContactPerson
    from app.extensions import db
    from app.helpdesk.models import HelpRequest
    from app.holders.models import Holder
    from app.volunteers.models import Volunteer

    with demo_app.app_context():
        values = set()
        for holder in db.session.query(Holder):
            values |= {holder.last_name, holder.phone, holder.email, holder.address, holder.postcode,
                       holder.birth_date.isoformat() if holder.birth_date else None}
        for contact in db.session.query(ContactPerson):
            values |= {contact.name, contact.phone}
        for volunteer in db.session.query(Volunteer):
            values |= {volunteer.last_name, volunteer.phone, volunteer.email}
        for request in db.session.query(HelpRequest):
            values |= {request.requester_name, request.requester_phone, request.description[:40]}
        # Staff and partner contacts are not protected subjects; their surnames may coincide.
        staff = set(db.session.execute(sa.text(
            "SELECT last_name FROM ab_user UNION SELECT last_name FROM coach "
            "UNION SELECT contact_name FROM partner UNION SELECT person FROM outreach_contact "
            "UNION SELECT guest_name FROM intervision_attendance")).scalars())
        staff_text = " | ".join(name for name in staff if name)
    values = {v for v in values if v and len(v) >= 5 and v not in staff_text}
    assert len(values) > 50
    raw = _raw_bytes(demo_app)
    found = sorted(v for v in values if v.encode() in raw)
    assert found == [], f"plaintext personal data in the database: {found[:5]}"


def test_one_scheduler_tick_on_demo_data_sends_the_due_mails_once(demo_app, smtp_server):
    """Issue 5's acceptance: a tick sends the due invitations once; a second tick sends none."""
    from app.cards.models import Evaluation
    from app.extensions import db
    from app.notifications.models import Notification, NotificationStatus
    from infra.scheduler import tick

    demo_app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    smtp_server.clear()
    with demo_app.app_context():
        first = tick()
        sent = len(smtp_server.messages)
        invited = db.session.query(Evaluation).filter(Evaluation.invited_on.isnot(None)).count()
        second = tick()
        assert first["card_evaluations"]["invited_email"] + first["card_evaluations"][
            "invited_letter"] > 0, first
        assert invited > 0 and sent >= first["outbox"]["sent"] > 0
        assert second["card_evaluations"] == {"tasks": 0, "invited_email": 0,
                                              "invited_letter": 0, "overdue_mails": 0}
        assert second["outbox"]["sent"] == 0 and len(smtp_server.messages) == sent
        pending = db.session.query(Notification).filter(
            Notification.status != NotificationStatus.sent).count()
        assert pending == 0
