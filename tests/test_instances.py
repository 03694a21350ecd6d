"""Several instances on one PostgreSQL database (issue 10), with real processes: two gunicorn
instances and two ``scheduler run`` processes on a database of the test cluster, mail to a
real SMTP server on loopback.

A login on instance A works on instance B. 200 queued mails; the scheduler leader is killed
with SIGKILL while it sends; the other process takes over and every mail arrives exactly once
(counted by Message-ID at the SMTP server, which does not drop repeats). The server answers
each mail after a short pause, so the kill lands while a mail is handed over and not yet
confirmed: the case the outbox must not send twice (infra/outbox.py).
"""

from __future__ import annotations

import asyncio
import collections
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.support.fixtures import PASSWORD
from tests.support.pg import free_port
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAILS = 200
LEASE = 5  # seconds: much longer than a batch of 20 mails takes, short for the test


class _SlowHandler:
    """Keeps every mail (the server has it once the final dot arrived), then answers late."""

    def __init__(self, box):
        self.box = box

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.box.lock:
            self.box.messages.append(message)
        await asyncio.sleep(0.02)
        return "250 OK"


def _prepare(url: str):
    """Schema, roles and the fixture users, in this process; the app to queue mails with."""
    import flask_migrate

    from app import create_app
    from app.core.registry import resource_menus
    from app.extensions import db
    from security.sync import sync_roles
    from tests.support.fixtures import seed

    application = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        flask_migrate.upgrade()
        sync_roles(application.appbuilder, resource_menus(application.appbuilder))
        seed(application)
        db.session.remove()
    return application


def _queue_mails(application) -> None:
    from app.extensions import db
    from tests.support.fixtures import org_id
    from infra.notify import enqueue

    with application.app_context():
        for i in range(MAILS):
            enqueue(db.session, template="evaluation_overdue", recipient=f"m{i}@example.nl",
                    context={"card_reference": f"K-{i}", "due_on": "01-12-2026",
                             "organisation_name": "Organisatie A"},
                    dedupe_key=f"instances:{i}", organisation_id=org_id("a"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Processes:
    def __init__(self, env: dict, folder: Path):
        self.env, self.folder, self.running = env, folder, {}

    def start(self, name: str, *args: str, **env) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        proc = subprocess.Popen(args, cwd=ROOT, env={**self.env, **env}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def wait_log(self, name: str, text: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log(name):
                return
            assert self.running[name].poll() is None, f"{name} stopped:\n{self.log(name)[-3000:]}"
            time.sleep(0.1)
        raise AssertionError(f"{name}: no '{text}' within {timeout}s:\n{self.log(name)[-3000:]}")

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.running.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_healthy(base: str, timeout: float = 40) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            resp = requests.get(f"{base}/health", timeout=5)
            if resp.status_code == 200:
                return resp.json()
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base}/health not ok within {timeout}s")


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    resp = session.post(f"{base}/login/", data={"username": username, "password": PASSWORD,
                                                "csrf_token": token},
                        allow_redirects=False, timeout=10)
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]
    return session


def _delivered(smtp: SmtpServer) -> collections.Counter:
    with smtp.lock:
        return collections.Counter(str(m["Message-ID"]) for m in smtp.messages)


def test_two_instances_share_sessions_and_send_every_mail_once(pg_cluster, tmp_path):
    url = pg_cluster.create_database("hulpregie_instances")
    smtp = SmtpServer()
    smtp._controller.handler = _SlowHandler(smtp)
    smtp.start()
    env = {**os.environ, "DATABASE_URL": url, "HULPREGIE_ENV": "development",
           "HULPREGIE_LOG_FORMAT": "json", "SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port),
           "HULPREGIE_SCHEDULER_RETRY_SECONDS": "1", "HULPREGIE_OUTBOX_INTERVAL_SECONDS": "1",
           "HULPREGIE_OUTBOX_LEASE_SECONDS": str(LEASE), "HULPREGIE_WORKERS": "1",
           "PYTHONUNBUFFERED": "1"}
    procs = Processes(env, tmp_path)
    ports = {"web_a": free_port(), "web_b": free_port()}
    try:
        for name, port in ports.items():  # they start while the database is made
            procs.start(name, str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", PORT=str(port))
        application = _prepare(url)
        for name in ("scheduler_1", "scheduler_2"):
            procs.start(name, str(BIN / "flask"), "--app", "run", "scheduler", "run")
        for name in ("scheduler_1", "scheduler_2"):
            procs.wait_log(name, "scheduler leader")  # as leader, or waiting for "the leader"
        leader, follower = sorted(("scheduler_1", "scheduler_2"),
                                  key=lambda n: "scheduler leader (pid" not in procs.log(n))
        procs.wait_log(follower, "another process is the scheduler leader")
        assert "scheduler leader (pid" not in procs.log(follower)

        # 200 mails queued; the leader sends them; kill it in the middle.
        _queue_mails(application)
        deadline = time.monotonic() + 40
        while sum(_delivered(smtp).values()) < MAILS // 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(procs.running[leader].pid, signal.SIGKILL)
        killed_at = time.monotonic()
        at_kill = sum(_delivered(smtp).values())
        assert MAILS // 5 <= at_kill < MAILS, "the leader was not killed mid-run"

        # Meanwhile: sessions work across instances.
        a, b = (f"http://127.0.0.1:{ports[n]}" for n in ("web_a", "web_b"))
        health = _wait_healthy(a)
        assert _wait_healthy(b)["migrations"] == health["migrations"] == "current"
        session = _login(a, "coach_a")
        on_b = requests.get(f"{b}/holderview/list/", cookies=session.cookies,
                            allow_redirects=False, timeout=10)
        assert on_b.status_code == 200 and "coach" in on_b.text.lower()
        anonymous = requests.get(f"{b}/holderview/list/", allow_redirects=False, timeout=10)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

        # The other scheduler takes over, within a minute, and sends the rest.
        procs.wait_log(follower, "scheduler leader (pid", timeout=60)
        assert time.monotonic() - killed_at < 60
        assert requests.get(f"{b}/health", timeout=10).json()["scheduler"] == "leader"
        engine = sa.create_engine(url)
        deadline = time.monotonic() + LEASE + 40
        while time.monotonic() < deadline:  # until the outbox has nothing left to send
            with engine.connect() as conn:
                states = dict(conn.execute(sa.text(
                    "SELECT status, count(*) FROM notification GROUP BY status")).all())
                unconfirmed = conn.scalar(sa.text(
                    "SELECT count(*) FROM notification WHERE last_error IS NOT NULL"))
            if states == {"sent": MAILS}:
                break
            time.sleep(0.3)
        engine.dispose()
        time.sleep(1)
        delivered = _delivered(smtp)
        repeats = {mid: n for mid, n in delivered.items() if n > 1}
        assert not repeats, f"duplicates: {repeats}"
        assert len(delivered) == MAILS, f"lost: {MAILS - len(delivered)}"
        recipients = {str(m["To"]) for m in smtp.messages}
        assert recipients == {f"m{i}@example.nl" for i in range(MAILS)}
        assert states == {"sent": MAILS}
        print(f"killed after {at_kill} mails; settled without resending: {unconfirmed}")
        assert unconfirmed <= 1  # at most the one mail handed over when the leader died
        assert "Traceback" not in procs.log(follower)
        for line in procs.log("web_a").splitlines():  # JSON lines, no query strings
            if line.startswith("{") and '"hulpregie.request"' in line:
                assert "?" not in line.split('"path": ')[1].split(",")[0]
    finally:
        procs.stop_all()
        smtp.stop()
