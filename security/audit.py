"""The access log (in the spirit of NEN 7513): who looked at or changed whose data, when.

Writes are logged automatically in the same transaction as the change (a ``before_flush``
listener), whatever the path: views, API, workflows, CLI. Reads are logged by the view
and API base classes through :func:`record_read`. Audit events are append-only.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from flask_appbuilder import Model
from sqlalchemy import event
from sqlalchemy.orm import Session, mapped_column

from app.core.models import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, or a named system process (scheduler, CLI, portal)."""

    user_id: int | None
    username: str
    organisation_id: int | None = None


SYSTEM = Actor(None, "systeem")
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_resource_record", "resource", "record_id"),
        sa.Index("ix_audit_event_holder_at", "holder_id", "at"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    at = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)
    user_id = mapped_column(sa.Integer, nullable=True, index=True)  # no FK: the log outlives users
    username = mapped_column(sa.String(128), nullable=False)
    organisation_id = mapped_column(sa.Integer, nullable=True, index=True)
    action = mapped_column(sa.String(20), nullable=False)  # read, list, create, update, delete, …
    resource = mapped_column(sa.String(60), nullable=False)
    record_id = mapped_column(sa.String(40), nullable=True)
    holder_id = mapped_column(sa.Integer, nullable=True)  # whose data, where known
    fields = mapped_column(sa.String(500), nullable=True)  # names only, never values
    ip = mapped_column(sa.String(45), nullable=True)
    channel = mapped_column(sa.String(10), nullable=False, default="ui")  # ui, api, cli, job
    roles = mapped_column(sa.String(120), nullable=True)
    request_id = mapped_column(sa.String(36), nullable=True)
    purpose = mapped_column(sa.String(120), nullable=True)  # for exports: why
    prev_hash = mapped_column(sa.String(64), nullable=True)  # tamper evidence: a hash chain
    hash = mapped_column(sa.String(64), nullable=True, unique=True)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.resource}#{self.record_id}"


def set_actor(actor: Actor | None):
    """Set the acting user for workflows, CLI and jobs; returns a token for reset_actor."""
    return _actor.set(actor)


def reset_actor(token) -> None:
    _actor.reset(token)


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context():
        from flask import g

        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            from security.filters import user_organisation_id

            return Actor(user.id, user.username, user_organisation_id(user))
    return SYSTEM


def _channel() -> str:
    if not has_request_context():
        return "cli"
    return "api" if request.path.startswith("/api/") else "ui"


def _event(action: str, resource: str, record_id, holder_id=None, fields=None,
           organisation_id=None) -> AuditEvent:
    """An event; the organisation is the actor's, or the record's for CLI and jobs."""
    actor = current_actor()
    return AuditEvent(
        at=utcnow(),
        user_id=actor.user_id,
        username=actor.username,
        organisation_id=actor.organisation_id or organisation_id,
        action=action,
        resource=resource,
        record_id=None if record_id is None else str(record_id),
        holder_id=holder_id,
        fields=",".join(sorted(fields))[:500] if fields else None,
        ip=request.remote_addr if has_request_context() else None,
        channel=_channel(),
    )


def holder_of(obj) -> int | None:
    """The holder whose data ``obj`` is, where the model knows it."""
    if type(obj).__tablename__ == "holder":
        return obj.id
    for attr in ("holder_id",):
        if getattr(obj, attr, None):
            return getattr(obj, attr)
    card = getattr(obj, "card", None)
    return getattr(card, "holder_id", None) if card is not None else None


def record_read(session: Session, action: str, resource: str, items, commit: bool = True) -> None:
    """Log a look at personal data: one event per record shown or listed."""
    for item in items:
        session.add(_event(action, resource, getattr(item, "id", None), holder_of(item)))
    if commit:
        session.commit()


def record_ids(session: Session, action: str, resource: str, ids, commit: bool = True) -> None:
    """Log a look at records known by id (a list page, an API read): one event each."""
    holder_list = resource == "Holder"
    for record_id in ids:
        session.add(_event(action, resource, record_id, record_id if holder_list else None))
    if commit:
        session.commit()


def record(session: Session, action: str, resource: str, record_id=None, holder_id=None) -> None:
    """Log another action (export, login, print …) in the caller's transaction."""
    session.add(_event(action, resource, record_id, holder_id))


def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


def _changed_fields(obj) -> list[str]:
    state = sa.inspect(obj)
    return [a.key for a in state.attrs if a.history.has_changes()]


_COLUMNS = ("at", "user_id", "username", "organisation_id", "action", "resource",
            "record_id", "holder_id", "fields", "ip", "channel")


def _collect(session, flush_context, instances):
    """before_flush: note what changes (new rows have no id yet)."""
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if _is_audited(obj):
            pending.append(("create", obj, _changed_fields(obj)))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            pending.append(("update", obj, _changed_fields(obj)))
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append(("delete", obj, None))


def _write(session, flush_context):
    """after_flush: write the events, with ids, through the flush's own connection."""
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    rows = []
    for action, obj, fields in pending:
        ev = _event(action, type(obj).__name__, obj.id, holder_of(obj), fields,
                    getattr(obj, "organisation_id", None))
        rows.append({c: getattr(ev, c) for c in _COLUMNS})
    session.connection().execute(sa.insert(AuditEvent.__table__), rows)


def install(session_class) -> None:
    """Log every write of an audited model in the same transaction as the write."""
    if not event.contains(session_class, "before_flush", _collect):
        event.listen(session_class, "before_flush", _collect)
        event.listen(session_class, "after_flush", _write)
