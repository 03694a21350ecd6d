"""Data-subject requests (workflows/privacy.py) and the restriction of processing
(workflows/privacy/restrictions.py): steps, deadlines, reminders, enforcement; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from app.cards.models import HelpCard
from app.contacts.models import ContactPerson
from app.notifications.models import Notification
from app.privacy.models import (
    PrivacyChannel,
    PrivacyRequest,
    PrivacyRequestKind as K,
    PrivacyRequestStatus as S,
    ResponseChannel,
)
from security.audit import Actor, AuditEvent
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import org_id
from workflows import privacy as flow
from workflows.privacy import restrictions
from infra.dates import add_months
from app.core.errors import TransitionError

TODAY = dt.date.today()


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="privacyofficer_a")
    return Actor(user.id, user.username, org_id("a"), "PrivacyOfficer")


def new_request(db, by, kind=K.rectification, received_on=TODAY, **subject) -> PrivacyRequest:
    req = flow.receive(db.session, by=by, organisation_id=org_id("a"), kind=kind,
                       requester_name="Piet Verzoeker", received_on=received_on,
                       channel=PrivacyChannel.letter, **subject)
    db.session.commit()
    return req


def in_progress(db, by, **kw) -> PrivacyRequest:
    req = new_request(db, by, **kw)
    flow.verify_identity(db.session, req, by=by, method="ID-bewijs aan de balie")
    flow.start(db.session, req, by=by)
    db.session.commit()
    return req


def test_due_date_is_one_month_clamped_to_the_month_end():
    assert flow.due_date(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert flow.due_date(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)
    assert flow.due_date(dt.date(2025, 3, 15)) == dt.date(2025, 4, 15)
    assert flow.due_date(dt.date(2025, 1, 31), 2) == dt.date(2025, 4, 30)


def test_receive_sets_the_deadline_and_is_audited(db, by):
    req = new_request(db, by, received_on=TODAY - dt.timedelta(days=3))
    assert req.status is S.received and req.due_on == add_months(req.received_on, 1)
    assert db.session.query(AuditEvent).filter_by(
        action="privacy.received", resource="PrivacyRequest", record_id=str(req.id)).count() == 1


def test_the_steps_in_order_and_refused_out_of_order(db, by):
    req = new_request(db, by)
    with pytest.raises(TransitionError, match="kan niet in behandeling worden genomen"):
        flow.start(db.session, req, by=by)
    with pytest.raises(TransitionError, match="manier van controleren"):
        flow.verify_identity(db.session, req, by=by, method=" ")
    flow.verify_identity(db.session, req, by=by, method="Paspoort gezien")
    assert req.status is S.identity_verified and req.identity_checked_by_id == by.user_id
    flow.start(db.session, req, by=by)
    assert req.status is S.in_progress and req.handled_by_id == by.user_id
    flow.complete(db.session, req, by=by, response_channel=ResponseChannel.letter,
                  response_sent_on=TODAY, outcome="Adres gecorrigeerd")
    db.session.commit()
    assert req.status is S.completed and req.completed_on == TODAY
    with pytest.raises(TransitionError, match="al afgesloten"):
        flow.refuse(db.session, req, by=by, reason="te laat bedacht")
    actions = {e.action for e in db.session.query(AuditEvent).filter_by(
        resource="PrivacyRequest", record_id=str(req.id))}
    assert {"privacy.received", "privacy.identity", "privacy.started", "privacy.completed"} <= actions


def test_refusal_needs_a_reason(db, by):
    req = new_request(db, by)
    with pytest.raises(TransitionError, match="Reden van weigering is verplicht"):
        flow.refuse(db.session, req, by=by, reason="  ")
    flow.refuse(db.session, req, by=by, reason="Kennelijk ongegrond")
    db.session.commit()
    assert req.status is S.refused and req.refusal_reason == "Kennelijk ongegrond"


def test_complete_needs_an_outcome_and_an_answer(db, by):
    req = in_progress(db, by)
    with pytest.raises(TransitionError, match="Uitkomst is verplicht"):
        flow.complete(db.session, req, by=by, response_channel=ResponseChannel.email,
                      response_sent_on=TODAY, outcome="")
    with pytest.raises(TransitionError, match="hoe het antwoord"):
        flow.complete(db.session, req, by=by, response_channel=None, response_sent_on=TODAY,
                      outcome="klaar")


def test_extension_once_with_reason_at_most_three_months(db, by):
    received = TODAY - dt.timedelta(days=10)
    req = new_request(db, by, received_on=received)
    with pytest.raises(TransitionError, match="Reden van verlenging is verplicht"):
        flow.extend(db.session, req, by=by, reason="", months=2)
    with pytest.raises(TransitionError, match="1 of 2 maanden"):
        flow.extend(db.session, req, by=by, reason="Complex", months=3)
    flow.extend(db.session, req, by=by, reason="Veel systemen doorzoeken", months=2)
    db.session.commit()
    assert req.due_on == add_months(received, 3) and req.extended_on == TODAY
    with pytest.raises(TransitionError, match="maar één keer"):
        flow.extend(db.session, req, by=by, reason="Nog meer", months=1)


def test_extension_after_the_deadline_is_refused(db, by):
    req = new_request(db, by, received_on=add_months(TODAY, -2))
    with pytest.raises(TransitionError, match="verstreken"):
        flow.extend(db.session, req, by=by, reason="Te laat", months=1)


def test_access_request_needs_a_subject_and_the_archive(db, by):
    req = in_progress(db, by, kind=K.access)
    with pytest.raises(TransitionError, match="moet een betrokkene hebben"):
        flow.complete(db.session, req, by=by, response_channel=ResponseChannel.letter,
                      response_sent_on=TODAY, outcome="verstuurd")
    db.session.rollback()
    req.holder_id = factories.holder("a").id
    db.session.commit()
    with pytest.raises(TransitionError, match="Download eerst het archief"):
        flow.complete(db.session, req, by=by, response_channel=ResponseChannel.letter,
                      response_sent_on=TODAY, outcome="verstuurd")


# -- deadlines ---------------------------------------------------------------------------------------

def _mails(db, req, prefix):
    return sorted(n.recipient for n in db.session.query(Notification).filter(
        Notification.dedupe_key.like(f"{prefix}:{req.id}:%")))


def test_reminder_seven_days_ahead_once_and_escalation_once(db, by, smtp):
    from infra import outbox

    soon = new_request(db, by, received_on=TODAY - dt.timedelta(days=1))
    soon.due_on = TODAY + dt.timedelta(days=7)
    late = new_request(db, by, received_on=add_months(TODAY, -2))
    db.session.commit()
    now = dt.datetime.combine(TODAY, dt.time(6, 30))
    for _ in range(2):
        flow.privacy_deadlines(now)
        db.session.commit()
    # Nobody handles it yet: every privacy officer of the organisation (other tests add some).
    from infra.notify import staff_addresses

    officers = sorted(e for _, e in staff_addresses(db.session, soon.organisation_id,
                                                    "PrivacyOfficer"))
    leaders = sorted(e for _, e in staff_addresses(db.session, late.organisation_id,
                                                   "ProjectLeader"))
    assert "privacyofficer_a@example.org" in officers
    assert _mails(db, soon, "privacy-reminder") == officers
    assert _mails(db, late, "privacy-overdue") == leaders
    assert _mails(db, late, "privacy-reminder") == []
    outbox.deliver_due()
    subjects = [str(m["Subject"]) for m in smtp.wait_for("projectleader_a@example.org")]
    assert any(f"Privacyverzoek {late.id} is over de wettelijke termijn" in s for s in subjects)
    # Once handled, the reminder of a new deadline goes to the handler.
    flow.verify_identity(db.session, soon, by=by, method="ID")
    flow.start(db.session, soon, by=by)
    soon.due_on = TODAY + dt.timedelta(days=6)
    db.session.commit()
    flow.privacy_deadlines(now)
    db.session.commit()
    assert _mails(db, soon, "privacy-reminder") == sorted(
        officers + ["privacyofficer_a@example.org"])  # the first round, then only the handler


def test_the_job_is_registered_before_the_outbox():
    from infra.scheduler import JOBS

    names = [j.name for j in JOBS]
    assert names.index("privacy_deadlines") < names.index("outbox")


def test_queue_counts(db, by):
    base = db.session.query(PrivacyRequest).filter(PrivacyRequest.requester_name.isnot(None))
    before = flow.queue_counts(base)
    soon = new_request(db, by)
    soon.due_on = TODAY + dt.timedelta(days=3)
    new_request(db, by, received_on=add_months(TODAY, -2))
    db.session.commit()
    after = flow.queue_counts(base)
    assert after["this_week"] == before["this_week"] + 1
    assert after["overdue"] == before["overdue"] + 1


def test_queue_page_shows_counts_and_the_request_page_its_steps(db, by, client):
    req = new_request(db, by)
    login(client, "privacyofficer_a")
    page = client.get("/privacyrequestview/list/").get_data(as_text=True)
    assert 'id="queue-overdue"' in page and "Termijn verloopt deze week" in page
    page = client.get(f"/privacyrequestview/show/{req.id}").get_data(as_text=True)
    assert "Uiterlijk afhandelen op" in page and "Identiteit gecontroleerd" in page
    resp = client.post(f"/privacyrequestview/transition/{req.id}",
                       data={"action": "refuse", "confirm": "1"}, follow_redirects=True)
    assert "Reden van weigering is verplicht" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PrivacyRequest, req.id).status is S.received


def test_the_api_takes_a_step(db, by, client):
    req = new_request(db, by)
    login(client, "privacyofficer_a")
    headers = api_headers(client, "privacyofficer_a")
    url = f"/api/v1/privacy_request/{req.id}/transition"
    resp = client.post(url, json={"action": "start"}, headers=headers)
    assert resp.status_code == 400 and "kan niet in behandeling" in resp.json["message"]
    resp = client.post(url, json={"action": "verify_identity", "method": "Paspoort"}, headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "identity_verified"
    resp = client.post(url, json={"action": "extend", "months": 2}, headers=headers)
    assert resp.status_code == 400 and "Reden van verlenging" in resp.json["message"]


# -- restriction -------------------------------------------------------------------------------------

def _restricted_holder(db, by):
    holder = factories.holder("a", coach_login="coach_a")
    person = ContactPerson(holder_id=holder.id, organisation_id=holder.organisation_id,
                           name="Jan Contact", phone="0687654321", priority=1)
    db.session.add(person)
    db.session.add(HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id))
    db.session.commit()
    req = in_progress(db, by, kind=K.restriction, holder=holder)
    flow.complete(db.session, req, by=by, response_channel=ResponseChannel.letter,
                  response_sent_on=TODAY, outcome="Juistheid betwist")
    db.session.commit()
    return holder, person


def test_restriction_request_restricts_and_blocks_model_writes(db, by):
    holder, person = _restricted_holder(db, by)
    assert restrictions.is_restricted(db.session, "Holder", holder.id)
    assert restrictions.is_restricted(db.session, "ContactPerson", person.id)
    assert holder.id in restrictions.restricted_ids(db.session, "Holder")
    holder.first_name = "Anders"
    with pytest.raises(restrictions.RestrictedError, match="beperkt \\(AVG art. 18\\): Juistheid betwist"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ContactPerson, person.id))
    with pytest.raises(restrictions.RestrictedError):
        db.session.flush()
    db.session.rollback()
    db.session.add(HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id))
    with pytest.raises(restrictions.RestrictedError):
        db.session.flush()
    db.session.rollback()
    restriction = restrictions.restriction_of(db.session, db.session.get(type(holder), holder.id))
    restrictions.lift(db.session, restriction, by=by)
    db.session.commit()
    assert not restrictions.is_restricted(db.session, "Holder", holder.id)
    changed = db.session.get(type(holder), holder.id)
    changed.first_name = "Anders"
    db.session.commit()


def test_restriction_blocks_the_view_and_the_api_and_shows_why(db, by, client):
    holder, person = _restricted_holder(db, by)
    login(client, "coach_a")
    headers = api_headers(client, "coach_a")
    resp = client.put(f"/api/v1/holder/{holder.id}", json={"first_name": "Anders"}, headers=headers)
    assert resp.status_code == 400 and "Juistheid betwist" in str(resp.json["message"])
    page = client.get(f"/holderview/show/{holder.id}").get_data(as_text=True)
    assert "beperkt (AVG art. 18)" in page and "Juistheid betwist" in page
    client.post(f"/holderview/edit/{holder.id}", data={
        "reference": holder.reference, "first_name": "Anders", "last_name": holder.last_name},
        follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(type(holder), holder.id).first_name == "Test"


def test_restriction_needs_a_reason_and_only_once(db, by):
    holder = factories.holder("a")
    with pytest.raises(TransitionError, match="Reden is verplicht"):
        restrictions.place(db.session, holder, by=by, reason="")
    restrictions.place(db.session, holder, by=by, reason="Bezwaar loopt")
    with pytest.raises(TransitionError, match="al een beperking"):
        restrictions.place(db.session, holder, by=by, reason="Nog eens")
    db.session.rollback()
