"""The communication table: recording a contact, the due list, and one mail per row and date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.core.validation import FieldError
from app.partners.models import Channel, OutreachContact, OutreachStatus
from security.audit import Actor, AuditEvent
from tests.conftest import login
from tests.support.fixtures import org_id

NOW = dt.datetime(2027, 10, 4, 6, 0)  # ahead of the real clock: the outbox sends what it queues
TODAY = NOW.date()
_seq = itertools.count(1)


def _row(db, next_on: dt.date | None, status=OutreachStatus.planned, owner=None,
         org: str = "a") -> OutreachContact:
    row = OutreachContact(organisation_id=org_id(org), organisation_name=f"Gemeente Test {next(_seq)}",
                          person="Wethouder", channel=Channel.email, status=status,
                          next_contact_on=next_on, next_step="Bellen over subsidie", owner=owner)
    db.session.add(row)
    db.session.commit()
    return row


def _user(app, name: str):
    return app.appbuilder.sm.find_user(username=name)


def test_record_contact_sets_the_next_step_and_is_audited(app, db):
    row = _row(db, TODAY)
    by = Actor(None, "pl", row.organisation_id, "ProjectLeader")
    day = dt.date.today()
    from workflows import partners as outreach

    outreach.record_contact(db.session, row, on=day, channel="phone", status="in_conversation",
                            next_step="Offerte sturen", next_contact_on=day + dt.timedelta(days=30),
                            by=by)
    db.session.commit()
    assert (row.last_contact_on, row.channel, row.status, row.next_step) == (
        day, Channel.phone, OutreachStatus.in_conversation, "Offerte sturen")
    assert db.session.query(AuditEvent).filter_by(
        action="outreach.contact", record_id=str(row.id)).count() == 1
    with pytest.raises(FieldError) as err:
        outreach.record_contact(db.session, row, on=day, status="contacted", by=by)
    assert err.value.field == "next_contact_on"
    with pytest.raises(FieldError) as err:
        outreach.record_contact(db.session, row, on=day, next_contact_on=day - dt.timedelta(days=1),
                                by=by)
    assert err.value.field == "next_contact_on"
    with pytest.raises(FieldError) as err:
        outreach.record_contact(db.session, row, on=day, status="bogus", by=by)
    assert err.value.field == "status"
    outreach.record_contact(db.session, row, on=day, status="closed", by=by)  # no next date needed
    db.session.commit()
    assert row.next_contact_on is None and row.status is OutreachStatus.closed


def test_due_list_window_and_statuses(app, db):
    from workflows import partners as outreach

    past = _row(db, TODAY - dt.timedelta(days=3))
    edge = _row(db, TODAY + dt.timedelta(days=14))
    far = _row(db, TODAY + dt.timedelta(days=15))
    paused = _row(db, TODAY, status=OutreachStatus.on_hold)
    closed = _row(db, TODAY, status=OutreachStatus.closed)
    other_org = _row(db, TODAY, org="b")
    ids = [r.id for r in outreach.due(db.session, org_id("a"), TODAY)]
    assert past.id in ids and edge.id in ids
    assert not {far.id, paused.id, closed.id, other_org.id} & set(ids)
    assert ids.index(past.id) < ids.index(edge.id)  # soonest first


def test_owner_or_leaders_are_mailed_once_per_row_and_date(app, db, smtp):
    from infra import scheduler

    owned = _row(db, TODAY + dt.timedelta(days=2), owner=_user(app, "volunteercoordinator_a"))
    unowned = _row(db, TODAY - dt.timedelta(days=1))
    scheduler.tick(NOW)
    scheduler.tick(NOW + dt.timedelta(hours=3))

    def about(addr, row):
        return [m for m in smtp.to(addr) if row.organisation_name + " " in m["Subject"]]

    assert len(about("volunteercoordinator_a@example.org", owned)) == 1
    assert about("projectleader_a@example.org", owned) == []
    mail = about("projectleader_a@example.org", unowned)
    assert len(mail) == 1 and "(te laat)" in mail[0]["Subject"]
    assert f"/outreachcontactview/contact/{unowned.id}" in smtp.text(mail[0])
    # A new date is a new reminder.
    owned.next_contact_on = TODAY + dt.timedelta(days=5)
    db.session.commit()
    scheduler.tick(NOW + dt.timedelta(days=1))
    assert len(about("volunteercoordinator_a@example.org", owned)) == 2


def test_due_page_lists_sortable_rows_with_the_owner(app, db):
    row = _row(db, dt.date.today() + dt.timedelta(days=1), owner=_user(app, "projectleader_a"))
    far = _row(db, dt.date.today() + dt.timedelta(days=60))
    client = login(app.test_client(), "projectleader_a")
    page = client.get("/outreachdueview/list/?_oc_OutreachDueView=next_contact_on&_od_OutreachDueView=desc")
    assert page.status_code == 200
    assert row.organisation_name in page.text and far.organisation_name not in page.text
    assert "Wie benadert" in page.text and "ProjectLeader A" in page.text
    resp = client.post(f"/outreachcontactview/contact/{row.id}", data={
        "on": dt.date.today().isoformat(), "channel": "meeting", "status": "agreed",
        "next_step": "Presentatie geven", "next_contact_on": (dt.date.today() + dt.timedelta(days=40)).isoformat()})
    assert resp.status_code == 302
    db.session.refresh(row)
    assert row.status is OutreachStatus.agreed and row.channel is Channel.meeting
    assert row.organisation_name not in client.get("/outreachdueview/list/").text
