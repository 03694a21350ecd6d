"""Entry point: ``flask --app run <command>`` and WSGI servers (``run:app``)."""

import sys

from app import create_app
from app.core.errors import ConfigError
from app.ops.logs import configure as configure_logging

try:
    configure_logging()  # JSON lines on stderr (HULPREGIE_LOG_FORMAT=text for plain lines)
    app = create_app()
except ConfigError as exc:  # one clear line, never a traceback
    sys.exit(f"hulpregie: {exc}")
