"""``GET /health``: may a load balancer send requests to this instance?

Public (no login), no personal data, read-only. 200 when every check passes, 503 otherwise,
with the failed checks named:

- ``database``: ``reachable`` (a ``SELECT 1`` answered) or ``unreachable``;
- ``migrations``: ``current`` (the database is at the Alembic head of this code), ``behind``
  (or ahead: another version of the code) or ``unknown`` (no database);
- ``keys``: ``loaded`` (the field-encryption key ring; without it the app does not start);
- ``scheduler`` (information only, never a failure): ``leader`` when a scheduler process holds
  the leader lock, ``none`` when nobody does, ``unknown`` on SQLite.
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from app.extensions import db

bp = Blueprint("health", __name__)


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The Alembic head revision(s) of the migrations shipped with this code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from config import BASE_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


def _scheduler(conn: sa.Connection) -> str:
    if conn.dialect.name != "postgresql":
        return "unknown"
    from infra.scheduler import LeaderLock

    key = LeaderLock(db.engine).key & 0xFFFFFFFFFFFFFFFF  # pg_locks shows it as two halves
    held = conn.scalar(sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1"),
        {"high": key >> 32, "low": key & 0xFFFFFFFF})
    return "leader" if held else "none"


def _revisions(conn: sa.Connection) -> set[str]:
    if not sa.inspect(conn).has_table("alembic_version"):
        return set()
    return set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def check() -> dict:
    from security.crypto import KeyConfigError, key_ring

    result = {"database": "unreachable", "migrations": "unknown", "keys": "missing",
              "scheduler": "unknown"}
    try:
        key_ring()
        result["keys"] = "loaded"
    except KeyConfigError:
        pass
    try:
        with db.engine.connect() as conn:
            conn.scalar(sa.text("SELECT 1"))
            result["database"] = "reachable"
            result["migrations"] = "current" if _revisions(conn) == code_heads() else "behind"
            result["scheduler"] = _scheduler(conn)
    except sa.exc.SQLAlchemyError as exc:
        current_app.logger.warning("health check: database error %s", type(exc).__name__)
    failed = [name for name, ok in (("database", "reachable"), ("migrations", "current"),
                                    ("keys", "loaded")) if result[name] != ok]
    return {"status": "fail" if failed else "ok", **({"failed": failed} if failed else {}),
            **result}


@bp.get("/health")
def index():
    body = check()
    response = jsonify(body)
    response.status_code = 503 if body["status"] != "ok" else 200
    response.headers["Cache-Control"] = "no-store"
    return response
