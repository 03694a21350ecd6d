"""The password policy: long enough, not the login name or e-mail, not a well-known password.

Deliberately humane (NCSC/NIST style): no rules about capitals or digits, a sentence of a few
words is a good password. Applied by ``workflows.organisations.add_user`` (CLI) and, through FAB's
``FAB_PASSWORD_COMPLEXITY_VALIDATOR`` hook, by the user add form and both reset-password forms.
"""

from __future__ import annotations

import re

from flask import current_app, g, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError

MIN_LENGTH = 12

# Passwords (lower case) that top every leaked-password list, and Dutch favourites.
COMMON_PASSWORDS = frozenset("""
123456789012 1234567890123 12345678901234 123456789123 098765432109 111111111111
000000000000 123123123123 121212121212 abcdefghijkl abc123abc123 qwertyuiopas qwertyuiop123
qwerty123456 azertyuiop12 1q2w3e4r5t6y 1qaz2wsx3edc zaq12wsxcde3 asdfghjkl123 password1234
password123! iloveyou1234 welkom123456 welkom12345! wachtwoord12 wachtwoord123 wachtwoord1234
""".split())

# Words that make a password guessable whatever digits or symbols are added around them.
COMMON_WORDS = frozenset("""
password passwort wachtwoord welkom welcome geheim secret admin administrator beheer beheerder
qwerty azerty letmein iloveyou monkey dragon football voetbal ajax feyenoord psv hallo hello
zomer winter lente herfst voorjaar najaar hulpregie hulpkaart hulpkaartcoach burenhulp
nederland amsterdam rotterdam utrecht test testtest welkomwelkom changeme trustno
""".split())

TOO_SHORT = f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn."
CONTAINS_ACCOUNT = "Het wachtwoord mag uw gebruikersnaam of e-mailadres niet bevatten."
TOO_COMMON = ("Dit wachtwoord is te makkelijk te raden: het staat op de lijst van veelgebruikte "
              "wachtwoorden. Kies bijvoorbeeld een zin van een paar woorden.")


def password_problem(password: str, username: str | None = None,
                     email: str | None = None) -> str | None:
    """The first thing wrong with ``password`` as a Dutch sentence, or None when it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    lower = password.lower()
    email = (email or "").strip().lower()
    for part in (username, email, email.partition("@")[0]):
        part = (part or "").strip().lower()
        if len(part) >= 4 and part in lower:
            return CONTAINS_ACCOUNT
    letters = re.sub(r"[^a-z]", "", lower)
    if lower in COMMON_PASSWORDS or letters in COMMON_WORDS or len(set(lower)) <= 2:
        return TOO_COMMON
    return None


def check_password(password: str, username: str | None = None, email: str | None = None) -> None:
    """Raise FAB's PasswordComplexityValidationError with a Dutch message when not acceptable."""
    problem = password_problem(password, username, email)
    if problem:
        raise PasswordComplexityValidationError(problem)


def policy_enabled() -> bool:
    return bool(current_app.config.get("FAB_PASSWORD_COMPLEXITY_ENABLED", False))


def _account_in_request() -> tuple[str | None, str | None]:
    """Whose password the current form sets: the add form's fields, the user being reset by an
    Admin (``?pk=``), or the logged-in user resetting his own."""
    if not has_request_context():
        return None, None
    if request.form.get("username"):
        return request.form.get("username"), request.form.get("email")
    user = None
    pk = request.args.get("pk")
    if pk and (request.endpoint or "").startswith("ResetPasswordView."):
        user = current_app.appbuilder.sm.get_user_by_id(pk)
    elif getattr(g, "user", None) is not None and g.user.is_authenticated:
        user = g.user
    return (user.username, user.email) if user is not None else (None, None)


def fab_password_validator(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: FAB passes only the password, the account comes
    from the request."""
    username, email = _account_in_request()
    check_password(password, username, email)
