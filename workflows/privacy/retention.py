"""Retention: what is past its retention period is erased (workflows/privacy/erasure.py, reason
``retention``), and the privacy officers get a report with counts.

The periods are the organisation's policy (config.py POLICY, months):

- ``HULPREGIE_RETENTION_HOLDER_MONTHS``: a holder none of whose cards is still open, the last
  one ended or withdrawn that long ago (a holder without a card: not active, and unchanged
  that long);
- ``HULPREGIE_RETENTION_VOLUNTEER_MONTHS``: a volunteer who is inactive or rejected, with no
  change and no match that long;
- ``HULPREGIE_RETENTION_REQUEST_MONTHS``: a help request closed, rejected or referred that long
  ago (its requester is anonymised).

A subject under a processing restriction (AVG art. 18) is skipped and counted. ``dry_run``
returns exactly what a real run at the same moment would erase, and writes nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.cards.models import CardStatus, HelpCard
from app.extensions import db
from app.helpdesk.models import HelpRequest, Match, RequestStatus
from app.holders.models import Holder, HolderStatus
from app.organisations.models import Organisation
from app.privacy.models import ErasureRecord
from app.volunteers.models import Volunteer, VolunteerStatus
from security.audit import Actor, current_actor
from infra.dates import add_months
from workflows.privacy.erasure import erase_subject
from infra.notify import enqueue, staff_addresses
from workflows.privacy.restrictions import restricted_ids

# kind in the report -> (model, policy setting)
KINDS = {
    "holders": (Holder, "HULPREGIE_RETENTION_HOLDER_MONTHS"),
    "volunteers": (Volunteer, "HULPREGIE_RETENTION_VOLUNTEER_MONTHS"),
    "help_requests": (HelpRequest, "HULPREGIE_RETENTION_REQUEST_MONTHS"),
}
LABELS = {"holders": "Hulpkaarthouders", "volunteers": "Vrijwilligers",
          "help_requests": "Hulpvragen (hulpvrager geanonimiseerd)"}
CLOSED_CARDS = (CardStatus.withdrawn, CardStatus.ended)
CLOSED_REQUESTS = (RequestStatus.closed, RequestStatus.rejected, RequestStatus.referred)


def cutoff(now: dt.datetime, setting: str) -> dt.date:
    """The day before which a record of this kind is past retention."""
    return add_months(now.date(), -int(current_app.config[setting]))


def _not_erased(model):
    return ~model.id.in_(sa.select(ErasureRecord.subject_id)
                         .where(ErasureRecord.subject_type == model.__name__))


def due_holders(now: dt.datetime) -> list[int]:
    limit = cutoff(now, KINDS["holders"][1])
    open_card = sa.exists().where(HelpCard.holder_id == Holder.id, HelpCard.status.not_in(CLOSED_CARDS))
    last_end = (sa.select(sa.func.max(sa.func.coalesce(HelpCard.ended_on, HelpCard.requested_on)))
                .where(HelpCard.holder_id == Holder.id).scalar_subquery())
    any_card = sa.exists().where(HelpCard.holder_id == Holder.id)
    without_card = sa.and_(~any_card, Holder.status != HolderStatus.active,
                           Holder.updated_at < dt.datetime.combine(limit, dt.time()))
    return list(db.session.scalars(
        sa.select(Holder.id).where(~open_card, sa.or_(sa.and_(any_card, last_end < limit),
                                                       without_card)).order_by(Holder.id)))


def due_volunteers(now: dt.datetime) -> list[int]:
    limit = dt.datetime.combine(cutoff(now, KINDS["volunteers"][1]), dt.time())
    last_match = (sa.select(sa.func.max(Match.matched_at)).where(Match.volunteer_id == Volunteer.id)
                  .scalar_subquery())
    return list(db.session.scalars(
        sa.select(Volunteer.id).where(
            Volunteer.status.in_((VolunteerStatus.inactive, VolunteerStatus.rejected)),
            Volunteer.updated_at < limit, sa.or_(last_match.is_(None), last_match < limit),
            _not_erased(Volunteer)).order_by(Volunteer.id)))


def due_help_requests(now: dt.datetime) -> list[int]:
    limit = dt.datetime.combine(cutoff(now, KINDS["help_requests"][1]), dt.time())
    return list(db.session.scalars(
        sa.select(HelpRequest.id).where(
            HelpRequest.status.in_(CLOSED_REQUESTS),
            sa.func.coalesce(HelpRequest.closed_at, HelpRequest.received_at) < limit,
            _not_erased(HelpRequest)).order_by(HelpRequest.id)))


DUE = {"holders": due_holders, "volunteers": due_volunteers, "help_requests": due_help_requests}


def run_retention(now: dt.datetime, dry_run: bool = False, by: Actor | None = None) -> dict:
    """Erase what is past retention (in the caller's transaction; callers commit).

    The report: ``{"dry_run", "kinds": {kind: {"ids", "skipped_restricted"}},
    "organisations": {organisation id: {kind: count}}}`` — ids and counts, never names."""
    by = by or current_actor()
    report = {"dry_run": dry_run, "kinds": {}, "organisations": {}}
    for kind, (model, _) in KINDS.items():
        due = DUE[kind](now)
        restricted = restricted_ids(db.session, model.__name__) & set(due)
        ids = [i for i in due if i not in restricted]
        report["kinds"][kind] = {"ids": ids, "skipped_restricted": sorted(restricted)}
        for record_id in ids:
            subject = db.session.get(model, record_id)
            per_org = report["organisations"].setdefault(subject.organisation_id, {})
            per_org[kind] = per_org.get(kind, 0) + 1
            if not dry_run:
                erase_subject(db.session, subject, by=by, reason="retention")
        for record_id in restricted:
            org = db.session.scalar(sa.select(model.organisation_id).where(model.id == record_id))
            per_org = report["organisations"].setdefault(org, {})
            per_org["skipped_restricted"] = per_org.get("skipped_restricted", 0) + 1
    return report


def retention(now: dt.datetime) -> dict:
    """The scheduled job: erase what is due; each organisation's privacy officers get the
    counts (one report per organisation and day, only when there was something)."""
    report = run_retention(now)
    mails = 0
    for org_id, counts in sorted(report["organisations"].items()):
        org = db.session.get(Organisation, org_id)
        context = {"day": f"{now:%d-%m-%Y}", "organisation_name": org.name,
                   "rows": [(LABELS[k], counts.get(k, 0)) for k in KINDS],
                   "skipped": counts.get("skipped_restricted", 0),
                   "months": {k: int(current_app.config[s]) for k, (_, s) in KINDS.items()}}
        for user_id, address in staff_addresses(db.session, org_id, "PrivacyOfficer"):
            mails += enqueue(db.session, template="retention_report", recipient=address,
                             context=context, organisation_id=org_id,
                             dedupe_key=f"retention:{org_id}:{now:%Y-%m-%d}:{user_id}") is not None
    result = {kind: len(data["ids"]) for kind, data in report["kinds"].items()}
    result["skipped_restricted"] = sum(len(d["skipped_restricted"]) for d in report["kinds"].values())
    result["reports"] = mails
    return result
