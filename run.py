"""Entry point: ``flask --app run <command>`` and WSGI servers (``run:app``)."""

import sys

from app import create_app
from app.core.errors import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one clear line, never a traceback
    sys.exit(f"hulpregie: {exc}")
