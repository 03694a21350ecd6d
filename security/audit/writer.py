"""Writing the access log: the events of one transaction (a request, a job batch) are kept
in ``session.info`` and written together, in one INSERT, when the transaction commits.

There is no lock on this path: ids come from the database, and sealing the events into the
Merkle tree is a separate step (:mod:`security.audit.checkpoints`). A rolled-back transaction
drops its events with its changes, as before. Queries on :class:`AuditEvent` inside the
transaction first write what is kept, so a transaction sees its own events.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from security.audit.events import (COLUMNS, Actor, acting, current_actor, holder_of, limited,
                                   request_values_now, values)
from security.audit.models import AuditEvent

BUFFER = "audit_buffer"  # session.info: rows waiting for the commit
PENDING = "audit_pending"  # session.info: changes noted before a flush (ids follow after it)
CHUNK = 500  # rows per INSERT statement (bind-parameter limits)


def write_rows(conn: sa.Connection, rows: list[dict]) -> None:
    """Insert events, one statement per :data:`CHUNK` rows: the one place that writes
    ``audit_event``. Never an UPDATE or DELETE."""
    table = AuditEvent.__table__
    for start in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(table).values(rows[start:start + CHUNK]))


def _append(conn: sa.Connection, rows: list[dict]) -> None:
    """Write plain event rows now, in ``conn``'s transaction (benches, bulk tools)."""
    write_rows(conn, [limited(dict(r)) for r in rows])


def keep(session: Session, rows: list[dict]) -> None:
    session.info.setdefault(BUFFER, []).extend(rows)


def write_kept(session: Session) -> None:
    """Write the events the session keeps, now, in its transaction."""
    rows = session.info.pop(BUFFER, None)
    if rows:
        write_rows(session.connection(), rows)


# -- the public API -----------------------------------------------------------------------------

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


def record_read(session: Session, action: str, resource: str, items, commit: bool = True) -> None:
    """Log a look at personal data: one event per record shown or listed. ``commit``: commit
    the session now (the events are written by that commit); else they go with the caller's."""
    actor, per_request = current_actor(), request_values_now()
    keep(session, [values(action, resource, getattr(item, "id", None), holder_of(item),
                           actor=actor, request_values=per_request) for item in items])
    if commit:
        session.commit()


def record_ids(session: Session, action: str, resource: str, ids, commit: bool = True) -> None:
    """Log a look at records known by id (a list page, an API read): one event each."""
    ids = list(ids)
    holders = _holders_of_ids(session, resource, ids)
    actor, per_request = current_actor(), request_values_now()
    keep(session, [values(action, resource, i, holders.get(i), actor=actor,
                           request_values=per_request) for i in ids])
    if commit:
        session.commit()


def record(session: Session, action: str, resource: str, record_id=None, holder_id=None,
           purpose: str | None = None, fields=None, on_behalf_of: str | None = None) -> None:
    """Log another action (export, print, rotate …) in the caller's transaction.

    ``purpose`` says why; ``fields`` names fields (never values); ``on_behalf_of`` whom the
    actor acts for (else the actor's own ``on_behalf_of``).
    """
    keep(session, [values(action, resource, record_id, holder_id, fields, purpose=purpose,
                           on_behalf_of=on_behalf_of)])


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


# -- the session listeners ------------------------------------------------------------------------

def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


def _changed_fields(obj) -> list[str]:
    state = sa.inspect(obj)
    return [a.key for a in state.attrs if a.history.has_changes()]


def _collect(session, flush_context, instances):
    """before_flush: note what changes (new rows have no id yet). An AuditEvent added to the
    session directly is taken out and kept like every other event."""
    direct = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    for obj in direct:
        session.expunge(obj)
    if direct:
        keep(session, [limited({c: getattr(obj, c) for c in COLUMNS}) for obj in direct])
    pending = session.info.setdefault(PENDING, [])
    for obj in session.new:
        if _is_audited(obj):
            pending.append(("create", obj, _changed_fields(obj)))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            pending.append(("update", obj, _changed_fields(obj)))
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append(("delete", obj, None))


def _noted(session, flush_context):
    """after_flush: the changes, now with ids, join the events kept for the commit."""
    pending = session.info.pop(PENDING, None)
    if pending:
        actor, per_request = current_actor(), request_values_now()
        keep(session, [values(action, type(obj).__name__, obj.id, holder_of(obj), fields,
                               getattr(obj, "organisation_id", None), actor=actor,
                               request_values=per_request)
                        for action, obj, fields in pending])


def _before_commit(session):
    """Flush what is left (its changes add events), then write every kept event at once."""
    session.flush()
    write_kept(session)


def _before_query(state):
    """A query on the access log inside the transaction sees the events kept so far."""
    if state.is_select and state.session.info.get(BUFFER) and (
            any(m.class_ is AuditEvent for m in state.all_mappers)
            or AuditEvent.__table__ in find_tables(state.statement, include_aliases=True)):
        write_kept(state.session)


def _transaction_end(session, transaction):
    if transaction.parent is None:  # committed (written already) or rolled back (dropped)
        session.info.pop(BUFFER, None)
        session.info.pop(PENDING, None)


def install(session_class) -> None:
    """Log every write of an audited model, and write kept events, with the transaction."""
    if not event.contains(session_class, "before_flush", _collect):
        event.listen(session_class, "before_flush", _collect)
        event.listen(session_class, "after_flush", _noted)
        event.listen(session_class, "before_commit", _before_commit)
        event.listen(session_class, "do_orm_execute", _before_query)
        event.listen(session_class, "after_transaction_end", _transaction_end)
