"""The outbox after a sender dies: a message handed to the SMTP server is never sent again,
a claimed one that was not is taken over once the lease ends (real SMTP server on loopback)."""

from __future__ import annotations

import datetime as dt

from app.core.models import utcnow
from app.notifications.models import Notification, NotificationStatus as S
from tests.support.fixtures import org_id
from infra import outbox
from infra.notify import enqueue


def _queue(db, to: str) -> Notification:
    message = enqueue(db.session, template="evaluation_overdue", recipient=to,
                      context={"card_reference": "T-9", "due_on": "01-12-2026",
                               "organisation_name": "Org A"},
                      dedupe_key=f"test-handover:{to}:{utcnow().timestamp()}",
                      organisation_id=org_id("a"))
    db.session.commit()
    return message


def test_lease_comes_from_the_configuration(app):
    with app.app_context():
        assert outbox.lease() == dt.timedelta(seconds=600) == outbox.LEASE


def test_a_message_handed_over_by_a_dead_sender_is_settled_not_resent(app, db, smtp):
    message = _queue(db, "handed@example.nl")
    claimed_at = utcnow()
    assert message.id in outbox.claim(claimed_at)
    outbox._hand_over(message.id, claimed_at)  # ... and the sender dies before the 250 is kept
    assert outbox.deliver_due()["settled"] == 0  # the lease still runs
    later = claimed_at + outbox.lease() + dt.timedelta(seconds=1)
    assert outbox.deliver_due(now=later)["settled"] >= 1
    outbox.deliver_due(now=later + outbox.lease())
    assert smtp.to("handed@example.nl") == []  # the server had it; it is not sent again
    db.session.refresh(message)
    assert message.status is S.sent and message.last_error == outbox.UNCONFIRMED


def test_a_sender_whose_claim_was_taken_over_does_not_send(app, db, smtp):
    message = _queue(db, "overtaken@example.nl")
    first = utcnow()
    assert message.id in outbox.claim(first)
    second = first + outbox.lease() + dt.timedelta(seconds=1)
    assert message.id in outbox.claim(second)  # the first sender was too slow: taken over
    assert outbox.send_claimed([message.id], first) == (0, 0)
    assert outbox.send_claimed([message.id], second) == (1, 0)
    assert len(smtp.to("overtaken@example.nl")) == 1
    db.session.refresh(message)
    assert message.status is S.sent and message.last_error is None


def test_a_normal_send_keeps_the_acceptance_time(app, db, smtp):
    message = _queue(db, "normal@example.nl")
    totals = outbox.deliver_due()
    assert totals["sent"] >= 1 and len(smtp.to("normal@example.nl")) == 1
    db.session.refresh(message)
    assert message.status is S.sent and message.sent_at is not None and message.attempts == 1
