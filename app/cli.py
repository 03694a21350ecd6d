"""Flask CLI commands: `flask --app run <group> <command>` (documented in docs/cli.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

roles_cli = AppGroup("roles", help="Rollen en rechten.")
users_cli = AppGroup("users", help="Gebruikers (medewerkers).")
keys_cli = AppGroup("keys", help="Sleutels voor versleuteling van persoonsgegevens.")


@roles_cli.command("sync")
def roles_sync():
    """Create the roles and give each exactly the permissions of security/roles.py."""
    from app.core.registry import resource_menus
    from security.sync import sync_roles

    appbuilder = current_app.appbuilder
    counts = sync_roles(appbuilder, resource_menus(appbuilder))
    for role, n in counts.items():
        click.echo(f"{role:22} {n} rechten")


@roles_cli.command("table")
def roles_table():
    """Print the role x resource matrix as a Markdown table (for the README)."""
    from security.roles import markdown_table

    click.echo(markdown_table())


@users_cli.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Rol (meerdere mogelijk).")
@click.option("--organisation", required=True, help="Naam van de organisatie.")
@click.option("--email", required=True)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--partner", default=None, help="Partner (voor PartnerContact).")
@click.password_option(help="Wachtwoord (wordt gevraagd als u het weglaat).")
def users_add(username, roles, organisation, email, first_name, last_name, partner, password):
    """Add a staff member with one or more roles, linked to an organisation."""
    from workflows.users import UserError, add_user

    try:
        add_user(username, password, email=email, roles=roles, organisation_name=organisation,
                 first_name=first_name or username, last_name=last_name or "-",
                 partner_name=partner)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Gebruiker {username} aangemaakt ({', '.join(roles)}).")


@keys_cli.command("generate")
@click.option("--id", "key_id", default=None, help="Sleutel-id (standaard: kYYYYMMDD).")
def keys_generate(key_id):
    """Print a new field key (prepend it to HULPREGIE_FIELD_KEYS) and a new index key."""
    import datetime as dt

    from security.crypto import generate_key

    key_id = key_id or f"k{dt.date.today():%Y%m%d}"
    click.echo(f"HULPREGIE_FIELD_KEYS entry: {key_id}:{generate_key()}")
    click.echo(f"HULPREGIE_INDEX_KEY (only for a new installation): {generate_key()}")


def register(app):
    for group in (roles_cli, users_cli, keys_cli):
        app.cli.add_command(group)
    from app.demo import demo_cli

    app.cli.add_command(demo_cli)
