"""The neighbourhood-help figures of one organisation (location): counts only, no people.

``figures(session, organisation_id, now, days)`` computes everything the dashboard shows;
``rows(figs)`` flattens it into (section, label, detail, value) rows — the CSV export and the
page's table of all figures are both made from these rows, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.helpdesk.models import HelpRequest, Match, MatchStatus, RequestStatus
from app.partners.models import Partner
from app.vog.models import VogCheck, valid_on
from app.volunteers.models import (
    HelpCategory,
    Volunteer,
    VolunteerStatus,
    volunteer_category,
)

LOCAL = ZoneInfo("Europe/Amsterdam")
MONTHS = 12
NEAR_KM = 3
OPEN_STATUSES = (RequestStatus.received, RequestStatus.intake, RequestStatus.accepted,
                 RequestStatus.put_out)
MADE = (MatchStatus.accepted, MatchStatus.completed)  # a match that was made
OFFERING = (VolunteerStatus.registered, VolunteerStatus.intake, VolunteerStatus.approved)
NO_CATEGORY = "Geen categorie"
NO_PARTNER = "Zonder partner"
MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC).astimezone(LOCAL)


def months_until(today: dt.date, count: int = MONTHS) -> list[str]:
    """The last ``count`` months up to and including today's, as 'YYYY-MM'."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


def _window_start(months: list[str]) -> dt.datetime:
    """Naive UTC start of the first month (local midnight)."""
    year, month = map(int, months[0].split("-"))
    start = dt.datetime(year, month, 1, tzinfo=LOCAL)
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def figures(session: Session, organisation_id: int, now: dt.datetime, days: int = 14) -> dict:
    today = _local(now).date()
    months = months_until(today)
    start = _window_start(months)
    org = HelpRequest.organisation_id == organisation_id

    # Requests per category and month (last 12 months).
    requests = session.execute(
        sa.select(HelpCategory.name, HelpRequest.received_at)
        .select_from(HelpRequest).outerjoin(HelpCategory, HelpRequest.category_id == HelpCategory.id)
        .where(org, HelpRequest.received_at >= start)).all()
    per_month: dict[str, Counter] = {}
    demand = Counter()
    for category, received_at in requests:
        name = category or NO_CATEGORY
        per_month.setdefault(name, Counter())[_local(received_at).strftime("%Y-%m")] += 1
        demand[name] += 1

    # Most-offered help: volunteers (not rejected or inactive) per category they offer.
    offered = Counter(dict(session.execute(
        sa.select(HelpCategory.name, sa.func.count(Volunteer.id))
        .select_from(volunteer_category)
        .join(Volunteer, Volunteer.id == volunteer_category.c.volunteer_id)
        .join(HelpCategory, HelpCategory.id == volunteer_category.c.category_id)
        .where(Volunteer.organisation_id == organisation_id, Volunteer.status.in_(OFFERING))
        .group_by(HelpCategory.name)).all()))

    # Supply: approved volunteers with a valid VOG, per category.
    has_vog = sa.exists().where(VogCheck.volunteer_id == Volunteer.id, valid_on(today))
    supply = Counter(dict(session.execute(
        sa.select(HelpCategory.name, sa.func.count(Volunteer.id))
        .select_from(volunteer_category)
        .join(Volunteer, Volunteer.id == volunteer_category.c.volunteer_id)
        .join(HelpCategory, HelpCategory.id == volunteer_category.c.category_id)
        .where(Volunteer.organisation_id == organisation_id,
               Volunteer.status == VolunteerStatus.approved, has_vog)
        .group_by(HelpCategory.name)).all()))

    # Matches made in the period: distance and per partner.
    made_at = sa.func.coalesce(Match.accepted_at, Match.matched_at)
    matches = session.execute(
        sa.select(Match.distance_km, Partner.name, Match.status)
        .select_from(Match).join(Volunteer, Volunteer.id == Match.volunteer_id)
        .outerjoin(Partner, Partner.id == Volunteer.partner_id)
        .where(Match.organisation_id == organisation_id, Match.status.in_(MADE),
               made_at >= start)).all()
    measured = [float(d) for d, _, _ in matches if d is not None]
    near = sum(1 for d in measured if d <= NEAR_KM)
    partners: dict[str, Counter] = {}
    for _, partner, status in matches:
        counts = partners.setdefault(partner or NO_PARTNER, Counter())
        counts["matches"] += 1
        counts["completed"] += status == MatchStatus.completed

    # Median time from request to match (requests matched in the period).
    waits = [(matched - received).total_seconds() / 86400 for received, matched in session.execute(
        sa.select(HelpRequest.received_at, HelpRequest.matched_at)
        .where(org, HelpRequest.matched_at.is_not(None), HelpRequest.matched_at >= start)).all()]

    # Open requests (not matched, not ended) waiting longer than ``days``.
    cutoff = now - dt.timedelta(days=days)
    open_old = session.execute(
        sa.select(sa.func.count(HelpRequest.id))
        .where(org, HelpRequest.status.in_(OPEN_STATUSES), HelpRequest.received_at < cutoff)).scalar()
    open_all = session.execute(
        sa.select(sa.func.count(HelpRequest.id))
        .where(org, HelpRequest.status.in_(OPEN_STATUSES))).scalar()

    categories = sorted(set(demand) | set(supply))
    return {
        "today": today, "months": months, "days": days,
        "requests": {name: [per_month[name][m] for m in months] for name in sorted(per_month)},
        "requests_total": len(requests),
        "offered": sorted(offered.items(), key=lambda kv: (-kv[1], kv[0])),
        "supply_demand": [(name, supply[name], demand[name]) for name in categories],
        "near": {"within": near, "measured": len(measured),
                 "share": round(100 * near / len(measured), 1) if measured else None},
        "median_days": round(statistics.median(waits), 1) if waits else None,
        "matched_count": len(waits),
        "open_old": open_old, "open_all": open_all,
        "partners": sorted(((name, c["matches"], c["completed"]) for name, c in partners.items()),
                           key=lambda row: (row[0] == NO_PARTNER, row[0])),
    }


def is_empty(figs: dict) -> bool:
    return not (figs["requests_total"] or figs["offered"] or figs["supply_demand"]
                or figs["near"]["measured"] or figs["open_all"] or figs["partners"])


def number(value) -> str:
    """Dutch notation: a decimal comma; empty when there is nothing to compute."""
    if value is None:
        return ""
    return str(value).replace(".", ",")


def rows(figs: dict) -> list[tuple[str, str, str, str]]:
    """Every figure as (section, label, detail, value), in the order of the page."""
    out = []
    for name, counts in figs["requests"].items():
        for month, count in zip(figs["months"], counts):
            out.append(("Hulpvragen per categorie en maand", name, month, str(count)))
    for name, count in figs["offered"]:
        out.append(("Meest aangeboden hulp (vrijwilligers)", name, "", str(count)))
    for name, supply, demand in figs["supply_demand"]:
        out.append(("Aanbod en vraag per categorie", name, "aanbod (vrijwilligers met VOG)", str(supply)))
        out.append(("Aanbod en vraag per categorie", name, "vraag (hulpvragen, 12 maanden)", str(demand)))
    near = figs["near"]
    out.append(("Koppelingen binnen 3 km", "binnen 3 km", "", str(near["within"])))
    out.append(("Koppelingen binnen 3 km", "met bekende afstand", "", str(near["measured"])))
    out.append(("Koppelingen binnen 3 km", "aandeel (%)", "", number(near["share"])))
    out.append(("Tijd van hulpvraag tot koppeling", "mediaan (dagen)", "", number(figs["median_days"])))
    out.append(("Tijd van hulpvraag tot koppeling", "gekoppelde hulpvragen", "", str(figs["matched_count"])))
    out.append(("Open hulpvragen", f"ouder dan {figs['days']} dagen", "", str(figs["open_old"])))
    out.append(("Open hulpvragen", "totaal open", "", str(figs["open_all"])))
    for name, matches, completed in figs["partners"]:
        out.append(("Hulp per partner", name, "koppelingen", str(matches)))
        out.append(("Hulp per partner", name, "afgerond", str(completed)))
    return out
