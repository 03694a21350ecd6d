"""Informal carers (workflows/carers.py, app/carers): agreements and their review, the warning
for a reserved medical act without its conditions, overload signals and their follow-up, the
reminder job, and the coach's scope. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.carers.models import InformalCarer, RespiteOption, reserved_act_problems
from app.core.models import utcnow
from app.core.validation import FieldError
from app.notifications.models import Notification
from security.audit import Actor, AuditEvent
from tests.conftest import login
from tests.support import factories
from tests.support.fixtures import org_id
from workflows import carers as flow
from infra.dates import add_months
from app.core.errors import TransitionError

TODAY = dt.date.today()
ALL_CONDITIONS = {"reserved_act": True, "reserved_act_description": "Insuline spuiten",
                  "both_want": True, "competent": True,
                  "professional_agreements": "Instructie door de wijkverpleegkundige"}


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="coach_a")
    return Actor(user.id, user.username, org_id("a"), "Coach")


def make_carer(db, by, coach="coach_a", **fields):
    holder = factories.holder("a", coach_login=coach)
    carer = flow.record(db.session, holder=holder, by=by, name="Marja de Zorg",
                        relation="dochter", may_do="Boodschappen", **fields)
    db.session.commit()
    return carer


def test_record_sets_the_review_date_from_the_policy_and_is_audited(app, db, by):
    carer = make_carer(db, by)
    assert carer.agreed_on == TODAY
    assert carer.review_on == add_months(TODAY, app.config["HULPREGIE_CARER_REVIEW_MONTHS"])
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "carer.record", AuditEvent.record_id == str(carer.id))).first()


def test_a_carer_belongs_to_one_client(app, db, by):
    with pytest.raises(FieldError):
        flow.record(db.session, by=by, name="Niemand")
    db.session.rollback()


def test_review_moves_the_next_review(app, db, by):
    carer = make_carer(db, by)
    flow.review(db.session, carer, by=by)
    assert carer.review_on == add_months(TODAY, 6)
    with pytest.raises(FieldError):
        flow.review(db.session, carer, by=by, next_review_on=TODAY)
    db.session.rollback()


def test_all_conditions_recorded_means_no_warning(app, db, by):
    assert reserved_act_problems(make_carer(db, by, **ALL_CONDITIONS)) == []
    assert reserved_act_problems(make_carer(db, by)) == []  # no reserved act at all


@pytest.mark.parametrize("missing, words", [
    ("both_want", "willen"),
    ("competent", "bekwaam"),
    ("professional_agreements", "professionals"),
    ("reserved_act_description", "Beschrijf"),
])
def test_each_missing_condition_gives_its_warning(app, db, by, missing, words):
    fields = {**ALL_CONDITIONS, missing: None}
    carer = make_carer(db, by, **fields)  # saving is allowed
    problems = reserved_act_problems(carer)
    assert len(problems) == 1 and words in problems[0]
    assert carer.reserved_act_warning()
    setattr(carer, missing, ALL_CONDITIONS[missing])  # resolved: the warning goes
    db.session.commit()
    assert reserved_act_problems(carer) == [] and carer.reserved_act_warning() == ""


def test_the_warning_shows_on_the_page_and_in_the_list(app, db, by):
    carer = make_carer(db, by, **{**ALL_CONDITIONS, "competent": False})
    client = app.test_client()
    login(client, "coach_a")
    page = client.get(f"/informalcarerview/show/{carer.id}").get_data(as_text=True)
    assert "reserved-act-warning" in page and "bekwaam" in page
    listing = client.get("/informalcarerview/list/?psize_InformalCarerView=100").get_data(as_text=True)
    assert "voorwaarden voorbehouden handeling ontbreken" in listing


def test_overload_signal_follow_up_and_resolve(app, db, by):
    carer = make_carer(db, by)
    with pytest.raises(FieldError):
        flow.signal_overload(db.session, carer, by=by, description=" ")
    signal = flow.signal_overload(db.session, carer, by=by, description="Slaapt slecht, te veel",
                                  respite_option="day_care")
    assert signal.follow_up_on == TODAY + dt.timedelta(days=flow.FOLLOW_UP_DAYS)
    assert signal.respite_option is RespiteOption.day_care
    flow.follow_up(db.session, signal, by=by, follow_up_on=TODAY + dt.timedelta(days=7),
                   respite_option="short_stay", note="Logeeropvang aangevraagd")
    flow.resolve(db.session, signal, by=by, outcome="Logeert eens per maand; gaat beter")
    db.session.commit()
    assert signal.resolved_on == TODAY and signal.follow_up_on is None
    assert "Logeeropvang aangevraagd" in signal.outcome and "gaat beter" in signal.outcome
    with pytest.raises(TransitionError):
        flow.resolve(db.session, signal, by=by, outcome="nogmaals")
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.resource == "CarerOverload", AuditEvent.record_id == str(signal.id))))
    assert {"carer.overload", "carer.follow_up", "carer.resolve"} <= actions


def test_overload_through_the_pages(app, db, by):
    carer = make_carer(db, by)
    client = app.test_client()
    login(client, "coach_a")
    resp = client.post(f"/informalcarerview/stap/{carer.id}", data={
        "action": "overload", "description": "Op van de zorg", "respite_option": "home_respite"})
    assert resp.status_code == 302
    db.session.expire_all()
    signal = db.session.get(InformalCarer, carer.id).overload_signals[0]
    assert signal.respite_option is RespiteOption.home_respite
    resp = client.post(f"/careroverloadview/stap/{signal.id}", data={
        "action": "resolve", "outcome": "Respijtzorg thuis geregeld"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(signal), signal.id).resolved_on == TODAY


def test_a_coach_sees_only_carers_and_signals_of_his_own_holders(app, db, by, ):
    other = Actor(app.appbuilder.sm.find_user(username="coach2_a").id, "coach2_a", org_id("a"))
    carer = make_carer(db, other, coach="coach2_a")
    signal = flow.signal_overload(db.session, carer, by=other, description="Moe")
    db.session.commit()
    client = app.test_client()
    login(client, "coach_a")
    assert client.get(f"/informalcarerview/show/{carer.id}").status_code == 404
    assert client.get(f"/careroverloadview/show/{signal.id}").status_code == 404


def test_reminders_for_due_reviews_and_follow_ups_go_once(app, db, by):
    carer = make_carer(db, by, agreed_on=TODAY - dt.timedelta(days=200),
                       review_on=TODAY - dt.timedelta(days=1))
    signal = flow.signal_overload(db.session, carer, by=by, description="Overbelast",
                                  follow_up_on=TODAY)
    db.session.commit()
    now = utcnow()
    flow.due_reminders(now)
    flow.due_reminders(now)
    db.session.commit()
    reviews = db.session.query(Notification).filter(
        Notification.dedupe_key.like(f"carer-review:{carer.id}:%")).all()
    overloads = db.session.query(Notification).filter(
        Notification.dedupe_key.like(f"carer-overload:{signal.id}:%")).all()
    assert [n.recipient for n in reviews] == ["coach_a@example.org"]
    assert [n.recipient for n in overloads] == ["coach_a@example.org"]
    assert "Marja" not in reviews[0].body  # the carer's name stays out of the mail
