"""`flask --app run meldkamer export | verify | keys` (docs/cli.md, docs/meldkamer.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import AppGroup

meldkamer_cli = AppGroup("meldkamer", help="Export naar de meldkamer van de politie.")


def _organisation(name: str | None):
    from app.extensions import db
    from app.organisations.models import Organisation

    query = db.session.query(Organisation).order_by(Organisation.name)
    if name:
        found = query.filter_by(name=name).one_or_none()
        if found is None:
            raise click.ClickException(f"Organisatie '{name}' bestaat niet")
        return found
    every = query.all()
    if len(every) != 1:
        raise click.ClickException("Kies de organisatie met --organisation NAAM "
                                   f"(er zijn er {len(every)})")
    return every[0]


@meldkamer_cli.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Het beschermde exportbestand (versleuteld en ondertekend).")
@click.option("--full", is_flag=True, help="Alle hulpkaarthouders, niet alleen de wijzigingen.")
@click.option("--purpose", default="Levering aan de meldkamer (opdrachtregel)",
              show_default=True, help="Waarvoor deze export is (komt in het toegangslog).")
@click.option("--organisation", default=None, help="Naam van de organisatie.")
def export(out, full, purpose, organisation):
    """Write the next export (changes since the previous one, or --full) to FILE."""
    from app.extensions import db
    from security.audit import Actor
    from workflows.controlroom import ExportError, configured_keys, run_export

    org = _organisation(organisation)
    target = Path(out)
    partial = target.with_name(f".{target.name}.deel")
    try:
        keys = configured_keys()
        with open(partial, "wb") as fh:
            result = run_export(db.session, org.id, fh, by=Actor(None, "meldkamer export", org.id),
                                purpose=purpose, full=full, keys=keys)
        db.session.commit()
    except ExportError as exc:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(exc)) from None
    except BaseException:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    click.echo(f"Export {result.export_id} ({'volledig' if full else 'wijzigingen'}): "
               f"{result.upserts} bijwerken, {result.deletes} verwijderen -> {target}")
    click.echo(f"SHA-256: {result.checksum}")


@meldkamer_cli.command("verify")
@click.option("--in", "path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Het ontvangen exportbestand.")
@click.option("--key", "key", required=True, type=click.Path(dir_okay=False),
              help="De private RSA-sleutel van de meldkamer (PEM).")
@click.option("--signer", default=None, type=click.Path(dir_okay=False),
              help="De publieke Ed25519-sleutel van de organisatie (PEM).")
def verify(path, key, signer):
    """Check the signature, decrypt, validate against the schema; print header and counts."""
    from security import envelope
    from workflows.controlroom import read_export

    try:
        private = envelope.load_recipient_private_key(key)
        signer_key = envelope.load_signer_public_key(signer) if signer else None
        opened, document = read_export(path, private, signer_key)
    except envelope.EnvelopeError as exc:
        raise click.ClickException(f"Niet goedgekeurd: {exc}") from None
    header = document["header"]
    records = document["records"]
    click.echo(json.dumps(header, indent=2, ensure_ascii=False))
    upserts = sum(1 for r in records if r["action"] == "upsert")
    click.echo(f"Records: {len(records)} ({upserts} bijwerken, {len(records) - upserts} "
               "verwijderen)")
    if header["record_count"] != len(records):
        raise click.ClickException("Niet goedgekeurd: het aantal records klopt niet met de kop")
    click.echo("Handtekening: geldig" + ("" if opened.signer_checked else
               " (afzender niet gecontroleerd: geef --signer om de sleutel van de organisatie "
               "te eisen)"))
    click.echo("Schema: geldig (hulpregie-meldkamer/1)")


@meldkamer_cli.command("keys")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False),
              help="Map voor de sleutelbestanden.")
def keys(folder):
    """Make a test/demo key set: the control room's RSA pair and an Ed25519 signing pair."""
    from security.envelope import make_key_set

    paths = make_key_set(folder)
    for name, p in paths.items():
        click.echo(f"{name:26} {p}")
    click.echo(f"export HULPREGIE_MELDKAMER_PUBLIC_KEY={paths['meldkamer-public.pem']}")
    click.echo(f"export HULPREGIE_MELDKAMER_SIGNING_KEY={paths['organisatie-signing.pem']}")
