"""Personal fields are encrypted at rest; keys are checked at start-up."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from security import crypto
from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]


def test_personal_fields_are_ciphertext_in_the_database(app, db):
    import datetime as dt

    holder = factories.holder("a", address="Oudegracht 1", birth_date=dt.date(1961, 3, 14))
    row = db.session.execute(sa.text(
        "SELECT first_name, last_name, phone, address, birth_date FROM holder WHERE id = :id"),
        {"id": holder.id}).one()
    for value in row:
        assert value.startswith("v1:t1:")
    assert "Oudegracht" not in " ".join(row) and "1961" not in " ".join(row)
    db.session.expire_all()
    fresh = db.session.get(type(holder), holder.id)
    assert fresh.address == "Oudegracht 1" and fresh.birth_date == dt.date(1961, 3, 14)


def test_blind_index_finds_a_name_without_decrypting(app, db):
    from app.holders.models import Holder

    holder = factories.holder("a")
    index = crypto.key_ring().blind_index(f"  {holder.last_name.upper()} ")
    assert db.session.query(Holder).filter_by(last_name_index=index).one().id == holder.id


def test_tampered_value_is_reported_not_shown(app, db):
    holder = factories.holder("a")
    stored = db.session.execute(sa.text("SELECT phone FROM holder WHERE id = :id"),
                                {"id": holder.id}).scalar()
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    db.session.execute(sa.text("UPDATE holder SET phone = :p WHERE id = :id"),
                       {"p": tampered, "id": holder.id})
    db.session.commit()
    db.session.expire_all()
    phone = db.session.get(type(holder), holder.id).phone
    assert isinstance(phone, crypto.UndecryptableValue)
    assert "niet te ontsleutelen" in phone


def test_old_keys_stay_readable_after_a_new_key_is_added():
    old = crypto.parse_key_ring("a:" + crypto.generate_key(), crypto.generate_key())
    stored = old.encrypt("Jansen")
    both = crypto.parse_key_ring(f"b:{crypto.generate_key()},a:{dict(old.keys)['a'] and base64.b64encode(dict(old.keys)['a']).decode()}",
                                 base64.b64encode(old.index_key).decode())
    assert both.decrypt(stored) == "Jansen"
    assert both.key_id_of(both.encrypt("x")) == "b"


@pytest.mark.parametrize("keys,index,message", [
    ("", "x", "HULPREGIE_FIELD_KEYS is not set"),
    ("k1:nietbase64!", crypto.generate_key(), "not valid base64"),
    ("k1:" + base64.b64encode(b"short").decode(), crypto.generate_key(), "32 bytes"),
    ("zonder-id", crypto.generate_key(), "<key id>:<base64 key>"),
    ("k1:" + crypto.generate_key(), "", "HULPREGIE_INDEX_KEY is not set"),
])
def test_bad_keys_stop_startup_with_one_clear_line(keys, index, message):
    env = {**os.environ, "HULPREGIE_FIELD_KEYS": keys, "HULPREGIE_INDEX_KEY": index}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", "routes"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and "Traceback" not in result.stderr


def test_missing_secret_key_stops_startup():
    env = {**os.environ, "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", "routes"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
