"""The Hulpregie application factory."""

from __future__ import annotations

import logging
from importlib import import_module

from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy.orm import Session

from app.core.errors import ConfigError
from app.extensions import db, migrate
from config import BASE_DIR, INSTANCE_DIR, Config, config_class, env_settings

# Every domain package under app/ has models.py and a register(appbuilder) in __init__.py.
DOMAINS = (
    "organisations",
    "holders",
    "cards",
    "contacts",
    "consents",
    "coaches",
    "partners",
    "volunteers",
    "vog",
    "helpdesk",
    "concerns",
    "privacy",
    "controlroom",
    "notifications",
    "audit",
    "reports",
    "supportplans",
    "carers",
    "household",
    "portal",
)


def import_models() -> None:
    for domain in DOMAINS:
        import_module(f"app.{domain}.models")


def _load_keys(app: Flask) -> None:
    from security.crypto import KeyConfigError, install_key_ring, parse_key_ring

    try:
        install_key_ring(parse_key_ring(app.config["FIELD_KEYS"], app.config["INDEX_KEY"]))
    except KeyConfigError as exc:
        raise ConfigError(str(exc)) from None


def _load_audit_key(app: Flask) -> None:
    from security.audit.checkpoints import AuditKeyError, checkpoint_path, load_signing_key

    path = (app.config.get("HULPREGIE_AUDIT_SIGNING_KEY") or "").strip()
    if not path and app.config.get("HULPREGIE_AUDIT_KEY_REQUIRED"):
        raise ConfigError("HULPREGIE_AUDIT_SIGNING_KEY is not set: the path of the access log's "
                          "Ed25519 signing key (PEM)")
    try:
        app.extensions["hulpregie_audit_key"] = load_signing_key(path) if path else None
    except AuditKeyError as exc:
        raise ConfigError(str(exc)) from None
    app.config["HULPREGIE_AUDIT_CHECKPOINT_FILE"] = str(checkpoint_path(
        app.config["HULPREGIE_AUDIT_CHECKPOINT_FILE"], app.config["SQLALCHEMY_DATABASE_URI"]))


def _check_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY") or len(app.config["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY is not set or shorter than 32 characters")
    try:
        int(app.config["SMTP_PORT"])
    except (TypeError, ValueError):
        raise ConfigError(f"SMTP_PORT must be a number, got '{app.config['SMTP_PORT']}'") from None
    app.config["SMTP_PORT"] = int(app.config["SMTP_PORT"])
    from config import POLICY

    for name in POLICY:
        try:
            app.config[name] = int(app.config[name])
            if app.config[name] < 0:
                raise ValueError
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number of 0 or more, "
                              f"got '{app.config[name]}'") from None


# FAB warns once per security-view column it cannot filter on; nothing to act on.
logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)


def create_app(config: str | type[Config] | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(config if isinstance(config, type) else config_class(config))
    app.config.update(env_settings())
    app.config.update(overrides)
    _check_config(app)
    _load_keys(app)
    _load_audit_key(app)
    INSTANCE_DIR.mkdir(exist_ok=True)

    from flask_appbuilder import Model

    from security import audit
    from app.core.validation import install_rules
    from security.crypto import install_blind_index

    import_models()
    install_blind_index(Model)
    install_rules(Model)
    audit.install(Session)
    import_module("workflows.privacy.restrictions").install(Session)  # AVG art. 18
    from app import ops

    ops.prepare(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))

    @app.errorhandler(FileNotFoundError)
    def _missing_file(exc):  # FAB's download routes send_file() without checking
        return "Bestand niet gevonden", 404

    with app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        for domain in DOMAINS:
            import_module(f"app.{domain}").register(appbuilder)
        from app import cli

        cli.register(app)
        ops.install(app)  # /health and one log line per request
    return app
