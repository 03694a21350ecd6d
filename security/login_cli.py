"""`flask --app run login …`: help a locked-out user or one who lost his phone."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

login_cli = AppGroup("login", help="Inlogbeveiliging: blokkade opheffen, tweestapsverificatie.")


def _user(username: str):
    sm = current_app.appbuilder.sm
    user = sm.find_user(username=username)
    if user is None:
        raise click.ClickException(f"Gebruiker '{username}' bestaat niet")
    if sm.profile_of(user) is None:
        raise click.ClickException(f"Gebruiker '{username}' heeft geen medewerkersprofiel")
    return sm, user


@login_cli.command("unlock")
@click.argument("username")
def unlock(username):
    """Lift a lock-out after too many failed logins and reset the counter."""
    sm, user = _user(username)
    sm.unlock(user)
    click.echo(f"Blokkade van {username} opgeheven.")


@login_cli.command("reset-2fa")
@click.argument("username")
def reset_two_factor(username):
    """Forget the user's authenticator app (lost phone): he enrols again at the next login
    when his role requires two-factor login, or may enable it again from his profile."""
    sm, user = _user(username)
    sm.set_totp(user, None, enabled=False)
    click.echo(f"Tweestapsverificatie van {username} gewist; bij de volgende keer inloggen "
               "stelt hij die opnieuw in (als zijn rol die vereist).")


@login_cli.command("status")
@click.argument("username")
def status(username):
    """Show lock-out and two-factor state of a user."""
    sm, user = _user(username)
    profile = sm.profile_of(user)
    click.echo(f"mislukte pogingen op rij: {profile.failed_logins}")
    click.echo(f"geblokkeerd tot (UTC):    {profile.locked_until or '-'}")
    click.echo(f"tweestapsverificatie:     {'aan' if profile.totp_enabled else 'uit'}"
               f"{' (verplicht voor zijn rol)' if sm.requires_second_factor(user) else ''}")
    click.echo(f"wachtwoord gewijzigd:     {profile.password_changed_at or '-'}")
