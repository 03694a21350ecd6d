"""The help-request steps (workflows/helpdesk.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.consents.models import Consent, ConsentPurpose
from app.core.validation import FieldError
from app.helpdesk.models import HelpRequest, Referral, ReferralOutcome
from app.helpdesk.models import RequestStatus as S
from app.notifications.models import Notification
from app.partners.models import Partner
from app.volunteers.models import CategoryGroup, HelpCategory
from security.audit import Actor, AuditEvent
from tests.support.fixtures import org_id
from workflows import helpdesk
from app.core.errors import TransitionError

_seq = itertools.count(1)


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="helpdesk_a")
    return Actor(user.id, user.username, org_id("a"), "Helpdesk")


@pytest.fixture
def category(db):
    name = "Testcategorie workflow"
    found = db.session.query(HelpCategory).filter_by(name=name).one_or_none()
    if found is None:
        found = HelpCategory(name=name, group=CategoryGroup.practical)
        db.session.add(found)
        db.session.commit()
    return found


def new_request(db, by, **data) -> HelpRequest:
    n = next(_seq)
    values = {"requester_name": f"Hulpvrager {n}", "requester_phone": "0612345678",
              "description": "Lamp ophangen", "pc4": "3511", **data}
    req = helpdesk.receive(db.session, organisation=org_id("a"), channel="phone", data=values,
                           by=by)
    db.session.commit()
    return req


def at(db, by, status: S, category=None) -> HelpRequest:
    """A request walked through the table to ``status`` (the way the workflows do)."""
    req = new_request(db, by)
    path = {
        S.received: [], S.intake: [S.intake], S.accepted: [S.intake, S.accepted],
        S.put_out: [S.intake, S.accepted, S.put_out],
        S.matched: [S.intake, S.accepted, S.put_out, S.matched],
        S.done: [S.intake, S.accepted, S.put_out, S.matched, S.done],
        S.feedback_asked: [S.intake, S.accepted, S.put_out, S.matched, S.done, S.feedback_asked],
        S.closed: [S.intake, S.accepted, S.put_out, S.matched, S.done, S.closed],
        S.rejected: [S.rejected], S.referred: [S.referred],
    }[status]
    for step in path:
        helpdesk.move(db.session, req, step, by=by)
    db.session.commit()
    return req


def events(db, req, action):
    return db.session.query(AuditEvent).filter_by(
        resource="HelpRequest", record_id=str(req.id), action=action).all()


# -- receive ----------------------------------------------------------------------------------

def test_receive_stores_a_received_request_and_queues_the_confirmation(db, by):
    req = new_request(db, by, requester_email="vrager@Example.org")
    assert req.status is S.received and req.received_at is not None
    assert req.requester_email == "vrager@example.org"
    assert req.requester_phone == "+31612345678"
    mail = db.session.query(Notification).filter_by(dedupe_key=f"request-received:{req.id}").one()
    assert mail.recipient == "vrager@example.org" and mail.template == "request_received"
    assert str(req.id) in mail.subject
    assert events(db, req, "request.receive")[0].username == "helpdesk_a"


def test_receive_without_email_queues_nothing(db, by):
    req = new_request(db, by)
    assert not db.session.query(Notification).filter_by(
        dedupe_key=f"request-received:{req.id}").count()


def test_receive_needs_a_phone_or_email(db, by):
    with pytest.raises(FieldError) as err:
        new_request(db, by, requester_phone="")
    db.session.rollback()
    assert err.value.field == "requester_phone" and "telefoonnummer" in str(err.value)


def test_receive_validates_through_the_model(db, by):
    with pytest.raises(FieldError) as err:
        new_request(db, by, requester_email="geen-adres")
    db.session.rollback()
    assert err.value.field == "requester_email"


# -- the table --------------------------------------------------------------------------------

ALL = list(S)


@pytest.mark.parametrize("start", ALL, ids=[s.name for s in ALL])
def test_move_follows_the_table(db, by, start):
    """Each status: every target in the table is allowed, every other is refused."""
    for target in ALL:
        req = at(db, by, start)
        if target in helpdesk.TRANSITIONS[start]:
            helpdesk.move(db.session, req, target, by=by)
            db.session.commit()
            assert req.status is target
            assert events(db, req, f"request.{helpdesk.VERBS[target]}")
        else:
            with pytest.raises(TransitionError):
                helpdesk.move(db.session, req, target, by=by)
            db.session.rollback()
            assert db.session.get(HelpRequest, req.id).status is start


def test_every_status_is_in_the_table():
    assert set(helpdesk.TRANSITIONS) == set(S)
    assert set(helpdesk.VERBS) == set(S)
    assert all(len(f"request.{v}") <= 20 for v in helpdesk.VERBS.values())


def test_move_sets_and_undoes_timestamps(db, by):
    req = at(db, by, S.matched)
    assert req.put_out_at and req.matched_at and req.intake_at
    helpdesk.move(db.session, req, S.put_out, by=by)  # the volunteer dropped out
    assert req.matched_at is None and req.put_out_at is not None
    helpdesk.mark_done  # noqa: B018 (the step functions exist)
    helpdesk.move(db.session, req, S.matched, by=by)
    helpdesk.mark_done(db.session, req, by=by)
    helpdesk.close(db.session, req, by=by)
    db.session.commit()
    assert req.done_at and req.closed_at and req.status is S.closed


def test_end_states_say_so(db, by):
    req = at(db, by, S.rejected)
    with pytest.raises(TransitionError, match="afgewezen"):
        helpdesk.start_intake(db.session, req, by=by)
    db.session.rollback()


# -- intake and decision ----------------------------------------------------------------------

def test_intake_then_accept(db, by, category):
    req = new_request(db, by)
    helpdesk.record_intake(db.session, req, by=by, category=category, scope="Eenmalig, 1 uur",
                           target_group_ok=True)
    assert req.status is S.intake and req.intake_by_id == by.user_id and req.intake_at
    helpdesk.accept(db.session, req, by=by, reason="Past bij burenhulp")
    db.session.commit()
    assert req.status is S.accepted and req.decision_reason == "Past bij burenhulp"
    assert events(db, req, "request.accept") and events(db, req, "request.intake")


@pytest.mark.parametrize("target_ok, message", [
    (None, "doelgroep"), (False, "niet tot de doelgroep")])
def test_accept_needs_the_target_group_checked(db, by, category, target_ok, message):
    req = new_request(db, by)
    helpdesk.record_intake(db.session, req, by=by, category=category, target_group_ok=target_ok)
    db.session.commit()
    with pytest.raises(TransitionError, match=message):
        helpdesk.accept(db.session, req, by=by)
    db.session.rollback()
    assert db.session.get(HelpRequest, req.id).status is S.intake


def test_accept_needs_a_category(db, by):
    req = new_request(db, by)
    helpdesk.record_intake(db.session, req, by=by, target_group_ok=True)
    db.session.commit()
    with pytest.raises(TransitionError, match="categorie"):
        helpdesk.accept(db.session, req, by=by)
    db.session.rollback()


def test_accept_from_received_is_refused(db, by):
    req = new_request(db, by)
    with pytest.raises(TransitionError):
        helpdesk.accept(db.session, req, by=by)
    db.session.rollback()


def test_record_intake_after_the_decision_is_refused(db, by):
    req = at(db, by, S.accepted)
    with pytest.raises(TransitionError, match="intake"):
        helpdesk.record_intake(db.session, req, by=by, target_group_ok=False)
    db.session.rollback()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(db, by, reason):
    req = at(db, by, S.intake)
    with pytest.raises(FieldError, match="Reden"):
        helpdesk.reject(db.session, req, by=by, reason=reason)
    db.session.rollback()
    assert db.session.get(HelpRequest, req.id).status is S.intake


def test_reject(db, by):
    req = at(db, by, S.intake)
    helpdesk.reject(db.session, req, by=by, reason="Valt buiten ons werkgebied")
    db.session.commit()
    assert req.status is S.rejected and req.closed_at
    assert req.decision_reason == "Valt buiten ons werkgebied"
    assert events(db, req, "request.reject")


# -- referral ---------------------------------------------------------------------------------

def partner_of(db, key="a"):
    return db.session.query(Partner).filter_by(name=f"Kerk {key.upper()}").one()


def test_refer_to_a_partner_without_consent_is_refused(db, by):
    req = at(db, by, S.intake)
    with pytest.raises(TransitionError, match="toestemming"):
        helpdesk.refer(db.session, req, by=by, partner=partner_of(db), reason="Past beter",
                       consent_form=None)
    db.session.rollback()
    assert db.session.get(HelpRequest, req.id).status is S.intake
    assert not db.session.query(Referral).filter_by(help_request_id=req.id).count()


def test_refer_to_a_partner_of_another_organisation_is_refused(db, by):
    req = at(db, by, S.intake)
    with pytest.raises(TransitionError, match="organisatie"):
        helpdesk.refer(db.session, req, by=by, partner=partner_of(db, "b"), reason="x",
                       consent_form="oral")
    db.session.rollback()


def test_refer_to_a_partner_records_referral_and_consent(db, by):
    req = at(db, by, S.intake)
    follow = dt.date.today() + dt.timedelta(days=14)
    referral = helpdesk.refer(db.session, req, by=by, partner=partner_of(db), reason="Past beter",
                              consent_form="oral", follow_up_on=follow)
    db.session.commit()
    assert req.status is S.referred and referral.follow_up_on == follow
    assert referral.referred_by_id == by.user_id and referral.reason == "Past beter"
    consent = db.session.query(Consent).filter_by(help_request_id=req.id).one()
    assert consent.purpose is ConsentPurpose.partner_sharing and consent.form.name == "oral"
    assert consent.recorded_by_id == by.user_id
    assert events(db, req, "request.refer")


def test_refer_by_organisation_name_needs_no_consent(db, by):
    req = at(db, by, S.received)
    referral = helpdesk.refer(db.session, req, by=by, organisation_name="Wijkteam Oost",
                              reason="Zorgvraag")
    db.session.commit()
    assert referral.partner_id is None and req.status is S.referred
    assert not db.session.query(Consent).filter_by(help_request_id=req.id).count()


@pytest.mark.parametrize("kw, field", [
    ({"organisation_name": "Wijkteam", "reason": ""}, "reason"),
    ({"reason": "Zorgvraag"}, "partner"),
])
def test_refer_needs_a_destination_and_reason(db, by, kw, field):
    req = at(db, by, S.intake)
    with pytest.raises(FieldError) as err:
        helpdesk.refer(db.session, req, by=by, **kw)
    db.session.rollback()
    assert err.value.field == field


def test_referral_outcome_and_follow_ups_due(db, by):
    req = at(db, by, S.intake)
    referral = helpdesk.refer(db.session, req, by=by, organisation_name="Wijkteam Noord",
                              reason="Zorgvraag", follow_up_on=dt.date.today())
    db.session.commit()
    due = helpdesk.follow_ups_due(db.session.query(Referral)).all()
    assert referral in due
    helpdesk.record_referral_outcome(db.session, referral, by=by, outcome="helped",
                                     notes="Wijkteam helpt")
    db.session.commit()
    assert referral.outcome is ReferralOutcome.helped
    assert referral not in helpdesk.follow_ups_due(db.session.query(Referral)).all()
    with pytest.raises(FieldError):
        helpdesk.record_referral_outcome(db.session, referral, by=by, outcome="nonsense")
    db.session.rollback()


# -- the staff screen and the API -------------------------------------------------------------

def test_api_transition(client, db, by, category):
    from tests.conftest import api_headers, login

    req = new_request(db, by)
    login(client, "helpdesk_a")  # pytest-flask shares g between the requests of one test
    headers = api_headers(client, "helpdesk_a")
    url = f"/api/v1/help_request/{req.id}/transition"
    resp = client.post(url, json={"action": "accept"}, headers=headers)
    assert resp.status_code == 400 and "kan niet naar" in resp.json["message"]
    resp = client.post(url, json={"action": "record_intake", "category_id": category.id,
                                  "target_group_ok": True, "scope": "Eenmalig"}, headers=headers)
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "intake"
    resp = client.post(url, json={"action": "reject"}, headers=headers)
    assert resp.status_code == 400 and "Reden" in resp.json["message"]
    resp = client.post(url, json={"action": "refer", "partner_id": partner_of(db).id,
                                  "reason": "Past beter"}, headers=headers)
    assert resp.status_code == 400 and "toestemming" in resp.json["message"]
    resp = client.post(url, json={"action": "fly"}, headers=headers)
    assert resp.status_code == 400 and "Onbekende stap" in resp.json["message"]
    resp = client.post(url, json={"action": "accept", "follow_up_on": "gisteren"},
                       headers=headers)
    assert resp.status_code == 400 and "Opvolgen op" in resp.json["message"]
    resp = client.post(url, json={"action": "accept", "reason": "Past"}, headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "accepted"
    db.session.expire_all()
    assert db.session.get(HelpRequest, req.id).status is S.accepted


def test_api_transition_of_another_organisation_is_404(client, db, by):
    from tests.conftest import api_headers, login

    req = new_request(db, by)
    login(client, "helpdesk_b")
    resp = client.post(f"/api/v1/help_request/{req.id}/transition", json={"action": "close"},
                       headers=api_headers(client, "helpdesk_b"))
    assert resp.status_code == 404


def test_the_show_page_offers_the_next_steps(client, db, by):
    from tests.conftest import login

    req = at(db, by, S.intake)
    login(client, "helpdesk_a")
    page = client.get(f"/helprequestview/show/{req.id}").data.decode()
    for step in ("record_intake", "accept", "reject", "refer"):
        assert f'id="step-{step}"' in page
    assert 'id="step-close"' not in page and "Kerk A" in page and "Kerk B" not in page
    url = f"/helprequestview/transition/{req.id}"
    client.post(url, data={"action": "reject", "reason": "Buiten het werkgebied"})
    assert db.session.get(HelpRequest, req.id).status is S.intake  # not confirmed
    resp = client.post(url, data={"action": "reject", "reason": "Buiten het werkgebied",
                                  "confirm": "1"}, follow_redirects=True)
    assert "gelukt" in resp.data.decode()
    db.session.expire_all()
    assert db.session.get(HelpRequest, req.id).status is S.rejected


def test_refer_from_the_show_page_records_consent(client, db, by):
    from tests.conftest import login

    req = at(db, by, S.intake)
    login(client, "helpdesk_a")
    url = f"/helprequestview/transition/{req.id}"
    form = {"action": "refer", "partner_id": str(partner_of(db).id), "reason": "Kerk helpt",
            "consent_form": "", "follow_up_on": dt.date.today().isoformat(), "confirm": "1"}
    page = client.post(url, data=form, follow_redirects=True).data.decode()
    assert "toestemming" in page
    page = client.post(url, data={**form, "consent_form": "written"},
                       follow_redirects=True).data.decode()
    assert "gelukt" in page
    db.session.expire_all()
    assert db.session.get(HelpRequest, req.id).status is S.referred
    (referral,) = db.session.query(Referral).filter_by(help_request_id=req.id).all()
    page = client.get("/referralview/opvolgen/").data.decode()
    assert f"/referralview/uitkomst/{referral.id}" in page
    client.post(f"/referralview/uitkomst/{referral.id}", data={"outcome": "not_helped"})
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).outcome is ReferralOutcome.not_helped


def test_a_phone_request_added_by_staff_starts_received(client, db):
    from tests.conftest import login

    login(client, "helpdesk_a")
    name = f"Beller {next(_seq)}"
    resp = client.post("/helprequestview/add", data={
        "channel": "phone", "description": "Boodschappen", "requester_name": name,
        "requester_phone": "0612345678", "requester_email": "beller@example.org", "pc4": "3511"})
    assert resp.status_code == 302
    (req,) = [r for r in db.session.query(HelpRequest).order_by(HelpRequest.id.desc()).limit(20)
              if r.requester_name == name]
    assert req.status is S.received
    assert db.session.query(Notification).filter_by(dedupe_key=f"request-received:{req.id}").one()
