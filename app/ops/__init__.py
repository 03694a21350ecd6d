"""Operations: the health endpoint and structured request logs (README "Deployment")."""

from __future__ import annotations

import os

from flask import Flask


def prepare(app: Flask) -> None:
    """Before the database is bound: keep SQL parameters (personal data) out of error
    messages and so out of the logs; refuse the development keys in production."""
    refuse_development_keys(app)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("hide_parameters", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def install(app: Flask) -> None:
    from app.ops import health, logs

    app.register_blueprint(health.bp)
    logs.init_app(app)


def refuse_development_keys(app: Flask) -> None:
    """In production, the keys `make run` wrote to instance/dev.env stop start-up."""
    from app.core.errors import ConfigError
    from config import INSTANCE_DIR

    dev_env = INSTANCE_DIR / "dev.env"
    if os.environ.get("HULPREGIE_ENV", "").lower() != "production" or not dev_env.exists():
        return
    values = {line.partition("=")[2].strip() for line in dev_env.read_text().splitlines()
              if "=" in line and not line.startswith("#")}
    for name, value in (("SECRET_KEY", app.config.get("SECRET_KEY")),
                        ("HULPREGIE_FIELD_KEYS", app.config.get("FIELD_KEYS")),
                        ("HULPREGIE_INDEX_KEY", app.config.get("INDEX_KEY"))):
        if value and value.strip() in values:
            raise ConfigError(f"{name} is the development key of {dev_env}: "
                              "make production keys with 'flask --app run keys generate'")
