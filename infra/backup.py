"""Back-up and restore of the whole database, for SQLite and PostgreSQL alike.

A back-up holds every table of the models' metadata (and ``alembic_version``) as rows, values
exactly as stored (encrypted fields stay ciphertext), as JSON lines, zlib-compressed and
encrypted with AES-256-GCM under the back-up key (``HULPREGIE_BACKUP_KEY``: 32 bytes, base64).

File ``HRBK1``::

    magic   b"HRBK1\\n"
    u32     header length (big-endian), then the header: UTF-8 JSON without personal data
            (format version, alembic revision, created_at, row counts per table, SHA-256 of the
            plaintext, key id, nonce prefix)
    chunks  u8 final flag · u32 ciphertext length · ciphertext; nonce = 8-byte prefix || u32
            chunk number; associated data = SHA-256(header) || final flag

:func:`restore` refuses a file of another schema revision, a wrong key or a changed file
before it touches anything, then replaces every row in one transaction (the caller commits),
resets PostgreSQL's sequences and re-applies the erasure journal of the database it replaces:
whoever was erased after the back-up was made is erased again (see :func:`_reapply_erasures`).
The access log is never rolled back: when the current log continues the back-up's, it stays.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import hashlib
import hmac
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask_appbuilder import Model
from sqlalchemy.orm import Session
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from app.core.models import utcnow
from security.audit import Actor, record, reset_actor, set_actor
from security.audit.tree import leaf_hash
from security.envelope import Spool, _Chunker

MAGIC = b"HRBK1\n"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024  # compressed plaintext per encrypted chunk
MAX_HEADER = 1024 * 1024
BATCH = 1000
VERSION_TABLE = "alembic_version"
AUDIT_TABLE = "audit_event"
# The access log and its Merkle tree: kept as they are by a restore that they continue.
AUDIT_TABLES = (AUDIT_TABLE, "audit_leaf", "audit_checkpoint")
JOURNAL_TABLE = "erasure_record"
RESTORER = Actor(None, "backup restore")
OPEN_MARGIN = dt.timedelta(hours=1)  # see _reapply_erasures


class BackupError(Exception):
    """A key, file or database that cannot be used; one line (Dutch / English)."""


# -- key --------------------------------------------------------------------------------------

def load_key(text: str | None) -> bytes:
    """The back-up key from its base64 form (``HULPREGIE_BACKUP_KEY``)."""
    if not text or not text.strip():
        raise BackupError("HULPREGIE_BACKUP_KEY is niet ingesteld / is not set "
                          "(32 bytes, base64; maak er een met `openssl rand -base64 32`)")
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BackupError("HULPREGIE_BACKUP_KEY is geen geldige base64 / is not valid base64") from None
    if len(key) != 32:
        raise BackupError(f"HULPREGIE_BACKUP_KEY moet 32 bytes zijn, niet {len(key)} / "
                          "must be 32 bytes")
    return key


def key_id(key: bytes) -> str:
    """Names the key in the header without revealing it."""
    return hmac.new(key, b"hulpregie-backup-key-id", hashlib.sha256).hexdigest()[:16]


# -- tables and values as stored --------------------------------------------------------------

def _raw_type(column_type):
    """The column's type as stored: encrypted fields as their ciphertext, enums as text."""
    if isinstance(column_type, sa.types.TypeDecorator):
        return _raw_type(column_type.impl_instance)
    if isinstance(column_type, sa.Enum):
        return sa.String()
    return column_type


@dataclass
class _Table:
    name: str
    raw: sa.TableClause
    columns: list[str]
    types: dict
    pk: list[str]
    deferred: list[str] = field(default_factory=list)  # FK columns of a cycle: set afterwards

    def encode(self, row) -> list:
        return [_encode(value) for value in row]

    def decode(self, values: list) -> dict:
        return {c: _decode(self.types[c], v) for c, v in zip(self.columns, values)}


def _encode(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decode(column_type, value):
    if value is None:
        return None
    if isinstance(column_type, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column_type, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(column_type, sa.Float):
        return float(value)
    if isinstance(column_type, sa.Numeric):
        return decimal.Decimal(value)
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def tables() -> list[_Table]:
    """Every table of the models, parents before children; FKs of a cycle are deferred."""
    ordered = sort_tables_and_constraints(Model.metadata.tables.values())
    cyclic = [fkc for table, fkcs in ordered if table is None for fkc in fkcs]
    result = []
    for table, _ in ordered:
        if table is None:
            continue
        types = {c.name: _raw_type(c.type) for c in table.columns}
        raw = sa.table(table.name, *(sa.column(name, type_) for name, type_ in types.items()))
        deferred = [c.name for fkc in cyclic if fkc.table is table for c in fkc.columns]
        result.append(_Table(table.name, raw, list(types), types,
                             [c.name for c in table.primary_key.columns], deferred))
    return result


def _version_table() -> _Table:
    raw = sa.table(VERSION_TABLE, sa.column("version_num", sa.String()))
    return _Table(VERSION_TABLE, raw, ["version_num"], {"version_num": sa.String()},
                  ["version_num"])


def current_revision(conn) -> str | None:
    try:
        return conn.execute(sa.select(_version_table().raw.c.version_num)).scalar()
    except sa.exc.DBAPIError:
        raise BackupError("De database heeft geen schemaversie (alembic_version): voer eerst "
                          "`flask --app run db upgrade` uit / run db upgrade first") from None


def read_rows(conn, table: _Table):
    """The table's rows as stored, in primary-key order (streamed)."""
    query = sa.select(table.raw).order_by(*(table.raw.c[c] for c in table.pk))
    return conn.execute(query.execution_options(yield_per=BATCH))


# -- writing a back-up --------------------------------------------------------------------------

@dataclass
class Summary:
    header: dict
    path: Path | None = None
    counts: dict = field(default_factory=dict)  # what a restore did besides copying rows


def _snapshot(engine) -> sa.Connection:
    """A connection that sees one consistent moment of the database."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ")
    conn = engine.connect()
    conn.exec_driver_sql("BEGIN")  # pysqlite starts no transaction for reads by itself
    return conn


def create(engine, out: str | os.PathLike, key: bytes) -> Summary:
    """Write a back-up of the whole database to ``out`` (replaced only when complete)."""
    out = Path(out)
    digest, counts, audit_last = hashlib.sha256(), {}, None
    compressor = zlib.compressobj(6)
    created_at = utcnow()
    with Spool() as spool, _snapshot(engine) as conn:
        def emit(line) -> None:
            data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            digest.update(data)
            spool.write(compressor.compress(data))

        revision = current_revision(conn)
        for table in [_version_table(), *tables()]:
            emit({"table": table.name, "columns": table.columns})
            n = 0
            for row in read_rows(conn, table):
                emit(table.encode(row))
                n += 1
                if table.name == AUDIT_TABLE:
                    audit_last = {"id": row.id, "leaf": leaf_hash(row._mapping).hex()}
            counts[table.name] = n
        conn.rollback()
        spool.write(compressor.flush())
        prefix = os.urandom(8)
        header = {
            "format": "HRBK1", "version": FORMAT_VERSION, "alembic_revision": revision,
            "created_at": created_at.isoformat(), "dialect": engine.dialect.name,
            "tables": counts, "sha256": digest.hexdigest(), "compression": "zlib",
            "cipher": "AES-256-GCM", "key_id": key_id(key),
            "nonce_prefix": base64.b64encode(prefix).decode(), "audit_last": audit_last,
        }
        raw = json.dumps(header, sort_keys=True).encode()
        aad, aead = hashlib.sha256(raw).digest(), AESGCM(key)
        partial = out.with_name(out.name + ".partial")
        with open(partial, "wb") as fh:
            fh.write(MAGIC + struct.pack(">I", len(raw)) + raw)
            chunker, n = _Chunker(CHUNK), 0

            def seal(chunk: bytes, final: bool) -> None:
                nonlocal n
                flag = b"\x01" if final else b"\x00"
                sealed = aead.encrypt(prefix + struct.pack(">I", n), chunk, aad + flag)
                fh.write(flag + struct.pack(">I", len(sealed)) + sealed)
                n += 1

            for piece in spool.chunks():
                for chunk in chunker.feed(piece):
                    seal(chunk, final=False)
            seal(bytes(chunker.buffer), final=True)
        os.chmod(partial, 0o600)
        os.replace(partial, out)
    return Summary(header, out)


# -- reading a back-up --------------------------------------------------------------------------

def _read_exact(fh, n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise BackupError("Het bestand is afgekapt of gewijzigd / the file is truncated or changed")
    return data


def read_header(path) -> tuple[dict, bytes]:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(len(MAGIC))
            (length,) = struct.unpack(">I", _read_exact(fh, 4)) if magic == MAGIC else (0,)
            raw = _read_exact(fh, length) if 0 < length <= MAX_HEADER else b""
    except OSError as exc:
        raise BackupError(f"{path} is niet te lezen / cannot be read: {exc.strerror or exc}") from None
    if magic != MAGIC:
        raise BackupError(f"{path} is geen Hulpregie-back-up / is not a Hulpregie backup")
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError("De kop van de back-up is ongeldig / the backup header is invalid") from None
    if not isinstance(header, dict) or header.get("format") != "HRBK1":
        raise BackupError("De kop van de back-up is ongeldig / the backup header is invalid")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(f"Onbekende versie van het back-upformaat / unknown backup format "
                          f"version: {header.get('version')}")
    return header, raw


def _plaintext(path, key: bytes, header: dict, raw: bytes):
    """The decrypted, decompressed plaintext of a back-up, piece by piece."""
    if header.get("key_id") != key_id(key):
        raise BackupError("Deze back-up is met een andere sleutel gemaakt (HULPREGIE_BACKUP_KEY) / "
                          "this backup was made with another key")
    aad, aead = hashlib.sha256(raw).digest(), AESGCM(key)
    prefix = base64.b64decode(header["nonce_prefix"])
    decompressor = zlib.decompressobj()
    with open(path, "rb") as fh:
        fh.seek(len(MAGIC) + 4 + len(raw))
        n = 0
        while True:
            flag = _read_exact(fh, 1)
            (length,) = struct.unpack(">I", _read_exact(fh, 4))
            if flag not in (b"\x00", b"\x01") or length > CHUNK + 16:
                raise BackupError("Het bestand is gewijzigd / the file has been changed")
            try:
                chunk = aead.decrypt(prefix + struct.pack(">I", n), _read_exact(fh, length), aad + flag)
            except InvalidTag:
                raise BackupError("Het bestand is gewijzigd of beschadigd (controle mislukt) / "
                                  "the file has been changed or damaged") from None
            n += 1
            try:
                yield decompressor.decompress(chunk)
            except zlib.error:
                raise BackupError("Het bestand is beschadigd / the file is damaged") from None
            if flag == b"\x01":
                break
        if fh.read(1):
            raise BackupError("Na het laatste blok staan nog gegevens: het bestand is gewijzigd / "
                              "data after the last block: the file has been changed")
    yield decompressor.flush()


def _records(path, key: bytes, header: dict, raw: bytes, digest=None):
    """``(name, columns, None)`` opens a table, ``(name, None, values)`` is one of its rows."""
    buffer, table = b"", None
    for piece in _plaintext(path, key, header, raw):
        if digest is not None:
            digest.update(piece)
        buffer += piece
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            item = json.loads(line)
            if isinstance(item, dict):
                table = item["table"]
                yield table, item["columns"], None
            else:
                yield table, None, item
    if buffer:
        raise BackupError("Het bestand is afgekapt / the file is truncated")


def verify(path, key: bytes) -> dict:
    """Check a back-up completely (key, integrity, SHA-256, row counts); returns its header."""
    header, raw = read_header(path)
    digest, counts = hashlib.sha256(), {}
    for name, columns, values in _records(path, key, header, raw, digest):
        counts[name] = counts.get(name, 0) + (values is not None)
    if digest.hexdigest() != header.get("sha256"):
        raise BackupError("De controlesom (SHA-256) klopt niet: het bestand is gewijzigd / "
                          "checksum mismatch: the file has been changed")
    if counts != header.get("tables"):
        raise BackupError("Het aantal rijen klopt niet met de kop / row counts do not match the header")
    return header


# -- restoring ----------------------------------------------------------------------------------

def restore(session: Session, path, key: bytes) -> Summary:
    """Replace every row with the back-up's, in the caller's transaction (the caller commits;
    on an error it rolls back and nothing has changed)."""
    header = verify(path, key)
    _, raw = read_header(path)
    conn = session.connection()
    revision = current_revision(conn)
    if header["alembic_revision"] != revision:
        raise BackupError(
            f"De back-up is van schemaversie {header['alembic_revision']}, de database is op "
            f"{revision}: breng de database eerst op die versie (flask db upgrade/downgrade) / "
            f"backup is of schema revision {header['alembic_revision']}, database is at {revision}")
    session.flush()
    session.expunge_all()
    backup_at = dt.datetime.fromisoformat(header["created_at"])
    all_tables = {t.name: t for t in tables()}
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in all_tables)
        conn.execute(sa.text("SET LOCAL lock_timeout = '60s'"))
        conn.execute(sa.text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    journal = [dict(r._mapping) for r in read_rows(conn, all_tables[JOURNAL_TABLE])]
    keep_audit = _continues(conn, header.get("audit_last"))
    replaced = [t for t in all_tables.values() if not (keep_audit and t.name in AUDIT_TABLES)]
    _delete_all(conn, replaced)
    later = _insert_all(conn, path, key, header, raw, {t.name: t for t in replaced})
    for name, rows in later.items():
        table = all_tables[name]
        for column in table.deferred:
            statement = (sa.update(table.raw).where(table.raw.c[table.pk[0]] == sa.bindparam("_pk"))
                         .values({column: sa.bindparam("_v")}))
            pairs = [{"_pk": r[table.pk[0]], "_v": r[column]} for r in rows if r[column] is not None]
            if pairs:
                conn.execute(statement, pairs)
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn)
    summary = Summary(header, Path(path), {"audit_log_kept": int(keep_audit)})
    token = set_actor(RESTORER)
    try:
        record(session, "restore", "Backup", None,
               purpose=f"back-up van {header['created_at']} teruggezet")
        summary.counts.update(_reapply_erasures(session, journal, backup_at))
    finally:
        reset_actor(token)
    session.flush()
    return summary


def _continues(conn, last: dict | None) -> bool:
    """Whether the current access log continues the back-up's (then it is kept as it is)."""
    if last is None:
        return True
    table = Model.metadata.tables[AUDIT_TABLE]
    found = conn.execute(sa.select(table).where(table.c.id == last["id"])).mappings().first()
    if found is None:
        return False
    if "leaf" in last:  # the event's content as sealed (security/audit/tree.py)
        return leaf_hash(found).hex() == last["leaf"]
    return found["hash"] is not None and found["hash"] == last.get("hash")  # older back-ups


def _delete_all(conn, replaced: list[_Table]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in replaced)))
        return
    for table in replaced:
        if table.deferred:
            conn.execute(sa.update(table.raw).values({c: None for c in table.deferred}))
    for table in reversed(replaced):
        conn.execute(sa.delete(table.raw))


def _insert_all(conn, path, key, header, raw, replaced: dict) -> dict:
    """Insert the back-up's rows in batches; returns the rows whose cyclic FKs wait."""
    later, batch, table = {}, [], None

    def flush() -> None:
        if batch and table is not None:
            if table.deferred:
                later.setdefault(table.name, []).extend(batch)
                rows = [{**r, **{c: None for c in table.deferred}} for r in batch]
            else:
                rows = batch
            conn.execute(sa.insert(table.raw), rows)
        batch.clear()

    for name, columns, values in _records(path, key, header, raw):
        if columns is not None:
            flush()
            table = replaced.get(name)
            if table is not None and columns != table.columns:
                raise BackupError(f"De kolommen van {name} wijken af / columns of {name} differ")
        elif table is not None:
            batch.append(table.decode(values))
            if len(batch) >= BATCH:
                flush()
    flush()
    return later


def _reset_sequences(conn) -> None:
    """Every integer key's sequence continues after the highest restored id."""
    for table in Model.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        column = pk[0]
        sequence = column.default.name if isinstance(column.default, sa.Sequence) else \
            conn.execute(sa.select(sa.func.pg_get_serial_sequence(table.name, column.name))).scalar()
        if sequence:
            highest = sa.select(sa.func.max(column)).scalar_subquery()
            conn.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(highest, 0) + 1,
                                                  False)))


def _reapply_erasures(session: Session, journal: list[dict], backup_at: dt.datetime) -> dict:
    """Erase again whoever the replaced database's journal says was erased after the back-up
    was made, and keep every journal entry.

    A subject is found by (subject_type, subject_id). Only entries the back-up's own journal
    lacks and that are newer than the back-up count: SQLite gives a deleted highest id to the
    next new row, so an older entry may name an id that the back-up's data uses for someone
    else. (Newer less OPEN_MARGIN: an erasure whose transaction was still open when the
    back-up started is not in it, although its time is a little older.)"""
    from app.contacts.models import ContactPerson
    from app.helpdesk.models import HelpRequest
    from app.holders.models import Holder
    from app.organisations.models import Organisation
    from app.privacy.models import ErasureRecord
    from app.volunteers.models import Volunteer
    from workflows.privacy.erasure import ANONYMISED, already_erased, erase_subject

    models = {"Holder": Holder, "ContactPerson": ContactPerson, "Volunteer": Volunteer,
              "HelpRequest": HelpRequest}
    known = {(r.subject_type, r.subject_id, r.erased_at) for r in session.scalars(
        sa.select(ErasureRecord))}
    counts = {"erasures_reapplied": 0, "journal_kept": 0}
    for entry in sorted(journal, key=lambda e: (e["erased_at"], e["id"])):
        kind, subject_id, erased_at = entry["subject_type"], entry["subject_id"], entry["erased_at"]
        if (kind, subject_id, erased_at) in known:
            continue
        values = {k: v for k, v in entry.items() if k != "id"}
        subject = (session.get(models[kind], subject_id) if erased_at > backup_at - OPEN_MARGIN
                   else None)
        if subject is not None and not (kind in ANONYMISED and already_erased(session, kind, subject_id)):
            redone = erase_subject(session, subject, by=RESTORER, reason=entry["reason"])
            for name, value in values.items():
                setattr(redone, name, value)
            counts["erasures_reapplied"] += 1
        elif session.get(Organisation, entry["organisation_id"]) is not None:
            session.add(ErasureRecord(**values))
            counts["journal_kept"] += 1
        session.flush()
    return counts
