"""Sealing the access log into the Merkle tree, and signed checkpoints.

:func:`seal` takes one lock (a PostgreSQL advisory lock; on SQLite the database's write lock),
appends every event that has no leaf yet to ``audit_leaf`` in id order, and signs a checkpoint
(tree size, root, time) with the Ed25519 key of ``HULPREGIE_AUDIT_SIGNING_KEY``, stored in
``audit_checkpoint`` in the same transaction, and then appended to the checkpoint file
(``HULPREGIE_AUDIT_CHECKPOINT_FILE``, outside the database). Leaf order is sealing order: an
event whose transaction commits late is sealed by a later run. A run that dies loses nothing:
its transaction rolls back and the next run seals the same events; a checkpoint that did not
reach the file yet is appended by the next run.

It runs from the scheduler (the job ``audit_seal``, every ``HULPREGIE_AUDIT_SEAL_SECONDS``),
when the scheduler process stops, and from ``audit verify`` / ``audit checkpoint``.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.core.models import utcnow
from security.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from security.audit.tree import LEAF_COLUMNS, Frontier, leaf_hash

log = logging.getLogger("hulpregie.audit")
ORIGIN = "hulpregie-toegangslog"  # the first line of every signed checkpoint
SEAL_LOCK = 75130002  # pg_advisory_xact_lock key: one sealer at a time
BATCH = 5000  # events sealed per transaction (and per checkpoint)
# The scheduler's run looks only at events above the highest id sealed this long ago; the
# full runs (`audit verify`, `audit checkpoint`, shutdown) look at every event.
HORIZON = dt.timedelta(hours=1)


class AuditKeyError(ValueError):
    """The signing key is missing or is not an Ed25519 private key."""


class AuditLogError(RuntimeError):
    """The tree's own bookkeeping does not add up: sealing stops (run `audit verify`)."""


def load_signing_key(path: str) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AuditKeyError(f"HULPREGIE_AUDIT_SIGNING_KEY: cannot read '{path}' "
                            f"({exc.strerror or exc})") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"HULPREGIE_AUDIT_SIGNING_KEY: '{path}' is not an Ed25519 private "
                            "key in PEM (make one: openssl genpkey -algorithm ed25519)")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def checkpoint_path(setting: str, database_url: str) -> Path:
    """The checkpoint file; ``{db}`` in the setting stands for a digest of the database URL
    (one file per database, e.g. in tests)."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return Path(setting.replace("{db}", digest))


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: bytes
    at: dt.datetime
    key_id: str
    signature: bytes
    source: str = "tabel"  # where it was read: tabel, bestand, or a kept file's name

    @staticmethod
    def note(size: int, root: bytes, at: dt.datetime) -> bytes:
        """What is signed (in the spirit of a C2SP checkpoint): origin, size, root, time."""
        return (f"{ORIGIN}\n{size}\n{base64.b64encode(root).decode()}\n"
                f"{at:%Y-%m-%dT%H:%M:%SZ}\n").encode()

    @classmethod
    def sign(cls, key: Ed25519PrivateKey, size: int, root: bytes, at: dt.datetime) -> "Checkpoint":
        at = at.replace(microsecond=0, tzinfo=None)
        return cls(size, root, at, key_id(key.public_key()), key.sign(cls.note(size, root, at)))

    def valid(self, public_key: Ed25519PublicKey) -> bool:
        if self.key_id != key_id(public_key):
            return False
        try:
            public_key.verify(self.signature, self.note(self.size, self.root, self.at))
        except InvalidSignature:
            return False
        return True

    def line(self) -> str:
        return json.dumps({"origin": ORIGIN, "size": self.size,
                           "root": base64.b64encode(self.root).decode(),
                           "at": f"{self.at:%Y-%m-%dT%H:%M:%SZ}", "key": self.key_id,
                           "signature": base64.b64encode(self.signature).decode()})

    @classmethod
    def from_line(cls, text: str, source: str) -> "Checkpoint":
        """A line of a checkpoint file; ValueError when it is not one."""
        try:
            data = json.loads(text)
            if data.get("origin") != ORIGIN:
                raise ValueError("origin")
            return cls(int(data["size"]), base64.b64decode(data["root"], validate=True),
                       dt.datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%SZ"), str(data["key"]),
                       base64.b64decode(data["signature"], validate=True), source)
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(str(exc)) from None

    @classmethod
    def from_row(cls, row) -> "Checkpoint":
        return cls(row["tree_size"], bytes.fromhex(row["root"]), row["signed_at"], row["key_id"],
                   base64.b64decode(row["signature"]))


def read_file(path: Path, source: str = "bestand") -> tuple[list[Checkpoint], list[int]]:
    """The checkpoints of a file, and the numbers of lines that are not one."""
    found, bad = [], []
    if not path.exists():
        return found, bad
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    found.append(Checkpoint.from_line(line, source))
                except ValueError:
                    bad.append(number)
    return found, bad


# -- sealing ------------------------------------------------------------------------------------

@dataclass
class Sealed:
    events: int  # sealed by this run
    size: int  # the tree's size after it
    checkpoint: Checkpoint | None  # the newest checkpoint


def _lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SEAL_LOCK)))
    else:  # pysqlite begins no transaction by itself: take the write lock now
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _newest(conn: sa.Connection, key: Ed25519PrivateKey | None = None):
    """The newest checkpoint row; with ``key``: the newest one signed with it (a forged row
    is passed over, and named by `audit verify`)."""
    table = AuditCheckpoint.__table__
    query = sa.select(table).order_by(table.c.tree_size.desc(), table.c.id.desc())
    if key is None:
        return conn.execute(query.limit(1)).mappings().first()
    public, first = key.public_key(), None
    for row in conn.execute(query.limit(100)).mappings():
        first = first or row
        if Checkpoint.from_row(row).valid(public):
            return row
    if first is not None:
        raise AuditLogError("Geen van de nieuwste checkpoints is met de sleutel ondertekend: "
                            "verzegelen gestopt (flask --app run audit verify)")
    return None


def _unsealed(conn, above: int, limit: int):
    events, leaves = AuditEvent.__table__, AuditLeaf.__table__
    sealed = sa.select(leaves.c.event_id).where(leaves.c.event_id == events.c.id).exists()
    return conn.execute(sa.select(*(events.c[c] for c in LEAF_COLUMNS))
                        .where(events.c.id > above, ~sealed)
                        .order_by(events.c.id).limit(limit)).mappings().all()


def _seal_batch(conn, key, now, full: bool, batch: int) -> tuple[int, int]:
    _lock(conn)
    newest = _newest(conn, key)
    size = newest["tree_size"] if newest else 0
    try:
        frontier = Frontier.from_json(size, newest["frontier"]) if newest else Frontier()
    except ValueError:
        frontier = None
    if newest and (frontier is None or frontier.root().hex() != newest["root"]):
        raise AuditLogError("Het nieuwste checkpoint past niet bij zijn eigen grens: "
                            "verzegelen gestopt (flask --app run audit verify)")
    leaves, checkpoints = AuditLeaf.__table__, AuditCheckpoint.__table__
    top = conn.scalar(sa.select(sa.func.max(leaves.c.leaf_index)))
    if top is not None and top + 1 > size:
        raise AuditLogError(f"De boom heeft zegels voorbij checkpoint {size}: "
                            "verzegelen gestopt (flask --app run audit verify)")
    above = 0
    if not full:
        above = conn.scalar(sa.select(checkpoints.c.max_event_id)
                            .where(checkpoints.c.signed_at < now - HORIZON)
                            .order_by(checkpoints.c.tree_size.desc()).limit(1)) or 0
    rows = _unsealed(conn, above, batch)
    if not rows:
        conn.rollback()
        return 0, size
    new = []
    for row in rows:
        digest = leaf_hash(row)
        new.append({"leaf_index": frontier.size, "event_id": row["id"], "hash": digest.hex()})
        frontier.append(digest)
    conn.execute(sa.insert(leaves), new)
    cp = Checkpoint.sign(key, frontier.size, frontier.root(), now)
    conn.execute(sa.insert(checkpoints).values(
        tree_size=cp.size, root=cp.root.hex(), signed_at=cp.at, key_id=cp.key_id,
        signature=base64.b64encode(cp.signature).decode(), frontier=frontier.to_json(),
        max_event_id=max(rows[-1]["id"], newest["max_event_id"] if newest else 0)))
    conn.commit()
    return len(rows), frontier.size


def seal(engine: sa.Engine, key: Ed25519PrivateKey | None, path: Path | None, *,
         full: bool = True, now: dt.datetime | None = None, batch: int = BATCH) -> Sealed:
    """Seal what is not sealed yet and sign a checkpoint per batch; then bring the
    checkpoint file up to date."""
    if key is None:
        raise AuditKeyError("Geen ondertekensleutel voor het toegangslog "
                            "(HULPREGIE_AUDIT_SIGNING_KEY): niets verzegeld")
    total, size = 0, 0
    while True:
        with engine.connect() as conn:
            count, size = _seal_batch(conn, key, now or utcnow(), full, batch)
        total += count
        if count < batch:
            break
    with engine.connect() as conn:
        if path is not None:
            sync_file(conn, path)
        newest = _newest(conn)
    return Sealed(total, size, Checkpoint.from_row(newest) if newest else None)


def _last_size(fh) -> int:
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    fh.seek(max(0, end - 4096))
    lines = [line for line in fh.read().decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return 0 if end == 0 else -1
    try:
        return Checkpoint.from_line(lines[-1], "bestand").size
    except ValueError:
        raise AuditLogError("De laatste regel van het checkpointbestand is geen checkpoint") from None


def sync_file(conn: sa.Connection, path: Path) -> int:
    """Append the table's checkpoints newer than the file's last one; how many."""
    table = AuditCheckpoint.__table__
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # one writer of the file at a time
        last = _last_size(fh)
        rows = conn.execute(sa.select(table).where(table.c.tree_size > last)
                            .order_by(table.c.tree_size, table.c.id)).mappings().all()
        for row in rows:
            fh.write((Checkpoint.from_row(row).line() + "\n").encode())
        fh.flush()
        os.fsync(fh.fileno())
    return len(rows)


# -- from the app -------------------------------------------------------------------------------

def configured(app=None) -> tuple[Ed25519PrivateKey | None, Path | None]:
    """The app's signing key (None when not set outside production) and checkpoint file."""
    from flask import current_app

    app = app or current_app
    path = app.config.get("HULPREGIE_AUDIT_CHECKPOINT_FILE")
    return app.extensions.get("hulpregie_audit_key"), Path(path) if path else None


def seal_app(full: bool = True) -> Sealed:
    from app.extensions import db

    key, path = configured()
    return seal(db.engine, key, path, full=full)


def seal_job(now: dt.datetime) -> dict:
    """The scheduler's job: seal the events of the last minutes."""
    key, _ = configured()
    if key is None:
        log.warning("no HULPREGIE_AUDIT_SIGNING_KEY: the access log is not sealed")
        return {"sealed": 0, "skipped": "geen ondertekensleutel"}
    done = seal_app(full=False)
    return {"sealed": done.events, "size": done.size}
