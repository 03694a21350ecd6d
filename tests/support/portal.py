"""Helpers for the portal tests: a holder with e-mail, and a test client in his portal."""

from __future__ import annotations

import re

from app.extensions import db
from security.audit import AuditEvent, SYSTEM
from tests.support import factories


def holder(org: str = "a", coach_login: str | None = "coach_a", **kw):
    first_name = kw.pop("first_name", None)
    item = factories.holder(org, coach_login=coach_login, **kw)
    if first_name:
        item.first_name = first_name
    if item.email is None:
        item.email = f"houder{item.id}@example.org"
    db.session.commit()
    return item


def open_portal(app, person, client=None):
    """A client with a portal session for ``person`` (through a coach's code)."""
    from workflows import portal as wf

    client = client or app.test_client()
    _, code = wf.make_code(db.session, person, by=SYSTEM)
    db.session.commit()
    resp = client.post("/portaal/code", data={"code": code})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/portaal/start"), resp.data
    return client


def token_in(body: str, prefix: str) -> str:
    return re.search(rf"{re.escape(prefix)}([A-Za-z0-9_.\-]+)", body).group(1)


def refusals(holder_id=None) -> list[AuditEvent]:
    query = db.session.query(AuditEvent).filter(AuditEvent.action == "portal.refused")
    if holder_id is not None:
        query = query.filter(AuditEvent.holder_id == holder_id)
    return query.order_by(AuditEvent.id).all()
