"""Volunteers and VOG: approval rules, VOG policy, matchable, the renewal job (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.notifications.models import Notification
from app.vog.models import VogCheck, VogStatus
from app.volunteers.models import VolunteerStatus
from security.audit import AuditEvent, actor_for
from tests.support import factories
from infra import outbox
from workflows import volunteers as wf
from infra.dates import add_months
from app.core.errors import TransitionError

TODAY = dt.date.today()


def by(app, login: str):
    return actor_for(app.appbuilder.sm.find_user(username=login))


def valid_vog(app, db, volunteer, issued_on=None):
    """A VOG handed in and verified five days after issue (so never too old at submission)."""
    coordinator = by(app, "volunteercoordinator_a")
    issued_on = issued_on or TODAY - dt.timedelta(days=10)
    vog = wf.request_vog(db.session, volunteer, by=coordinator, screening_profile="85",
                         on=issued_on - dt.timedelta(days=14))
    wf.record_vog_received(db.session, vog, by=coordinator, issued_on=issued_on, reference="X-1",
                           on=issued_on + dt.timedelta(days=5))
    wf.verify_vog(db.session, vog, by=coordinator, on=issued_on + dt.timedelta(days=5))
    db.session.commit()
    return vog


def events(db, action, record_id):
    return db.session.query(AuditEvent).filter_by(action=action, record_id=str(record_id)).count()


# -- approval -------------------------------------------------------------------------------------

def test_partner_contact_approves_only_his_own_partners_volunteers(app, db):
    own = factories.volunteer("a", partner_name="Kerk A")
    wf.approve(db.session, own, by=by(app, "partnercontact_a"))
    db.session.commit()
    assert own.status == VolunteerStatus.approved and own.approved_on == TODAY
    assert events(db, "approve", own.id) == 1

    no_partner = factories.volunteer("a")
    with pytest.raises(TransitionError, match="eigen partnerorganisatie|contactpersoon"):
        wf.approve(db.session, no_partner, by=by(app, "partnercontact_a"))
    other_org = factories.volunteer("b", partner_name="Kerk B")
    with pytest.raises(TransitionError, match="eigen partnerorganisatie"):
        wf.approve(db.session, other_org, by=by(app, "partnercontact_a"))
    with pytest.raises(TransitionError):
        wf.approve(db.session, own, by=by(app, "helpdesk_a"))
    db.session.rollback()
    assert db.session.get(type(other_org), other_org.id).status == VolunteerStatus.registered


def test_volunteer_without_partner_needs_a_held_intake(app, db):
    coordinator = by(app, "volunteercoordinator_a")
    v = factories.volunteer("a")
    with pytest.raises(TransitionError, match="intakegesprek"):
        wf.approve(db.session, v, by=coordinator)
    wf.record_intake(db.session, v, by=coordinator, on=TODAY + dt.timedelta(days=3), notes="Gepland")
    assert v.status == VolunteerStatus.intake
    with pytest.raises(TransitionError, match="pas na de intake"):
        wf.approve(db.session, v, by=coordinator)
    wf.approve(db.session, v, by=coordinator, on=TODAY + dt.timedelta(days=3))
    db.session.commit()
    assert v.status == VolunteerStatus.approved and v.intake_by_id == coordinator.user_id
    assert events(db, "intake", v.id) == 1


def test_reject_deactivate_reactivate(app, db):
    coordinator = by(app, "volunteercoordinator_a")
    v = factories.volunteer("a", partner_name="Kerk A")
    with pytest.raises(TransitionError, match="reden"):
        wf.reject(db.session, v, by=coordinator, reason=" ")
    wf.approve(db.session, v, by=coordinator)
    with pytest.raises(TransitionError, match="Goedgekeurd"):
        wf.reject(db.session, v, by=coordinator, reason="te laat")
    wf.deactivate(db.session, v, by=coordinator, reason="verhuisd")
    assert v.status == VolunteerStatus.inactive and "verhuisd" in v.notes
    wf.reactivate(db.session, v, by=coordinator)
    assert v.status == VolunteerStatus.approved
    other = factories.volunteer("a")
    wf.reject(db.session, other, by=coordinator, reason="Past niet bij de doelgroep")
    db.session.commit()
    assert other.status == VolunteerStatus.rejected and "doelgroep" in other.notes


# -- VOG ------------------------------------------------------------------------------------------

def test_vog_older_than_the_maximum_at_submission_is_refused(app, db):
    coordinator = by(app, "volunteercoordinator_a")
    v = factories.volunteer("a")
    vog = wf.request_vog(db.session, v, by=coordinator, screening_profile="85,21")
    db.session.commit()
    with pytest.raises(TransitionError, match="ouder dan 90 dagen bij inlevering"):
        wf.record_vog_received(db.session, vog, by=coordinator, issued_on=TODAY - dt.timedelta(days=91))
    wf.record_vog_received(db.session, vog, by=coordinator, issued_on=TODAY - dt.timedelta(days=95),
                           on=TODAY - dt.timedelta(days=85))
    with pytest.raises(TransitionError, match="ouder dan 90 dagen"):
        wf.verify_vog(db.session, vog, by=coordinator, on=TODAY)  # handed in too late to verify
    db.session.rollback()
    assert db.session.get(VogCheck, vog.id).verified_on is None


def test_verify_sets_expiry_by_policy_with_day_clamping(app, db):
    v = factories.volunteer("a")
    issued = TODAY - dt.timedelta(days=10)
    vog = valid_vog(app, db, v, issued_on=issued)
    assert vog.expires_on == add_months(issued, app.config["HULPREGIE_VOG_RENEWAL_MONTHS"])
    assert vog.verified_by_id == by(app, "volunteercoordinator_a").user_id
    assert events(db, "vog_verify", vog.id) == 1
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_vog_request_rules(app, db):
    coordinator = by(app, "volunteercoordinator_a")
    v = factories.volunteer("a")
    with pytest.raises(TransitionError, match="screeningsprofiel"):
        wf.request_vog(db.session, v, by=coordinator, screening_profile="99")
    with pytest.raises(TransitionError, match="vrijwilligerscoördinator"):
        wf.request_vog(db.session, v, by=by(app, "partnercontact_a"), screening_profile="85")
    with pytest.raises(TransitionError, match="vrijwilligerscoördinator"):
        wf.request_vog(db.session, v, by=by(app, "volunteercoordinator_b"), screening_profile="85")
    vog = wf.request_vog(db.session, v, by=coordinator, screening_profile="85")
    with pytest.raises(TransitionError, match="loopt al"):
        wf.request_vog(db.session, v, by=coordinator, screening_profile="85")
    wf.refuse_vog(db.session, vog, by=coordinator)
    db.session.commit()
    assert vog.status == VogStatus.refused and vog.free_vog


def test_matchable_needs_approval_and_a_verified_unexpired_vog(app, db):
    coordinator = by(app, "volunteercoordinator_a")

    def approved():
        v = factories.volunteer("a", partner_name="Kerk A")
        wf.approve(db.session, v, by=coordinator)
        return v

    good = approved()
    valid_vog(app, db, good)
    expired = approved()
    valid_vog(app, db, expired, issued_on=add_months(TODAY, -40))
    unverified = approved()
    vog = wf.request_vog(db.session, unverified, by=coordinator, screening_profile="85")
    wf.record_vog_received(db.session, vog, by=coordinator, issued_on=TODAY)
    refused = approved()
    wf.refuse_vog(db.session, wf.request_vog(db.session, refused, by=coordinator,
                                             screening_profile="85"), by=coordinator)
    not_approved = factories.volunteer("a")
    valid_vog(app, db, not_approved)
    inactive = approved()
    valid_vog(app, db, inactive)
    wf.deactivate(db.session, inactive, by=coordinator)
    db.session.commit()

    mine = {v.id for v in (good, expired, unverified, refused, not_approved, inactive)}
    found = {v.id for v in wf.matchable(db.session, TODAY) if v.id in mine}
    assert found == {good.id}
    # The day the renewal date is reached, the VOG no longer counts.
    good_vog = good.vog_checks[0]
    assert good.id not in {v.id for v in wf.matchable(db.session, good_vog.expires_on)}


# -- the renewal job ------------------------------------------------------------------------------

def test_reminders_queued_once_and_delivered_and_expired_status_set(app, db, smtp):
    v = factories.volunteer("a", partner_name="Kerk A", email="vog.herinnering@example.org")
    wf.approve(db.session, v, by=by(app, "volunteercoordinator_a"))
    soon = valid_vog(app, db, v, issued_on=add_months(TODAY, -36) + dt.timedelta(days=30))
    old = factories.volunteer("a", partner_name="Kerk A")
    wf.approve(db.session, old, by=by(app, "volunteercoordinator_a"))
    gone = valid_vog(app, db, old, issued_on=add_months(TODAY, -37))
    db.session.commit()

    now = dt.datetime.combine(TODAY, dt.time(6, 10))
    first = wf.vog_reminders(now)
    db.session.commit()
    keys = {k for (k,) in db.session.query(Notification.dedupe_key).filter(
        Notification.dedupe_key.like(f"vog-renew:{soon.id}:%"))}
    assert f"vog-renew:{soon.id}:volunteer" in keys
    assert any(k.startswith(f"vog-renew:{soon.id}:coordinator-") for k in keys)
    assert first["reminders"] >= len(keys) and first["expired"] >= 1
    assert db.session.get(VogCheck, gone.id).status == VogStatus.expired
    assert events(db, "vog_expired", gone.id) == 1

    second = wf.vog_reminders(now)
    db.session.commit()
    assert db.session.query(Notification).filter(
        Notification.dedupe_key.like(f"vog-renew:{soon.id}:%")).count() == len(keys)
    assert events(db, "vog_expired", gone.id) == 1
    assert second["reminders"] <= first["reminders"] - len(keys)

    outbox.deliver_due()
    mails = [m for m in smtp.wait_for("vog.herinnering@example.org", count=2)
             if "vernieuwd" in str(m["Subject"])]
    assert len(mails) == 1 and soon.expires_on.strftime("%d-%m-%Y") in smtp.text(mails[0])
    to_coordinator = [m for m in smtp.wait_for("volunteercoordinator_a@example.org")
                      if f"(vrijwilliger {v.id})" in str(m["Subject"])]
    assert len(to_coordinator) == 1
    assert v.last_name not in smtp.text(to_coordinator[0])  # no names in mail to staff


def test_request_mail_tells_the_volunteer_what_to_do(app, db, smtp):
    v = factories.volunteer("a", email="vog.aanvraag@example.org")
    wf.request_vog(db.session, v, by=by(app, "volunteercoordinator_a"), screening_profile="85")
    db.session.commit()
    outbox.deliver_due()
    [mail] = smtp.wait_for("vog.aanvraag@example.org")
    body = smtp.text(mail)
    assert "DigiD" in body and "Gratis VOG" in body and "hulpbehoevende personen" in body


# -- screens and API ------------------------------------------------------------------------------

def test_partner_contact_approves_on_the_volunteer_page(app, db, client):
    from tests.conftest import login

    own = factories.volunteer("a", partner_name="Kerk A")
    login(client, "partnercontact_a")
    page = client.get(f"/volunteerview/show/{own.id}")
    assert page.status_code == 200 and "Goedkeuren" in page.text and "Geen geldige VOG" in page.text
    assert "VOG aanvragen" not in page.text  # a partner contact only reads VOG's
    resp = client.post(f"/volunteerview/transition/{own.id}", data={"action": "approve"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(own), own.id).status == VolunteerStatus.approved
    theirs = factories.volunteer("b", partner_name="Kerk B")
    assert client.post(f"/volunteerview/transition/{theirs.id}",
                       data={"action": "approve"}).status_code == 404
    refused = factories.volunteer("a", partner_name="Kerk A")
    client.post(f"/volunteerview/transition/{refused.id}", data={"action": "reject", "reason": "x"})
    db.session.expire_all()
    assert db.session.get(type(refused), refused.id).status == VolunteerStatus.registered  # no confirm


def test_vog_request_receive_verify_through_the_screens(app, db, client):
    from tests.conftest import login

    v = factories.volunteer("a")
    login(client, "volunteercoordinator_a")
    resp = client.post(f"/vogcheckview/request/{v.id}", data={"screening_profile": ["85", "21"],
                                                               "free_vog": "1"})
    assert resp.status_code == 302
    vog = db.session.query(VogCheck).filter_by(volunteer_id=v.id).one()
    assert vog.screening_profile == "85,21" and vog.status == VogStatus.requested
    too_old = (TODAY - dt.timedelta(days=120)).isoformat()
    client.post(f"/vogcheckview/transition/{vog.id}", data={"action": "receive", "issued_on": too_old})
    page = client.get(f"/vogcheckview/show/{vog.id}")
    assert "ouder dan 90 dagen bij inlevering" in page.text
    client.post(f"/vogcheckview/transition/{vog.id}",
                data={"action": "receive", "issued_on": (TODAY - dt.timedelta(days=3)).isoformat(),
                      "reference": "J-123"})
    client.post(f"/vogcheckview/transition/{vog.id}", data={"action": "verify"})
    db.session.expire_all()
    vog = db.session.get(VogCheck, vog.id)
    assert vog.verified_on == TODAY and vog.reference == "J-123"
    assert "Geldige VOG tot" in client.get(f"/volunteerview/show/{v.id}").text


def test_availability_checkboxes_and_api_validation(app, db, client):
    from tests.conftest import api_headers, login

    v = factories.volunteer("a", partner_name="Kerk A")
    login(client, "volunteercoordinator_a")
    form = client.get(f"/volunteerview/edit/{v.id}").text
    assert 'type="checkbox"' in form and "dinsdag" in form and "avond" in form
    resp = client.post(f"/volunteerview/edit/{v.id}", data={
        "first_name": "Vera", "last_name": v.last_name, "pc4": "3511", "max_distance_km": "5",
        "max_per_month": "3", "available_days": ["wed", "mon"], "available_parts": ["evening"]})
    assert resp.status_code == 302, resp.text
    db.session.expire_all()
    saved = db.session.get(type(v), v.id)
    assert (saved.available_days, saved.available_parts, saved.max_per_month) == ("mon,wed", "evening", 3)
    assert saved.status == VolunteerStatus.registered  # status is not a form field

    headers = api_headers(client, "volunteercoordinator_a")
    resp = client.put(f"/api/v1/volunteer/{v.id}", headers=headers, json={"available_days": "mon,xyz"})
    assert resp.status_code == 400 and "available_days" in str(resp.json)
    assert "xyz" in str(resp.json)
    assert client.put(f"/api/v1/volunteer/{v.id}", headers=headers,
                      json={"available_parts": "morning"}).status_code == 200


def test_vog_overview_lists_expiring_expired_and_missing_per_organisation(app, db, client):
    from tests.conftest import login

    coordinator = by(app, "volunteercoordinator_a")
    soon = factories.volunteer("a", partner_name="Kerk A")
    wf.approve(db.session, soon, by=coordinator)
    valid_vog(app, db, soon, issued_on=add_months(TODAY, -36) + dt.timedelta(days=20))
    lapsed = factories.volunteer("a", partner_name="Kerk A")
    wf.approve(db.session, lapsed, by=coordinator)
    valid_vog(app, db, lapsed, issued_on=add_months(TODAY, -37))
    none_yet = factories.volunteer("a")
    elsewhere = factories.volunteer("b")
    db.session.commit()

    for user in ("volunteercoordinator_a", "projectleader_a"):
        login(client, user)
        page = client.get("/vog-overzicht/?dagen=30")
        assert page.status_code == 200
        text = page.text
        expiring = text[text.index('id="vog-expiring"'):text.index("<h3>Verlopen")]
        assert soon.last_name in expiring and lapsed.last_name not in expiring
        expired = text[text.index('id="vog-expired"'):text.index("<h3>Zonder geldige VOG")]
        assert lapsed.last_name in expired
        missing = text[text.index('id="vog-missing"'):]
        assert none_yet.last_name in missing and "Nog niet aangevraagd" in missing
        assert elsewhere.last_name not in text
        client.get("/logout/")
    assert client.get("/vog-overzicht/").status_code == 302  # not logged in
