"""The communication table: whom we approach at which organisation, when, and how.

``record_contact`` logs a contact moment and sets the next one; ``due`` is the list of rows to
approach (next contact within ``HULPREGIE_OUTREACH_DUE_DAYS`` or past, not closed or paused);
the daily job ``outreach_due`` mails each due row's owner (or, without one, the project
leaders) once per row and date.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy.orm import Query, Session

from app.core.validation import FieldError
from app.organisations.models import Organisation
from app.partners.models import Channel, OutreachContact, OutreachStatus
from security.audit import Actor, record, reset_actor, set_actor
from infra.notify import enqueue, public_url, staff_addresses

NOT_DUE = (OutreachStatus.closed, OutreachStatus.on_hold)


def _choice(enum_cls, value, field: str, label: str):
    if value is None or isinstance(value, enum_cls):
        return value
    try:
        return enum_cls[value]
    except KeyError:
        raise FieldError(field, f"{label}: kies een van: "
                                + ", ".join(str(m) for m in enum_cls)) from None


def record_contact(session: Session, row: OutreachContact, *, on: dt.date,
                   channel=None, status=None, next_step: str | None = None,
                   next_contact_on: dt.date | None = None, by: Actor) -> OutreachContact:
    """A contact moment on ``on``: how, the new status, the next step and when."""
    if on is None:
        raise FieldError("last_contact_on", "Datum contact: vul een datum in")
    if on > dt.date.today():
        raise FieldError("last_contact_on", "Datum contact: mag niet in de toekomst liggen")
    channel = _choice(Channel, channel, "channel", "Middel") or row.channel
    status = _choice(OutreachStatus, status, "status", "Status") or OutreachStatus.contacted
    if next_contact_on is not None and next_contact_on < on:
        raise FieldError("next_contact_on", "Volgend contact: moet na de datum van dit contact liggen")
    if next_contact_on is None and status not in NOT_DUE:
        raise FieldError("next_contact_on", "Volgend contact: vul een datum in, of zet de status "
                                            "op 'Afgerond' of 'Gepauzeerd'")
    row.last_contact_on, row.channel, row.status = on, channel, status
    row.next_step = (next_step or "").strip()[:200] or None
    row.next_contact_on = next_contact_on
    session.flush()
    token = set_actor(by)
    try:
        record(session, "outreach.contact", "OutreachContact", row.id)
    finally:
        reset_actor(token)
    return row


def due_filter(query: Query, today: dt.date | None = None) -> Query:
    today = today or dt.date.today()
    until = today + dt.timedelta(days=int(current_app.config["HULPREGIE_OUTREACH_DUE_DAYS"]))
    return query.filter(OutreachContact.next_contact_on.isnot(None),
                        OutreachContact.next_contact_on <= until,
                        OutreachContact.status.notin_(NOT_DUE))


def due(session: Session, organisation_id: int | None = None,
        today: dt.date | None = None) -> list[OutreachContact]:
    query = due_filter(session.query(OutreachContact), today)
    if organisation_id is not None:
        query = query.filter(OutreachContact.organisation_id == organisation_id)
    return query.order_by(OutreachContact.next_contact_on, OutreachContact.id).all()


def remind_due(now: dt.datetime) -> dict:
    """The scheduler's job ``outreach_due``: one mail per due row and date."""
    from app.extensions import db

    session, today = db.session, now.date()
    queued = 0
    for row in due(session, today=today):
        org = session.get(Organisation, row.organisation_id)
        owner = row.owner
        if owner is not None and owner.active and owner.email:
            recipients = [owner.email]
        else:
            recipients = [a for _, a in staff_addresses(session, row.organisation_id, "ProjectLeader")]
        context = {
            "organisation_name": org.name, "partner": row.organisation_name,
            "person": row.person, "channel": str(row.channel) if row.channel else None,
            "next_step": row.next_step, "next_contact_on": f"{row.next_contact_on:%d-%m-%Y}",
            "overdue": row.next_contact_on < today,
            "url": public_url(f"/outreachcontactview/contact/{row.id}"),
        }
        for address in recipients:
            queued += enqueue(session, template="outreach_due", recipient=address, context=context,
                              dedupe_key=f"outreach-due:{row.id}:{row.next_contact_on}:{address}",
                              organisation_id=row.organisation_id) is not None
    return {"outreach_reminders": queued}
