"""Performance reviews: planned yearly per coach, the leaders reminded once, held with
encrypted notes, and visible only to project leaders and the coach himself (view and API)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.coaches.models import Coach, PerformanceReview
from security.audit import Actor, AuditEvent
from tests.conftest import api_headers, login
from tests.support.fixtures import coach_of, org_id
from workflows.coaches import reviews
from infra import scheduler
from app.core.errors import TransitionError

NOW = dt.datetime(2027, 9, 6, 6, 0)  # ahead of the real clock: the outbox sends what it queues
TODAY = NOW.date()


def _coach(db, name: str, **kw) -> Coach:
    coach = Coach(first_name=name, last_name="Reviewtest", organisation_id=org_id("a"), **kw)
    db.session.add(coach)
    db.session.commit()
    return coach


def _reviews(db, coach) -> list[PerformanceReview]:
    return db.session.query(PerformanceReview).filter_by(coach_id=coach.id).order_by(
        PerformanceReview.planned_on).all()


def test_next_review_date(app, db):
    started = _coach(db, "Gestart", started_on=dt.date(2027, 1, 31))
    assert reviews.next_review_date(db.session, started, TODAY) == dt.date(2028, 1, 31)
    new = _coach(db, "Nieuw")
    assert reviews.next_review_date(db.session, new, TODAY) == TODAY + dt.timedelta(days=30)
    long_ago = _coach(db, "Lang", started_on=dt.date(2020, 3, 1))  # overdue: soon, not in the past
    assert reviews.next_review_date(db.session, long_ago, TODAY) == TODAY + dt.timedelta(days=30)
    db.session.add(PerformanceReview(coach=started, organisation_id=started.organisation_id,
                                     planned_on=dt.date(2027, 2, 28), held_on=dt.date(2027, 2, 28)))
    db.session.commit()
    # 12 months after the last held one, clamped to the month's end in a leap year.
    assert reviews.next_review_date(db.session, started, TODAY) == dt.date(2028, 2, 28)


def test_job_plans_one_open_review_per_active_coach_and_reminds_leaders_once(app, db, smtp):
    soon = _coach(db, "Binnenkort", started_on=dt.date(2026, 9, 15))  # due 15-09-2027: 9 days
    later = _coach(db, "Later", started_on=dt.date(2027, 3, 1))
    gone = _coach(db, "Gestopt", active=False)
    scheduler.tick(NOW)
    scheduler.tick(NOW + dt.timedelta(hours=2))
    scheduler.tick(NOW + dt.timedelta(days=1))
    assert [r.planned_on for r in _reviews(db, soon)] == [dt.date(2027, 9, 15)]
    assert [r.planned_on for r in _reviews(db, later)] == [dt.date(2028, 3, 1)]
    assert _reviews(db, gone) == []
    mails = [m for m in smtp.to("projectleader_a@example.org")
             if m["Subject"] == "Functioneringsgesprek met Binnenkort Reviewtest op 15-09-2027"]
    assert len(mails) == 1
    assert f"/performancereviewview/show/{_reviews(db, soon)[0].id}" in smtp.text(mails[0])
    assert not [m for m in smtp.messages if "Later Reviewtest" in m["Subject"]]


def test_hold_keeps_encrypted_notes_and_plans_the_next(app, db):
    coach = _coach(db, "Houden", started_on=dt.date(2025, 6, 1))
    review = reviews.plan_next(db.session, coach, dt.date.today(), by=Actor(None, "test"))
    leader = Actor(None, "pl", coach.organisation_id, "ProjectLeader")
    with pytest.raises(TransitionError):
        reviews.hold(db.session, review, "x", by=Actor(None, "c", coach.organisation_id, "Coach"))
    held_on = dt.date.today() - dt.timedelta(days=1)
    reviews.hold(db.session, review, "Gaat goed; wil meer houders.", by=leader, on=held_on)
    db.session.commit()
    raw = db.session.execute(sa.text("SELECT outcome_notes FROM performance_review WHERE id = :i"),
                             {"i": review.id}).scalar()
    assert raw and "houders" not in raw
    with pytest.raises(TransitionError):
        reviews.hold(db.session, review, by=leader)
    nxt = reviews.plan_next(db.session, coach, dt.date.today(), by=Actor(None, "test"))
    from infra.dates import add_months

    assert nxt.planned_on == add_months(held_on, 12)
    assert db.session.query(AuditEvent).filter_by(
        action="review.hold", resource="PerformanceReview", record_id=str(review.id)).count() == 1
    db.session.commit()


def _review_of(db, login_name: str) -> PerformanceReview:
    coach = coach_of(login_name)
    review = PerformanceReview(coach=coach, organisation_id=coach.organisation_id,
                               planned_on=dt.date(2027, 1, 5), held_on=dt.date(2026, 1, 5),
                               outcome_notes="Vertrouwelijk verslag")
    db.session.add(review)
    db.session.commit()
    return review


def _events(db, user_login: str, action: str, review_id: int) -> int:
    return db.session.query(AuditEvent).filter_by(
        username=user_login, action=action, resource="PerformanceReview",
        record_id=str(review_id)).count()


def test_a_coach_sees_only_his_own_review(app, db):
    mine = _review_of(db, "coach_a")
    client = login(app.test_client(), "coach_a")
    resp = client.get(f"/performancereviewview/show/{mine.id}")
    assert resp.status_code == 200 and "Vertrouwelijk verslag" in resp.text
    assert _events(db, "coach_a", "read", mine.id) == 1
    listed = client.get("/api/v1/performance_review/?q=(page_size:100)",
                        headers=api_headers(client, "coach_a")).json["ids"]
    assert mine.id in listed
    assert all(r.coach.user.username == "coach_a"
               for r in db.session.query(PerformanceReview).filter(PerformanceReview.id.in_(listed)))


@pytest.mark.parametrize("other", ["coach2_a", "coach_b"])
def test_another_coach_cannot_see_it_and_the_attempt_is_logged(app, db, other):
    review = _review_of(db, "coach_a")
    client = login(app.test_client(), other)
    resp = client.get(f"/performancereviewview/show/{review.id}")
    assert resp.status_code == 404 and "Vertrouwelijk" not in resp.text
    assert "Vertrouwelijk" not in client.get("/performancereviewview/list/").text
    headers = api_headers(client, other)
    assert client.get(f"/api/v1/performance_review/{review.id}", headers=headers).status_code == 404
    listed = client.get("/api/v1/performance_review/?q=(page_size:100)", headers=headers).json["ids"]
    assert review.id not in listed
    assert _events(db, other, "denied", review.id) == 2  # the page and the API
    assert _events(db, other, "read", review.id) == 0


def test_a_project_leader_sees_and_records_the_review(app, db):
    review = _review_of(db, "coach2_a")
    review.held_on = None
    db.session.commit()
    client = login(app.test_client(), "projectleader_a")
    assert "Vertrouwelijk verslag" in client.get(f"/performancereviewview/show/{review.id}").text
    resp = client.post(f"/performancereviewview/gesprek/{review.id}",
                       data={"held_on": dt.date.today().isoformat(), "notes": "Nieuw verslag"})
    assert resp.status_code == 302
    db.session.refresh(review)
    assert review.held_on == dt.date.today() and review.outcome_notes == "Nieuw verslag"
    assert review.reviewer.username == "projectleader_a"
