"""Key rotation (`keys rotate`): nothing lost, resumable, tampered values reported and kept."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from security import crypto
from security.audit import AuditEvent
from security.crypto import EncryptedDate, EncryptedString, EncryptedText, KeyRing
from security.rotation import encrypted_tables, pending_rows, reencrypt, rotate
from tests.support import factories

OLD = KeyRing((("old", b"o" * 32),), b"i" * 32)
NEW = KeyRing((("new", b"n" * 32),) + OLD.keys, OLD.index_key)
PERSON, NOTE = "rotation_test_person", "rotation_test_note"


def _person(i: int) -> dict:
    return {"id": i, "name": f"Persoon {i} Ëlïf",
            "born": None if i % 7 == 0 else str(dt.date(1950, 1, 1) + dt.timedelta(days=i)),
            "notes": None if i % 3 == 0 else f"Regel één van {i}\nregel twee: {'x' * (i % 40)}",
            "plain": f"open {i}"}


def _note(i: int) -> dict:
    return {"id": i, "body": f"Notitie {i} " + "ø" * (i % 13)}


def _raw(meta, name):
    """The table with every column as plain TEXT/INTEGER: what is really stored."""
    table = meta.tables[name]
    return sa.table(name, *(sa.column(c.name, sa.Integer if c.name == "id" else sa.Text)
                            for c in table.columns))


@contextlib.contextmanager
def outside_request():
    """As on the command line: no request (pytest-flask pushes one for every test)."""
    from flask.globals import _cv_request

    ctx = _cv_request.get(None)
    if ctx is not None:
        ctx.pop()
    try:
        yield
    finally:
        if ctx is not None:
            ctx.push()


@pytest.fixture
def store(app, db):
    """Two tables of encrypted columns (beside the app's own), filled through a raw insert."""
    meta = sa.MetaData()
    sa.Table(PERSON, meta, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", EncryptedString(80), nullable=False),
             sa.Column("born", EncryptedDate, nullable=True),
             sa.Column("notes", EncryptedText, nullable=True),
             sa.Column("plain", sa.String(40)))
    sa.Table(NOTE, meta, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("body", EncryptedText, nullable=False))
    engine = db.engine
    meta.drop_all(engine)
    meta.create_all(engine)
    plain: dict[str, dict[int, dict]] = {}

    def fill(persons: int, notes: int, current_every: int = 0):
        """Encrypt with OLD; every ``current_every``-th person's name is already under NEW."""
        plain[PERSON] = {i: _person(i) for i in range(1, persons + 1)}
        plain[NOTE] = {i: _note(i) for i in range(1, notes + 1)}
        with engine.begin() as conn:
            for name, rows in plain.items():
                stored = []
                for row in rows.values():
                    enc = {}
                    for k, v in row.items():
                        now = current_every and k == "name" and row["id"] % current_every == 0
                        ring = NEW if now else OLD
                        enc[k] = v if k in ("id", "plain") or v is None else ring.encrypt(v)
                    stored.append(enc)
                conn.execute(sa.insert(_raw(meta, name)), stored)

    def stored(name):
        with engine.connect() as conn:
            return {r.id: r._asdict() for r in conn.execute(sa.select(_raw(meta, name)))}

    yield meta, engine, fill, plain, stored
    db.session.rollback()
    meta.drop_all(engine)


def _assert_all_rotated(store_):
    meta, engine, _, plain, stored = store_
    for name in (PERSON, NOTE):
        rows = stored(name)
        assert rows.keys() == plain[name].keys()
        for i, row in rows.items():
            for col, value in row.items():
                if col in ("id", "plain") or value is None:
                    assert value == plain[name][i][col]
                    continue
                assert value.startswith("v1:new:"), (name, i, col)
                assert NEW.decrypt(value) == plain[name][i][col], (name, i, col)
    assert pending_rows(engine, NEW, meta) == {NOTE: 0, PERSON: 0}


def _stale(row, current_every):
    return [k for k in ("name", "born", "notes")
            if row[k] is not None and not (k == "name" and row["id"] % current_every == 0)]


def _stale_values(plain, current_every):
    persons = sum(len(_stale(r, current_every)) for r in plain[PERSON].values())
    return persons, len(plain[NOTE])


def test_rotation_of_10000_rows_loses_nothing(store, db):
    meta, engine, fill, plain, _ = store
    fill(6000, 4000, current_every=50)
    first_event = db.session.query(sa.func.max(AuditEvent.id)).scalar() or 0
    db.session.rollback()

    batches = []
    with outside_request():
        reports = rotate(engine, NEW, metadata=meta, on_batch=lambda t, n: batches.append((t, n)))

    _assert_all_rotated(store)
    stale_persons, stale_notes = _stale_values(plain, 50)
    person, note = reports[PERSON], reports[NOTE]
    stale_rows = sum(1 for r in plain[PERSON].values() if _stale(r, 50))
    assert stale_rows == 6000 - 5  # ids 1050, 2100 …: name current, no birth date, no notes
    assert (person.rows_seen, person.reencrypted, person.current, person.failed) == (
        stale_rows, stale_persons, 120, 0)
    assert (note.rows_seen, note.reencrypted, note.current, note.failed) == (4000, 4000, 0, 0)
    assert batches == [(NOTE, 500)] * 8 + [(PERSON, 500)] * 11 + [(PERSON, 495)]
    events = db.session.query(AuditEvent).filter(AuditEvent.id > first_event,
                                                 AuditEvent.action == "rotate").all()
    assert sorted(e.resource for e in events) == [NOTE, PERSON]
    assert {e.channel for e in events} == {"cli"}
    assert f"{stale_notes} herversleuteld" in next(e.purpose for e in events if e.resource == NOTE)

    again = rotate(engine, NEW, metadata=meta)  # nothing left to do
    assert [(r.rows_seen, r.reencrypted, r.current) for r in again.values()] == [
        (0, 0, 4000), (0, 0, stale_persons + 120)]


class Interrupted(Exception):
    pass


def test_interrupted_rotation_resumes_without_loss_or_double_work(store, db):
    meta, engine, fill, plain, stored = store
    fill(1200, 300)
    stale_persons, stale_notes = _stale_values(plain, 10 ** 9)
    calls = []

    def fail_in_fifth_batch(table, rows):
        calls.append(table)
        if len(calls) == 5:  # inside the 5th batch's transaction: it must be undone
            raise Interrupted

    with pytest.raises(Interrupted):
        rotate(engine, NEW, metadata=meta, batch_size=100, on_batch=fail_in_fifth_batch)

    # Notes (3 batches) are done, 1 person batch was committed, the 5th was rolled back.
    assert calls == [NOTE] * 3 + [PERSON] * 2
    assert pending_rows(engine, NEW, meta) == {NOTE: 0, PERSON: 1100}
    persons = stored(PERSON)
    assert all(persons[i]["name"].startswith("v1:new:") for i in range(1, 101))
    assert all(persons[i]["name"].startswith("v1:old:") for i in range(101, 1201))
    done_in_first_run = sum(1 for i in range(1, 101) for k in ("name", "born", "notes")
                            if plain[PERSON][i][k] is not None)
    event = (db.session.query(AuditEvent).filter_by(action="rotate", resource=PERSON)
             .order_by(AuditEvent.id.desc()).first())
    assert f"{done_in_first_run} herversleuteld" in event.purpose
    db.session.rollback()

    reports = rotate(engine, NEW, metadata=meta, batch_size=100)

    assert reports[NOTE].rows_seen == 0 and reports[NOTE].current == stale_notes
    assert reports[PERSON].rows_seen == 1100
    assert reports[PERSON].reencrypted + done_in_first_run == stale_persons
    assert reports[PERSON].current == done_in_first_run
    _assert_all_rotated(store)


def test_tampered_value_is_reported_and_left_untouched(store):
    meta, engine, fill, plain, stored = store
    fill(40, 5)
    before = stored(PERSON)
    good = before[8]["notes"]
    tampered = good[:-6] + ("AAAA" if not good[:-2].endswith("AAAA") else "BBBB") + good[-2:]
    raw = _raw(meta, PERSON)
    with engine.begin() as conn:
        conn.execute(sa.update(raw).where(raw.c.id == 8).values(notes=tampered))
        conn.execute(sa.update(raw).where(raw.c.id == 20).values(born="1999-12-31"))

    for dry_run in (True, False, False):
        reports = rotate(engine, NEW, metadata=meta, dry_run=dry_run)
        assert reports[PERSON].failed == 2
        assert sorted(reports[PERSON].failed_ids) == ["20.born", "8.notes"]
    assert reports[PERSON].rows_seen == 2 and reports[PERSON].reencrypted == 0  # the rerun

    after = stored(PERSON)
    assert after[8]["notes"] == tampered and after[20]["born"] == "1999-12-31"
    assert NEW.decrypt(after[8]["name"]) == plain[PERSON][8]["name"]  # the rest of the row moved on
    assert after[8]["name"].startswith("v1:new:") and after[20]["name"].startswith("v1:new:")
    assert pending_rows(engine, NEW, meta)[PERSON] == 2


def test_dry_run_writes_nothing(store):
    meta, engine, fill, _, stored = store
    fill(30, 30)
    before = stored(PERSON), stored(NOTE)
    reports = rotate(engine, NEW, metadata=meta, dry_run=True, batch_size=7)
    assert reports[NOTE].reencrypted == 30 and reports[PERSON].rows_seen == 30
    assert (stored(PERSON), stored(NOTE)) == before


def test_a_renamed_key_id_still_decrypts():
    renamed = KeyRing((("new", b"n" * 32), ("renamed", b"o" * 32)), OLD.index_key)
    value = reencrypt(renamed, OLD.encrypt("Jansen"))
    assert value.startswith("v1:new:") and renamed.decrypt(value) == "Jansen"
    assert reencrypt(renamed, KeyRing((("old", b"x" * 32),), b"").encrypt("Jansen")) is None


def _expected(engine, ring: KeyRing) -> dict[str, tuple[int, int, int, int]]:
    """(rows seen, re-encrypted, current, failed) per app table, worked out value by value."""
    prefix = f"v1:{ring.current_id}:"
    expected = {}
    with engine.connect() as conn:
        for target in encrypted_tables(_app_metadata()):
            seen = reenc = current = failed = 0
            for row in conn.execute(sa.select(*(target.raw.c[c] for c in target.columns))):
                values = [v for v in row if v is not None]
                current += sum(v.startswith(prefix) for v in values)
                stale = [v for v in values if not v.startswith(prefix)]
                seen += bool(stale)
                for v in stale:
                    try:
                        ring.decrypt(v)
                        reenc += 1
                    except crypto.DecryptionError:
                        failed += 1
            expected[target.name] = (seen, reenc, current, failed)
    return expected


def _app_metadata():
    from flask_appbuilder import Model

    return Model.metadata


def _printed(output: str) -> dict[str, tuple[int, ...]]:
    lines = output.split("tabel")[1].splitlines()
    return {p[0]: tuple(int(x) for x in p[1:]) for p in (line.split() for line in lines)
            if len(p) == 5 and p[1].isdigit()}


def test_cli_rotates_the_app_tables_and_prints_counts_per_table(app, db):
    from app.holders.models import Holder

    holder = factories.holder("a", address="Oudegracht 12", notes="Houdt van katten")
    holder_id = holder.id
    db.session.commit()
    original = crypto.key_ring()
    rotated = KeyRing((("t9", b"9" * 32),) + original.keys, original.index_key)
    back = KeyRing(original.keys + rotated.keys[:1], original.index_key)
    runner = app.test_cli_runner()
    try:
        for ring in (rotated, back):  # to a new key, and back again so other tests can read
            crypto.install_key_ring(ring)
            expected = _expected(db.engine, ring)
            assert {"holder", "contact_person", "help_card_version", "volunteer"} <= expected.keys()
            with outside_request():
                result = runner.invoke(args=["keys", "rotate", "--batch-size", "7"])
            printed = _printed(result.output)
            assert {t: printed[t] for t in expected} == expected, result.output
            assert printed["totaal"] == tuple(map(sum, zip(*expected.values())))
            failed = sum(f for *_, f in expected.values())
            assert result.exit_code == (1 if failed else 0), result.output
            assert ("ongewijzigd gelaten" in result.output) == bool(failed)
            event = (db.session.query(AuditEvent).filter_by(action="rotate", resource="holder")
                     .order_by(AuditEvent.id.desc()).first())
            assert (event.username, event.channel) == ("keys rotate", "cli")
            assert event.purpose.startswith(f"sleutel {ring.current_id}: {expected['holder'][1]} ")
            raw = db.session.execute(sa.text("SELECT address FROM holder WHERE id = :id"),
                                     {"id": holder_id}).scalar()
            assert raw.startswith(f"v1:{ring.current_id}:")
            db.session.expire_all()
            assert db.session.get(Holder, holder_id).notes == "Houdt van katten"
            db.session.rollback()

        result = runner.invoke(args=["keys", "rotate", "--dry-run"])
        assert "Proefdraai" in result.output and _printed(result.output)["holder"][1] == 0
    finally:
        crypto.install_key_ring(back)  # whatever happened: everything readable by the original
        db.session.rollback()
        rotate(db.engine, back)
        crypto.install_key_ring(original)
