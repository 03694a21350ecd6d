"""Process logs: one JSON object per line on stderr (or plain text), without personal data.

``configure()`` sets up the root logger once per process (``run.py`` and ``gunicorn.conf.py``
call it); ``HULPREGIE_LOG_FORMAT=json|text`` chooses the format (default json; text in
development, the ``make run`` default), ``HULPREGIE_LOG_LEVEL`` the level. ``init_app()`` writes one line per request on the ``hulpregie.request`` logger: method,
path (never the query string), status, duration and the user's id (never a name). Request
bodies, query strings and usernames are never logged; exceptions are logged with their
traceback, and SQL parameters are kept out of error messages (``hide_parameters``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time

from flask import Flask, g, has_request_context, request

REQUEST_LOG = logging.getLogger("hulpregie.request")
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")
# Loggers that write what a visitor typed (FAB: the username of a failed login; the
# development server: the request line with its query string) stay quiet below WARNING.
QUIET = ("flask_appbuilder", "werkzeug")


def _request_fields() -> dict:
    if not has_request_context():
        return {}
    from security.audit import request_id

    return {"request_id": request_id(), "method": request.method, "path": request.path}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request fields, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc)
                      .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_request_fields())
        entry.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extra = {k: getattr(record, k) for k in FIELDS if hasattr(record, k)}
        return text + "".join(f" {k}={v}" for k, v in extra.items())


def formatter(kind: str | None = None) -> logging.Formatter:
    default = "text" if os.environ.get("HULPREGIE_ENV", "development") == "development" else "json"
    kind = (kind or os.environ.get("HULPREGIE_LOG_FORMAT") or default).strip().lower()
    if kind not in ("json", "text"):
        from app.core.errors import ConfigError

        raise ConfigError(f"HULPREGIE_LOG_FORMAT must be 'json' or 'text', got '{kind}'")
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure(kind: str | None = None, stream=None) -> logging.Handler:
    """Root logger → one handler on stderr; idempotent (an earlier one of ours is replaced)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(kind))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, (JsonFormatter, TextFormatter))]:
        root.removeHandler(old)  # ours, from an earlier call or gunicorn.conf.py
    root.addHandler(handler)
    root.setLevel(os.environ.get("HULPREGIE_LOG_LEVEL", "INFO").upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def init_app(app: Flask) -> None:
    """One log line per request; Flask's own handler is left out (the root one writes)."""
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("request_started", None)
        if started is None or (request.endpoint or "").endswith("static"):
            return response
        user = g.get("user")
        quiet = request.endpoint == "health.index" and response.status_code == 200
        REQUEST_LOG.log(logging.DEBUG if quiet else logging.INFO, "%s %s %s", request.method, request.path, response.status_code, extra={
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": getattr(user, "id", None) if getattr(user, "is_authenticated", False)
            else None,
        })
        return response
