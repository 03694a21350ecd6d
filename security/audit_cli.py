"""`flask --app run audit …`: sealing the access log, signed checkpoints, and checking it."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Toegangslog.")
SHOWN = 20  # findings printed at most


def _seal() -> str | None:
    """Seal what is not sealed yet; a line to show when that is not possible."""
    from security.audit.checkpoints import AuditKeyError, AuditLogError, seal_app

    try:
        seal_app(full=True)
    except (AuditKeyError, AuditLogError) as exc:
        return str(exc)
    return None


@audit_cli.command("verify")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000),
              help="Aantal gebeurtenissen per databasequery.")
@click.option("--checkpoint", "kept", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Een checkpoint (bestand met een of meer regels) dat u zelf bewaarde.")
def verify(batch_size: int, kept: tuple[Path, ...]):
    """Seal what is new, then check every event, the tree and every checkpoint."""
    from app.extensions import db
    from security.audit.checkpoints import configured
    from security.audit.verify import verify_log

    problem = _seal()
    if problem:
        click.echo(f"LET OP: {problem}", err=True)
    key, path = configured()
    with db.engine.connect() as conn:
        verdict = verify_log(conn, key.public_key() if key else None, path, kept, batch_size)
    if not verdict.signatures_checked:
        click.echo("LET OP: geen ondertekensleutel (HULPREGIE_AUDIT_SIGNING_KEY): de "
                   "handtekeningen van de checkpoints zijn niet gecontroleerd.", err=True)
    if verdict.ok:
        newest = verdict.newest
        head = (f"het nieuwste checkpoint ({newest.size}, {newest.at:%Y-%m-%d %H:%M:%S} UTC) "
                "klopt" if newest else "nog geen checkpoint")
        later = f"; {verdict.unsealed} nog niet verzegeld" if verdict.unsealed else ""
        click.echo(f"OK: {verdict.count} gebeurtenissen, de keten is intact: verzegeld in een "
                   f"boom van {verdict.size}, {head}{later}.")
        return
    for finding in verdict.findings[:SHOWN]:
        click.echo(f"FOUT ({finding.kind}): {finding.message}.", err=True)
    if len(verdict.findings) > SHOWN:
        click.echo(f"… en nog {len(verdict.findings) - SHOWN} fouten.", err=True)
    kinds = ", ".join(sorted({f.kind for f in verdict.findings}))
    click.echo(f"FOUT: het toegangslog is niet intact ({kinds}); {verdict.count} verzegelde "
               "gebeurtenissen nagekeken.", err=True)
    click.get_current_context().exit(1)


@audit_cli.command("checkpoint")
def checkpoint():
    """Seal what is new and print the newest signed checkpoint (one line to keep)."""
    from security.audit.checkpoints import AuditKeyError, AuditLogError, seal_app

    try:
        done = seal_app(full=True)
    except (AuditKeyError, AuditLogError) as exc:
        click.echo(f"FOUT: {exc}", err=True)
        click.get_current_context().exit(1)
    if done.checkpoint is None:
        click.echo("Nog geen gebeurtenissen: geen checkpoint.", err=True)
        return
    click.echo(f"{done.events} gebeurtenissen verzegeld; boom van {done.size}.", err=True)
    click.echo(done.checkpoint.line())
