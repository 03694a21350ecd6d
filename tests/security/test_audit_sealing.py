"""Writing and sealing the access log (security/audit/writer.py, checkpoints.py) on SQLite and
PostgreSQL: one INSERT per request and never an UPDATE or DELETE; two processes writing and
sealing at once make one verifiable log; a process that dies before or while sealing loses
no event; the signing key is checked at start-up."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.errors import ConfigError
from security.audit import AuditEvent, AuditLeaf, record, verify_chain
from security.audit.checkpoints import configured, read_file, seal_job
from tests.conftest import api_headers
from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def statements(engine):
    """Every SQL statement sent to the database inside the block."""
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def verifies(app, db) -> bool:
    with app.app_context(), db.engine.connect() as conn:
        return verify_chain(conn).ok


def unsealed_ids(db, ids) -> set[int]:
    sealed = set(db.session.scalars(sa.select(AuditLeaf.event_id).where(
        AuditLeaf.event_id.in_(ids))))
    return set(ids) - sealed


def test_a_list_request_writes_its_events_in_one_insert_and_no_update(app, db, client):
    holders = [factories.holder("a") for _ in range(3)]
    headers = api_headers(client, "projectleader_a")
    with statements(db.engine) as seen:
        resp = client.get("/api/v1/holder/?q=(page_size:3)", headers=headers)
    assert resp.status_code == 200 and len(resp.json["ids"]) == 3
    inserts = [s for s in seen if s.upper().startswith("INSERT INTO AUDIT_EVENT")]
    assert len(inserts) == 1, inserts
    assert not [s for s in seen if re.match(r"(UPDATE|DELETE FROM) audit_", s, re.I)]
    assert not [s for s in seen if "advisory" in s.lower()]  # no lock on the hot path
    assert holders


def test_writing_and_sealing_never_update_or_delete_the_log(app, db):
    with statements(db.engine) as seen:
        holder = factories.holder("a")
        holder.town = "Anders"
        db.session.commit()
        record(db.session, "export", "Test", record_id=holder.id, purpose="test")
        db.session.commit()
        seal_job(None)
        assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    touched = [s for s in seen if re.search(r"\baudit_(event|leaf|checkpoint)\b", s)]
    assert any(s.upper().startswith("INSERT INTO AUDIT_LEAF") for s in touched)
    assert not [s for s in touched if re.match(r"(UPDATE|DELETE)\b", s, re.I)], touched


def test_a_transaction_sees_its_own_events_before_the_commit(app, db):
    record(db.session, "export", "Test", record_id="eigen", purpose="nog niet vastgelegd")
    assert db.session.query(AuditEvent).filter_by(record_id="eigen").count() == 1
    db.session.rollback()  # and a rollback drops them with the rest
    assert db.session.query(AuditEvent).filter_by(record_id="eigen").count() == 0


def test_the_scheduler_job_seals_and_appends_to_the_file(app, db):
    record(db.session, "export", "Test", record_id="planner", purpose="test")
    db.session.commit()
    newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    result = seal_job(None)
    assert result["sealed"] >= 1 and not unsealed_ids(db, [newest])
    _, path = configured(app)
    found, bad = read_file(path)
    assert not bad and found[-1].size == result["size"]


# -- several processes, and crashes ---------------------------------------------------------------

PROLOGUE = """
import os, sys
sys.path.insert(0, {root!r})
from app import create_app
from app.extensions import db
from security.audit import Actor, acting, record
from security.audit import checkpoints
app = create_app("test", SQLALCHEMY_DATABASE_URI={url!r})
"""


def start(app, body: str) -> subprocess.Popen:
    """A real process of its own with the app on the same database."""
    code = PROLOGUE.format(root=str(ROOT), url=app.config["SQLALCHEMY_DATABASE_URI"])
    return subprocess.Popen([sys.executable, "-c", code + textwrap.dedent(body)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


WRITER = """
with app.app_context():
    print("klaar", flush=True)
    sys.stdin.readline()  # both processes start writing together
    for i in range({n}):
        with acting(Actor(None, "proces {tag}")):
            record(db.session, "export", "Test", record_id=i, purpose="{tag}")
            record(db.session, "export", "Test", record_id=i, purpose="{tag}")
            db.session.commit()
        if i % 4 == 3:
            checkpoints.seal_app(full=False)
    print("af", flush=True)
"""


def test_two_processes_writing_and_sealing_at_once_make_one_log(app, db):
    n, tags = 16, ("een", "twee")
    procs = [start(app, WRITER.format(n=n, tag=tag)) for tag in tags]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "klaar", proc.stderr.read()
        for proc in procs:
            proc.stdin.write("start\n")
            proc.stdin.flush()
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            assert proc.returncode == 0 and "af" in out, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    code = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert code.exit_code == 0, code.output
    ids = db.session.scalars(sa.select(AuditEvent.id).where(AuditEvent.purpose.in_(tags))).all()
    assert len(ids) == 2 * 2 * n and not unsealed_ids(db, ids)
    leaves = db.session.scalars(sa.select(AuditLeaf.leaf_index).where(
        AuditLeaf.event_id.in_(ids))).all()
    assert len(set(leaves)) == len(ids)  # each sealed once


CRASH = """
with app.app_context():
    with acting(Actor(None, "crash")):
        for i in range(5):
            record(db.session, "export", "Test", record_id=i, purpose="{tag}")
        db.session.commit()
    print("geschreven", flush=True)
    if "{where}" == "sealing":  # dies after writing the leaves, before the commit
        checkpoints.Checkpoint.sign = lambda *a, **k: os._exit(9)
    elif "{where}" == "file":  # dies after the commit, before the checkpoint file
        checkpoints.sync_file = lambda *a, **k: os._exit(9)
    else:  # dies before sealing at all
        os._exit(9)
    checkpoints.seal_app(full=False)
"""


@pytest.mark.parametrize("where", ["before", "sealing", "file"])
def test_a_crash_before_or_while_sealing_loses_no_event(app, db, where):
    tag = f"crash {where}"
    proc = start(app, CRASH.format(tag=tag, where=where))
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 9 and "geschreven" in out, err
    ids = db.session.scalars(sa.select(AuditEvent.id).where(AuditEvent.purpose == tag)).all()
    assert len(ids) == 5
    _, path = configured(app)
    if where == "file":
        assert not unsealed_ids(db, ids)  # committed, but the file lags behind
    else:
        assert unsealed_ids(db, ids) == set(ids)  # the dead sealer's work was rolled back
    result = seal_job(None)
    assert not unsealed_ids(db, ids)
    assert read_file(path)[0][-1].size == result["size"]
    assert verifies(app, db)


# -- the signing key at start-up --------------------------------------------------------------------

def test_a_missing_or_malformed_key_stops_the_start_with_one_line(tmp_path):
    from app import create_app

    url = f"sqlite:///{tmp_path / 'k.db'}"
    with pytest.raises(ConfigError, match="^HULPREGIE_AUDIT_SIGNING_KEY is not set"):
        create_app("production", SQLALCHEMY_DATABASE_URI=url, HULPREGIE_AUDIT_SIGNING_KEY="")
    wrong = tmp_path / "geen-sleutel.pem"
    wrong.write_text("-----BEGIN PRIVATE KEY-----\nbla\n-----END PRIVATE KEY-----\n")
    for path in (wrong, tmp_path / "er-niet.pem"):
        with pytest.raises(ConfigError, match="^HULPREGIE_AUDIT_SIGNING_KEY: ") as exc:
            create_app("test", SQLALCHEMY_DATABASE_URI=url, HULPREGIE_AUDIT_SIGNING_KEY=str(path))
        assert "\n" not in str(exc.value)
    # outside production the app starts without one, and seals nothing
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, HULPREGIE_AUDIT_SIGNING_KEY="")
    assert configured(app)[0] is None
