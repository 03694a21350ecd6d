"""Shared fixtures. Every test that uses ``app`` runs twice: on SQLite and on a real
PostgreSQL 15 cluster that this session starts itself (tests/support/pg.py).

Fixture data (made once per database): organisations A and B; in each, one user per role
named ``<role>_<a|b>`` in lower case (``coach_a``, ``projectleader_b`` …) with password
``PASSWORD``; a second coach ``coach2_a``; a church partner per organisation, to which
``partnercontact_a`` / ``partnercontact_b`` belong.
"""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 32)
os.environ["HULPREGIE_FIELD_KEYS"] = "t1:" + base64.b64encode(b"1" * 32).decode()
os.environ["HULPREGIE_INDEX_KEY"] = base64.b64encode(b"2" * 32).decode()
os.environ["HULPREGIE_ENV"] = "test"


def _audit_signing_key() -> str:
    """A throwaway Ed25519 key for the access log's checkpoints, apart from the databases;
    one checkpoint file per database ("{db}")."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(tempfile.mkdtemp(prefix="hulpregie-audit-"))
    path = folder / "audit-signing.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.environ["HULPREGIE_AUDIT_CHECKPOINT_FILE"] = str(folder / "audit-checkpoints-{db}.jsonl")
    return str(path)


if not os.environ.get("HULPREGIE_AUDIT_SIGNING_KEY"):
    os.environ["HULPREGIE_AUDIT_SIGNING_KEY"] = _audit_signing_key()

from tests.support.fixtures import PASSWORD, seed  # noqa: E402
from tests.support.pg import PgCluster  # noqa: E402

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return request.getfixturevalue("pg_cluster").create_database("hulpregie_test")


@pytest.fixture(scope="session")
def app(database_url):
    import flask_migrate

    from app import create_app
    from app.core.registry import resource_menus
    from security.sync import sync_roles

    application = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with application.app_context():
        flask_migrate.upgrade()
        sync_roles(application.appbuilder, resource_menus(application.appbuilder))
        seed(application)
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def smtp_server():
    from tests.support.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(app, smtp_server):
    """A real SMTP server on loopback, emptied for this test; the app sends to it."""
    smtp_server.clear()
    old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = smtp_server.host, smtp_server.port
    yield smtp_server
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old


@pytest.fixture
def db(app):
    from app.extensions import db as _db

    yield _db
    _db.session.rollback()


def login(client, username: str, password: str = PASSWORD):
    resp = client.post("/login/", data={"username": username, "password": password})
    assert resp.status_code == 302 and "/login" not in resp.headers.get("Location", ""), (
        f"login as {username} failed"
    )
    return client


_tokens: dict[tuple[int, str], str] = {}


def api_headers(client, username: str) -> dict:
    key = (id(client.application), username)
    if key not in _tokens:
        resp = client.post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db"})
        assert resp.status_code == 200, resp.json
        _tokens[key] = resp.json["access_token"]
    return {"Authorization": f"Bearer {_tokens[key]}"}
