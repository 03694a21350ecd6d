"""`flask --app run backup create|restore|verify` (logic in infra/backup.py; docs/cli.md)."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

backup_cli = AppGroup("backup", help="Versleutelde back-up van de hele database, en terugzetten.")


def _key() -> bytes:
    from infra.backup import BackupError, load_key

    try:
        return load_key(os.environ.get("HULPREGIE_BACKUP_KEY"))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


def _tables(header: dict) -> str:
    return f"{sum(header['tables'].values())} rijen in {len(header['tables'])} tabellen"


@backup_cli.command("create")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Het back-upbestand dat wordt geschreven.")
def backup_create(out):
    """Write an encrypted back-up of every table (key: HULPREGIE_BACKUP_KEY)."""
    from app.extensions import db
    from infra.backup import BackupError, create

    key = _key()
    try:
        summary = create(db.engine, out, key)
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    header = summary.header
    click.echo(f"Back-up geschreven naar {out}: {_tables(header)}, schemaversie "
               f"{header['alembic_revision']}, {header['created_at']} UTC.")


@backup_cli.command("verify")
@click.option("--in", "path", required=True, type=click.Path(dir_okay=False, exists=True))
def backup_verify(path):
    """Check a back-up (key, integrity, row counts) without touching the database."""
    from infra.backup import BackupError, verify

    key = _key()
    try:
        header = verify(path, key)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Back-up in orde: {_tables(header)}, schemaversie {header['alembic_revision']}, "
               f"{header['created_at']} UTC.")


@backup_cli.command("restore")
@click.option("--in", "path", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
def backup_restore(path, yes):
    """Replace every row with the back-up's and erase again whoever was erased since."""
    from app.extensions import db
    from infra.backup import BackupError, restore
    from app.core.errors import TransitionError

    key = _key()
    if not yes:
        click.confirm("Alle gegevens in de database worden vervangen door die van de back-up. "
                      "Doorgaan?", abort=True)
    try:
        summary = restore(db.session, path, key)
        db.session.commit()
    except (BackupError, TransitionError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except Exception:
        db.session.rollback()
        raise
    counts = summary.counts
    click.echo(f"Back-up van {summary.header['created_at']} UTC teruggezet: "
               f"{_tables(summary.header)}; {counts['erasures_reapplied']} verwijdering(en) "
               f"opnieuw toegepast, {counts['journal_kept']} journaalregel(s) behouden; toegangslog "
               f"{'behouden' if counts['audit_log_kept'] else 'uit de back-up'}.")
