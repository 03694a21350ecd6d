"""`flask --app run household norms load FILE.csv`: the norm table from a CSV file."""

from __future__ import annotations

import click
from flask.cli import AppGroup

household_cli = AppGroup("household", help="Hulp bij het huishouden.")
norms_cli = AppGroup("norms", help="De normtabel (activiteiten, minuten, keer per week).")
household_cli.add_command(norms_cli)


@norms_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", required=True, help="Naam van de organisatie.")
def norms_load(path, organisation):
    """Add or update norms from a CSV file (activity;minutes;times_per_week). All rows are
    checked first: with one bad row nothing is written and every bad row is listed."""
    from app.extensions import db
    from app.organisations.models import Organisation
    from security.audit import Actor, reset_actor, set_actor
    from workflows.household import load_norms, validate_norms

    org = db.session.query(Organisation).filter_by(name=organisation).one_or_none()
    if org is None:
        raise click.ClickException(f"Organisatie '{organisation}' bestaat niet.")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise click.ClickException("Het bestand is geen UTF-8-tekst.") from None
    token = set_actor(Actor(None, "cli"))
    try:
        added, updated, errors = load_norms(db.session, org.id, text)
        if errors:
            db.session.rollback()
            for line in errors:
                click.echo(line, err=True)
            raise click.ClickException(f"{len(errors)} foute regel(s): er is niets opgeslagen.")
        db.session.commit()
    except click.ClickException:
        raise
    except Exception:
        db.session.rollback()
        raise
    finally:
        reset_actor(token)
    click.echo(f"Normtabel van {org.name}: {added} toegevoegd, {updated} bijgewerkt.")
    for problem in validate_norms(db.session, org.id):
        click.echo(f"Let op: {problem}")
