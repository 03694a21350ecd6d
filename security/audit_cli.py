"""`flask --app run audit …`: checking the access log's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Toegangslog.")


@audit_cli.command("verify")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000),
              help="Aantal gebeurtenissen per databasequery.")
def verify(batch_size: int):
    """Walk the access log's hash chain; name the first changed or missing event."""
    from app.extensions import db
    from security.audit import verify_chain

    with db.engine.connect() as conn:
        verdict = verify_chain(conn, batch_size=batch_size)
    if verdict.ok:
        click.echo(f"OK: {verdict.count} gebeurtenissen, de keten is intact.")
        return
    click.echo(f"FOUT: de keten is verbroken bij gebeurtenis {verdict.broken_id} "
               f"({verdict.broken_at:%Y-%m-%d %H:%M:%S} UTC): {verdict.reason}. "
               f"{verdict.count} gebeurtenissen ervoor zijn in orde.", err=True)
    click.get_current_context().exit(1)
