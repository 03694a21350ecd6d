"""Sending the outbox over SMTP: each message claimed by one sender, sent at most once.

A sender claims a message with a compare-and-set update (``pending`` → ``sending``), so two
senders never take the same one; on PostgreSQL the candidate rows are read with
``FOR UPDATE SKIP LOCKED`` so senders do not even wait for each other. A sender that dies
after claiming leaves the message ``sending``; after the lease (``HULPREGIE_OUTBOX_LEASE_SECONDS``)
another sender takes it over.

Handing a message over is a second compare-and-set: when the SMTP server has said "go ahead"
(354) and only the message text and its final dot remain, the sender records ``sent_at`` on
the claimed row (only if the claim is still its own) and commits, then writes the text. A
message with ``sent_at`` is never sent again: if its sender dies before the server's 250 is
recorded, the message is settled as sent (with a note in ``last_error``) when the lease ends.
So a killed sender causes no duplicate; only a kill in the microseconds between that commit
and the write of the text could lose a mail, and the note shows which one to check.
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

LEASE = dt.timedelta(minutes=10)  # the default of HULPREGIE_OUTBOX_LEASE_SECONDS
MAX_ATTEMPTS = 5
UNCONFIRMED = ("Afzender viel uit na het overdragen aan de mailserver; niet opnieuw verstuurd "
               "(de mailserver had het bericht al).")
NO_REPLY = ("Geen bevestiging van de mailserver na het overdragen; niet opnieuw verstuurd "
            "(de mailserver had het bericht al).")


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config.get("HULPREGIE_OUTBOX_LEASE_SECONDS",
                                                       LEASE.total_seconds()))


def settle_handed_over(now: dt.datetime) -> int:
    """Messages whose sender died after handing them to the SMTP server: sent, not resent."""
    done = db.session.execute(
        sa.update(Notification)
        .where(Notification.status == S.sending, Notification.sent_at.is_not(None),
               Notification.claimed_at < now - lease())
        .values(status=S.sent, last_error=UNCONFIRMED))
    db.session.commit()
    return done.rowcount


def _candidates(now: dt.datetime, limit: int):
    due = sa.or_(
        sa.and_(Notification.status == S.pending, Notification.send_after <= now),
        sa.and_(Notification.status == S.sending, Notification.sent_at.is_(None),
                Notification.claimed_at < now - lease()),
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


class _TakenOver(Exception):
    """Another sender claimed the message after this one's lease ended: leave it."""


class _Connection(smtplib.SMTP):
    """SMTP that calls ``handover`` just before the message text (ending in the final dot)
    goes out, after the server's 354; ``delivered_text`` says whether it went out."""

    handover = None
    delivered_text = False

    def send(self, s):
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n") and self.handover is not None:
            hook, self.handover = self.handover, None
            hook()
            super().send(s)
            self.delivered_text = True
            return
        super().send(s)


def _connect() -> _Connection:
    cfg = current_app.config
    return _Connection(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20)


def _hand_over(message_id: int, claimed_at: dt.datetime) -> None:
    done = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == message_id, Notification.status == S.sending,
               Notification.claimed_at == claimed_at, Notification.sent_at.is_(None))
        .values(sent_at=utcnow()))
    if done.rowcount != 1:
        db.session.rollback()
        raise _TakenOver
    db.session.commit()


def send_claimed(ids: list[int], now: dt.datetime | None = None) -> tuple[int, int]:
    """Send messages claimed at ``now`` over one connection; (sent, failed) counts."""
    now = now or utcnow()
    sent = failed = 0
    if not ids:
        return sent, failed
    try:
        smtp = _connect()
    except OSError as exc:
        for n in db.session.query(Notification).filter(Notification.id.in_(ids)):
            _failed(n, now, f"SMTP niet bereikbaar: {exc}")
            failed += 1
        db.session.commit()
        return sent, failed
    try:
        for n in db.session.query(Notification).filter(Notification.id.in_(ids)).order_by(Notification.id):
            if smtp is None:
                try:
                    smtp = _connect()
                except OSError as exc:
                    _failed(n, now, f"SMTP niet bereikbaar: {exc}")
                    failed += 1
                    db.session.commit()
                    continue
            message, message_id = _message(n), n.id
            smtp.handover = lambda: _hand_over(message_id, now)
            smtp.delivered_text = False
            try:
                smtp.send_message(message)
            except _TakenOver:
                smtp.close()  # in the middle of DATA: the server drops the unfinished message
                smtp = None
                continue
            except (smtplib.SMTPException, OSError) as exc:
                if smtp.delivered_text and not isinstance(exc, smtplib.SMTPResponseException):
                    n.status, n.last_error = S.sent, NO_REPLY  # the text went out: not again
                    sent += 1
                else:
                    _failed(n, now, str(exc))
                    failed += 1
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    smtp.close()
                    smtp = None
            else:
                n.status, n.sent_at, n.last_error = S.sent, utcnow(), None
                sent += 1
            db.session.commit()  # each result is kept at once
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return sent, failed


def _failed(n: Notification, now: dt.datetime, error: str) -> None:
    n.last_error = error[:500]
    n.claimed_at = n.sent_at = None
    if n.attempts >= MAX_ATTEMPTS:
        n.status = S.failed
    else:
        n.status = S.pending
        n.send_after = now + dt.timedelta(minutes=5 * 2 ** (n.attempts - 1))


def deliver_due(now: dt.datetime | None = None, batch: int = 20, limit: int = 1000) -> dict:
    """Send what is due, batch by batch; the scheduler's outbox job."""
    fixed = now  # tests and `scheduler tick --now` pass a moment; otherwise the clock, per batch
    totals = {"sent": 0, "failed": 0, "settled": settle_handed_over(fixed or utcnow())}
    for _ in range(-(-limit // batch)):  # at most ``limit`` messages
        now = fixed or utcnow()  # the claim mark, which the hand-over checks
        ids = claim(now, batch)
        if not ids:
            break
        sent, failed = send_claimed(ids, now)
        totals["sent"] += sent
        totals["failed"] += failed
    return totals
