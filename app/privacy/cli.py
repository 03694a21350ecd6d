"""`flask --app run privacy …`: the register of processing and the retention run."""

from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Privacy: register van verwerkingen, bewaartermijnen.")


@privacy_cli.command("register")
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md", show_default=True,
              help="Markdown (voor docs/privacy-register.md) of CSV.")
def register_command(fmt):
    """Print the register of processing (AVG art. 30), generated from the models."""
    from app.privacy.processing_register import as_csv, markdown

    click.echo(markdown() if fmt == "md" else as_csv(), nl=fmt == "md")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat zou verdwijnen; niets schrijven.")
@click.option("--now", "now", default=None, metavar="YYYY-MM-DD",
              help="Doe alsof het nu deze dag is (om vooruit te kijken).")
def retention_command(dry_run, now):
    """Erase (or with --dry-run: list) what is past its retention period: counts and ids."""
    import datetime as dt

    from app.core.models import utcnow
    from app.extensions import db
    from security.audit import Actor, reset_actor, set_actor
    from workflows.privacy.retention import LABELS, run_retention

    try:
        moment = dt.datetime.fromisoformat(now) if now else utcnow()
    except ValueError:
        raise click.BadParameter(f"geen geldige datum: {now}", param_hint="--now") from None
    token = set_actor(Actor(None, "privacy retention"))
    try:
        report = run_retention(moment, dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        reset_actor(token)
    verb = "zou verdwijnen" if dry_run else "verwijderd of geanonimiseerd"
    for kind, data in report["kinds"].items():
        ids = ", ".join(map(str, data["ids"])) or "-"
        click.echo(f"{LABELS[kind]}: {len(data['ids'])} {verb} (id's: {ids})")
        if data["skipped_restricted"]:
            skipped = ", ".join(map(str, data["skipped_restricted"]))
            click.echo(f"  overgeslagen wegens beperking (AVG art. 18): {skipped}")
    if dry_run:
        click.echo("Proefdraai: er is niets geschreven.")
