"""The outbox over a real SMTP server on loopback: claimed once, sent once, retried on failure."""

from __future__ import annotations

import datetime as dt
import threading

from app.core.models import utcnow
from app.notifications.models import Notification, NotificationStatus as S
from tests.support.fixtures import org_id
from infra import outbox
from infra.notify import enqueue, render


def _queue(db, key: str, to: str = "ontvanger@example.nl") -> Notification:
    message = enqueue(db.session, template="evaluation_overdue", recipient=to,
                      context={"card_reference": "T-1", "due_on": "01-12-2026",
                               "organisation_name": "Org A"},
                      dedupe_key=key, organisation_id=org_id("a"))
    db.session.commit()
    return message


def _key(name: str) -> str:
    return f"test-outbox:{name}:{utcnow().timestamp()}"


def test_template_has_a_subject_and_a_body(app):
    with app.test_request_context():
        subject, body = render("evaluation_overdue", {"card_reference": "K-7", "due_on": "1-1-2027"})
    assert subject == "Evaluatie Hulpkaart K-7 is te laat" and "K-7" in body


def test_the_same_key_is_queued_once(app, db):
    key = _key("dedupe")
    assert _queue(db, key) is not None
    assert _queue(db, key) is None
    assert db.session.query(Notification).filter_by(dedupe_key=key).count() == 1


def test_a_due_message_is_sent_once_and_marked(app, db, smtp):
    message = _queue(db, _key("send"), to="eens@example.nl")
    outbox.deliver_due()
    outbox.deliver_due()
    received = smtp.to("eens@example.nl")
    assert len(received) == 1
    assert received[0]["Subject"] == message.subject
    assert "nog niet vastgelegd" in smtp.text(received[0])
    db.session.refresh(message)
    assert message.status is S.sent and message.sent_at is not None and message.attempts == 1


def test_a_message_for_later_waits(app, db, smtp):
    message = enqueue(db.session, template="evaluation_overdue", recipient="later@example.nl",
                      context={"card_reference": "T", "due_on": "x"}, dedupe_key=_key("later"),
                      send_after=utcnow() + dt.timedelta(hours=1))
    db.session.commit()
    outbox.deliver_due()
    assert smtp.to("later@example.nl") == []
    outbox.deliver_due(now=utcnow() + dt.timedelta(hours=2))
    assert len(smtp.to("later@example.nl")) == 1
    db.session.refresh(message)
    assert message.status is S.sent


def test_crash_between_claiming_and_sending_is_taken_over_once(app, db, smtp):
    message = _queue(db, _key("crash"), to="crash@example.nl")
    claimed = outbox.claim()
    assert message.id in claimed  # ... and this sender dies here, before sending
    outbox.deliver_due()
    assert smtp.to("crash@example.nl") == []  # the lease is still running
    outbox.deliver_due(now=utcnow() + outbox.LEASE + dt.timedelta(seconds=1))
    outbox.deliver_due(now=utcnow() + 2 * outbox.LEASE)
    assert len(smtp.to("crash@example.nl")) == 1
    db.session.refresh(message)
    assert message.status is S.sent and message.attempts == 2


def test_two_senders_at_once_send_each_message_once(app, db, smtp):
    keys = [_key(f"race{i}") for i in range(12)]
    for i, key in enumerate(keys):
        _queue(db, key, to=f"race{i}@example.nl")
    errors = []

    def sender():
        with app.app_context():
            try:
                outbox.deliver_due(batch=3)
            except Exception as exc:  # pragma: no cover - shown in the assertion
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(12):
        assert len(smtp.to(f"race{i}@example.nl")) == 1, f"race{i}"


def test_an_unreachable_server_is_retried_later_then_given_up(app, db):
    message = _queue(db, _key("down"), to="down@example.nl")
    old = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = 9  # nothing listens on the discard port here
    try:
        now = utcnow()
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            outbox.deliver_due(now=now)
            db.session.refresh(message)
            assert message.attempts == attempt and "SMTP" in message.last_error
            now = message.send_after + dt.timedelta(seconds=1)
    finally:
        app.config["SMTP_PORT"] = old
    assert message.status is S.failed
