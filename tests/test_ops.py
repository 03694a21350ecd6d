"""Production serving: /health, JSON logs without personal data, gunicorn settings,
development keys refused in production."""

from __future__ import annotations

import io
import json
import runpy
import types
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.errors import ConfigError
from tests.conftest import api_headers, login

ROOT = Path(__file__).resolve().parent.parent


def test_health_is_public_and_ok(app, client):
    resp = client.get("/health")
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "ok"
    assert resp.json["database"] == "reachable" and resp.json["migrations"] == "current"
    assert resp.json["keys"] == "loaded"
    assert resp.json["scheduler"] in ("leader", "none", "unknown")
    assert resp.headers["Cache-Control"] == "no-store"
    assert client.post("/health").status_code == 405  # GET only


def test_health_says_503_when_the_database_is_at_an_old_revision(app, client, db):
    with db.engine.begin() as conn:
        current = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '5f5477aec852'"))
    try:
        resp = client.get("/health")
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert resp.status_code == 503
    assert resp.json["status"] == "fail" and resp.json["failed"] == ["migrations"]
    assert resp.json["migrations"] == "behind" and resp.json["database"] == "reachable"
    assert client.get("/health").status_code == 200


@pytest.fixture
def log_output():
    import logging

    from app.ops import logs

    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("json", stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_request_log_is_json_without_personal_data(app, client, log_output):
    name = "Zwanenburgh-Oosterveld"
    client.post("/login/", data={"username": name, "password": "geheim " + name})
    login(client, "coach_a")
    client.get(f"/holderview/list/?_flt_0_last_name={name}")
    client.get("/api/v1/holder/",
               query_string={"q": f"(filters:!((col:last_name,opr:exact,value:'{name}')))"},
               headers=api_headers(client, "coach_a"))
    text = log_output.getvalue()
    assert name not in text and "Zwanenburgh" not in text and "coach_a" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    requests = [e for e in lines if e["logger"] == "hulpregie.request"]
    by_path = {e["path"]: e for e in requests}
    assert {"/login/", "/holderview/list/", "/api/v1/holder/"} <= set(by_path)
    listed = by_path["/holderview/list/"]
    assert listed["method"] == "GET" and listed["status"] == 200 and listed["level"] == "INFO"
    assert isinstance(listed["user_id"], int) and listed["duration_ms"] >= 0
    assert len(listed["request_id"]) == 36 and listed["time"].endswith("Z")
    assert by_path["/api/v1/holder/"]["status"] == 200
    assert by_path["/api/v1/holder/"]["user_id"] == listed["user_id"]  # JWT: the same user
    assert all("?" not in e["path"] for e in requests)


def test_text_format_and_a_wrong_format(app, client):
    import logging

    from app.ops import logs

    stream = io.StringIO()
    handler = logs.configure("text", stream)
    try:
        client.get("/login/?naam=Pietersen")
    finally:
        logging.getLogger().removeHandler(handler)
    line = [x for x in stream.getvalue().splitlines() if "hulpregie.request" in x][-1]
    assert "GET /login/ 200" in line and "status=200" in line and "Pietersen" not in line
    with pytest.raises(ConfigError, match="HULPREGIE_LOG_FORMAT"):
        logs.formatter("xml")


def test_production_refuses_the_development_keys(tmp_path, monkeypatch):
    import config
    from app.ops import refuse_development_keys

    (tmp_path / "dev.env").write_text("# made by make run\nSECRET_KEY=dev-secret-" + "s" * 40
                                      + "\nHULPREGIE_INDEX_KEY=aW5kZXg=\n")
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    app = types.SimpleNamespace(config={"SECRET_KEY": "dev-secret-" + "s" * 40,
                                        "FIELD_KEYS": "k1:b3du", "INDEX_KEY": "other"})
    monkeypatch.setenv("HULPREGIE_ENV", "development")
    refuse_development_keys(app)  # fine outside production
    monkeypatch.setenv("HULPREGIE_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is the development key"):
        refuse_development_keys(app)
    app.config["SECRET_KEY"] = "a-production-secret-" + "p" * 40
    refuse_development_keys(app)


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("HULPREGIE_WORKERS", "3")
    monkeypatch.setenv("HULPREGIE_ENV", "test")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == ["0.0.0.0:9123"] and settings["workers"] == 3
    assert settings["preload_app"] is False and settings["accesslog"] is None
    assert settings["wsgi_app"] == "run:app" and settings["graceful_timeout"] > 0
    monkeypatch.setenv("HULPREGIE_WORKERS", "veel")
    with pytest.raises(SystemExit, match="HULPREGIE_WORKERS"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))
