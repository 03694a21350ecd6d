"""The access log (in the spirit of NEN 7513): who looked at or changed whose data, when.

Writes are logged automatically in the same transaction as the change (a flush listener),
whatever the path: views, API, workflows, CLI. Reads are logged by the view and API base
classes through :func:`record_read` / :func:`record_ids`; exports and other actions through
:func:`record`; logins, logouts and permission denials by request hooks (:func:`init_app`).

Every event passes through :func:`_append`, the one place that writes the table: it chains
the events (``hash`` = SHA-256 over the event's content and the previous event's hash, in id
order) so that ``flask --app run audit verify`` can tell whether an event was changed or
removed. Events name fields, never their values.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context, request
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
    roles: str | None = None  # role names, comma-separated


SYSTEM = Actor(None, "systeem")
ANONYMOUS = Actor(None, "anoniem")
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


# -- who acts ---------------------------------------------------------------------------------

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


def audit(session: Session, by: Actor | None, action: str, obj=None, *, resource: str | None = None,
          record_id=None, holder_id=None, purpose: str | None = None, fields=None,
          flush: bool = False) -> None:
    """Record ``action`` as ``by``: the one audit helper of every workflow step.

    ``obj`` names the record (its class name and id, and its holder where the model knows
    it); ``resource``/``record_id``/``holder_id`` override or stand in for it. ``flush``
    first flushes the session (ids for new records; the flush listener logs the writes as
    ``by`` too)."""
    with acting(by):
        if flush:
            session.flush()
        if obj is not None:
            resource = resource or type(obj).__name__
            record_id = obj.id if record_id is None else record_id
            holder_id = holder_of(obj) if holder_id is None else holder_id
        record(session, action, resource, record_id, holder_id=holder_id, purpose=purpose,
               fields=fields)


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

# Column lengths: values are cut here, so that what is hashed is exactly what is stored.
_LIMITS = {"username": 128, "action": 20, "resource": 60, "record_id": 40, "fields": 500,
           "ip": 45, "channel": 10, "roles": 120, "request_id": 36, "purpose": 120}
_COLUMNS = ("at", "user_id", "username", "organisation_id", "action", "resource",
            "record_id", "holder_id", "fields", "ip", "channel", "roles", "request_id", "purpose")
# What the hash covers: every column but id and hash. Fixed, so old hashes stay valid.
HASHED = (*_COLUMNS, "prev_hash")


def _event(action: str, resource: str, record_id, holder_id=None, fields=None,
           organisation_id=None, purpose: str | None = None,
           actor: Actor | None = None) -> AuditEvent:
    """An (unsaved) event; the organisation is the actor's, or the record's for CLI and jobs."""
    return AuditEvent(**_values(action, resource, record_id, holder_id, fields,
                                organisation_id, purpose, actor or current_actor()))


def _values(action: str, resource: str, record_id, holder_id, fields, organisation_id,
            purpose, actor: Actor, request_values: dict | None = None) -> dict:
    """An event's columns. ``request_values`` (:func:`_request_values`) may be computed once
    for many events of one request."""
    return {
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
        **(request_values or _request_values()),
    }


def _request_values() -> dict:
    return {"ip": request.remote_addr if has_request_context() else None,
            "channel": _channel(), "request_id": request_id()}


def _row(ev: AuditEvent) -> dict:
    return _limited({c: getattr(ev, c) for c in _COLUMNS})


def _limited(row: dict) -> dict:
    row["at"] = row["at"] or utcnow()
    row["channel"] = row["channel"] or _channel()
    for column, limit in _LIMITS.items():
        if isinstance(row[column], str):
            row[column] = row[column][:limit]
    return row


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value


def event_hash(row) -> str:
    """SHA-256 over the canonical JSON of the event's content (HASHED), prev_hash included."""
    content = {c: _plain(row[c]) for c in HASHED}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the one writer -----------------------------------------------------------------------------

CHAIN_LOCK = 75130001  # pg_advisory_xact_lock key: one writer of the chain at a time


def _append(conn: sa.Connection, rows: list[dict]) -> None:
    """Write events at the end of the chain, in the caller's transaction.

    PostgreSQL: an advisory lock held until the transaction ends makes concurrent writers
    take turns. SQLite: the first INSERT takes the database's single write lock, so the
    previous hash is read only after it (every earlier event is then committed).
    """
    if not rows:
        return
    table = AuditEvent.__table__
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK)))
    first, rest = rows[0], rows[1:]
    new_id = conn.execute(sa.insert(table).values(**first)).inserted_primary_key[0]
    before = conn.execute(sa.select(table.c.hash).where(table.c.id < new_id)
                          .order_by(table.c.id.desc()).limit(1)).scalar()
    prev = event_hash({**first, "prev_hash": before})
    conn.execute(sa.update(table).where(table.c.id == new_id).values(prev_hash=before, hash=prev))
    chained = []
    for row in rest:  # the lock is held: the rest follows in one statement
        digest = event_hash({**row, "prev_hash": prev})
        chained.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    if chained:
        conn.execute(sa.insert(table), chained)


def _append_events(session: Session, events: list[AuditEvent]) -> None:
    _append(session.connection(), [_row(ev) for ev in events])


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


def _model(resource: str):
    for mapper in Model.registry.mappers:
        if mapper.class_.__name__ == resource:
            return mapper.class_
    return None


def _holders_of_ids(session: Session, resource: str, ids) -> dict:
    """record id -> holder id for records known by id (mostly already in the session)."""
    model = _model(resource)
    if model is None:
        return {}
    if model.__tablename__ == "holder":
        return {i: int(i) for i in ids}
    if not any(hasattr(model, a) for a in ("holder_id", "card", "contact_person")):
        return {}
    found = {}
    for record_id in ids:
        obj = session.get(model, record_id)
        if obj is not None:
            found[record_id] = holder_of(obj)
    return found


# -- the public API -----------------------------------------------------------------------------

def record_read(session: Session, action: str, resource: str, items, commit: bool = True) -> None:
    """Log a look at personal data: one event per record shown or listed."""
    actor, per_request = current_actor(), _request_values()
    _append(session.connection(), [
        _limited(_values(action, resource, getattr(item, "id", None), holder_of(item), None,
                         None, None, actor, per_request)) for item in items])
    if commit:
        session.commit()


def record_ids(session: Session, action: str, resource: str, ids, commit: bool = True) -> None:
    """Log a look at records known by id (a list page, an API read): one event each."""
    ids = list(ids)
    holders = _holders_of_ids(session, resource, ids)
    # Plain rows, the actor and the request looked up once: a list page logs 25-100 events.
    actor, per_request = current_actor(), _request_values()
    _append(session.connection(), [
        _limited(_values(action, resource, i, holders.get(i), None, None, None, actor,
                         per_request)) for i in ids])
    if commit:
        session.commit()


def record(session: Session, action: str, resource: str, record_id=None, holder_id=None,
           purpose: str | None = None, fields=None) -> None:
    """Log another action (export, print, rotate …) in the caller's transaction.

    ``purpose`` says why, for exports; ``fields`` names fields (never values).
    """
    _append_events(session, [_event(action, resource, record_id, holder_id, fields,
                                    purpose=purpose)])


def _auth_event(action: str, resource: str, actor: Actor, record_id=None) -> None:
    """Log an authentication event in its own commit (the request has nothing pending)."""
    from app.extensions import db

    _append_events(db.session, [_event(action, resource, record_id, actor=actor)])
    db.session.commit()


def log_login(action: str, user=None, username: str | None = None) -> None:
    """Log ``login``, ``login_failed`` (the username tried, never the password),
    ``login_locked`` (refused: the account is locked) or ``logout``, resource "session".

    The security manager calls this where it decides; the request hooks of :func:`init_app`
    cover the same moments for FAB's own login. One login event and one logout event per
    request at most, whoever reports it first."""
    kind = "logout" if action == "logout" else "login"
    if has_request_context():
        done = request.environ.setdefault("hulpregie.audit_auth_logged", set())  # per request
        if kind in done:
            return
        done.add(kind)
    if user is not None:
        actor = actor_for(user)
        if username and action != "login":
            actor = Actor(actor.user_id, username, actor.organisation_id, actor.roles)
    else:
        actor = Actor(None, (username or "").strip() or "(leeg)")
    _auth_event(action, "session", actor)


def log_denied(resource: str, record_id=None) -> None:
    """Log a refused request (403) of the current user on ``resource`` (the endpoint)."""
    from app.extensions import db

    db.session.rollback()  # a refused request changes nothing
    user = _requesting_user()
    _auth_event("denied", resource, actor_for(user) if user is not None else ANONYMOUS, record_id)


def _requesting_user():
    """The logged-in user, or the API token's user where FAB refused before reading it."""
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    if request.path.startswith("/api/"):
        from flask_jwt_extended import verify_jwt_in_request

        try:
            verify_jwt_in_request(optional=True)  # sets g.user (FAB's user lookup)
        except Exception:  # an expired or forged token: anonymous
            return None
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
    return None


# -- request hooks ------------------------------------------------------------------------------

def _login_endpoints(app) -> tuple[str, str]:
    sm = app.appbuilder.sm
    return f"{type(sm.auth_view).__name__}.login", f"{sm.security_api.__name__}.login"


def _attempted_username() -> str:
    if request.is_json:
        return str((request.get_json(silent=True) or {}).get("username") or "")
    return request.form.get("username", "")


def _known_user(app, name: str):
    """The login a username (or e-mail address, as FAB accepts) belongs to, if any."""
    if not name:
        return None
    sm = app.appbuilder.sm
    return sm.find_user(username=name) or sm.find_user(email=name)


def _log_login_request(app, response) -> None:
    """A login POST that nobody logged yet: API logins, and failed logins (the page sends
    the browser back to the login form). Browser logins come with Flask-Login's signal."""
    if request.method != "POST" or "login" in request.environ.get("hulpregie.audit_auth_logged", ()):
        return
    ui_login, api_login = _login_endpoints(app)
    if request.endpoint == api_login and response.status_code in (200, 401):
        name = _attempted_username()
        log_login("login" if response.status_code == 200 else "login_failed",
                  _known_user(app, name), name)
    elif request.endpoint == ui_login:
        from flask_login import current_user

        back_to_form = response.status_code in (302, 303) \
            and "/login" in response.headers.get("Location", "")
        if back_to_form and not current_user.is_authenticated:
            name = _attempted_username()
            log_login("login_failed", _known_user(app, name), name)


def init_app(app) -> None:
    """Request ids, and logins, logouts and denials in the access log."""
    from flask_login import user_logged_in, user_logged_out

    @app.before_request
    def _set_request_id():
        g.request_id = str(uuid.uuid4())

    @app.after_request
    def _after_request(response):
        if response.status_code == 403:
            view_args = request.view_args or {}
            log_denied(request.endpoint or request.path, view_args.get("pk"))
        _log_login_request(app, response)
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    def _logged_in(sender, user, **kwargs):
        log_login("login", user)

    def _logged_out(sender, user, **kwargs):
        if user is not None and getattr(user, "is_authenticated", False):
            log_login("logout", user)

    user_logged_in.connect(_logged_in, app, weak=False)
    user_logged_out.connect(_logged_out, app, weak=False)


# -- verifying the chain --------------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    count: int  # events checked
    broken_id: int | None = None
    broken_at: dt.datetime | None = None
    reason: str | None = None


def verify_chain(conn: sa.Connection, batch_size: int = 1000) -> Verdict:
    """Walk the chain in id order, a batch at a time; stop at the first broken event."""
    table = AuditEvent.__table__
    columns = [table.c.id, table.c.hash, *(table.c[c] for c in HASHED)]
    prev, last_id, count = None, None, 0
    while True:
        query = sa.select(*columns).order_by(table.c.id).limit(batch_size)
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return Verdict(True, count)
        for row in rows:
            reason = None
            if row["hash"] is None:
                reason = "heeft geen hash (buiten het logboek om geschreven)"
            elif row["prev_hash"] != prev:
                reason = ("verwijst niet naar de vorige gebeurtenis (een gebeurtenis ervoor is "
                          "verwijderd, ingevoegd of gewijzigd)")
            elif event_hash(row) != row["hash"]:
                reason = "inhoud past niet bij de hash (gewijzigd)"
            if reason:
                return Verdict(False, count, row["id"], row["at"], reason)
            prev, count = row["hash"], count + 1
        last_id = rows[-1]["id"]


# -- the flush listeners --------------------------------------------------------------------------

def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


def _changed_fields(obj) -> list[str]:
    state = sa.inspect(obj)
    return [a.key for a in state.attrs if a.history.has_changes()]


def _collect(session, flush_context, instances):
    """before_flush: note what changes (new rows have no id yet). An AuditEvent added to the
    session directly is taken out and written through the chain instead."""
    direct = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    for obj in direct:
        session.expunge(obj)
    if direct:
        _append_events(session, direct)
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
    events = [_event(action, type(obj).__name__, obj.id, holder_of(obj), fields,
                     getattr(obj, "organisation_id", None))
              for action, obj, fields in pending]
    _append_events(session, events)


def install(session_class) -> None:
    """Log every write of an audited model in the same transaction as the write."""
    if not event.contains(session_class, "before_flush", _collect):
        event.listen(session_class, "before_flush", _collect)
        event.listen(session_class, "after_flush", _write)
