"""Rules over several fields hold on every path, and a refused form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.validation import FieldError
from app.holders.models import Holder
from app.vog.models import VogCheck
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import coach_of, org_id


def test_rule_holds_at_flush_for_workflows_too(app, db):
    volunteer = factories.volunteer("a")
    db.session.add(VogCheck(volunteer_id=volunteer.id, organisation_id=org_id("a"),
                            requested_on=dt.date(2026, 1, 1), issued_on=dt.date(2026, 2, 1),
                            expires_on=dt.date(2026, 1, 15)))
    with pytest.raises(FieldError, match="Geldig tot"):
        db.session.commit()
    db.session.rollback()


def test_api_names_the_field_of_a_broken_rule(app, db, client):
    volunteer = factories.volunteer("a")
    before = db.session.query(VogCheck).count()
    resp = client.post("/api/v1/vog_check/", headers=api_headers(client, "volunteercoordinator_a"),
                       json={"volunteer": volunteer.id, "requested_on": "2026-01-01",
                             "issued_on": "2026-02-01", "expires_on": "2026-01-15"})
    assert resp.status_code == 400 and "expires_on" in resp.json["message"]
    assert db.session.query(VogCheck).count() == before


def test_refused_form_is_shown_again_with_the_input_and_the_message(app, db, client):
    from app.helpdesk.models import HelpRequest, Referral

    request = HelpRequest(organisation_id=org_id("a"), description="Lamp ophangen",
                          requester_name="Rita Regel", requester_phone="0612345678")
    db.session.add(request)
    db.session.commit()
    before = db.session.query(Referral).count()
    login(client, "helpdesk_a")
    resp = client.post("/referralview/add", data={  # neither a partner nor an organisation
        "help_request": str(request.id), "reason": "Past niet", "notes": "TYPED-NOTE-42"})
    assert resp.status_code == 200
    assert "Kies een partner of vul de naam van de organisatie in" in resp.text
    assert "TYPED-NOTE-42" in resp.text  # what was typed is still there
    assert db.session.query(Referral).count() == before


def test_duplicate_value_is_refused_at_its_field(app, db, client):
    login(client, "projectleader_a")
    data = {"reference": "DUP-1", "first_name": "Dirk", "last_name": "Dubbel", "status": "active"}
    assert client.post("/holderview/add", data=data).status_code == 302
    resp = client.post("/holderview/add", data=data)
    assert resp.status_code == 200 and "bestaat al" in resp.text
    assert db.session.query(Holder).filter_by(reference="DUP-1").count() == 1


def test_a_coachs_new_holder_is_his_own(app, db, client):
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "coach2_a"), json={
        "reference": "OWN-1", "first_name": "Olga", "last_name": "Eigen"})
    assert resp.status_code == 201
    assert db.session.get(Holder, resp.json["id"]).coach_id == coach_of("coach2_a").id


def test_a_partner_contacts_new_volunteer_is_his_partners(app, db, client):
    from app.partners.models import Partner
    from app.volunteers.models import Volunteer

    resp = client.post("/api/v1/volunteer/", headers=api_headers(client, "partnercontact_a"), json={
        "first_name": "Piet", "last_name": "Partner", "pc4": "3511"})
    assert resp.status_code == 201, resp.json
    partner = db.session.get(Volunteer, resp.json["id"]).partner
    assert partner == db.session.query(Partner).filter_by(name="Kerk A").one()
