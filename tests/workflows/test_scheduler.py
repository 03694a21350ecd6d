"""One scheduler process: the leader lock, `scheduler tick`, and `scheduler run` with its job store."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from infra import scheduler


def test_only_one_process_holds_the_leader_lock(app, db):
    first, second = scheduler.LeaderLock(db.engine), scheduler.LeaderLock(db.engine)
    assert first.acquire()
    try:
        assert not second.acquire()
        assert first.still_held()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_tick_waits_for_the_leader_and_gives_up_clearly(app, db):
    holder = scheduler.LeaderLock(db.engine)
    assert holder.acquire()
    try:
        with pytest.raises(RuntimeError, match="Een andere planner is bezig"):
            scheduler.tick(wait=0.3)
    finally:
        holder.release()


def test_tick_runs_every_job_in_the_table(app, db, smtp):
    results = scheduler.tick()
    assert list(results) == [job.name for job in scheduler.JOBS]
    # producers first: one tick also sends, and seals what the jobs logged
    assert [job.name for job in scheduler.JOBS][-2:] == ["outbox", "audit_seal"]


def test_cli_tick_and_jobs(app, smtp):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["scheduler", "jobs"])
    assert listed.exit_code == 0 and "outbox" in listed.output
    ticked = runner.invoke(args=["scheduler", "tick", "--now", "2026-11-23T06:00"])
    assert ticked.exit_code == 0, ticked.output
    assert "card_evaluations" in ticked.output
    bad = runner.invoke(args=["scheduler", "tick", "--now", "morgen"])
    assert bad.exit_code != 0 and "geen geldig moment" in bad.output


def test_run_keeps_its_jobs_in_the_database_and_a_follower_waits(app, db, monkeypatch):
    monkeypatch.setattr(scheduler, "FOLLOWER_RETRY", 0.2)
    seen = {}

    def leader():
        with app.app_context():
            scheduler.serve(stop_after=3)

    def follower():
        time.sleep(0.5)
        with app.app_context():
            lock = scheduler.LeaderLock(db.engine)
            seen["follower_got_lock"] = lock.acquire()
            if seen["follower_got_lock"]:
                lock.release()

    threads = [threading.Thread(target=leader), threading.Thread(target=follower)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    with db.engine.connect() as conn:
        ids = set(conn.scalars(sa.text("SELECT id FROM scheduler_jobs")))
    for t in threads:
        t.join()
    assert ids == {job.name for job in scheduler.JOBS}
    assert seen["follower_got_lock"] is False
    after = scheduler.LeaderLock(db.engine)
    assert after.acquire()  # released when the leader stopped
    after.release()
