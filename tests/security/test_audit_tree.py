"""The access log's Merkle tree and signed checkpoints (security/audit/): the RFC 6962 hashes,
consistency proofs, and every kind of tampering named by `audit verify`, on SQLite and
PostgreSQL. Each test undoes its tampering, so the shared log verifies again after it."""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from security.audit import AuditCheckpoint, AuditEvent, AuditLeaf, record
from security.audit.checkpoints import Checkpoint, configured
from security.audit.tree import (EMPTY_ROOT, Frontier, Tree, leaf_hash, node_hash,
                                 verify_consistency)

# -- the tree, against RFC 6962 ----------------------------------------------------------------

# The test vectors of the Certificate Transparency / Trillian Merkle tree tests: eight inputs
# and the root of each prefix.
INPUTS = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
          bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]


def _leaves(n):
    return [hashlib.sha256(b"\x00" + bytes([i % 256, i // 256])).digest() for i in range(n)]


def test_roots_match_the_rfc_6962_test_vectors():
    frontier = Frontier()
    for size, data in enumerate(INPUTS, 1):
        frontier.append(hashlib.sha256(b"\x00" + data).digest())
        assert frontier.root().hex() == ROOTS[size - 1]
    tree = Tree([hashlib.sha256(b"\x00" + d).digest() for d in INPUTS])
    assert [tree.root(n).hex() for n in range(1, 9)] == ROOTS
    assert Frontier().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_a_frontier_extends_the_tree_it_was_saved_from():
    leaves = _leaves(45)
    saved = Frontier()
    for leaf in leaves[:29]:
        saved.append(leaf)
    again = Frontier.from_json(29, saved.to_json())
    for leaf in leaves[29:]:
        again.append(leaf)
    assert again.root() == Tree(leaves).root()
    with pytest.raises(ValueError):
        Frontier.from_json(31, saved.to_json())  # 31 leaves have five subtrees, 29 four


def test_consistency_proofs_hold_and_catch_a_rewrite():
    leaves = _leaves(33)
    tree = Tree(leaves)
    rewritten = Tree(leaves[:5] + [node_hash(b"x", b"y")] + leaves[6:])
    for n in range(1, 34):
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            assert verify_consistency(m, n, tree.root(m), tree.root(n), proof), (m, n)
            if m < n:
                assert len(proof) <= 2 * n.bit_length()
            if m > 5 or n > 5 and m < n:  # the rewrite changed leaf 5: old root or new root
                assert not verify_consistency(m, n, rewritten.root(m), tree.root(n), proof) \
                    or not verify_consistency(m, n, tree.root(m), rewritten.root(n), proof)
    assert not verify_consistency(3, 8, tree.root(3), tree.root(8), [])


# -- tampering, each named ------------------------------------------------------------------------

def run(app, *args):
    result = app.test_cli_runner().invoke(args=["audit", *args])
    return result.exit_code, result.output


def sealed(app, db, n: int = 2) -> list[int]:
    """Write ``n`` events in one transaction, seal them; their ids."""
    record(db.session, "export", "Test", record_id="ver", purpose="te verzegelen")
    for _ in range(n - 1):
        record(db.session, "export", "Test", record_id="ver", purpose="te verzegelen")
    db.session.commit()
    code, out = run(app, "checkpoint")
    assert code == 0, out
    return db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id.desc())
                              .limit(n)).all()[::-1]


def rows(db, model, *where):
    table = model.__table__
    return [dict(r) for r in db.session.execute(sa.select(table).where(*where)).mappings()]


def delete(db, model, *where):
    """Tampering as someone with write access to the database would (the app never does)."""
    db.session.execute(sa.delete(model.__table__).where(*where))
    db.session.commit()


def put_back(db, model, saved):
    if saved:
        db.session.execute(sa.insert(model.__table__), saved)
    db.session.commit()


@contextlib.contextmanager
def file_kept(app):
    """The checkpoint file is restored afterwards (a test may shorten or extend it)."""
    _, path = configured(app)
    before = path.read_bytes()
    try:
        yield path
    finally:
        path.write_bytes(before)


def test_a_deleted_newest_event_is_named(app, db):
    (newest,) = sealed(app, db, 1)
    saved = rows(db, AuditEvent, AuditEvent.id == newest)
    delete(db, AuditEvent, AuditEvent.id == newest)
    try:
        code, out = run(app, "verify")
        assert code != 0 and f"gebeurtenis {newest} is verwijderd" in out, out
    finally:
        put_back(db, AuditEvent, saved)
    assert run(app, "verify")[0] == 0


def test_truncating_the_log_is_named_by_the_file_or_a_kept_checkpoint(app, db, tmp_path):
    sealed(app, db)
    keep = tmp_path / "bewaard.txt"
    newest = sealed(app, db)
    code, line = run(app, "checkpoint")
    keep.write_text(line.splitlines()[-1] + "\n")
    size = db.session.scalar(sa.select(sa.func.max(AuditCheckpoint.tree_size)))
    events = rows(db, AuditEvent, AuditEvent.id.in_(newest))
    leaves = rows(db, AuditLeaf, AuditLeaf.event_id.in_(newest))
    checkpoints = rows(db, AuditCheckpoint, AuditCheckpoint.tree_size > size - 2)
    with file_kept(app) as path:
        delete(db, AuditEvent, AuditEvent.id.in_(newest))
        delete(db, AuditLeaf, AuditLeaf.event_id.in_(newest))
        delete(db, AuditCheckpoint, AuditCheckpoint.tree_size > size - 2)
        try:
            code, out = run(app, "verify")
            assert code != 0 and "FOUT (afgekapt): het logboek is afgekapt" in out, out
            assert f"checkpoint {size} van" in out and "ontbreekt in de tabel" in out, out
            # Shortened file as well: only a checkpoint kept elsewhere still shows it.
            text = path.read_text().splitlines(keepends=True)
            path.write_text("".join(text[:-1]))
            assert run(app, "verify")[0] == 0  # see docs/access-log.md: what is not detected
            code, out = run(app, "verify", "--checkpoint", str(keep))
            assert code != 0 and "afgekapt" in out and "bewaard.txt" in out, out
        finally:
            put_back(db, AuditEvent, events)
            put_back(db, AuditLeaf, leaves)
            put_back(db, AuditCheckpoint, checkpoints)
    assert run(app, "verify", "--checkpoint", str(keep))[0] == 0


def test_an_event_removed_with_its_seal_leaves_a_named_gap(app, db):
    first, middle, last = sealed(app, db, 3)
    events = rows(db, AuditEvent, AuditEvent.id == middle)
    leaves = rows(db, AuditLeaf, AuditLeaf.event_id == middle)
    delete(db, AuditEvent, AuditEvent.id == middle)
    delete(db, AuditLeaf, AuditLeaf.event_id == middle)
    try:
        code, out = run(app, "verify")
        index = leaves[0]["leaf_index"]
        assert code != 0 and f"FOUT (gat): zegel {index} ontbreekt" in out, out
        assert f"na gebeurtenis {first}, voor gebeurtenis {last}" in out, out
    finally:
        put_back(db, AuditEvent, events)
        put_back(db, AuditLeaf, leaves)
    assert run(app, "verify")[0] == 0


def test_a_recomputed_tree_without_the_key_is_named(app, db):
    """Change an event, give it a matching leaf, and sign a new checkpoint with another key:
    the old checkpoints no longer fit, and the new one is not signed with the key."""
    _, victim = sealed(app, db)
    event = rows(db, AuditEvent, AuditEvent.id == victim)[0]
    leaf = rows(db, AuditLeaf, AuditLeaf.event_id == victim)[0]
    table = AuditEvent.__table__
    db.session.execute(sa.update(table).where(table.c.id == victim).values(username="iemand"))
    forged_leaf = leaf_hash({**event, "username": "iemand"})
    db.session.execute(sa.update(AuditLeaf.__table__).where(AuditLeaf.event_id == victim)
                       .values(hash=forged_leaf.hex()))
    hashes = db.session.scalars(sa.select(AuditLeaf.hash).order_by(AuditLeaf.leaf_index)).all()
    tree = Tree([bytes.fromhex(h) for h in hashes])
    other = Checkpoint.sign(Ed25519PrivateKey.generate(), tree.size, tree.root(), event["at"])
    db.session.execute(sa.insert(AuditCheckpoint.__table__).values(
        tree_size=tree.size, root=tree.root().hex(), signed_at=other.at, key_id=other.key_id,
        signature=base64.b64encode(other.signature).decode(), frontier="[]", max_event_id=0))
    db.session.commit()
    try:
        code, out = run(app, "verify")
        assert code != 0, out
        assert "FOUT (herberekend): de boom is herberekend" in out, out
        assert "FOUT (handtekening)" in out and "geen geldige handtekening" in out, out
        assert "gewijzigd" not in out.split("FOUT (herberekend)")[0]  # the leaf fits the event
    finally:
        delete(db, AuditCheckpoint, AuditCheckpoint.key_id == other.key_id)
        db.session.execute(sa.update(table).where(table.c.id == victim)
                           .values(username=event["username"]))
        db.session.execute(sa.update(AuditLeaf.__table__).where(AuditLeaf.event_id == victim)
                           .values(hash=leaf["hash"]))
        db.session.commit()
    assert run(app, "verify")[0] == 0


def test_a_changed_checkpoint_file_is_named(app, db):
    sealed(app, db)
    with file_kept(app) as path:
        lines = path.read_text().splitlines()
        forged = Checkpoint.from_line(lines[-1], "bestand")
        lines[-1] = Checkpoint(forged.size + 1, forged.root, forged.at, forged.key_id,
                               forged.signature).line()
        path.write_text("\n".join(lines) + "\nkapot\n")
        code, out = run(app, "verify")
    assert code != 0, out
    assert "regel" in out and "geen checkpoint (gewijzigd)" in out, out
    assert f"checkpoint {forged.size + 1} van" in out and "geen geldige handtekening" in out, out
    assert f"checkpoint {forged.size} van" in out and "ontbreekt in het checkpointbestand" in out
    assert run(app, "verify")[0] == 0


def test_a_kept_checkpoint_verifies_and_a_foreign_one_does_not(app, db, tmp_path):
    sealed(app, db)
    code, out = run(app, "checkpoint")
    assert code == 0
    mine = tmp_path / "mijn-checkpoint.txt"
    mine.write_text(out.splitlines()[-1] + "\n")
    sealed(app, db)  # the log grew since
    code, out = run(app, "verify", "--checkpoint", str(mine))
    assert code == 0 and "OK:" in out, out
    kept = Checkpoint.from_line(mine.read_text(), "x")
    foreign = tmp_path / "vreemd.txt"
    foreign.write_text(Checkpoint.sign(Ed25519PrivateKey.generate(), kept.size, kept.root,
                                       kept.at).line() + "\n")
    code, out = run(app, "verify", "--checkpoint", str(foreign))
    assert code != 0 and "vreemd.txt" in out and "handtekening" in out, out
