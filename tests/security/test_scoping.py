"""Organisation and role scoping: nobody reads another organisation's records, by UI or API."""

from __future__ import annotations

from tests.conftest import api_headers, login
from tests.support import factories


def test_api_list_shows_only_own_organisation(app, db, client):
    mine = factories.holder("a")
    theirs = factories.holder("b")
    resp = client.get("/api/v1/holder/?q=(page_size:100)", headers=api_headers(client, "projectleader_a"))
    refs = {row["reference"] for row in resp.json["result"]}
    assert mine.reference in refs
    assert theirs.reference not in refs


def test_api_get_put_delete_of_other_organisation_is_404(app, db, client):
    theirs = factories.holder("b")
    headers = api_headers(client, "projectleader_a")
    assert client.get(f"/api/v1/holder/{theirs.id}", headers=headers).status_code == 404
    resp = client.put(f"/api/v1/holder/{theirs.id}", headers=headers, json={"town": "Elders"})
    assert resp.status_code == 404
    assert client.delete(f"/api/v1/holder/{theirs.id}", headers=headers).status_code == 404
    db.session.expire_all()
    assert db.session.get(type(theirs), theirs.id).town is None


def test_ui_show_and_list_of_other_organisation(app, db, client):
    theirs = factories.holder("b")
    login(client, "projectleader_a")
    assert client.get(f"/holderview/show/{theirs.id}").status_code == 404
    assert client.get(f"/holderview/edit/{theirs.id}").status_code == 404
    assert theirs.reference not in client.get("/holderview/list/?psize_HolderView=100").text


def test_admin_sees_every_organisation(app, db, client):
    theirs = factories.holder("b")
    headers = api_headers(client, "admin_a")
    assert client.get(f"/api/v1/holder/{theirs.id}", headers=headers).status_code == 200


def test_coach_sees_only_his_own_holders(app, db, client):
    own = factories.holder("a", coach_login="coach_a")
    colleague = factories.holder("a", coach_login="coach2_a")
    headers = api_headers(client, "coach_a")
    refs = {r["reference"] for r in client.get(
        "/api/v1/holder/?q=(page_size:100)", headers=headers).json["result"]}
    assert own.reference in refs and colleague.reference not in refs
    assert client.get(f"/api/v1/holder/{colleague.id}", headers=headers).status_code == 404


def test_coach_cannot_hang_contacts_on_someone_elses_holder(app, db, client):
    from app.contacts.models import ContactPerson

    colleague = factories.holder("a", coach_login="coach2_a")
    before = db.session.query(ContactPerson).count()
    resp = client.post("/api/v1/contact_person/", headers=api_headers(client, "coach_a"), json={
        "holder": colleague.id, "name": "Buurvrouw", "phone": "0612345678", "priority": 1})
    assert resp.status_code == 400
    assert "holder" in resp.json["message"]
    assert db.session.query(ContactPerson).count() == before


def test_new_record_lands_in_the_users_organisation(app, db, client):
    from app.holders.models import Holder
    from tests.support.fixtures import org_id

    resp = client.post("/api/v1/holder/", headers=api_headers(client, "projectleader_b"), json={
        "reference": "B-NEW-1", "first_name": "Bea", "last_name": "Bos"})
    assert resp.status_code == 201, resp.json
    assert db.session.get(Holder, resp.json["id"]).organisation_id == org_id("b")


def test_cannot_link_to_another_organisations_coach(app, db, client):
    from tests.support.fixtures import coach_of

    other_coach = coach_of("coach_b")
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "projectleader_a"), json={
        "reference": "A-LINK-1", "first_name": "Ad", "last_name": "Appel", "coach": other_coach.id})
    assert resp.status_code == 400
    assert "coach" in resp.json["message"]


def test_partner_contact_sees_only_his_partners_volunteers(app, db, client):
    own = factories.volunteer("a", partner_name="Kerk A")
    unaffiliated = factories.volunteer("a")
    headers = api_headers(client, "partnercontact_a")
    ids = {r["id"] for r in client.get(
        "/api/v1/volunteer/?q=(page_size:100)", headers=headers).json["result"]}
    assert own.id in ids and unaffiliated.id not in ids


def test_helpdesk_never_sees_card_content(app, client):
    headers = api_headers(client, "helpdesk_a")
    assert client.get("/api/v1/help_card_version/", headers=headers).status_code == 403
    assert client.get("/api/v1/holder/", headers=headers).status_code == 403
