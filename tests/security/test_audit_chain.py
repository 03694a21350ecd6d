"""The access log is tamper-evident, records who logged in or was refused, carries the request
id, and shows a holder who looked at his data. The coverage test reads every personal-data API
of a freshly loaded demo database and counts the events each read writes. Every tampering kind,
several writers and crashes: tests/security/test_audit_tree.py."""

from __future__ import annotations

import contextlib
import re
import threading
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.api import ScopedModelRestApi
from app.core.views import ScopedModelView
from security import audit
from security.audit import LEAF_COLUMNS, AuditEvent, record
from security.crypto import encrypted_columns
from security.roles import MATRIX
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import PASSWORD

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--batch-size", "7"])
    return result.exit_code, result.output


def by_request(db, resp, **kw):
    """The events written while answering ``resp`` (found by its X-Request-ID)."""
    db.session.expire_all()
    return db.session.query(AuditEvent).filter_by(
        request_id=resp.headers["X-Request-ID"], **kw).order_by(AuditEvent.id).all()


@contextlib.contextmanager
def as_user(app, name):
    """A logged-in client in an app context of its own. pytest-flask shares one app context
    (and so flask.g, where Flask-Login keeps the current user) between the test and every
    request; a second user in the same test needs a context of his own."""
    with app.app_context():
        yield login(app.test_client(), name)


def _last_two(app, db, client):
    """Write a few events and seal them; the ids of the last two."""
    holder = factories.holder("a", coach_login="coach_a")
    client.get(f"/api/v1/holder/{holder.id}", headers=api_headers(client, "coach_a"))
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0
    last, before = db.session.scalars(
        sa.select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(2)).all()
    return before, last


# -- the Merkle tree ------------------------------------------------------------------------------

def test_the_seal_covers_every_column():
    assert set(LEAF_COLUMNS) == {c.key for c in AuditEvent.__table__.columns}


def test_log_verifies_when_clean(app, db, client):
    _last_two(app, db, client)
    code, out = verify(app)
    count = db.session.query(AuditEvent).count()
    assert code == 0, out
    assert f"OK: {count} gebeurtenissen" in out


def test_tampered_event_is_named(app, db, client):
    before, _ = _last_two(app, db, client)
    victim = db.session.get(AuditEvent, before)
    original, at = victim.username, victim.at
    db.session.execute(sa.text("UPDATE audit_event SET username = 'iemand_anders' WHERE id = :id"),
                       {"id": victim.id})
    db.session.commit()
    try:
        code, out = verify(app)
        assert code != 0
        assert f"gebeurtenis {victim.id} ({at:%Y-%m-%d %H:%M:%S} UTC)" in out
        assert "gewijzigd" in out
    finally:
        db.session.execute(sa.text("UPDATE audit_event SET username = :u WHERE id = :id"),
                           {"u": original, "id": victim.id})
        db.session.commit()
    assert verify(app)[0] == 0


def test_deleted_event_is_detected(app, db, client):
    before, last = _last_two(app, db, client)
    table = AuditEvent.__table__
    victim = db.session.execute(sa.select(table).where(table.c.id == before)).mappings().one()
    db.session.execute(sa.delete(table).where(table.c.id == victim["id"]))
    db.session.commit()
    try:
        code, out = verify(app)
        assert code != 0 and f"gebeurtenis {before} is verwijderd" in out, out
        assert f"gebeurtenis {last} " not in out, out  # the ones after it are in order
    finally:
        db.session.execute(sa.insert(table).values(**victim))
        db.session.commit()
    assert verify(app)[0] == 0


def test_events_added_directly_are_written_and_sealed_too(app, db):
    """Code that adds an AuditEvent itself (e.g. a CLI summary) goes the writer's way."""
    db.session.add(AuditEvent(action="rotate", resource="holder", fields="first_name"))
    db.session.commit()
    newest = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert (newest.action, newest.username) == ("rotate", "systeem")
    assert verify(app)[0] == 0


def test_concurrent_writers_keep_one_log(app, db):
    engine = db.engine
    errors = []

    def writer(n):
        try:
            for i in range(15):
                with Session(bind=engine) as session:
                    record(session, "export", "Test", record_id=i, purpose=f"test {n}")
                    session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    code, out = verify(app)
    assert code == 0, out


# -- request id, logins, denials ---------------------------------------------------------------------

def test_request_id_is_returned_and_stored(app, db, client):
    holder = factories.holder("a")
    resp = client.get(f"/api/v1/holder/{holder.id}", headers=api_headers(client, "projectleader_a"))
    assert resp.status_code == 200 and UUID.match(resp.headers["X-Request-ID"])
    (event,) = by_request(db, resp)
    assert (event.action, event.resource, event.record_id) == ("read", "Holder", str(holder.id))
    assert event.roles == "ProjectLeader" and event.channel == "api"
    other = client.get(f"/api/v1/holder/{holder.id}", headers=api_headers(client, "projectleader_a"))
    assert other.headers["X-Request-ID"] != resp.headers["X-Request-ID"]


def test_events_outside_requests_have_no_request_id(app, db):
    engine = db.engine

    def job():  # a thread of its own: no request, like the CLI or the scheduler
        with Session(bind=engine) as session:
            record(session, "export", "Test", record_id="outside", purpose="test")
            session.commit()

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    event = db.session.query(AuditEvent).filter_by(record_id="outside").one()
    assert (event.request_id, event.channel, event.purpose) == (None, "cli", "test")


def test_logins_failed_logins_and_logouts_are_logged(app, db):
    from workflows.organisations import add_user

    name = "inlogger_" + uuid.uuid4().hex[:6]
    add_user(name, PASSWORD, email=f"{name}@example.org", roles=["Coach"],
             organisation_name="Organisatie A", first_name="In", last_name="Logger")
    client = app.test_client()
    wrong = "Verkeerd-wachtwoord-" + uuid.uuid4().hex[:6]
    failed = client.post("/login/", data={"username": name, "password": wrong})
    (event,) = by_request(db, failed)
    assert (event.action, event.resource, event.username) == ("login_failed", "session", name)
    assert event.user_id is not None

    unknown = "onbekend_" + uuid.uuid4().hex[:6]
    (event,) = by_request(db, client.post("/login/", data={"username": unknown, "password": wrong}))
    assert (event.action, event.username, event.user_id) == ("login_failed", unknown, None)

    (event,) = by_request(db, client.post("/api/v1/security/login", json={
        "username": name, "password": wrong, "provider": "db"}))
    assert (event.action, event.channel) == ("login_failed", "api")

    ok = client.post("/login/", data={"username": name, "password": PASSWORD})
    (event,) = by_request(db, ok, resource="session")
    assert (event.action, event.username, event.roles) == ("login", name, "Coach")
    assert event.organisation_id is not None and event.ip

    (event,) = by_request(db, client.get("/logout/"), resource="session")
    assert (event.action, event.username) == ("logout", name)

    (event,) = by_request(db, client.post("/api/v1/security/login", json={
        "username": name, "password": PASSWORD, "provider": "db"}))
    assert (event.action, event.channel) == ("login", "api")

    # the password tried is in no column of any event
    columns = [c for c in AuditEvent.__table__.columns if isinstance(c.type, sa.String)]
    assert not db.session.query(AuditEvent).filter(sa.or_(*(c.contains(wrong) for c in columns))).count()


def test_permission_denials_are_logged(app, db):
    with as_user(app, "coach_a") as client:
        resp = client.get("/auditeventview/list/")
    assert resp.status_code == 403
    (event,) = by_request(db, resp)
    assert (event.action, event.resource, event.username) == ("denied", "AuditEventView.list", "coach_a")
    assert event.roles == "Coach"


def test_api_denials_name_the_tokens_user(app, db):
    """FAB refuses a method the API lacks before it reads the token: the log still knows who."""
    api = app.test_client()
    resp = api.delete("/api/v1/audit_event/1", headers=api_headers(api, "admin_a"))
    assert resp.status_code == 403
    (event,) = by_request(db, resp)
    assert (event.action, event.resource, event.record_id, event.username) == (
        "denied", "AuditEventApi.delete", "1", "admin_a")


# -- the access report -------------------------------------------------------------------------------

def test_a_coachs_look_appears_in_the_holders_access_report(app, db):
    holder = factories.holder("a", coach_login="coach_a")
    with as_user(app, "coach_a") as coach:
        shown = coach.get(f"/holderview/show/{holder.id}")
        got = coach.get(f"/api/v1/holder/{holder.id}", headers=api_headers(coach, "coach_a"))
    assert shown.status_code == 200 and got.status_code == 200
    for resp, channel in ((shown, "ui"), (got, "api")):
        events = by_request(db, resp, resource="Holder", action="read")
        assert [(e.username, e.holder_id, e.channel) for e in events] == [
            ("coach_a", holder.id, channel)]

    with as_user(app, "privacyofficer_a") as officer:
        page = officer.get(f"/toegangslog/persoon/?holder={holder.reference}")
        later = officer.get(f"/toegangslog/persoon/?holder={holder.id}&van=2999-01-01")
        coach_id = app.appbuilder.sm.find_user(username="coach_a").id
        mine = officer.get(f"/toegangslog/gebruiker/?user={coach_id}").get_data(as_text=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", html, re.S)
    coach_reads = [r for r in rows if "coach_a" in r and "bekeken" in r and ">Coach<" in r]
    assert len(coach_reads) == 2, rows  # the screen and the API
    assert holder.reference in html
    # looking at the report is itself a look at this person
    (event,) = by_request(db, page)
    assert (event.action, event.resource, event.holder_id, event.username) == (
        "read", "AccessReport", holder.id, "privacyofficer_a")

    # a period without these events shows none of them
    assert "coach_a" not in later.get_data(as_text=True)
    # per user: the coach's own log lists the look
    assert f"<td>{holder.id}</td>" in mine and "bekeken" in mine


def test_the_report_shows_only_holders_one_may_see(app, db):
    holder = factories.holder("a")
    with as_user(app, "privacyofficer_b") as officer_b:
        page = officer_b.get(f"/toegangslog/persoon/?holder={holder.id}")
    assert page.status_code == 200
    assert "Geen hulpkaarthouder gevonden" in page.get_data(as_text=True)
    assert by_request(db, page, action="read") == []  # nothing looked at, nothing logged
    with as_user(app, "coach_a") as coach:
        assert coach.get(f"/toegangslog/persoon/?holder={holder.id}").status_code == 403


# -- coverage: every personal-data API logs exactly what it shows ----------------------------------

@pytest.fixture(scope="module")
def demo_app(database_url, request, tmp_path_factory):
    """A fresh database with the fixture logins and the demo data set (every model filled)."""
    from app import create_app
    from app.core.registry import resource_menus
    from app.demo.builder import DemoBuilder, read_pc4
    from app.extensions import db as _db
    from security.sync import sync_roles
    from tests.support.fixtures import seed

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('coverage') / 'coverage.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database("hulpregie_coverage")
    application = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        flask_migrate.upgrade()
        sync_roles(application.appbuilder, resource_menus(application.appbuilder))
        seed(application)
        token = audit.set_actor(audit.Actor(None, "demo"))
        try:
            DemoBuilder(_db.session, application.appbuilder.sm,
                        read_pc4(application.config["PC4_DATA"])).build(10, 6)
            from app.notifications.models import Notification

            _db.session.add(Notification(recipient="houder@example.org", subject="Uitnodiging",
                                         body="Tijd voor de jaarlijkse evaluatie."))
            _db.session.commit()
        finally:
            audit.reset_actor(token)
    from tests.support.fixtures import read_every_support_plan

    read_every_support_plan(application, "admin_a")
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


# Resources that show personal data without logging each look, and why. Keep this empty but
# for a decision on record.
NOT_LOGGED = {
    # The access log itself: reading it is not logged (the person report logs whom it shows).
    "AuditEvent",
}


def _personal(model) -> bool:
    """Encrypted fields, or data about a holder."""
    return bool(encrypted_columns(model)) or any(
        hasattr(model, a) for a in ("holder_id", "card", "contact_person"))


def _ids(resp):
    return [str(i) for i in resp.json["ids"]]


def _events_of(app, resp, **kw):
    with app.app_context():
        from app.extensions import db as _db

        return [(e.action, e.resource, e.record_id, e.holder_id) for e in by_request(_db, resp, **kw)]


def _holder_of(app, model, pk):
    with app.app_context():
        from app.extensions import db as _db

        return audit.holder_of(_db.session.get(model, pk))


# Requests here run outside the test's app context, each in its own, as in production.

def test_every_personal_data_api_logs_exactly_its_reads(demo_app):
    client = demo_app.test_client()
    headers = api_headers(client, "admin_a")
    apis = [v for v in demo_app.appbuilder.baseviews
            if isinstance(v, ScopedModelRestApi) and v.class_permission_name in MATRIX]
    personal = [v for v in apis if _personal(v.datamodel.obj)
                and v.class_permission_name not in NOT_LOGGED]
    assert {"Holder", "HelpCard", "ContactPerson", "Consent", "Volunteer", "HelpRequest"} <= {
        v.class_permission_name for v in personal}
    for api in personal:
        res, model = api.class_permission_name, api.datamodel.obj
        assert api.logs_reads, f"{res} holds personal data: log its reads"
        base = f"/api/v1/{api.resource_name}/"
        listed = client.get(base + "?q=(page_size:5)", headers=headers)
        assert listed.status_code == 200, (res, listed.json)
        ids = _ids(listed)
        assert ids, f"no {res} in the demo data"
        assert sorted(e[:3] for e in _events_of(demo_app, listed)) == sorted(
            ("list", res, i) for i in ids), res

        got = client.get(base + ids[0], headers=headers)
        assert got.status_code == 200, (res, got.json)
        assert _events_of(demo_app, got) == [
            ("read", res, ids[0], _holder_of(demo_app, model, int(ids[0])))], res


def test_every_personal_data_screen_logs_one_read_per_show(demo_app):
    client = login(demo_app.test_client(), "admin_a")
    views = [v for v in demo_app.appbuilder.baseviews
             if isinstance(v, ScopedModelView) and v.class_permission_name in MATRIX
             and _personal(v.datamodel.obj) and v.class_permission_name not in NOT_LOGGED]
    assert len(views) >= 6
    for view in views:
        model = view.datamodel.obj
        assert view.logs_reads, model.__name__
        with demo_app.app_context():
            from app.extensions import db as _db

            pk = _db.session.query(model.id).order_by(model.id).first()[0]
        resp = client.get(f"{view.route_base}/show/{pk}")
        assert resp.status_code == 200, model.__name__
        assert _events_of(demo_app, resp, action="read", resource=model.__name__) == [
            ("read", model.__name__, str(pk), _holder_of(demo_app, model, pk))], model.__name__
