"""Every look at and change of personal data is in the access log, with who and whose."""

from __future__ import annotations

from security.audit import Actor, AuditEvent, reset_actor, set_actor
from tests.conftest import api_headers, login
from tests.support import factories


def _events(db, **kw):
    return db.session.query(AuditEvent).filter_by(**kw).all()


def test_api_write_is_logged_in_the_same_transaction(app, db, client):
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "coach_a"), json={
        "reference": "AUD-1", "first_name": "Anna", "last_name": "Audit", "phone": "0612345678"})
    assert resp.status_code == 201
    (event,) = _events(db, resource="Holder", record_id=str(resp.json["id"]), action="create")
    assert event.username == "coach_a" and event.channel == "api"
    assert event.holder_id == resp.json["id"]
    assert "phone" in event.fields and "0612345678" not in (event.fields or "")


def test_reads_by_ui_and_api_are_logged(app, db, client):
    holder = factories.holder("a")
    headers = api_headers(client, "projectleader_a")
    client.get(f"/api/v1/holder/{holder.id}", headers=headers)
    login(client, "projectleader_a")
    client.get(f"/holderview/show/{holder.id}")
    actions = {(e.action, e.channel) for e in _events(db, resource="Holder", record_id=str(holder.id))
               if e.username == "projectleader_a"}
    assert {("read", "api"), ("read", "ui")} <= actions


def test_list_pages_log_each_record_shown(app, db, client):
    holder = factories.holder("a")
    login(client, "projectleader_a")
    client.get("/holderview/list/?psize_HolderView=100")
    assert any(e.username == "projectleader_a" for e in _events(
        db, resource="Holder", record_id=str(holder.id), action="list"))


def test_workflow_writes_carry_the_acting_user(app, db):
    token = set_actor(Actor(None, "nachtelijke-taak"))
    try:
        holder = factories.holder("b")
    finally:
        reset_actor(token)
    (event,) = _events(db, resource="Holder", record_id=str(holder.id), action="create")
    assert event.username == "nachtelijke-taak" and event.organisation_id == holder.organisation_id


def test_failed_write_leaves_no_log_entry(app, db, client):
    before = db.session.query(AuditEvent).filter_by(action="create").count()
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "coach_a"), json={
        "reference": "AUD-BAD", "first_name": "X", "last_name": "Y", "phone": "1"})
    assert resp.status_code == 400
    assert db.session.query(AuditEvent).filter_by(action="create").count() == before


def test_nobody_can_change_the_log(app, client):
    headers = api_headers(client, "admin_a")
    assert client.delete("/api/v1/audit_event/1", headers=headers).status_code == 403
    assert client.post("/api/v1/audit_event/", headers=headers, json={}).status_code == 403


def test_privacy_officer_reads_only_his_organisations_log(app, db, client):
    factories.holder("b")
    rows = client.get("/api/v1/audit_event/?q=(page_size:100,order_column:id,order_direction:desc)",
                      headers=api_headers(client, "privacyofficer_a")).json["result"]
    from tests.support.fixtures import org_id

    ids = [r["id"] for r in rows]
    orgs = {e.organisation_id for e in db.session.query(AuditEvent).filter(AuditEvent.id.in_(ids))}
    assert orgs == {org_id("a")}


def test_events_carry_roles_and_request_id(app, db, client):
    holder = factories.holder("a")
    resp = client.get(f"/api/v1/holder/{holder.id}", headers=api_headers(client, "privacyofficer_a"))
    (event,) = _events(db, request_id=resp.headers["X-Request-ID"])
    assert (event.username, event.roles, event.action) == ("privacyofficer_a", "PrivacyOfficer", "read")


def test_a_look_at_a_holders_contact_person_names_the_holder(app, db, client):
    from app.contacts.models import ContactPerson

    holder = factories.holder("a", coach_login="coach_a")
    contact = ContactPerson(holder_id=holder.id, name="Carla Contact", phone="0687654321",
                            organisation_id=holder.organisation_id)
    db.session.add(contact)
    db.session.commit()
    (created,) = _events(db, resource="ContactPerson", record_id=str(contact.id), action="create")
    assert created.holder_id == holder.id and "Carla" not in (created.fields or "")
    resp = client.get(f"/api/v1/contact_person/{contact.id}", headers=api_headers(client, "coach_a"))
    assert resp.status_code == 200
    (event,) = _events(db, request_id=resp.headers["X-Request-ID"])
    assert (event.action, event.resource, event.holder_id) == ("read", "ContactPerson", holder.id)


def test_an_export_records_its_purpose(app, db):
    from security.audit import record

    holder = factories.holder("a")
    record(db.session, "export", "Holder", record_id=holder.id, holder_id=holder.id,
           purpose="aanmelding meldkamer", fields=["first_name", "phone"])
    db.session.commit()
    (event,) = _events(db, resource="Holder", record_id=str(holder.id), action="export",
                       holder_id=holder.id)
    assert event.purpose == "aanmelding meldkamer" and event.fields == "first_name,phone"
    assert event.hash is None and event.prev_hash is None  # the old chain; the tree seals it
