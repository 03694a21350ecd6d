"""Sending the outbox over SMTP: each message claimed by one sender, sent once.

A sender claims a message with a compare-and-set update (``pending`` → ``sending``), so two
senders never take the same one; on PostgreSQL the candidate rows are read with
``FOR UPDATE SKIP LOCKED`` so senders do not even wait for each other. A sender that dies
after claiming leaves the message ``sending``; after ``LEASE`` another sender takes it over.
A failed attempt is retried with a growing pause; after ``MAX_ATTEMPTS`` it is ``failed``.
Letters (``channel='letter'``) are not mailed: the coach prints and posts them.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app

from app.core.models import utcnow
from app.extensions import db
from app.notifications.models import Notification, NotificationStatus as S

LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _candidates(now: dt.datetime, limit: int):
    due = sa.or_(
        sa.and_(Notification.status == S.pending, Notification.send_after <= now),
        sa.and_(Notification.status == S.sending, Notification.claimed_at < now - LEASE),
    )
    query = (sa.select(Notification.id, Notification.status, Notification.claimed_at)
             .where(Notification.channel == "email", due)
             .order_by(Notification.send_after, Notification.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).all()


def claim(now: dt.datetime | None = None, limit: int = 20) -> list[int]:
    """Take up to ``limit`` due messages for this sender; committed before anything is sent."""
    now = now or utcnow()
    taken = []
    for row in _candidates(now, limit):
        done = db.session.execute(
            sa.update(Notification)
            .where(Notification.id == row.id, Notification.status == row.status,
                   Notification.claimed_at.is_(None) if row.claimed_at is None
                   else Notification.claimed_at == row.claimed_at)
            .values(status=S.sending, claimed_at=now, attempts=Notification.attempts + 1))
        if done.rowcount == 1:
            taken.append(row.id)
    db.session.commit()
    return taken


def _message(n: Notification) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = n.recipient
    msg["Subject"] = n.subject
    msg["Date"] = formatdate(localtime=True)
    # Stable per outbox row: a receiving server can drop a repeat after a lost acknowledgement.
    msg["Message-ID"] = make_msgid(idstring=f"hulpregie-{n.id}", domain="hulpregie.local")
    msg["X-Hulpregie-Message"] = str(n.id)
    msg.set_content(n.body)
    return msg


def send_claimed(ids: list[int], now: dt.datetime | None = None) -> tuple[int, int]:
    """Send claimed messages one connection at a time; (sent, failed) counts."""
    now = now or utcnow()
    sent = failed = 0
    if not ids:
        return sent, failed
    cfg = current_app.config
    try:
        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20)
    except OSError as exc:
        for n in db.session.query(Notification).filter(Notification.id.in_(ids)):
            _failed(n, now, f"SMTP niet bereikbaar: {exc}")
            failed += 1
        db.session.commit()
        return sent, failed
    with smtp:
        for n in db.session.query(Notification).filter(Notification.id.in_(ids)).order_by(Notification.id):
            try:
                smtp.send_message(_message(n))
            except (smtplib.SMTPException, OSError) as exc:
                _failed(n, now, str(exc))
                failed += 1
            else:
                n.status, n.sent_at, n.last_error = S.sent, utcnow(), None
                sent += 1
            db.session.commit()  # each result is kept at once: a crash loses at most one
    return sent, failed


def _failed(n: Notification, now: dt.datetime, error: str) -> None:
    n.last_error = error[:500]
    n.claimed_at = None
    if n.attempts >= MAX_ATTEMPTS:
        n.status = S.failed
    else:
        n.status = S.pending
        n.send_after = now + dt.timedelta(minutes=5 * 2 ** (n.attempts - 1))


def deliver_due(now: dt.datetime | None = None, batch: int = 20, limit: int = 1000) -> dict:
    """Send what is due, batch by batch; the scheduler's outbox job."""
    totals = {"sent": 0, "failed": 0}
    while totals["sent"] + totals["failed"] < limit:
        ids = claim(now, batch)
        if not ids:
            break
        sent, failed = send_claimed(ids, now)
        totals["sent"] += sent
        totals["failed"] += failed
    return totals
