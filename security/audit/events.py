"""Who acts, and what one access-log event holds (the columns of ``audit_event``)."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from dataclasses import dataclass

from flask import g, has_request_context, request

from app.core.models import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, or a named system process (scheduler, CLI, portal).
    ``on_behalf_of`` names whom he acts for, where that is someone else (NEN 7513)."""

    user_id: int | None
    username: str
    organisation_id: int | None = None
    roles: str | None = None  # role names, comma-separated
    on_behalf_of: str | None = None


SYSTEM = Actor(None, "systeem")
ANONYMOUS = Actor(None, "anoniem")
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def set_actor(actor: Actor | None):
    """Set the acting user for workflows, CLI and jobs; returns a token for reset_actor."""
    return _actor.set(actor)


def reset_actor(token) -> None:
    _actor.reset(token)


@contextlib.contextmanager
def acting(by: Actor | None):
    """Attribute every audit event written inside the block to ``by`` (None: leave the
    current actor). The one way workflows, jobs and the CLI say who acts."""
    token = set_actor(by) if by is not None else None
    try:
        yield
    finally:
        if token is not None:
            reset_actor(token)


def role_list(by: Actor | None) -> list[str]:
    """The actor's role names (``Actor.roles`` is comma-separated)."""
    return [r.strip() for r in ((by.roles if by else None) or "").split(",") if r.strip()]


def actor_for(user) -> Actor:
    """The actor for a login (ab_user row)."""
    from security.filters import role_names, user_organisation_id

    return Actor(user.id, user.username, user_organisation_id(user),
                 ",".join(role_names(user)) or None)


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return actor_for(user)
    return SYSTEM


def _channel() -> str:
    if not has_request_context():
        return "cli"
    return "api" if request.path.startswith("/api/") else "ui"


def request_id() -> str | None:
    """The id of the current request (also sent as the X-Request-ID header); None outside."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = str(uuid.uuid4())
    return g.request_id


# -- building events ----------------------------------------------------------------------------

# Column lengths: values are cut here, so that what is sealed is exactly what is stored.
_LIMITS = {"username": 128, "action": 20, "resource": 60, "record_id": 40, "fields": 500,
           "ip": 45, "channel": 10, "roles": 120, "request_id": 36, "purpose": 120,
           "on_behalf_of": 128}
# What the writer stores (id from the database; prev_hash/hash only on events of the old chain).
COLUMNS = ("at", "user_id", "username", "organisation_id", "action", "resource",
           "record_id", "holder_id", "fields", "ip", "channel", "roles", "request_id", "purpose",
           "on_behalf_of")


def values(action: str, resource: str, record_id=None, holder_id=None, fields=None,
           organisation_id=None, purpose: str | None = None, actor: Actor | None = None,
           request_values: dict | None = None, on_behalf_of: str | None = None) -> dict:
    """An event's columns, cut to the column lengths. ``request_values``
    (:func:`request_values`) may be computed once for many events of one request; the
    organisation is the actor's, or the record's for CLI and jobs."""
    actor = actor or current_actor()
    row = {
        "at": utcnow(),
        "user_id": actor.user_id,
        "username": actor.username,
        "organisation_id": actor.organisation_id or organisation_id,
        "action": action,
        "resource": resource,
        "record_id": None if record_id is None else str(record_id),
        "holder_id": holder_id,
        "fields": ",".join(sorted(fields)) if fields else None,
        "roles": actor.roles,
        "purpose": purpose,
        "on_behalf_of": on_behalf_of or actor.on_behalf_of,
        **(request_values or request_values_now()),
    }
    return limited(row)


def request_values_now() -> dict:
    return {"ip": request.remote_addr if has_request_context() else None,
            "channel": _channel(), "request_id": request_id()}


def limited(row: dict) -> dict:
    """Every column present (one INSERT takes many rows), defaults filled, strings cut."""
    row = {c: row.get(c) for c in COLUMNS}
    row["at"] = row["at"] or utcnow()
    row["channel"] = row["channel"] or _channel()
    if not row["username"]:
        row["username"] = current_actor().username
    for column, limit in _LIMITS.items():
        if isinstance(row[column], str):
            row[column] = row[column][:limit]
    return row


# -- whose data ---------------------------------------------------------------------------------

def holder_of(obj) -> int | None:
    """The holder whose data ``obj`` is, where the model knows it."""
    if type(obj).__tablename__ == "holder":
        return obj.id
    if getattr(obj, "holder_id", None):
        return obj.holder_id
    for attr in ("card", "contact_person"):
        related = getattr(obj, attr, None)
        if related is not None and getattr(related, "holder_id", None):
            return related.holder_id
    return None
