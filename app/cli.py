"""Flask CLI commands: `flask --app run <group> <command>` (documented in docs/cli.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

roles_cli = AppGroup("roles", help="Rollen en rechten.")
users_cli = AppGroup("users", help="Gebruikers (medewerkers).")
keys_cli = AppGroup("keys", help="Sleutels voor versleuteling van persoonsgegevens.")
scheduler_cli = AppGroup("scheduler", help="Geplande taken (herinneringen, outbox).")


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
    from workflows.organisations import UserError, add_user

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


@keys_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1),
              help="Rijen per transactie.")
@click.option("--dry-run", is_flag=True, help="Alleen tellen, niets schrijven.")
def keys_rotate(batch_size, dry_run):
    """Re-encrypt every encrypted value under the newest key of HULPREGIE_FIELD_KEYS."""
    from app.extensions import db
    from security.audit import Actor, reset_actor, set_actor
    from security.crypto import key_ring
    from security.rotation import format_report, pending_rows, rotate

    ring, engine = key_ring(), db.engine
    total = sum(pending_rows(engine, ring).values())
    token = set_actor(Actor(None, "keys rotate"))
    try:
        with click.progressbar(length=total, label=f"Herversleutelen naar sleutel {ring.current_id}"
                               ) as bar:
            reports = rotate(engine, ring, batch_size=batch_size, dry_run=dry_run,
                             on_batch=lambda table, n: bar.update(n))
    finally:
        reset_actor(token)
    click.echo(format_report(reports))
    if dry_run:
        click.echo("Proefdraai: er is niets geschreven.")
    failed = [r for r in reports.values() if r.failed]
    if failed:
        details = "; ".join(f"{r.table}: {', '.join(r.failed_ids)}"
                            f"{', …' if r.failed > len(r.failed_ids) else ''}" for r in failed)
        raise click.ClickException(
            f"{sum(r.failed for r in failed)} waarde(n) konden met geen enkele sleutel worden "
            f"ontsleuteld en zijn ongewijzigd gelaten (id.kolom): {details}")


@scheduler_cli.command("tick")
@click.option("--now", "now", default=None, metavar="YYYY-MM-DDTHH:MM",
              help="Doe alsof het nu dit moment is (UTC), voor tests en inhalen.")
def scheduler_tick(now):
    """Run every scheduled job once, now (for cron and tests)."""
    import datetime as dt

    from infra.scheduler import tick

    try:
        moment = dt.datetime.fromisoformat(now) if now else None
    except ValueError:
        raise click.BadParameter(f"geen geldig moment: {now}", param_hint="--now") from None
    try:
        results = tick(moment)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    for name, result in results.items():
        summary = ", ".join(f"{k}={v}" for k, v in result.items()) or "niets te doen"
        click.echo(f"{name:20} {summary}")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the scheduler in this process (the leader; other processes wait and take over)."""
    from infra.scheduler import serve

    serve()


@scheduler_cli.command("jobs")
def scheduler_jobs():
    """List the job table."""
    from infra.scheduler import JOBS

    for job in JOBS:
        trigger = ", ".join(f"{k}={v}" for k, v in job.trigger.items())
        click.echo(f"{job.name:20} {trigger:40} {job.description}")


def register(app):
    for group in (roles_cli, users_cli, keys_cli, scheduler_cli):
        app.cli.add_command(group)
    from app.demo import demo_cli

    app.cli.add_command(demo_cli)
    from security.audit_cli import audit_cli

    app.cli.add_command(audit_cli)
    from security.login_cli import login_cli

    app.cli.add_command(login_cli)
    from security.search_cli import search_cli

    app.cli.add_command(search_cli)
    from app.privacy.cli import privacy_cli

    app.cli.add_command(privacy_cli)
    from app.consents import cli as consents_cli  # privacy research-export

    consents_cli.register(app)
    from app.core.backup_cli import backup_cli

    app.cli.add_command(backup_cli)
