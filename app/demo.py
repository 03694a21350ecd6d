"""Demo data: `flask --app run demo load` (filled in by the demo-data work)."""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demogegevens.")
