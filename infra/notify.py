"""Messages go through the outbox: written in the caller's transaction, sent later.

A message is a template under ``templates/emails/<name>.txt`` whose first line is
``Onderwerp: …``. ``dedupe_key`` is unique in the outbox: the same event never queues
the same message twice (a crash, a second scheduler, a retried request).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm import Session

from app.core.models import utcnow
from app.notifications.models import Notification, NotificationStatus

SUBJECT_PREFIX = "Onderwerp:"


def render(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a mail template, rendered from a plain dictionary."""
    text = render_template(f"emails/{template}.txt", **context)
    first, _, body = text.lstrip().partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"emails/{template}.txt must start with '{SUBJECT_PREFIX}'")
    return first[len(SUBJECT_PREFIX):].strip(), body.strip() + "\n"


def public_url(path: str) -> str:
    """An absolute link for a mail (a job has no request to take the host from)."""
    return current_app.config["HULPREGIE_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")


def already_queued(session: Session, dedupe_key: str) -> bool:
    return session.query(Notification.id).filter_by(dedupe_key=dedupe_key).first() is not None


def enqueue(session: Session, *, template: str, recipient: str, context: dict,
            dedupe_key: str, organisation_id: int | None = None,
            send_after: dt.datetime | None = None, channel: str = "email") -> Notification | None:
    """Queue a message in the caller's transaction; None when this key was queued before."""
    if not recipient or already_queued(session, dedupe_key):
        return None
    subject, body = render(template, context)
    message = Notification(
        organisation_id=organisation_id, channel=channel, recipient=recipient,
        subject=subject[:200], body=body, template=template, dedupe_key=dedupe_key,
        status=NotificationStatus.pending, send_after=send_after or utcnow())
    session.add(message)
    return message


def staff_addresses(session: Session, organisation_id: int, role: str,
                    partner_id: int | None = None) -> list[tuple[int, str]]:
    """(user id, e-mail) of the active staff of an organisation who have ``role`` (and, when
    given, belong to that partner: a church's contact persons)."""
    from flask_appbuilder.security.sqla.models import Role, User

    from app.organisations.models import StaffProfile

    profile = sa.select(StaffProfile.user_id).where(StaffProfile.organisation_id == organisation_id)
    if partner_id is not None:
        profile = profile.where(StaffProfile.partner_id == partner_id)
    rows = (session.query(User.id, User.email)
            .filter(User.id.in_(profile), User.active.is_(True),
                    User.roles.any(Role.name == role))
            .order_by(User.id).all())
    return [(uid, email) for uid, email in rows if email]
