"""The job table and the one process that runs it.

Jobs are thin: each is a workflow function ``fn(now) -> dict`` that is safe to run again
(it looks at what is due and queues messages under a unique outbox key). Exactly one
process runs them: the leader, elected by a PostgreSQL advisory lock (a file lock next to
the database on SQLite). ``flask --app run scheduler run`` is that process (others wait and
take over within ``HULPREGIE_SCHEDULER_RETRY_SECONDS`` (15) seconds when the leader dies);
``scheduler tick`` runs every job once, now, under the same lock (for cron and tests).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import importlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.core.models import utcnow
from app.extensions import SCHEDULER_JOBS_TABLE, db
from security.audit import Actor, reset_actor, set_actor

log = logging.getLogger("hulpregie.scheduler")
SCHEDULER_ACTOR = Actor(None, "planner")
FOLLOWER_RETRY = 15  # default seconds between a follower's attempts (HULPREGIE_SCHEDULER_RETRY_SECONDS)


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # "module:function", called as fn(now)
    trigger: dict = field(default_factory=dict)  # APScheduler trigger arguments
    description: str = ""


# Producers first, the outbox last: one tick queues and sends what is due.
JOBS = (
    Job("card_evaluations", "workflows.cards.evaluations:run_daily",
        {"trigger": "cron", "hour": 6, "minute": 0},
        "Jaarlijkse evaluaties: taken aanmaken, uitnodigingen, achterstanden"),
    Job("vog_renewals", "workflows.volunteers:vog_reminders", {"trigger": "cron", "hour": 6, "minute": 10},
        "VOG's: herinneringen voor vernieuwing, verlopen VOG's op 'verlopen' zetten"),
    Job("match_feedback", "workflows.helpdesk.feedback:ask_feedback", {"trigger": "cron", "hour": 6, "minute": 20},
        "Feedback een maand na de koppeling: mails met een link naar het formulier"),
    Job("privacy_deadlines", "workflows.privacy:privacy_deadlines", {"trigger": "cron", "hour": 6, "minute": 30},
        "Privacyverzoeken: herinnering 7 dagen voor de termijn, escalatie bij overschrijding"),
    Job("retention", "workflows.privacy.retention:retention", {"trigger": "cron", "hour": 3, "minute": 0},
        "Bewaartermijnen: verwijderen wat voorbij de termijn is, verslag aan de privacyfunctionaris"),
    Job("intervision_reminders", "workflows.coaches.intervision:reminders",
        {"trigger": "cron", "hour": 6, "minute": 40},
        "Intervisie: herinnering aan coaches, voorstel volgende datum aan projectleiders"),
    Job("performance_reviews", "workflows.coaches.reviews:plan_and_remind",
        {"trigger": "cron", "hour": 6, "minute": 45},
        "Functioneringsgesprekken: jaarlijks plannen, herinnering aan projectleiders"),
    Job("outreach_due", "workflows.partners:remind_due", {"trigger": "cron", "hour": 6, "minute": 50},
        "Communicatietabel: wie te benaderen is, bericht aan de eigenaar"),
    Job("support_plan_conversations", "workflows.supportplans:conversation_reminders",
        {"trigger": "cron", "hour": 7, "minute": 0},
        "Ondersteuningsplannen: herinnering aan de coach een week voor het volgende gesprek"),
    Job("carer_reviews", "workflows.carers:due_reminders", {"trigger": "cron", "hour": 7, "minute": 5},
        "Mantelzorgers: afspraken opnieuw bekijken, overbelasting opvolgen"),
    Job("outbox", "infra.outbox:deliver_due", {"trigger": "interval", "minutes": 1},
        "Berichten uit de outbox versturen"),
    # Last: what the jobs above logged is sealed in the same tick.
    Job("audit_seal", "security.audit.checkpoints:seal_job", {"trigger": "interval", "minutes": 1},
        "Toegangslog verzegelen (Merkle-boom) en een ondertekend checkpoint zetten"),
)
INTERVALS = {  # job: the setting that says how often (seconds) it runs
    "outbox": "HULPREGIE_OUTBOX_INTERVAL_SECONDS",
    "audit_seal": "HULPREGIE_AUDIT_SEAL_SECONDS",
}


def _callable(job: Job):
    module, _, name = job.func.partition(":")
    return getattr(importlib.import_module(module), name)


# -- leader election ------------------------------------------------------------------------------

class LeaderLock:
    """Held by at most one process per database, released when that process dies."""

    def __init__(self, engine: sa.Engine, name: str = "scheduler"):
        self.engine = engine
        self.key = int.from_bytes(hashlib.sha256(f"hulpregie:{name}".encode()).digest()[:8], "big",
                                  signed=True)
        self._conn = None
        self._file = None

    def _lock_path(self) -> Path:
        database = self.engine.url.database
        if database and database != ":memory:":
            return Path(f"{database}.{self.key & 0xFFFF:04x}.lock")
        return Path(current_app.instance_path) / "scheduler.lock"

    def acquire(self, timeout: float = 0) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if self._try():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)

    def _try(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect()
            if conn.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}):
                conn.commit()
                self._conn = conn
                return True
            conn.close()
            return False
        path = self._lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.scalar(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                return False
        return self._file is not None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


# -- running jobs ---------------------------------------------------------------------------------

def run_job(job: Job, now: dt.datetime | None = None) -> dict:
    """One job, as the scheduler; its own transaction, rolled back when it fails."""
    token = set_actor(SCHEDULER_ACTOR)
    try:
        result = _callable(job)(now or utcnow()) or {}
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", job.name)
        raise
    finally:
        reset_actor(token)


def tick(now: dt.datetime | None = None, wait: float = 60) -> dict[str, dict]:
    """Run every job once, under the leader lock (waits up to ``wait`` seconds for it)."""
    lock = LeaderLock(db.engine)
    if not lock.acquire(timeout=wait):
        raise RuntimeError("Een andere planner is bezig; probeer het later opnieuw.")
    try:
        return {job.name: run_job(job, now) for job in JOBS}
    finally:
        lock.release()


_APP = None  # the app of the `scheduler run` process; APScheduler calls run_named in it


def run_named(name: str) -> None:
    job = next(j for j in JOBS if j.name == name)
    with _APP.app_context():
        try:
            run_job(job)
        finally:
            db.session.remove()


def serve(stop_after: float | None = None) -> None:
    """``scheduler run``: wait to become leader, then run the job table until stopped."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    global _APP
    _APP = current_app._get_current_object()
    lock = LeaderLock(db.engine)
    started = time.monotonic()
    expired = lambda: stop_after is not None and time.monotonic() - started > stop_after  # noqa: E731
    retry = current_app.config.get("HULPREGIE_SCHEDULER_RETRY_SECONDS", FOLLOWER_RETRY)
    while not lock.acquire():
        log.info("another process is the scheduler leader; retrying in %ss", retry)
        if expired():
            return
        time.sleep(retry)
    log.info("scheduler leader (pid %s)", os.getpid())
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=SCHEDULER_JOBS_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone="Europe/Amsterdam")
    scheduler.start(paused=True)
    for job in JOBS:
        trigger = job.trigger
        if job.name in INTERVALS:
            trigger = {"trigger": "interval", "seconds": max(1, int(current_app.config.get(
                INTERVALS[job.name], 60)))}
        scheduler.add_job("infra.scheduler:run_named", args=[job.name], id=job.name,
                          name=job.description or job.name, replace_existing=True, **trigger)
    scheduler.resume()
    try:
        while lock.still_held() and not expired():
            time.sleep(5)
    finally:
        scheduler.shutdown(wait=True)
        _seal_at_shutdown()
        lock.release()


def _seal_at_shutdown() -> None:
    """The last checkpoint of this leader: whatever was logged until now."""
    from security.audit.checkpoints import seal_app

    try:
        seal_app(full=True)
    except Exception:  # stopping goes on; the next leader seals it
        log.exception("sealing the access log at shutdown failed")
