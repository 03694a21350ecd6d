"""Key rotation: re-encrypt every encrypted value under the newest key of the ring.

Used by ``flask --app run keys rotate``. Works at the SQL level (SQLAlchemy Core on plain
TEXT mirrors of the tables), so no ORM validators, audit listeners or ``onupdate`` columns
fire and the app-wide key ring is never used: the ring is a parameter.

- Batches of ``batch_size`` rows, each in its own transaction (rows locked ``FOR UPDATE``
  where the database supports it), found by keyset pagination on the primary key.
- Resumable without a state table: a row is done when every non-NULL encrypted value
  already starts with ``v1:<newest key id>:``; only other rows are selected.
- Losing nothing: a value is decrypted (with the key its id names, or else any key of the
  ring), encrypted under the newest key, decrypted again and compared before it is written,
  and the UPDATE only matches if the stored value is still the one that was read. A value
  that authenticates under no key is left exactly as it is and counted as failed.
"""

from __future__ import annotations

import base64
import contextlib
import binascii
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from security.crypto import PREFIX, DecryptionError, KeyRing, _Encrypted

MAX_FAILED_IDS = 20  # ids kept per table for the report


@dataclass
class TableReport:
    table: str
    rows_seen: int = 0  # rows read because at least one value was not under the newest key
    reencrypted: int = 0  # values rewritten under the newest key (or, in a dry run, to be)
    current: int = 0  # values already under the newest key when the table was started
    failed: int = 0  # values that authenticate under no key of the ring (left untouched)
    failed_ids: list = field(default_factory=list)  # "<id>.<column>", at most MAX_FAILED_IDS


@dataclass(frozen=True)
class _Target:
    name: str
    raw: sa.TableClause  # the table with its key and encrypted columns typed as plain TEXT
    pk: str
    columns: tuple[str, ...]


def encrypted_tables(metadata: sa.MetaData) -> list[_Target]:
    """Every table of ``metadata`` with at least one encrypted column, by name."""
    targets = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.fullname):
        columns = tuple(c.name for c in table.columns if isinstance(c.type, _Encrypted))
        if not columns:
            continue
        pk = list(table.primary_key.columns)
        if len(pk) != 1:
            raise ValueError(f"table {table.fullname} needs a single-column primary key")
        raw = sa.table(table.name, sa.column(pk[0].name, pk[0].type),
                       *(sa.column(c, sa.Text) for c in columns), schema=table.schema)
        targets.append(_Target(table.fullname, raw, pk[0].name, columns))
    return targets


def _default_metadata() -> sa.MetaData:
    from flask_appbuilder import Model

    return Model.metadata


def _current_prefix(ring: KeyRing) -> str:
    return f"{PREFIX}:{ring.current_id}:"


def _is_current(column, ring: KeyRing):
    return column.startswith(_current_prefix(ring), autoescape=True)


def _pending(target: _Target, ring: KeyRing):
    """Rows with at least one value that is not under the newest key."""
    columns = [target.raw.c[c] for c in target.columns]
    return sa.or_(*(sa.and_(c.is_not(None), sa.not_(_is_current(c, ring))) for c in columns))


def pending_rows(engine: Engine, ring: KeyRing,
                 metadata: sa.MetaData | None = None) -> dict[str, int]:
    """How many rows per table still hold a value that is not under the newest key."""
    counts = {}
    with engine.connect() as conn:
        for target in encrypted_tables(metadata or _default_metadata()):
            query = sa.select(sa.func.count()).select_from(target.raw).where(_pending(target, ring))
            counts[target.name] = conn.execute(query).scalar_one()
    return counts


def _decrypt_any(ring: KeyRing, stored: str) -> str | None:
    """The plaintext, or None when the value authenticates under no key of the ring."""
    try:
        return ring.decrypt(stored)
    except DecryptionError:
        pass
    key_id = ring.key_id_of(stored)
    if key_id is None:
        return None
    try:
        raw = base64.b64decode(stored.split(":", 2)[2], validate=True)
    except (ValueError, binascii.Error):
        return None
    for _, key in ring.keys:  # e.g. a key whose id was renamed in the configuration
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode("utf-8")
        except (InvalidTag, ValueError):
            continue
    return None


def reencrypt(ring: KeyRing, stored: str) -> str | None:
    """``stored`` under the newest key, verified; None when it cannot be decrypted."""
    plaintext = _decrypt_any(ring, stored)
    if plaintext is None:
        return None
    new = ring.encrypt(plaintext)
    if ring.decrypt(new) != plaintext:  # never write what we cannot read back
        return None
    return new


def _update_statement(target: _Target, columns: tuple[str, ...]):
    raw = target.raw
    conditions = [raw.c[target.pk] == sa.bindparam("rot_pk")]
    conditions += [raw.c[c] == sa.bindparam(f"rot_old_{c}") for c in columns]
    return (sa.update(raw).where(*conditions)
            .values({c: sa.bindparam(f"rot_new_{c}") for c in columns}))


def _rotate_batch(conn, target: _Target, ring: KeyRing, rows, dry_run: bool, report: TableReport):
    prefix = _current_prefix(ring)
    groups = defaultdict(list)  # changed columns -> parameter sets
    reencrypted = failed = 0
    for row in rows:
        params = {"rot_pk": row[0]}
        for name, stored in zip(target.columns, row[1:]):
            if stored is None or stored.startswith(prefix):
                continue
            new = reencrypt(ring, stored)
            if new is None:
                failed += 1
                if len(report.failed_ids) < MAX_FAILED_IDS:
                    report.failed_ids.append(f"{row[0]}.{name}")
                continue
            params[f"rot_old_{name}"] = stored
            params[f"rot_new_{name}"] = new
            reencrypted += 1
        changed = tuple(c for c in target.columns if f"rot_new_{c}" in params)
        if changed:
            groups[changed].append(params)
    if not dry_run:
        for columns, param_sets in groups.items():
            conn.execute(_update_statement(target, columns), param_sets)
    return reencrypted, failed


def _count_current(engine: Engine, target: _Target, ring: KeyRing) -> int:
    sums = [sa.func.sum(sa.case((_is_current(target.raw.c[c], ring), 1), else_=0))
            for c in target.columns]
    with engine.connect() as conn:
        return sum(n or 0 for n in conn.execute(sa.select(*sums).select_from(target.raw)).one())


def _audit(engine: Engine, target: _Target, ring: KeyRing, report: TableReport) -> None:
    """One summary event per table in the access log (names and counts, never values)."""
    from security.audit import record

    summary = (f"sleutel {ring.current_id}: {report.reencrypted} herversleuteld, "
               f"{report.failed} mislukt")
    with Session(bind=engine) as session:
        record(session, "rotate", target.name, purpose=summary, fields=target.columns)
        session.commit()


def rotate_table(engine: Engine, target: _Target, ring: KeyRing, *, batch_size: int = 500,
                 dry_run: bool = False,
                 on_batch: Callable[[str, int], None] | None = None) -> TableReport:
    report = TableReport(target.name, current=_count_current(engine, target, ring))
    raw = target.raw
    query = (sa.select(raw.c[target.pk], *(raw.c[c] for c in target.columns))
             .where(_pending(target, ring)).order_by(raw.c[target.pk]).limit(batch_size))
    if not dry_run:
        query = query.with_for_update()
    last = None
    try:
        while True:
            with engine.begin() as conn:  # one transaction per batch
                page = query if last is None else query.where(raw.c[target.pk] > last)
                rows = conn.execute(page).all()
                if not rows:
                    break
                done = _rotate_batch(conn, target, ring, rows, dry_run, report)
                if on_batch is not None:  # in the transaction: if it raises, the batch is undone
                    on_batch(target.name, len(rows))
            last = rows[-1][0]
            report.rows_seen += len(rows)
            report.reencrypted += done[0]
            report.failed += done[1]
    except BaseException:
        if not dry_run and (report.reencrypted or report.failed):
            with contextlib.suppress(Exception):  # log what was committed; keep the first error
                _audit(engine, target, ring, report)
        raise
    if not dry_run and (report.reencrypted or report.failed):
        _audit(engine, target, ring, report)
    return report


def rotate(engine: Engine, ring: KeyRing, *, metadata: sa.MetaData | None = None,
           batch_size: int = 500, dry_run: bool = False,
           on_batch: Callable[[str, int], None] | None = None) -> dict[str, TableReport]:
    """Re-encrypt every encrypted value of every table under ``ring``'s newest key.

    ``on_batch(table, rows)`` is called after each batch, before its commit (a progress bar;
    an exception there undoes that batch and stops the rotation, which a later run resumes).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return {target.name: rotate_table(engine, target, ring, batch_size=batch_size,
                                      dry_run=dry_run, on_batch=on_batch)
            for target in encrypted_tables(metadata or _default_metadata())}


HEADERS = ("tabel", "rijen bekeken", "herversleuteld", "al actueel", "mislukt")


def format_report(reports: dict[str, TableReport]) -> str:
    """The counts per table as an aligned text table, with a total line."""
    rows = [(r.table, r.rows_seen, r.reencrypted, r.current, r.failed) for r in reports.values()]
    rows.append(("totaal", *(sum(r[i] for r in rows) for i in range(1, 5))))
    widths = [max(len(str(x)) for x in col) for col in zip(HEADERS, *rows)]
    lines = ["  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                       for i, (v, w) in enumerate(zip(line, widths))) for line in [HEADERS, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    return "\n".join(lines)
