"""Checking the access log: every event against its leaf, the tree against every checkpoint
(the table's, the checkpoint file's, and any a person kept), and each checkpoint against the
one before it with a consistency proof (RFC 6962 §2.1.2). Each problem is named, in Dutch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from security.audit.checkpoints import Checkpoint, read_file
from security.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from security.audit.tree import LEAF_COLUMNS, Tree, leaf_hash, verify_consistency

# What each kind of finding means (the README and docs/access-log.md use these words).
KINDS = {
    "gewijzigd": "een gebeurtenis is gewijzigd",
    "verwijderd": "een verzegelde gebeurtenis is verwijderd",
    "gat": "een gebeurtenis is met haar zegel verwijderd",
    "afgekapt": "de nieuwste gebeurtenissen zijn verwijderd",
    "herberekend": "de boom is herberekend",
    "inconsistent": "een checkpoint volgt niet uit het vorige",
    "handtekening": "een checkpoint is niet met de sleutel ondertekend",
    "bestand": "het checkpointbestand en de tabel verschillen",
}


@dataclass
class Finding:
    kind: str  # a key of KINDS
    message: str
    event_id: int | None = None
    at: dt.datetime | None = None


@dataclass
class Verdict:
    ok: bool
    count: int  # sealed events checked
    size: int = 0  # leaves in the tree
    unsealed: int = 0  # events not sealed yet
    newest: Checkpoint | None = None
    signatures_checked: bool = True
    findings: list[Finding] = field(default_factory=list)

    @property
    def broken_id(self):
        return self.findings[0].event_id if self.findings else None

    @property
    def broken_at(self):
        return self.findings[0].at if self.findings else None

    @property
    def reason(self):
        return self.findings[0].message if self.findings else None


def _at(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def _leaves(conn, batch_size: int, findings: list[Finding]) -> tuple[bytearray, int]:
    """The stored leaf hashes in order, each checked against its event."""
    events, leaves = AuditEvent.__table__, AuditLeaf.__table__
    columns = [leaves.c.leaf_index, leaves.c.event_id, leaves.c.hash.label("leaf_hash"),
               events.c.id.label("present"), *(events.c[c].label(f"e_{c}") for c in LEAF_COLUMNS)]
    stored, count, expected, previous = bytearray(), 0, 0, None
    while True:
        rows = conn.execute(sa.select(*columns)
                            .select_from(leaves.outerjoin(events, events.c.id == leaves.c.event_id))
                            .where(leaves.c.leaf_index >= expected).order_by(leaves.c.leaf_index)
                            .limit(batch_size)).mappings().all()
        if not rows:
            return stored, count
        for row in rows:
            index = row["leaf_index"]
            if index != expected:
                findings.append(Finding("gat", (
                    f"zegel {expected}{f' tot {index - 1}' if index - 1 > expected else ''} "
                    f"ontbreekt: gebeurtenissen zijn met hun zegel verwijderd (na gebeurtenis "
                    f"{previous}, voor gebeurtenis {row['event_id']}) (verwijderd)")))
            try:
                digest = bytes.fromhex(row["leaf_hash"])
            except ValueError:
                digest = b""
            if row["present"] is None:
                findings.append(Finding("verwijderd", (
                    f"gebeurtenis {row['event_id']} is verwijderd: zegel {index} van de boom "
                    "verwijst ernaar"), row["event_id"]))
            else:
                count += 1
                event = {c: row[f"e_{c}"] for c in LEAF_COLUMNS}
                if leaf_hash(event) != digest:
                    findings.append(Finding("gewijzigd", (
                        f"gebeurtenis {event['id']} ({_at(event['at'])}) is gewijzigd: de "
                        f"inhoud past niet bij haar zegel {index}"), event["id"], event["at"]))
            stored += digest if len(digest) == 32 else bytes(32)
            expected, previous = index + 1, row["event_id"]


def _unsealed(conn) -> int:
    events, leaves = AuditEvent.__table__, AuditLeaf.__table__
    sealed = sa.select(leaves.c.event_id).where(leaves.c.event_id == events.c.id).exists()
    return conn.scalar(sa.select(sa.func.count()).select_from(events).where(~sealed))


def _table_checkpoints(conn) -> list[Checkpoint]:
    table = AuditCheckpoint.__table__
    return [Checkpoint.from_row(r) for r in conn.execute(
        sa.select(table).order_by(table.c.tree_size, table.c.id)).mappings()]


def _name(cp: Checkpoint) -> str:
    where = {"tabel": "in de tabel", "bestand": "in het checkpointbestand"}.get(
        cp.source, f"in {cp.source}")
    return f"checkpoint {cp.size} van {_at(cp.at)} ({where})"


def verify_log(conn: sa.Connection, public_key: Ed25519PublicKey | None = None,
               checkpoint_file: Path | None = None, kept: tuple[Path, ...] = (),
               batch_size: int = 5000) -> Verdict:
    """Check the whole log; read-only (sealing first is the caller's choice)."""
    findings: list[Finding] = []
    # Checkpoints first, then the leaves: the tree only grows, so every checkpoint read
    # here has its leaves committed already.
    from_file, bad = read_file(checkpoint_file) if checkpoint_file else ([], [])
    for number in bad:
        findings.append(Finding("bestand", f"regel {number} van het checkpointbestand is geen "
                                           "checkpoint (gewijzigd)"))
    in_table = _table_checkpoints(conn)
    kept_cps = []
    for path in kept:
        found, wrong = read_file(path, path.name)
        if wrong or not found:
            findings.append(Finding("bestand", f"{path.name} bevat geen (geldig) checkpoint"))
        kept_cps += found
    stored, count = _leaves(conn, batch_size, findings)
    unsealed = _unsealed(conn)
    tree = Tree(bytes(stored))

    valid = []
    seen = set()
    for cp in [*in_table, *from_file, *kept_cps]:
        ident = (cp.size, cp.root, cp.signature)
        if ident in seen:
            continue
        seen.add(ident)
        if public_key is not None and not cp.valid(public_key):
            findings.append(Finding("handtekening", (
                f"{_name(cp)} heeft geen geldige handtekening: vervalst, of de boom is "
                "herberekend zonder de sleutel (herberekend)")))
            continue
        valid.append(cp)
        if cp.size > tree.size:
            findings.append(Finding("afgekapt", (
                f"het logboek is afgekapt: {_name(cp)} telt {cp.size} gebeurtenissen, de boom "
                f"nog {tree.size}; de nieuwste gebeurtenissen en hun zegels zijn verwijderd")))
        elif tree.root(cp.size) != cp.root:
            findings.append(Finding("herberekend", (
                f"de boom is herberekend of gewijzigd: de wortel over de eerste {cp.size} "
                f"gebeurtenissen past niet bij {_name(cp)}")))

    valid.sort(key=lambda c: (c.size, c.at))
    for before, after in zip(valid, valid[1:]):
        if after.size > tree.size:
            break
        proof = tree.consistency_proof(before.size, after.size) if before.size else []
        if not verify_consistency(before.size, after.size, before.root, after.root, proof):
            findings.append(Finding("inconsistent", (
                f"{_name(after)} volgt niet uit {_name(before)}: het logboek is tussen beide "
                "herschreven (consistentiebewijs klopt niet)")))

    if checkpoint_file is not None:
        table_ids = {(c.size, c.root) for c in in_table}
        file_ids = {(c.size, c.root) for c in from_file}
        for cp in from_file:
            if (cp.size, cp.root) not in table_ids:
                findings.append(Finding("bestand", (
                    f"{_name(cp)} ontbreekt in de tabel (verwijderd of vervangen)")))
        for cp in in_table:
            if (cp.size, cp.root) not in file_ids:
                findings.append(Finding("bestand", (
                    f"{_name(cp)} ontbreekt in het checkpointbestand (verwijderd, of het "
                    "bestand is ingekort of vervangen)")))
    newest = valid[-1] if valid else None
    return Verdict(not findings, count, tree.size, unsealed, newest, public_key is not None,
                   findings)


def verify_chain(conn: sa.Connection, batch_size: int = 5000) -> Verdict:
    """:func:`verify_log` with the current app's key and checkpoint file."""
    from flask import has_app_context

    key = path = None
    if has_app_context():
        from security.audit.checkpoints import configured

        private, path = configured()
        key = private.public_key() if private is not None else None
    return verify_log(conn, key, path, batch_size=batch_size)
