"""`flask --app run privacy research-export`: the research cohort as a pseudonymous CSV."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext


@click.command("research-export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="CSV-bestand om te schrijven.")
@click.option("--organisation", default=None,
              help="Naam van de organisatie (nodig als er meer dan één is).")
@with_appcontext
def research_export(out, organisation):
    """Holders with an active research consent: a pseudonymous reference (HMAC), year of
    birth and card status; no names or contact details. Each exported holder is logged."""
    from app.extensions import db
    from app.organisations.models import Organisation
    from security.audit import Actor
    from workflows import consents

    query = db.session.query(Organisation)
    orgs = query.filter_by(name=organisation).all() if organisation else query.all()
    if len(orgs) != 1:
        raise click.ClickException(
            f"Onbekende organisatie '{organisation}'" if organisation
            else "Kies de organisatie met --organisation")
    by = Actor(None, "cli:research-export", orgs[0].id)
    text, count = consents.research_csv(db.session, orgs[0].id, by=by)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    db.session.commit()
    click.echo(f"{count} deelnemers geschreven naar {out}.")


def register(app) -> None:
    """Add the command to the `privacy` group, which other modules may share."""
    group = app.cli.commands.get("privacy")
    if group is None:
        group = AppGroup("privacy", help="Privacy (AVG): toestemmingen, verzoeken, register.")
        app.cli.add_command(group)
    group.add_command(research_export)
