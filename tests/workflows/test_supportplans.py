"""Support plans (workflows/supportplans.py, app/supportplans): versioning, who may read (in the
views, the API and the PDF, with the refusal in the access log), reminders, erasure and the
access export. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import sqlalchemy as sa

from app.carers.models import CarerOverload, InformalCarer
from app.core.models import utcnow
from app.core.validation import FieldError
from app.helpdesk.models import HelpRequest, RequestStatus
from app.notifications.models import Notification
from app.supportplans.models import SupportPlan, SupportPlanStatus, SupportPlanVersion, support_plan_reader
from security.audit import Actor, AuditEvent
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import coach_of, org_id
from workflows import carers, supportplans as flow
from app.core.errors import TransitionError

TODAY = dt.date.today()


def actor(app, username: str, org: str = "a") -> Actor:
    user = app.appbuilder.sm.find_user(username=username)
    return Actor(user.id, user.username, org_id(org), None)


def user_id(app, username: str) -> int:
    return app.appbuilder.sm.find_user(username=username).id


def make_plan(app, db, *, coach="coach_a", readers=(), answers=None):
    holder = factories.holder("a", coach_login=coach)
    by = actor(app, coach)
    plan = flow.start(db.session, holder=holder, by=by,
                      readers=[user_id(app, r) for r in readers])
    if answers is not None:
        flow.new_version(db.session, plan, answers, by=by)
    db.session.commit()
    return plan


def events(db, action, resource, record_id):
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.resource == resource,
        AuditEvent.record_id == str(record_id))).all()


# -- the workflow ------------------------------------------------------------------------------

def test_start_makes_the_starter_the_first_reader_and_is_audited(app, db):
    plan = make_plan(app, db, readers=["helpdesk_a"])
    assert {u.username for u in plan.readers} == {"coach_a", "helpdesk_a"}
    assert plan.status is SupportPlanStatus.draft
    assert plan.coach_id == coach_of("coach_a").id
    assert events(db, "splan.start", "SupportPlan", plan.id)


def test_a_reader_must_be_staff_who_may_read_plans(app, db):
    holder = factories.holder("a", coach_login="coach_a")
    for outsider in ("coach_b", "volunteercoordinator_a"):
        with pytest.raises(FieldError) as err:
            flow.start(db.session, holder=holder, by=actor(app, "coach_a"),
                       readers=[user_id(app, outsider)])
        assert err.value.field == "readers"
        db.session.rollback()


def test_new_version_starts_from_the_previous_and_never_changes_it(app, db):
    plan = make_plan(app, db, answers={"important": "Mijn hond, mijn tuin, mijn zus",
                                       "goals": "Zelf boodschappen doen"})
    by = actor(app, "coach_a")
    flow.agree(db.session, plan, by=by)
    second = flow.new_version(db.session, plan, {"goals": "Twee keer per week wandelen"}, by=by)
    db.session.commit()
    first = next(v for v in plan.versions if v.version_no == 1)
    assert second.version_no == 2 and second.agreed_on is None
    assert second.important == "Mijn hond, mijn tuin, mijn zus"  # copied as the starting point
    assert second.goals == "Twee keer per week wandelen"
    assert first.goals == "Zelf boodschappen doen" and first.agreed_on == TODAY
    assert plan.status is SupportPlanStatus.draft  # the new version is not agreed yet
    # An earlier version is never changed, whatever the path.
    first.goals = "Anders"
    with pytest.raises(FieldError):
        db.session.flush()
    db.session.rollback()
    second = db.session.get(SupportPlanVersion, second.id)
    flow.agree(db.session, second.plan, by=by)
    db.session.commit()
    second.agreed_on = TODAY - dt.timedelta(days=3)  # agreement is recorded once
    with pytest.raises(FieldError):
        db.session.flush()
    db.session.rollback()


def test_agree_plan_next_and_end(app, db):
    plan = make_plan(app, db)
    by = actor(app, "coach_a")
    with pytest.raises(TransitionError):
        flow.agree(db.session, plan, by=by)  # no conversation yet
    flow.new_version(db.session, plan, {"important": "Thuis blijven wonen"}, by=by)
    flow.agree(db.session, plan, by=by)
    with pytest.raises(TransitionError):
        flow.agree(db.session, plan, by=by)
    with pytest.raises(FieldError):
        flow.plan_next_conversation(db.session, plan, TODAY - dt.timedelta(days=1), by=by)
    flow.plan_next_conversation(db.session, plan, TODAY + dt.timedelta(days=30), by=by)
    flow.end(db.session, plan, by=by)
    db.session.commit()
    assert plan.status is SupportPlanStatus.ended and plan.next_conversation_on is None
    with pytest.raises(TransitionError):
        flow.new_version(db.session, plan, {"goals": "x"}, by=by)
    for action in ("splan.version", "splan.agree", "splan.next", "splan.end"):
        assert events(db, action, "SupportPlan", plan.id), action


def test_set_readers_is_the_clients_choice_and_needs_one(app, db):
    plan = make_plan(app, db)
    by = actor(app, "coach_a")
    with pytest.raises(FieldError):
        flow.set_readers(db.session, plan, [], by=by)
    flow.set_readers(db.session, plan, [user_id(app, "helpdesk_a")], by=by)
    db.session.commit()
    assert [u.username for u in plan.readers] == ["helpdesk_a"]
    assert events(db, "splan.readers", "SupportPlan", plan.id)


# -- who may read: views, API, PDF ------------------------------------------------------------

def test_only_readers_see_the_plan_in_lists_views_api_and_pdf(app, db):
    plan = make_plan(app, db, answers={"important": "Leesbaar"})
    other = make_plan(app, db, readers=["projectleader_a"], answers={"important": "Ander plan"})
    flow.set_readers(db.session, other, [user_id(app, "projectleader_a")], by=actor(app, "coach_a"))
    db.session.commit()
    client = app.test_client()
    login(client, "coach_a")
    page = client.get("/supportplanview/list/?psize_SupportPlanView=100").get_data(as_text=True)
    assert f"/supportplanview/show/{plan.id}\"" in page or f"show/{plan.id}" in page
    assert f"show/{other.id}\"" not in page and f"show/{other.id}'" not in page
    assert client.get(f"/supportplanview/show/{plan.id}").status_code == 200
    headers = api_headers(client, "coach_a")
    ids = [r["id"] for r in client.get("/api/v1/support_plan/?q=(page_size:100)",
                                        headers=headers).json["result"]]
    assert plan.id in ids and other.id not in ids

    # Not a reader: refused, and the refusal is in the access log — view, API, PDF.
    before = len(events(db, "denied", "SupportPlan", other.id))
    resp = client.get(f"/supportplanview/show/{other.id}")
    assert resp.status_code == 302 and "/supportplanview/list" in resp.headers["Location"]
    assert "lezers" in client.get(resp.headers["Location"]).get_data(as_text=True)
    resp = client.get(f"/api/v1/support_plan/{other.id}", headers=headers)
    assert resp.status_code == 403 and "lezers" in resp.json["message"]
    resp = client.post(f"/api/v1/support_plan/{other.id}/transition", headers=headers,
                       json={"action": "end"})
    assert resp.status_code == 403
    resp = client.get(f"/ondersteuningsplan/{other.id}/pdf")
    assert resp.status_code == 302 and resp.mimetype != "application/pdf"
    assert client.get(f"/supportplanview/gesprek/{other.id}").status_code == 302
    db.session.expire_all()
    assert len(events(db, "denied", "SupportPlan", other.id)) == before + 5
    version = other.versions[0]
    assert client.get(f"/supportplanversionview/show/{version.id}").status_code == 302
    assert client.get(f"/api/v1/support_plan_version/{version.id}", headers=headers).status_code == 403
    assert events(db, "denied", "SupportPlanVersion", version.id)


def test_admin_is_no_exception(app, db):
    plan = make_plan(app, db)
    admin = app.test_client()
    login(admin, "admin_a")
    assert admin.get(f"/supportplanview/show/{plan.id}").status_code == 302
    assert events(db, "denied", "SupportPlan", plan.id)


def test_a_project_leader_on_the_list_may_read(app, db):
    plan = make_plan(app, db, readers=["projectleader_a"])
    leader = app.test_client()
    login(leader, "projectleader_a")
    assert leader.get(f"/supportplanview/show/{plan.id}").status_code == 200


def test_a_coach_sees_no_plan_of_another_coachs_holder_even_as_reader(app, db):
    plan = make_plan(app, db, coach="coach2_a", readers=["coach_a"])
    client = app.test_client()
    login(client, "coach_a")
    assert client.get(f"/supportplanview/show/{plan.id}").status_code == 404


def test_conversation_page_prefills_and_makes_a_version(app, db):
    plan = make_plan(app, db, answers={"important": "Mijn kleinkinderen zien",
                                       "technology_aids": "Alarmknop"})
    client = app.test_client()
    login(client, "coach_a")
    page = client.get(f"/supportplanview/gesprek/{plan.id}").get_data(as_text=True)
    assert "Mijn kleinkinderen zien" in page and "Wat vindt u het belangrijkst" in page
    assert page.index("Wat vindt u het belangrijkst") < page.index("Wat wilt u bereiken")
    form = {"csrf_token": "", "conversation_on": TODAY.isoformat(),
            "important": "Mijn kleinkinderen zien", "technology_aids": "Alarmknop en rollator",
            "agreed": "1"}
    resp = client.post(f"/supportplanview/gesprek/{plan.id}", data=form)
    assert resp.status_code == 302
    db.session.expire_all()
    plan = db.session.get(SupportPlan, plan.id)
    latest = flow.latest_version(plan)
    assert latest.version_no == 2 and latest.technology_aids == "Alarmknop en rollator"
    assert latest.agreed_on == TODAY and plan.status is SupportPlanStatus.agreed


def test_plan_pdf_marks_draft_or_agreed_and_the_preparation_sheet(app, db, tmp_path):
    plan = make_plan(app, db, answers={"important": "Zelfstandig blijven wonen",
                                       "goals": "Elke week naar de markt"})
    client = app.test_client()
    login(client, "coach_a")

    def text(resp):
        assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.status_code
        path = tmp_path / "x.pdf"
        path.write_bytes(resp.data)
        return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())

    draft = text(client.get(f"/ondersteuningsplan/{plan.id}/pdf"))
    assert "Concept" in draft and "Zelfstandig blijven wonen" in draft
    assert "Elke week naar de markt" in draft and "Wat vindt u het belangrijkst" in draft
    flow.agree(db.session, db.session.get(SupportPlan, plan.id), by=actor(app, "coach_a"))
    db.session.commit()
    agreed = text(client.get(f"/ondersteuningsplan/{plan.id}/pdf"))
    assert "Afgesproken" in agreed and "akkoord" in agreed
    assert events(db, "print", "SupportPlan", plan.id)
    sheet = text(client.get("/ondersteuningsplan/voorbereiding"))
    for step in ("Stap 1. Wat vindt u belangrijk?", "Stap 2. Wie helpt u?",
                 "Stap 3. Wat wilt u veranderen?"):
        assert step in sheet
    assert "Houder" not in sheet  # nothing personal


def test_api_transition_and_create(app, db):
    holder = factories.holder("a", coach_login="coach_a")
    client = app.test_client()
    login(client, "coach_a")  # pytest-flask shares g between requests: the JWT user alone is lost
    headers = api_headers(client, "coach_a")
    resp = client.post("/api/v1/support_plan/", headers=headers,
                       json={"holder": holder.id, "title": "Plan via API"})
    assert resp.status_code == 201, resp.json
    pk = resp.json["id"]
    resp = client.post(f"/api/v1/support_plan/{pk}/transition", headers=headers,
                       json={"action": "new_version", "answers": {"goals": "Fietsen"}})
    assert resp.status_code == 200 and resp.json["version_no"] == 1, resp.json
    resp = client.post(f"/api/v1/support_plan/{pk}/transition", headers=headers,
                       json={"action": "new_version", "answers": {"bogus": "x"}})
    assert resp.status_code == 400
    resp = client.post(f"/api/v1/support_plan/{pk}/transition", headers=headers,
                       json={"action": "agree"})
    assert resp.status_code == 200 and resp.json["status"] == "agreed"
    db.session.expire_all()
    plan = db.session.get(SupportPlan, pk)
    assert [u.username for u in plan.readers] == ["coach_a"]


# -- reminders ----------------------------------------------------------------------------------

def test_reminder_goes_to_the_coach_once_a_week_before(app, db):
    plan = make_plan(app, db)
    flow.plan_next_conversation(db.session, plan, TODAY + dt.timedelta(days=10),
                                by=actor(app, "coach_a"))
    db.session.commit()
    key = f"splan-conv:{plan.id}:{plan.next_conversation_on.isoformat()}"
    now = utcnow()
    flow.conversation_reminders(now)
    assert db.session.query(Notification).filter_by(dedupe_key=key).count() == 0  # too early
    later = now + dt.timedelta(days=4)
    flow.conversation_reminders(later)
    flow.conversation_reminders(later)
    db.session.commit()
    sent = db.session.query(Notification).filter_by(dedupe_key=key).all()
    assert len(sent) == 1 and sent[0].recipient == "coach_a@example.org"
    assert "ondersteuningsplan" in sent[0].subject.lower()


# -- erasure and access export ---------------------------------------------------------------------

def _support_for(app, db, *, holder=None, help_request=None):
    by = actor(app, "coach_a" if holder is not None else "helpdesk_a")
    plan = flow.start(db.session, holder=holder, help_request=help_request, by=by)
    flow.new_version(db.session, plan, {"important": "Geheim-plan-tekst"}, by=by)
    flow.plan_next_conversation(db.session, plan, TODAY + dt.timedelta(days=2), by=by)
    carer = carers.record(db.session, holder=holder, help_request=help_request, by=by,
                          name="Mantel Zorger", may_do="Boodschappen")
    carers.signal_overload(db.session, carer, by=by, description="Te zwaar",
                           follow_up_on=TODAY)
    db.session.commit()
    flow.conversation_reminders(utcnow())
    carers.due_reminders(utcnow())
    db.session.commit()
    return plan.id, [v.id for v in plan.versions], carer.id


def _nothing_left(db, plan_id, version_ids, carer_id):
    db.session.expire_all()
    assert db.session.get(SupportPlan, plan_id) is None
    assert all(db.session.get(SupportPlanVersion, v) is None for v in version_ids)
    assert db.session.execute(sa.select(support_plan_reader).where(
        support_plan_reader.c.plan_id == plan_id)).first() is None
    assert db.session.get(InformalCarer, carer_id) is None
    assert db.session.query(CarerOverload).filter_by(carer_id=carer_id).count() == 0
    for key in (f"splan-conv:{plan_id}:%", f"carer-review:{carer_id}:%"):
        assert db.session.query(Notification).filter(Notification.dedupe_key.like(key)).count() == 0
    assert db.session.query(Notification).filter(
        Notification.body.like("%Geheim-plan-tekst%")).count() == 0


def test_erasing_a_holder_removes_plans_and_carers(app, db):
    from workflows.privacy.erasure import erase_subject

    holder = factories.holder("a", coach_login="coach_a")
    ids = _support_for(app, db, holder=holder)
    erase_subject(db.session, holder, by=actor(app, "privacyofficer_a"))
    db.session.commit()
    _nothing_left(db, *ids)


def test_erasing_a_requester_removes_plans_and_carers(app, db):
    from workflows.privacy.erasure import erase_subject

    req = HelpRequest(organisation_id=org_id("a"), description="Hulp bij boodschappen",
                      requester_name="Riek Vrager", pc4="3511", status=RequestStatus.accepted)
    db.session.add(req)
    db.session.commit()
    ids = _support_for(app, db, help_request=req)
    erase_subject(db.session, req, by=actor(app, "privacyofficer_a"))
    db.session.commit()
    _nothing_left(db, *ids)
    assert db.session.get(HelpRequest, req.id) is not None  # anonymised, the row stays


def test_access_export_lists_plans_and_carers(app, db):
    from workflows.privacy.access_export import collect

    holder = factories.holder("a", coach_login="coach_a")
    plan_id, _, carer_id = _support_for(app, db, holder=holder)
    data = collect(db.session, holder)
    assert [p["id"] for p in data["ondersteuningsplannen"]] == [plan_id]
    assert data["ondersteuningsplannen"][0]["readers"] == "coach_a"
    assert data["planversies"][0]["important"] == "Geheim-plan-tekst"
    assert [c["id"] for c in data["mantelzorgers"]] == [carer_id]
    assert data["overbelasting"][0]["description"] == "Te zwaar"
