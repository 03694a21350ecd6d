"""Demo data: ``flask --app run demo load``.

Fills an empty database with a realistic, reproducible Dutch data set (seeded random):
two organisations, partners, help categories, coaches with trainings and intervision,
holders with cards in every state, volunteers spread over real PC4 areas around Utrecht
(read from ``PC4_DATA``), help requests, concerns, privacy requests and outreach, and one
login per role. Everything is written in one transaction; the passwords are printed and
kept in ``instance/demo-credentials.txt`` (mode 600) so ``make run`` can show them again.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demogegevens.")

CREDENTIALS_FILE = "demo-credentials.txt"
SEED = 2026


def credentials_path() -> Path:
    return Path(current_app.instance_path) / CREDENTIALS_FILE


def credentials_table(rows) -> str:
    head = ("Gebruiker", "Rol", "Organisatie", "Wachtwoord")
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(4)]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in (head, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_credentials(table: str) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"Hulpregie demo-accounts (aangemaakt {dt.datetime.now():%Y-%m-%d %H:%M}); "
                 "alleen voor een demo-omgeving.\n\n")
        fh.write(table + "\n")
    os.chmod(path, 0o600)  # also when the file already existed
    return path


def show_credentials() -> None:
    path = credentials_path()
    try:
        click.echo(path.read_text(encoding="utf-8").rstrip())
    except FileNotFoundError:
        click.echo(f"({path} bestaat niet: de wachtwoorden zijn niet opnieuw te tonen.)")
    except OSError as exc:
        click.echo(f"({path} is niet te lezen: {exc.strerror})")


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


@demo_cli.command("load")
@click.option("--holders", default=12, show_default=True, type=click.IntRange(1, 100_000),
              help="Aantal hulpkaarthouders in de hoofdorganisatie.")
@click.option("--volunteers", default=30, show_default=True, type=click.IntRange(1, 500_000),
              help="Aantal vrijwilligers in de hoofdorganisatie.")
@click.option("--if-empty", is_flag=True,
              help="Niets doen (één regel, exit 0) als er al een organisatie bestaat.")
def load(holders: int, volunteers: int, if_empty: bool):
    """Fill the database with demo data (two organisations, one login per role)."""
    from app.core.validation import FieldError
    from app.demo.builder import MAIN_ORG, DemoBuilder, DemoDataError, read_pc4
    from app.extensions import db
    from app.organisations.models import Organisation
    from security.audit import Actor, reset_actor, set_actor

    session = db.session
    if if_empty and session.query(Organisation.id).first() is not None:
        path = credentials_path()
        hint = f" (demo-accounts: {path})" if path.exists() else ""
        click.echo(f"Er staan al organisaties in de database; demogegevens niet geladen{hint}.")
        return
    if session.query(Organisation.id).filter_by(name=MAIN_ORG).first() is not None:
        click.echo(f"Demogegevens staan er al (organisatie '{MAIN_ORG}' bestaat); niets gewijzigd.")
        show_credentials()
        return

    sm = current_app.appbuilder.sm
    if sm.find_role("Coach") is None:
        raise click.ClickException("Rollen ontbreken: voer eerst 'flask --app run roles sync' uit.")
    try:
        rows = read_pc4(current_app.config.get("PC4_DATA"))
    except DemoDataError as exc:
        raise click.ClickException(str(exc)) from None

    started = time.monotonic()
    token = set_actor(Actor(None, "demo"))
    try:
        builder = DemoBuilder(session, sm, rows, seed=SEED)
        builder.build(holders, volunteers)
        session.commit()
    except DemoDataError as exc:
        session.rollback()
        raise click.ClickException(f"Demogegevens niet geladen: {exc}. Er is niets opgeslagen.") from None
    except FieldError as exc:
        session.rollback()
        raise click.ClickException(
            f"Demogegevens niet geladen: ongeldige waarde voor '{exc.field}': {exc}. "
            "Er is niets opgeslagen.") from None
    except Exception as exc:
        session.rollback()
        raise click.ClickException(
            f"Demogegevens niet geladen ({type(exc).__name__}: {_short(exc)}). "
            "Er is niets opgeslagen.") from None
    finally:
        reset_actor(token)
    elapsed = time.monotonic() - started

    c = builder.counts
    click.echo(f"Demogegevens geladen in {elapsed:.1f} s (seed {SEED}):")
    summary = (
        ("organisaties", "Organisation"), ("partners", "Partner"), ("coaches", "Coach"),
        ("houders", "Holder"), ("hulpkaarten", "HelpCard"), ("kaartversies", "HelpCardVersion"),
        ("contactpersonen", "ContactPerson"), ("toestemmingen", "Consent"),
        ("afspraken", "Appointment"), ("evaluaties", "Evaluation"), ("vrijwilligers", "Volunteer"),
        ("VOG's", "VogCheck"), ("hulpvragen", "HelpRequest"), ("koppelingen", "Match"),
        ("doorverwijzingen", "Referral"), ("signalen", "Concern"), ("privacyverzoeken", "PrivacyRequest"),
    )
    click.echo("  " + ", ".join(f"{c.get(model, 0)} {label}" for label, model in summary))
    table = credentials_table(builder.credentials)
    click.echo("\nDemo-accounts:\n" + table)
    try:
        path = write_credentials(table)
        click.echo(f"\nDe wachtwoorden staan ook in {path} (alleen leesbaar voor u).")
    except OSError as exc:
        click.echo(f"\nLet op: {credentials_path()} kon niet worden geschreven ({exc.strerror}); "
                   "bewaar de wachtwoorden hierboven.", err=True)
