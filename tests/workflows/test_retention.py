"""Retention (workflows/privacy/retention.py): a dry run lists exactly what a real run then erases;
restricted subjects are skipped; the job reports counts to the privacy officers; the CLI."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from app.cards.models import CardStatus, HelpCard, MakingChoice
from app.core.models import utcnow
from app.helpdesk.models import HelpRequest, RequestStatus
from app.holders.models import Holder
from app.notifications.models import Notification
from app.privacy.models import ErasureRecord, ProcessingRestriction
from app.volunteers.models import Volunteer, VolunteerStatus
from tests.support.fixtures import org_id
from workflows.privacy.retention import retention, run_retention
from infra.scheduler import JOBS

# Far enough ahead that everything these tests make is past every retention period, and
# a different day per test so the report's dedupe key is fresh.
FUTURE = utcnow() + dt.timedelta(days=5 * 365)


def seed(db, tag: str) -> dict:
    """Per kind: one record past retention (at FUTURE) and one that is not."""
    org, today = org_id("a"), dt.date.today()
    gone = Holder(organisation_id=org, reference=f"R-{uuid.uuid4().hex[:6]}", first_name="Oud",
                  last_name=f"Houder{tag}")
    kept = Holder(organisation_id=org, reference=f"R-{uuid.uuid4().hex[:6]}", first_name="Nog",
                  last_name=f"Bezig{tag}")
    db.session.add_all([gone, kept])
    db.session.flush()
    db.session.add_all([
        HelpCard(organisation_id=org, holder_id=gone.id, status=CardStatus.ended,
                 making_choice=MakingChoice.alone, ended_on=today),
        HelpCard(organisation_id=org, holder_id=kept.id, status=CardStatus.drafting,
                 making_choice=MakingChoice.alone),
    ])
    old_volunteer = Volunteer(organisation_id=org, first_name="Oud", last_name=f"Vrijw{tag}",
                              pc4="3511", status=VolunteerStatus.inactive)
    active = Volunteer(organisation_id=org, first_name="Actief", last_name=f"Vrijw{tag}",
                       pc4="3511", status=VolunteerStatus.approved)
    closed = HelpRequest(organisation_id=org, description="Klus", requester_name=f"Vrager {tag}",
                         status=RequestStatus.closed, closed_at=utcnow())
    open_ = HelpRequest(organisation_id=org, description="Klus", requester_name=f"Open {tag}",
                        status=RequestStatus.accepted)
    db.session.add_all([old_volunteer, active, closed, open_])
    db.session.commit()
    return {"holders": (gone.id, kept.id), "volunteers": (old_volunteer.id, active.id),
            "help_requests": (closed.id, open_.id)}


def test_dry_run_lists_exactly_what_the_real_run_erases(app, db):
    made = seed(db, "a")
    dry = run_retention(FUTURE, dry_run=True)
    db.session.rollback()
    for kind, (gone, kept) in made.items():
        assert gone in dry["kinds"][kind]["ids"] and kept not in dry["kinds"][kind]["ids"], kind
    assert db.session.get(Holder, made["holders"][0]) is not None  # nothing written

    real = run_retention(FUTURE)
    db.session.commit()
    assert {k: v["ids"] for k, v in real["kinds"].items()} == \
        {k: v["ids"] for k, v in dry["kinds"].items()}
    assert db.session.get(Holder, made["holders"][0]) is None
    assert db.session.get(Holder, made["holders"][1]) is not None
    assert db.session.get(Volunteer, made["volunteers"][0]).first_name == "Verwijderd"
    assert db.session.get(HelpRequest, made["help_requests"][0]).requester_name != "Vrager a"
    journal = db.session.scalars(sa.select(ErasureRecord).where(
        ErasureRecord.reason == "retention", ErasureRecord.subject_type == "HelpRequest",
        ErasureRecord.subject_id == made["help_requests"][0])).one()
    assert journal.organisation_id == org_id("a")
    again = run_retention(FUTURE, dry_run=True)  # nothing left of what went
    assert made["volunteers"][0] not in again["kinds"]["volunteers"]["ids"]
    assert made["help_requests"][0] not in again["kinds"]["help_requests"]["ids"]


def test_restricted_subjects_are_skipped_and_the_job_reports(app, db):
    made = seed(db, "b")
    db.session.add(ProcessingRestriction(organisation_id=org_id("a"), subject_type="Volunteer",
                                         subject_id=made["volunteers"][0], reason="Bezwaar loopt"))
    db.session.commit()
    moment = FUTURE + dt.timedelta(days=1)
    result = retention(moment)
    db.session.commit()
    assert result["skipped_restricted"] >= 1 and result["reports"] >= 1
    assert db.session.get(Volunteer, made["volunteers"][0]).first_name == "Oud"
    mails = db.session.scalars(sa.select(Notification).where(
        Notification.dedupe_key.like(f"retention:{org_id('a')}:{moment:%Y-%m-%d}:%"))).all()
    assert mails and mails[0].recipient == "privacyofficer_a@example.org"
    assert "Overgeslagen omdat de verwerking beperkt is" in mails[0].body
    assert "Oud" not in mails[0].body  # counts only, no names
    assert retention(moment)["reports"] == 0  # run twice: nothing new, no second report
    db.session.commit()
    names = [job.name for job in JOBS]
    assert names.index("retention") < names.index("outbox")


@pytest.mark.parametrize("dry_run", [True, False])
def test_cli_prints_counts_and_ids(app, db, dry_run):
    made = seed(db, f"c{dry_run}")
    day = (FUTURE + dt.timedelta(days=2)).date().isoformat()
    args = ["privacy", "retention", "--now", day] + (["--dry-run"] if dry_run else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"{made['holders'][0]}" in result.output and "Hulpkaarthouders:" in result.output
    assert ("Proefdraai" in result.output) is dry_run
    assert "Oud" not in result.output  # ids, no names
    db.session.expire_all()
    assert (db.session.get(Holder, made["holders"][0]) is None) is (not dry_run)
