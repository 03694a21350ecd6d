"""Intervision: the next date across weekends, Dutch holidays and month ends; planning,
attendance, holding; attendance per coach; reminders and proposals exactly once."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from app.coaches.models import Coach, IntervisionSession, IntervisionStatus
from app.core.validation import FieldError
from app.organisations.models import Organisation
from security.audit import Actor, AuditEvent
from tests.support.fixtures import PASSWORD
from workflows.coaches import intervision
from infra import scheduler
from app.core.errors import TransitionError
from workflows.organisations import add_user

_seq = itertools.count(1)
SYSTEM = Actor(None, "test")


def _org(db, leader: bool = False) -> Organisation:
    """A fresh organisation: its intervision history is this test's alone."""
    n = next(_seq)
    name = f"Intervisie-test {n} {dt.datetime.now():%H%M%S%f}"
    org = Organisation(name=name)
    db.session.add(org)
    db.session.commit()
    if leader:
        add_user(f"pl_iv_{org.id}", PASSWORD, email=f"pl-iv-{org.id}@example.org",
                 roles=["ProjectLeader"], organisation_name=name, first_name="Projectleider",
                 last_name=str(org.id))
    return org


def _coach(db, org, name: str, active: bool = True, email: str | None = None) -> Coach:
    coach = Coach(first_name=name, last_name=f"Coach{org.id}", organisation_id=org.id,
                  active=active, email=email)
    db.session.add(coach)
    db.session.commit()
    return coach


def _session(db, org, on: dt.date, status=IntervisionStatus.held) -> IntervisionSession:
    item = IntervisionSession(organisation_id=org.id, held_on=on, status=status)
    db.session.add(item)
    db.session.commit()
    return item


def _leader(org) -> Actor:
    return Actor(None, "pl", org.id, "ProjectLeader")


@pytest.mark.parametrize("last_held, proposed", [
    # + 6 weeks = Thu 24 Dec (Christmas Eve), 25/26 Christmas, then the weekend: Monday 28th.
    (dt.date(2026, 11, 12), dt.date(2026, 12, 28)),
    # + 6 weeks = Monday 27 April 2026, King's Day: Tuesday.
    (dt.date(2026, 3, 16), dt.date(2026, 4, 28)),
    # + 6 weeks = Saturday 31 October (a month end): Monday 2 November.
    (dt.date(2026, 9, 19), dt.date(2026, 11, 2)),
    # + 6 weeks = Saturday 28 February 2026: Monday 2 March.
    (dt.date(2026, 1, 17), dt.date(2026, 3, 2)),
    # + 6 weeks = Easter Monday 2027 (29 March): Tuesday 30 March.
    (dt.date(2027, 2, 15), dt.date(2027, 3, 30)),
    # + 6 weeks = an ordinary Wednesday: that day.
    (dt.date(2026, 5, 27), dt.date(2026, 7, 8)),
])
def test_next_session_lands_on_a_working_day(app, db, last_held, proposed):
    org = _org(db)
    _session(db, org, last_held)
    assert intervision.propose_next(db.session, org.id, today=last_held) == proposed


def test_proposal_counts_from_the_last_planned_and_skips_cancelled(app, db):
    org = _org(db)
    _session(db, org, dt.date(2026, 1, 7))
    _session(db, org, dt.date(2026, 2, 18), IntervisionStatus.planned)
    _session(db, org, dt.date(2026, 3, 25), IntervisionStatus.cancelled)
    assert intervision.propose_next(db.session, org.id, today=dt.date(2026, 1, 8)) \
        == dt.date(2026, 4, 1)


def test_weeks_come_from_the_policy_and_the_past_is_never_proposed(app, db):
    org = _org(db)
    _session(db, org, dt.date(2026, 6, 3))
    old = app.config["HULPREGIE_INTERVISION_WEEKS"]
    app.config["HULPREGIE_INTERVISION_WEEKS"] = 4
    try:
        assert intervision.propose_next(db.session, org.id, today=dt.date(2026, 6, 4)) \
            == dt.date(2026, 7, 1)
    finally:
        app.config["HULPREGIE_INTERVISION_WEEKS"] = old
    # Long after the last session (or with none): the first working day from today.
    assert intervision.propose_next(db.session, org.id, today=dt.date(2026, 12, 25)) \
        == dt.date(2026, 12, 28)
    assert intervision.propose_next(db.session, _org(db).id, today=dt.date(2027, 4, 27)) \
        == dt.date(2027, 4, 28)


def test_plan_invites_every_active_coach_and_is_audited(app, db):
    org = _org(db)
    one, two = _coach(db, org, "Anna"), _coach(db, org, "Bram")
    _coach(db, org, "Cor", active=False)
    sess = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2027, 1, 12),
                            location="Buurthuis", facilitator="Els", topics="Casus",
                            by=_leader(org))
    db.session.commit()
    assert sess.status is IntervisionStatus.planned
    assert sorted(a.coach_id for a in sess.attendance) == sorted([one.id, two.id])
    assert not any(a.present for a in sess.attendance)
    assert db.session.query(AuditEvent).filter_by(
        action="intervision.plan", resource="IntervisionSession", record_id=str(sess.id)).count() == 1
    # Without a date: the proposed one.
    proposed = intervision.propose_next(db.session, org.id)
    nxt = intervision.plan(db.session, organisation_id=org.id, invite_coaches=False, by=_leader(org))
    assert nxt.held_on == proposed == dt.date(2027, 2, 23) and not nxt.attendance
    db.session.rollback()


def test_only_a_project_leader_of_the_organisation_plans_and_holds(app, db):
    org = _org(db)
    coach_actor = Actor(None, "coach", org.id, "Coach")
    with pytest.raises(TransitionError):
        intervision.plan(db.session, organisation_id=org.id, by=coach_actor)
    with pytest.raises(TransitionError):
        intervision.plan(db.session, organisation_id=org.id, by=Actor(None, "pl", org.id + 1000,
                                                                      "ProjectLeader"))
    db.session.rollback()


def test_attendance_hold_and_counts_per_coach(app, db):
    org = _org(db)
    anna, bram = _coach(db, org, "Anna"), _coach(db, org, "Bram")
    by = _leader(org)
    first = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2026, 2, 10), by=by)
    intervision.record_attendance(db.session, first, [anna.id], [("Gerda Gast", "MEE")], by=by)
    intervision.hold(db.session, first, "Casus over rust bewaren.", by=by)
    second = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2026, 3, 24), by=by)
    intervision.record_attendance(db.session, second, [anna.id, bram.id], by=by)
    intervision.hold(db.session, second, by=by)
    third = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2026, 5, 5), by=by)
    intervision.cancel(db.session, third, by=by, reason="Te weinig aanmeldingen")
    db.session.commit()

    guests = [a for a in first.attendance if a.coach_id is None]
    assert [(g.guest_name, g.guest_organisation, g.present) for g in guests] == [
        ("Gerda Gast", "MEE", True)]
    rows = {r["coach_id"]: r for r in intervision.attendance_per_coach(db.session, org.id, 2026)}
    assert (rows[anna.id]["held"], rows[anna.id]["attended"], rows[anna.id]["missed"]) == (2, 2, 0)
    assert (rows[bram.id]["attended"], rows[bram.id]["missed"]) == (1, 1)
    assert intervision.attendance_per_coach(db.session, org.id, 2025)[0]["held"] == 0
    # The notes are encrypted at rest.
    raw = db.session.execute(sa.text("SELECT notes FROM intervision_session WHERE id = :i"),
                             {"i": first.id}).scalar()
    assert raw and "rust" not in raw
    db.session.refresh(first)
    assert first.notes == "Casus over rust bewaren." and first.status is IntervisionStatus.held
    # Held or cancelled: no second time; no attendance on a cancelled session.
    with pytest.raises(TransitionError):
        intervision.hold(db.session, first, by=by)
    with pytest.raises(TransitionError):
        intervision.cancel(db.session, second, by=by)
    with pytest.raises(TransitionError):
        intervision.record_attendance(db.session, third, [anna.id], by=by)
    db.session.rollback()


def test_refusals_name_the_field(app, db):
    org, other = _org(db), _org(db)
    stranger = _coach(db, other, "Vreemd")
    by = _leader(org)
    sess = intervision.plan(db.session, organisation_id=org.id,
                            held_on=dt.date.today() + dt.timedelta(days=10), by=by)
    with pytest.raises(FieldError) as err:
        intervision.hold(db.session, sess, by=by)  # in the future
    assert err.value.field == "held_on"
    with pytest.raises(FieldError) as err:
        intervision.record_attendance(db.session, sess, [stranger.id], by=by)
    assert err.value.field == "present"
    with pytest.raises(FieldError) as err:
        intervision.add_guest(db.session, sess, name="  ", by=by)
    assert err.value.field == "guest_name"
    db.session.rollback()


NOW = dt.datetime(2027, 6, 7, 6, 0)  # a Monday, ahead of the real clock (the outbox sends it)


def test_coaches_are_reminded_once_and_leaders_get_one_proposal(app, db, smtp):
    org = _org(db, leader=True)
    n = org.id
    anna = _coach(db, org, "Anna", email=f"anna-{n}@example.org")
    _coach(db, org, "Bram", email=f"bram-{n}@example.org")
    by = _leader(org)
    _session(db, org, dt.date(2027, 5, 3))  # held; nothing planned after it
    leader = f"pl-iv-{n}@example.org"

    scheduler.tick(NOW)
    scheduler.tick(NOW + dt.timedelta(hours=1))
    proposals = smtp.to(leader)
    assert len(proposals) == 1
    assert "14-06-2027" in proposals[0]["Subject"]  # 3 May + 6 weeks, a Monday

    sess = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2027, 6, 14),
                            location="Buurthuis", by=by)
    db.session.commit()
    scheduler.tick(NOW)  # 7 days ahead: too early for the coaches; no new proposal
    assert smtp.to(f"anna-{n}@example.org") == [] and len(smtp.to(leader)) == 1
    later = dt.datetime(2027, 6, 11, 6, 0)
    scheduler.tick(later)
    scheduler.tick(later + dt.timedelta(days=1))
    for name in ("anna", "bram"):
        mails = smtp.to(f"{name}-{n}@example.org")
        assert len(mails) == 1 and mails[0]["Subject"] == "Intervisie op 14-06-2027"
        assert "Buurthuis" in smtp.text(mails[0])
    assert len(smtp.to(leader)) == 1
    # An inactive coach is not reminded.
    anna.active = False
    db.session.commit()
    assert intervision.remind_coaches(db.session, later.date()) == 0
    assert sess.status is IntervisionStatus.planned


def test_pages_plan_attend_cancel_and_count(app, db):
    from tests.conftest import login

    client = login(app.test_client(), "projectleader_a")
    page = client.get("/intervisionsessionview/plannen")
    assert page.status_code == 200 and 'id="held_on"' in page.text
    day = dt.date.today() + dt.timedelta(days=3)
    resp = client.post("/intervisionsessionview/plannen", data={
        "held_on": day.isoformat(), "location": "Zaal 1", "invite": "1"})
    assert resp.status_code == 302
    pk = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    sess = db.session.get(IntervisionSession, pk)
    anna = next(a for a in sess.attendance if a.coach_id is not None)
    assert "Zaal 1" in client.get(f"/intervisionsessionview/sessie/{pk}").text
    client.post(f"/intervisionsessionview/aanwezigheid/{pk}", data={
        "present": [str(anna.coach_id)], "guest_name": ["Piet Gast", ""],
        "guest_organisation": ["Wijkteam", ""]})
    db.session.expire_all()
    sess = db.session.get(IntervisionSession, pk)
    present = [(a.coach_id, a.guest_name) for a in sess.attendance if a.present]
    assert sorted(present, key=str) == sorted([(anna.coach_id, None), (None, "Piet Gast")], key=str)
    # Holding a session in the future is refused with the reason; cancelling needs the tick.
    page = client.post(f"/intervisionsessionview/houden/{pk}", data={}, follow_redirects=True)
    assert "toekomst" in page.text
    page = client.post(f"/intervisionsessionview/afgelasten/{pk}", data={}, follow_redirects=True)
    assert "Vink aan" in page.text
    db.session.expire_all()
    assert db.session.get(IntervisionSession, pk).status is IntervisionStatus.planned
    client.post(f"/intervisionsessionview/afgelasten/{pk}", data={"confirm": "1", "reason": "Ziek"})
    db.session.expire_all()
    assert db.session.get(IntervisionSession, pk).status is IntervisionStatus.cancelled
    counts = client.get(f"/intervisionsessionview/aanwezigheid-per-coach/?jaar={day.year}")
    assert counts.status_code == 200 and "Aanwezigheid per coach" in counts.text


def test_a_coach_sees_the_session_but_cannot_change_it(app, db):
    from tests.conftest import login

    org = db.session.get(Organisation, _coach_org(db, "coach_a"))
    sess = intervision.plan(db.session, organisation_id=org.id, held_on=dt.date(2027, 2, 2),
                            location="Coachkamer", by=_leader(org))
    db.session.commit()
    client = login(app.test_client(), "coach_a")
    page = client.get(f"/intervisionsessionview/sessie/{sess.id}")
    assert page.status_code == 200 and "Coachkamer" in page.text and "hold-form" not in page.text
    assert client.post(f"/intervisionsessionview/houden/{sess.id}").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(IntervisionSession, sess.id).status is IntervisionStatus.planned


def _coach_org(db, login_name):
    from tests.support.fixtures import coach_of

    return coach_of(login_name).organisation_id
