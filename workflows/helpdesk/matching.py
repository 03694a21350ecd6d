"""Matching a help request to volunteers nearby, putting it out, accepting by signed link.

``rank`` lists the volunteers who may take an accepted request, nearest first; a person at
the helpdesk picks from it (never automatic). ``put_out`` offers the request to the picked
volunteers (a mail without the requester's identity, with a signed accept link).
``accept``: the first acceptance makes the match; the others hear that it is taken; the
requester gets a confirmation, the volunteer now gets the requester's contact details, the
partner's contact an anonymous report. ``decline``: the volunteer cannot. The caller commits
(or rolls back on an error); refusals raise TransitionError with a Dutch message.

Speed: a volunteer's reach is at most ``MAX_REACH_KM``. ``rank`` asks the database for the
volunteers in rings of PC4 areas around the request (app/core/geo.py), nearest ring first,
with every other condition in SQL on the indexed ``volunteer.pc4``, and stops as soon as a
ring leaves it with enough candidates: everyone outside that ring is farther away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.core import geo
from app.core.models import utcnow
from app.helpdesk.models import HelpRequest, Match, MatchStatus, RequestStatus
from app.organisations.models import Organisation
from app.vog.models import VogCheck, valid_on
from app.volunteers import availability
from app.volunteers.models import Volunteer, VolunteerStatus, volunteer_category
from security.audit import Actor, record
from security.links import make_token, read_token
from app.core.errors import TransitionError
from workflows.helpdesk import acting, move
from infra.notify import enqueue, public_url, staff_addresses
from workflows.volunteers import matchable

PURPOSE = "accept"
MAX_REACH_KM = 100  # volunteer.max_distance_km is at most this (a check constraint)
RINGS_KM = (3.0, 6.0, 12.0, 25.0, 50.0, float(MAX_REACH_KM))
COUNTED = (MatchStatus.accepted, MatchStatus.completed)  # count towards the monthly maximum
DAY_CODES = tuple(availability.DAYS)  # Monday first, as date.weekday()
TAKEN = "Deze hulpvraag is al door iemand anders aangenomen. Dank u wel!"
USED = "Deze link is al gebruikt."
CLOSED = "Deze hulpvraag staat niet meer open. Dank u wel!"
CHANNELS = ("link", "phone")


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    distance_km: float


# -- ranking ------------------------------------------------------------------------------------

def month_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(today.year, today.month, 1)
    end = dt.datetime(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return start, end


def _listed(column, pattern):
    """An availability column allows the code in ``pattern`` (``%,mon,%``): empty means any."""
    value = sa.func.coalesce(column, "")
    return sa.or_(value == "", sa.literal(",").concat(value).concat(",").like(pattern))


_STATEMENTS: dict[tuple, sa.Select] = {}


def _statement(session: Session, shape: tuple) -> sa.Select:
    """The SELECT for one combination of conditions, with bound parameters; built once, so a
    ranking only binds values (the SQL is compiled once per combination too)."""
    if shape not in _STATEMENTS:
        by_day, by_part, by_category, by_request, in_codes, beyond = shape
        v = Volunteer.__table__.c
        used = (sa.select(sa.func.count(Match.id))
                .where(Match.volunteer_id == v.id, Match.status.in_(COUNTED),
                       Match.accepted_at >= sa.bindparam("month_start", type_=sa.DateTime),
                       Match.accepted_at < sa.bindparam("month_end", type_=sa.DateTime))
                .scalar_subquery())
        # Cheap and selective conditions first: databases test them in this order.
        stmt = sa.select(v.id, v.pc4, v.max_distance_km).where(
            v.organisation_id == sa.bindparam("organisation_id"))
        if in_codes:
            stmt = stmt.where(v.pc4.in_(sa.bindparam("codes", expanding=True)))
        if beyond:
            stmt = stmt.where(v.max_distance_km > sa.bindparam("beyond_km", type_=sa.Float))
        if by_day:
            stmt = stmt.where(_listed(v.available_days, sa.bindparam("day", type_=sa.String)))
        if by_part:
            stmt = stmt.where(_listed(v.available_parts, sa.bindparam("part", type_=sa.String)))
        if by_category:
            stmt = stmt.where(sa.exists().where(
                volunteer_category.c.volunteer_id == v.id,
                volunteer_category.c.category_id == sa.bindparam("category_id")))
        # Approved with a valid VOG: the rule of workflows/volunteers.py.
        stmt = stmt.where(matchable(session, sa.bindparam("today", type_=sa.Date)).whereclause)
        if by_request:
            stmt = stmt.where(~sa.exists().where(Match.help_request_id == sa.bindparam("request_id"),
                                                 Match.volunteer_id == v.id))
        _STATEMENTS[shape] = stmt.where(used < v.max_per_month)
    return _STATEMENTS[shape]


def eligible(session: Session, req: HelpRequest, *, today: dt.date, codes=None,
             beyond_km: float | None = None) -> list[tuple[int, str, int]]:
    """(id, pc4, max_distance_km) of every volunteer who may take ``req`` on ``today``,
    distance aside: the request's organisation, approved with a valid VOG, its category,
    available then, under the monthly maximum, not offered this request yet. ``codes`` limits
    them to these PC4 areas, ``beyond_km`` to those whose reach is longer."""
    start, end = month_bounds(today)
    params = {"organisation_id": req.organisation_id, "today": today, "month_start": start,
              "month_end": end, "codes": list(codes or ()), "beyond_km": beyond_km,
              "category_id": req.category_id, "request_id": req.id,
              "day": f"%,{DAY_CODES[req.wanted_on.weekday()]},%" if req.wanted_on else None,
              "part": f"%,{req.wanted_part.name},%" if req.wanted_part else None}
    shape = (req.wanted_on is not None, req.wanted_part is not None, req.category_id is not None,
             req.id is not None, codes is not None, beyond_km is not None)
    return session.execute(_statement(session, shape), params).all()


def origin_of(req: HelpRequest) -> str:
    if geo.centroid(req.pc4) is None:
        raise TransitionError(
            f"De postcode van de hulpvraag ({req.pc4 or 'leeg'}) is onbekend: vul de vier cijfers "
            "van de postcode van de hulpvrager in om vrijwilligers in de buurt te zoeken")
    return req.pc4


def rank(session: Session, req: HelpRequest, *, today: dt.date, limit: int = 10) -> list[Candidate]:
    """Up to ``limit`` volunteers who may take ``req``, nearest first (ties: lowest id), each
    within his own maximum distance."""
    if req.category_id is None and req.category is not None:
        req.category_id = req.category.id
    origin = origin_of(req)
    index = geo.index()
    found: list[tuple[float, int]] = []
    inner = -1.0
    for outer in RINGS_KM:
        ring = dict(index.ring(origin, inner, outer))
        if ring:
            rows = eligible(session, req, today=today, codes=ring,
                            beyond_km=inner if inner >= 0 else None)
            found += [(ring[pc4], vid) for vid, pc4, reach in rows if ring[pc4] <= reach]
        if len(found) >= limit:
            break
        inner = outer
    found.sort()
    top = found[:max(0, limit)]
    if not top:
        return []
    volunteers = {v.id: v for v in session.query(Volunteer).filter(
        Volunteer.id.in_([vid for _, vid in top]))}
    return [Candidate(volunteers[vid], round(d, 2)) for d, vid in top]


# -- putting a request out ------------------------------------------------------------------------

def accept_link(token: str) -> str:
    return public_url(f"/koppeling/aannemen/{token}")


def _organisation_name(session: Session, organisation_id: int) -> str | None:
    org = session.get(Organisation, organisation_id)
    return org.name if org is not None else None


def anonymous_request(req: HelpRequest) -> dict:
    """What a volunteer may know before he takes the request: no name, no contact details."""
    place = geo.centroid(req.pc4)
    return {
        "number": req.id,
        "category": req.category.name if req.category else "Hulp",
        "description": req.description,
        "pc4": req.pc4,
        "town": place.town if place else "",
        "wanted_on": req.wanted_on.strftime("%d-%m-%Y") if req.wanted_on else None,
        "wanted_part": str(req.wanted_part.value).lower() if req.wanted_part else None,
    }


def _may_be_offered(session: Session, req: HelpRequest, volunteer: Volunteer, today: dt.date):
    if volunteer.organisation_id != req.organisation_id:
        raise TransitionError(f"{volunteer} hoort niet bij de organisatie van de hulpvraag")
    if volunteer.status != VolunteerStatus.approved:
        raise TransitionError(f"{volunteer} is niet goedgekeurd en kan niet worden gekoppeld")
    has_vog = session.query(sa.exists().where(VogCheck.volunteer_id == volunteer.id,
                                              valid_on(today))).scalar()
    if not has_vog:
        raise TransitionError(f"{volunteer} heeft geen geldige VOG en kan niet worden gekoppeld")
    if req.id is not None and session.query(sa.exists().where(
            Match.help_request_id == req.id, Match.volunteer_id == volunteer.id)).scalar():
        raise TransitionError(f"Deze hulpvraag is al aan {volunteer} voorgelegd")


def put_out(session: Session, req: HelpRequest, volunteers, *, by: Actor,
            today: dt.date | None = None) -> list[Match]:
    """Offer ``req`` to the chosen volunteers: accepted → put_out (or more volunteers while it
    is out), a proposed Match each, and a ``match_offer`` mail with a signed accept link."""
    volunteers = list(dict.fromkeys(volunteers))
    if not volunteers:
        raise TransitionError("Kies ten minste één vrijwilliger om de hulpvraag aan voor te leggen")
    today = today or dt.date.today()
    origin = origin_of(req)
    for volunteer in volunteers:
        _may_be_offered(session, req, volunteer, today)
    if req.status != RequestStatus.put_out:
        move(session, req, RequestStatus.put_out, by=by)
    now = utcnow()
    matches = []
    for volunteer in volunteers:
        distance = geo.distance_km(origin, volunteer.pc4)
        match = Match(organisation_id=req.organisation_id, help_request=req, volunteer=volunteer,
                      status=MatchStatus.proposed, offered_at=now, matched_at=now,
                      distance_km=None if distance is None else Decimal(f"{distance:.2f}"),
                      matched_by_id=by.user_id)
        session.add(match)
        matches.append(match)
    with acting(by):
        session.flush()
        for match in matches:
            record(session, "match.offer", "Match", match.id)
    organisation = _organisation_name(session, req.organisation_id)
    days = current_app.config["HULPREGIE_LINK_DAYS"]
    for match in matches:
        token = make_token(PURPOSE, match_id=match.id)
        enqueue(session, template="match_offer", recipient=match.volunteer.email,
                dedupe_key=f"match-offer:{match.id}", organisation_id=req.organisation_id,
                context={**anonymous_request(req), "name": match.volunteer.first_name,
                         "distance_km": f"{float(match.distance_km or 0):.1f}".replace(".", ","),
                         "link": accept_link(token), "link_days": days,
                         "organisation_name": organisation})
    return matches


# -- answering -------------------------------------------------------------------------------------

def match_for_token(session: Session, token: str) -> Match:
    """The match a signed accept link is for; LinkError for an expired or tampered link."""
    from security.links import LinkError

    data = read_token(PURPOSE, token, current_app.config["HULPREGIE_LINK_DAYS"])
    match = session.get(Match, data.get("match_id")) if isinstance(data, dict) else None
    if match is None:
        raise LinkError("Deze link hoort niet (meer) bij een hulpvraag. Neem contact op met de helpdesk.")
    return match


def _lock(session: Session, match: Match) -> tuple[Match, HelpRequest]:
    """Lock the request, then read it and the match again: two answers at once are handled
    one after the other, and the second sees what the first committed.

    The lock is a write that changes nothing: PostgreSQL then holds the request's row lock and
    SQLite its single write lock, both until commit or rollback."""
    table = HelpRequest.__table__
    session.execute(sa.update(table).where(table.c.id == match.help_request_id)
                    .values(status=table.c.status))
    req = session.query(HelpRequest).filter_by(id=match.help_request_id).populate_existing().one()
    match = session.query(Match).filter_by(id=match.id).populate_existing().one()
    return match, req


def _check_open(match: Match, req: HelpRequest, channel: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if match.responded_at is not None:
        raise TransitionError(USED)
    if match.status == MatchStatus.taken or (
            req.status != RequestStatus.put_out and req.matched_at is not None):
        raise TransitionError(TAKEN)
    if match.status != MatchStatus.proposed or req.status != RequestStatus.put_out:
        raise TransitionError(CLOSED)


def decline(session: Session, match: Match, *, by: Actor, channel: str = "link") -> Match:
    """The volunteer cannot take it: proposed → declined (the link is used up)."""
    match, req = _lock(session, match)
    _check_open(match, req, channel)
    now = utcnow()
    match.status = MatchStatus.declined
    match.responded_at = now
    match.response_channel = channel
    with acting(by):
        session.flush()
        record(session, "match.decline", "Match", match.id)
    return match


def _partner_contacts(session: Session, organisation_id: int, partner_id: int | None) -> list[str]:
    if partner_id is None:
        return []
    return [email for _, email in staff_addresses(session, organisation_id, "PartnerContact",
                                                   partner_id=partner_id)]


def accept(session: Session, match: Match, *, by: Actor, channel: str = "link",
           today: dt.date | None = None) -> Match:
    """The volunteer takes the request. The first acceptance makes the match; any later one
    raises TransitionError(TAKEN). Mails: the others (taken), the requester (confirmation),
    the volunteer (the requester's contact details, only now), the partner (anonymous)."""
    match, req = _lock(session, match)
    _check_open(match, req, channel)
    now = utcnow()
    today = today or dt.date.today()
    match.status = MatchStatus.accepted
    match.responded_at = match.accepted_at = match.matched_at = now
    match.response_channel = channel
    match.feedback_due_on = today + dt.timedelta(
        days=current_app.config["HULPREGIE_FEEDBACK_AFTER_DAYS"])
    move(session, req, RequestStatus.matched, by=by)
    others = (session.query(Match).filter(Match.help_request_id == req.id, Match.id != match.id,
                                          Match.status == MatchStatus.proposed).all())
    for other in others:
        other.status = MatchStatus.taken
    with acting(by):
        session.flush()
        record(session, "match.accept", "Match", match.id)
        for other in others:
            record(session, "match.taken", "Match", other.id)

    organisation = _organisation_name(session, req.organisation_id)
    about = anonymous_request(req)
    common = {"organisation_name": organisation, **about}
    volunteer = match.volunteer
    for other in others:
        enqueue(session, template="match_taken", recipient=other.volunteer.email,
                dedupe_key=f"match-taken:{other.id}", organisation_id=req.organisation_id,
                context={**common, "name": other.volunteer.first_name})
    enqueue(session, template="match_confirmed_requester", recipient=req.requester_email,
            dedupe_key=f"match-confirmed:{match.id}", organisation_id=req.organisation_id,
            context={**common, "name": req.requester_name,
                     "volunteer_first_name": volunteer.first_name})
    enqueue(session, template="match_details_volunteer", recipient=volunteer.email,
            dedupe_key=f"match-details:{match.id}", organisation_id=req.organisation_id,
            context={**common, "name": volunteer.first_name,
                     "requester_name": req.requester_name,
                     "requester_phone": req.requester_phone,
                     "requester_email": req.requester_email,
                     "requester_address": req.requester_address})
    for address in _partner_contacts(session, match.organisation_id, volunteer.partner_id):
        enqueue(session, template="match_report_partner", recipient=address,
                dedupe_key=f"match-report:{match.id}:{address.lower()}"[:160],
                organisation_id=req.organisation_id,
                context={"organisation_name": organisation, "category": about["category"],
                         "town": about["town"], "date": today.strftime("%d-%m-%Y"),
                         "partner_name": volunteer.partner.name if volunteer.partner else ""})
    return match
