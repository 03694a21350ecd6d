"""gunicorn settings for production (`make serve`, or `gunicorn` in this directory).

Environment: HOST and PORT (bind, default 127.0.0.1:8080), HULPREGIE_WORKERS (default
2 × CPUs + 1), HULPREGIE_THREADS (default 1), HULPREGIE_TIMEOUT (seconds a request may take,
default 60). The application is loaded in each worker (no preload: every worker makes its
own database connections). Logs are JSON lines on stderr (HULPREGIE_LOG_FORMAT=text for
plain lines); the access log is the application's own line per request (logger
``hulpregie.request``: method, path without query string, status, duration, user id), so
gunicorn's access log stays off. The scheduler is a separate process:
``flask --app run scheduler run`` (README, "Deployment").
"""

import multiprocessing
import os

os.environ.setdefault("HULPREGIE_ENV", "production")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"hulpregie: {name} must be a whole number of 1 or more, got '{value}'")
    return int(value)


wsgi_app = "run:app"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8080)}"]
workers = _int("HULPREGIE_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("HULPREGIE_THREADS", 1)
preload_app = False
timeout = _int("HULPREGIE_TIMEOUT", 60)
graceful_timeout = 30  # on SIGTERM/SIGHUP, running requests get this long to finish
keepalive = 5
proc_name = "hulpregie"
accesslog = None  # the application logs each request itself (without the query string)
errorlog = "-"
loglevel = os.environ.get("HULPREGIE_LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"hulpregie": {"()": "app.ops.logs.formatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "hulpregie",
                            "stream": "ext://sys.stderr"}},
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
