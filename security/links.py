"""Signed links for people without a login (a volunteer accepting a request, feedback forms).

A token is signed with SECRET_KEY, salted per purpose (a feedback token does not open an
acceptance form) and time-limited. Use-once is the workflow's job: it records that the link
was used and refuses a second use.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkError(Exception):
    """A link that cannot be used; the message is for the person who clicked it."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hulpregie-link:{purpose}")


def make_token(purpose: str, **payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_days: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age_days * 86400)
    except SignatureExpired:
        raise LinkError("Deze link is verlopen. Neem contact op met de helpdesk.") from None
    except BadSignature:
        raise LinkError("Deze link is ongeldig. Controleer of u de hele link hebt gebruikt.") from None
