"""Back-up and restore (infra/backup.py, `flask --app run backup …`) on SQLite and
PostgreSQL: a round trip changes nothing, an erased person stays erased, and a changed file,
a wrong key or another schema revision is refused with nothing changed."""

from __future__ import annotations

import base64
import uuid

import pytest
import sqlalchemy as sa

from app.contacts.models import ContactPerson
from app.holders.models import Holder
from app.privacy.models import ErasureRecord
from app.volunteers.models import Volunteer
from security.audit import Actor, verify_chain
from tests.support import factories
from tests.support.fixtures import org_id
from infra import backup
from workflows.privacy.erasure import erase_subject

KEY = b"k" * 32
KEY_TEXT = base64.b64encode(KEY).decode()


def snapshot(db) -> dict:
    """Every table's rows as stored (the back-up's own view: ciphertext stays ciphertext)."""
    with db.engine.connect() as conn:
        return {t.name: [tuple(r) for r in backup.read_rows(conn, t)] for t in backup.tables()}


def differences(before: dict, after: dict) -> dict:
    """Tables whose rows differ; the access log may only have grown at its end."""
    diff = {}
    for name, rows in before.items():
        theirs = after[name]
        if name in backup.AUDIT_TABLES:
            theirs = theirs[:len(rows)]
        if rows != theirs:
            diff[name] = (len(rows), len(after[name]))
    return diff


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="privacyofficer_a")
    return Actor(user.id, user.username, org_id("a"), "PrivacyOfficer")


@pytest.fixture
def saved(app, db, tmp_path):
    """A back-up of the database as it is now, and the rows it holds."""
    factories.holder("a")  # at least one holder, with encrypted fields
    before = snapshot(db)
    path = tmp_path / "hulpregie.backup"
    backup.create(db.engine, path, KEY)
    return path, before


def chain_ok(db) -> bool:
    with db.engine.connect() as conn:
        return verify_chain(conn).ok


def test_round_trip_has_no_differences(app, db, saved):
    path, before = saved
    assert b"Houder" not in path.read_bytes()  # encrypted
    header = backup.verify(path, KEY)
    assert header["tables"]["holder"] == len(before["holder"])
    extra = factories.holder("a").id  # made after the back-up: gone after the restore
    changed = db.session.scalars(sa.select(Holder).where(Holder.id != extra)).first()
    assert changed is not None
    changed.town = "Gewijzigd"
    db.session.commit()

    summary = backup.restore(db.session, path, KEY)
    db.session.commit()

    after = snapshot(db)
    assert differences(before, after) == {}
    assert summary.counts["audit_log_kept"] == 1  # the access log is never rolled back
    assert db.session.get(Holder, extra) is None
    assert chain_ok(db)
    assert factories.holder("a").id  # sequences continue after the restored ids


def test_an_erased_person_stays_erased_after_a_restore(app, db, by, saved):
    path, _ = saved
    org = org_id("a")
    holder = Holder(organisation_id=org, reference=f"BK-{uuid.uuid4().hex[:6]}",
                    first_name="Berend", last_name="Terugzet")
    db.session.add(holder)
    db.session.flush()
    contact = ContactPerson(organisation_id=org, holder_id=holder.id, name="Contact Terugzet",
                            phone="0657913579")
    volunteer = Volunteer(organisation_id=org, first_name="Vera", last_name="Terugzet",
                          pc4="3511", email="vera.terugzet@voorbeeld.nl")
    db.session.add_all([contact, volunteer])
    db.session.commit()
    ids = holder.id, contact.id, volunteer.id
    newer = path.with_name("newer.backup")
    backup.create(db.engine, newer, KEY)  # both people are in this back-up

    erase_subject(db.session, holder, by=by)
    erase_subject(db.session, volunteer, by=by)
    db.session.commit()

    summary = backup.restore(db.session, newer, KEY)
    db.session.commit()
    db.session.expire_all()

    assert summary.counts["erasures_reapplied"] == 2
    assert db.session.get(Holder, ids[0]) is None
    assert db.session.get(ContactPerson, ids[1]) is None
    again = db.session.get(Volunteer, ids[2])
    assert again.last_name == "(AVG)" and again.email is None
    journal = {(r.subject_type, r.subject_id) for r in db.session.scalars(
        sa.select(ErasureRecord).where(ErasureRecord.erased_by_id == by.user_id))}
    assert {("Holder", ids[0]), ("Volunteer", ids[2])} <= journal
    assert db.session.scalar(sa.select(sa.func.count(ErasureRecord.id)).where(
        ErasureRecord.subject_type == "Holder", ErasureRecord.subject_id == ids[0])) == 1
    assert chain_ok(db)

    # An older back-up (made before the holder existed): he is not brought back either, and
    # the journal still names him.
    summary = backup.restore(db.session, path, KEY)
    db.session.commit()
    assert db.session.get(Holder, ids[0]) is None
    assert ("Holder", ids[0]) in {(r.subject_type, r.subject_id)
                                  for r in db.session.scalars(sa.select(ErasureRecord))}
    assert chain_ok(db)


def _refused(db, path, key, match, before):
    with pytest.raises(backup.BackupError, match=match):
        backup.restore(db.session, path, key)
    db.session.rollback()
    assert differences(before, snapshot(db)) == {}


def test_a_changed_file_a_wrong_key_or_another_revision_is_refused(app, db, saved, monkeypatch):
    path, _ = saved
    factories.holder("a")  # something the refused restores must not take away
    db.session.commit()
    before = snapshot(db)

    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    tampered = path.with_name("tampered.backup")
    tampered.write_bytes(bytes(data))
    _refused(db, tampered, KEY, "gewijzigd", before)

    truncated = path.with_name("truncated.backup")
    truncated.write_bytes(path.read_bytes()[:-100])
    _refused(db, truncated, KEY, "afgekapt", before)

    header_changed = path.with_name("header.backup")
    header_changed.write_bytes(path.read_bytes().replace(b'"dialect":', b'"dialecT":', 1))
    _refused(db, header_changed, KEY, "gewijzigd", before)

    _refused(db, path, b"w" * 32, "andere sleutel", before)

    monkeypatch.setattr(backup, "current_revision", lambda conn: "0000aaaa0000")
    other = path.with_name("other-revision.backup")
    backup.create(db.engine, other, KEY)
    monkeypatch.undo()
    _refused(db, other, KEY, "schemaversie 0000aaaa0000", before)


def test_the_key_must_be_32_bytes_of_base64():
    for bad in (None, "", "niet-base64!", base64.b64encode(b"kort").decode()):
        with pytest.raises(backup.BackupError, match="HULPREGIE_BACKUP_KEY"):
            backup.load_key(bad)
    assert backup.load_key(KEY_TEXT) == KEY


def test_cli_create_verify_restore(app, db, tmp_path, monkeypatch):
    db.session.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "cli.backup"

    monkeypatch.delenv("HULPREGIE_BACKUP_KEY", raising=False)
    result = runner.invoke(args=["backup", "create", "--out", str(out)])
    assert result.exit_code == 1 and "HULPREGIE_BACKUP_KEY" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()

    monkeypatch.setenv("HULPREGIE_BACKUP_KEY", KEY_TEXT)
    result = runner.invoke(args=["backup", "create", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Back-up geschreven" in result.output
    result = runner.invoke(args=["backup", "verify", "--in", str(out)])
    assert result.exit_code == 0 and "in orde" in result.output
    before = snapshot(db)
    result = runner.invoke(args=["backup", "restore", "--in", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert "teruggezet" in result.output
    assert differences(before, snapshot(db)) == {}

    monkeypatch.setenv("HULPREGIE_BACKUP_KEY", base64.b64encode(b"w" * 32).decode())
    result = runner.invoke(args=["backup", "restore", "--in", str(out), "--yes"])
    assert result.exit_code == 1 and "andere sleutel" in result.output
