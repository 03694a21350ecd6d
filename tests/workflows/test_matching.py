"""Matching (workflows/helpdesk/matching.py and app/helpdesk/matching_views.py), on SQLite and PostgreSQL:
ranking against a brute-force reference, VOG gating, availability and the monthly maximum,
putting out and accepting by signed link, the mails, and two acceptances at once."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import threading
import uuid

import pytest
from itsdangerous.timed import TimestampSigner

from app.core import geo
from app.core.models import utcnow
from app.helpdesk.models import (
    HelpRequest,
    Match,
    MatchStatus,
    PartOfDay,
    RequestStatus,
)
from app.organisations.models import Organisation
from app.partners.models import Partner
from app.vog.models import VogCheck, VogStatus
from app.volunteers.models import (
    CategoryGroup,
    HelpCategory,
    Volunteer,
    VolunteerStatus,
)
from security.audit import Actor
from security.links import make_token
from tests.conftest import login
from tests.support.fixtures import org_id
from workflows.helpdesk import matching
from app.core.errors import TransitionError
from infra.outbox import deliver_due

_seq = itertools.count(1)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TODAY = dt.date.today()


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="helpdesk_a")
    return Actor(user.id, user.username, org_id("a"), "Helpdesk")


@pytest.fixture
def limiter(app):
    app.appbuilder.sm.limiter.reset()
    yield
    app.appbuilder.sm.limiter.reset()


def category(db, name: str) -> HelpCategory:
    found = db.session.query(HelpCategory).filter_by(name=name).one_or_none()
    if found is None:
        found = HelpCategory(name=name, group=CategoryGroup.practical)
        db.session.add(found)
        db.session.commit()
    return found


def new_org(db) -> int:
    org = Organisation(name=f"Matchingtest {uuid.uuid4().hex[:10]}", pc4="3511")
    db.session.add(org)
    db.session.commit()
    return org.id


def vog(volunteer: Volunteer, kind: str) -> None:
    """valid | expired | refused | unverified | none"""
    if kind == "none":
        return
    issued = TODAY - dt.timedelta(days=1200 if kind == "expired" else 30)
    volunteer.vog_checks.append(VogCheck(
        organisation_id=volunteer.organisation_id,
        status=VogStatus.refused if kind == "refused" else VogStatus.received,
        requested_on=issued - dt.timedelta(days=14), issued_on=issued,
        verified_on=None if kind == "unverified" else issued + dt.timedelta(days=3),
        expires_on=TODAY - dt.timedelta(days=5) if kind == "expired" else TODAY + dt.timedelta(days=900)))


def volunteer(db, org: int, pc4: str, categories, *, check: str = "valid", commit=True,
              **kw) -> Volunteer:
    n = next(_seq)
    values = {"max_distance_km": 10, "max_per_month": 4, "status": VolunteerStatus.approved, **kw}
    item = Volunteer(first_name=f"Vrijwilliger{n}", last_name=f"Matchtest{n}", pc4=pc4,
                     organisation_id=org, categories=list(categories), **values)
    vog(item, check)
    db.session.add(item)
    if commit:
        db.session.commit()
    return item


def help_request(db, org: int, pc4: str, cat, *, status=RequestStatus.accepted, commit=True,
                 **kw) -> HelpRequest:
    n = next(_seq)
    values = {"requester_name": f"Henk Hulpvrager{n}", "requester_phone": "0611122233",
              "description": "Een lamp ophangen in de woonkamer", **kw}
    req = HelpRequest(organisation_id=org, status=status, pc4=pc4, category=cat, **values)
    db.session.add(req)
    if commit:
        db.session.commit()
    return req


def accepted_match(db, volunteer_: Volunteer, at: dt.datetime, status=MatchStatus.accepted):
    past = help_request(db, volunteer_.organisation_id, volunteer_.pc4, None,
                        status=RequestStatus.matched, commit=False)
    db.session.add(Match(organisation_id=volunteer_.organisation_id, help_request=past,
                         volunteer=volunteer_, status=status, accepted_at=at))


def this_month(day: int = 1) -> dt.datetime:
    return dt.datetime(TODAY.year, TODAY.month, day, 12)


# -- the brute-force reference --------------------------------------------------------------------

def reference(db, req: HelpRequest, today: dt.date, limit: int) -> list[tuple[int, float]]:
    """Every volunteer of the organisation, every rule in plain Python, every distance."""
    start = dt.datetime(today.year, today.month, 1)
    end = dt.datetime(today.year + (today.month == 12), today.month % 12 + 1, 1)
    origin = geo.centroid(req.pc4)
    offered = {m.volunteer_id for m in db.session.query(Match).filter_by(help_request_id=req.id)}
    found = []
    for v in db.session.query(Volunteer).filter_by(organisation_id=req.organisation_id):
        if v.status is not VolunteerStatus.approved or v.id in offered:
            continue
        if not any(c.status is VogStatus.received and c.verified_on is not None
                   and c.expires_on is not None and c.expires_on > today for c in v.vog_checks):
            continue
        if req.category_id is not None and req.category_id not in {c.id for c in v.categories}:
            continue
        days = [d for d in (v.available_days or "").split(",") if d]
        if req.wanted_on is not None and days and DAYS[req.wanted_on.weekday()] not in days:
            continue
        parts = [p for p in (v.available_parts or "").split(",") if p]
        if req.wanted_part is not None and parts and req.wanted_part.name not in parts:
            continue
        used = db.session.query(Match).filter(
            Match.volunteer_id == v.id, Match.status.in_([MatchStatus.accepted, MatchStatus.completed]),
            Match.accepted_at >= start, Match.accepted_at < end).count()
        if used >= v.max_per_month:
            continue
        place = geo.centroid(v.pc4)
        if place is None:
            continue
        d = geo.haversine_km(origin.lat, origin.lon, place.lat, place.lon)
        if d <= v.max_distance_km:
            found.append((d, v.id))
    found.sort()
    return [(vid, d) for d, vid in found[:limit]]


def test_rank_equals_the_brute_force_reference_on_random_data(app, db):
    rng = random.Random(20260)
    org = new_org(db)
    cats = [category(db, f"Willekeurig {i}") for i in range(3)]
    index = geo.index()
    codes = sorted(index.places)
    pools = [list(index.within(centre, 30)) for centre in ("3511", "1012", "9711", "6211")]
    pool = [c for p in pools for c in p] + rng.sample(codes, 200)
    people = []
    for _ in range(400):
        days = ",".join(sorted(rng.sample(DAYS, rng.randint(1, 4)), key=DAYS.index)) \
            if rng.random() < 0.4 else None
        parts = ",".join(rng.sample(["morning", "afternoon", "evening"], rng.randint(1, 2))) \
            if rng.random() < 0.3 else None
        people.append(volunteer(
            db, org, rng.choice(pool), rng.sample(cats, rng.randint(1, 3)), commit=False,
            check=rng.choices(["valid", "expired", "refused", "unverified", "none"],
                              [70, 10, 5, 5, 10])[0],
            status=rng.choices(list(VolunteerStatus), [5, 5, 80, 5, 5])[0],
            available_days=days, available_parts=parts,
            max_distance_km=rng.choice((1, 2, 3, 5, 8, 10, 15, 25, 40, 100)),
            max_per_month=rng.randint(1, 3)))
    db.session.flush()
    last_month = this_month() - dt.timedelta(days=3)
    for v in rng.sample(people, 120):
        for _ in range(rng.randint(1, 3)):
            accepted_match(db, v, rng.choice((this_month(), last_month)),
                           rng.choice((MatchStatus.accepted, MatchStatus.completed,
                                       MatchStatus.declined)))
    requests = []
    for i in range(14):
        req = help_request(db, org, rng.choice(pool), rng.choice(cats + [None]), commit=False,
                           wanted_on=TODAY + dt.timedelta(days=rng.randint(0, 13))
                           if rng.random() < 0.7 else None,
                           wanted_part=rng.choice(list(PartOfDay)) if rng.random() < 0.5 else None)
        requests.append(req)
        if i % 3 == 0:
            db.session.flush()
            for v in rng.sample(people, 40):
                db.session.add(Match(organisation_id=org, help_request=req, volunteer=v,
                                     status=MatchStatus.proposed, offered_at=utcnow()))
    db.session.commit()
    compared = 0
    for req in requests:
        for limit in (10, 1000):
            got = matching.rank(db.session, req, today=TODAY, limit=limit)
            want = reference(db, req, TODAY, limit)
            assert [c.volunteer.id for c in got] == [vid for vid, _ in want], (req.pc4, limit)
            assert [c.distance_km for c in got] == pytest.approx([d for _, d in want], abs=0.006)
            compared += len(want)
    assert compared > 100  # the data set is not trivially empty


# -- the rules one by one -----------------------------------------------------------------------------

def near(code: str, lo: float, hi: float) -> str:
    return next(c for c, d in sorted(geo.index().within(code, hi).items(), key=lambda x: x[1])
                if d > lo)


def ids(candidates):
    return [c.volunteer.id for c in candidates]


def test_expired_or_missing_vog_never_appears(db):
    org = new_org(db)
    cat = category(db, "Testcategorie koppelen")
    valid = volunteer(db, org, "3511", [cat])
    others = [volunteer(db, org, "3511", [cat], check=kind)
              for kind in ("expired", "refused", "unverified", "none")]
    not_approved = volunteer(db, org, "3511", [cat], status=VolunteerStatus.registered)
    req = help_request(db, org, "3511", cat)
    got = ids(matching.rank(db.session, req, today=TODAY))
    assert got == [valid.id]
    for v in [*others, not_approved]:
        with pytest.raises(TransitionError, match="VOG|goedgekeurd"):
            matching.put_out(db.session, req, [v], by=Actor(None, "test"))
        db.session.rollback()


def test_category_distance_organisation_and_order(db):
    org = new_org(db)
    cat, other_cat = category(db, "Testcategorie koppelen"), category(db, "Testcategorie anders")
    at4 = near("3511", 3.5, 6)
    close = volunteer(db, org, "3511", [cat], max_distance_km=1)
    farther = volunteer(db, org, at4, [cat], max_distance_km=10)
    out_of_reach = volunteer(db, org, at4, [cat], max_distance_km=2)
    wrong_category = volunteer(db, org, "3511", [other_cat])
    other_org = volunteer(db, org_id("b"), "3511", [cat])
    req = help_request(db, org, "3511", cat)
    got = matching.rank(db.session, req, today=TODAY)
    assert ids(got) == [close.id, farther.id]
    assert got[0].distance_km == 0 and 3.5 < got[1].distance_km <= 6
    assert not {out_of_reach.id, wrong_category.id, other_org.id} & set(ids(got))
    assert ids(matching.rank(db.session, req, today=TODAY, limit=1)) == [close.id]
    unused = next(str(c) for c in range(1000, 10000) if str(c) not in geo.index().places)
    unknown = help_request(db, org, unused, cat)
    with pytest.raises(TransitionError, match="postcode"):
        matching.rank(db.session, unknown, today=TODAY)


def test_availability_and_monthly_maximum(db):
    org = new_org(db)
    cat = category(db, "Testcategorie koppelen")
    wednesday = TODAY + dt.timedelta(days=(2 - TODAY.weekday()) % 7)
    any_time = volunteer(db, org, "3511", [cat])
    weekdays = volunteer(db, org, "3511", [cat], available_days="wed,thu")
    mondays = volunteer(db, org, "3511", [cat], available_days="mon,tue")
    mornings = volunteer(db, org, "3511", [cat], available_parts="morning")
    evenings = volunteer(db, org, "3511", [cat], available_parts="afternoon,evening")
    full = volunteer(db, org, "3511", [cat], max_per_month=1)
    accepted_match(db, full, this_month())
    room = volunteer(db, org, "3511", [cat], max_per_month=2)
    accepted_match(db, room, this_month())
    accepted_match(db, room, this_month() - dt.timedelta(days=2))  # last month: not counted
    accepted_match(db, room, this_month(), status=MatchStatus.declined)  # never counted
    db.session.commit()
    req = help_request(db, org, "3511", cat, wanted_on=wednesday, wanted_part=PartOfDay.evening)
    got = set(ids(matching.rank(db.session, req, today=TODAY)))
    assert got == {any_time.id, weekdays.id, evenings.id, room.id}
    assert not {mondays.id, mornings.id, full.id} & got
    open_day = help_request(db, org, "3511", cat)
    assert {mondays.id, mornings.id} <= set(ids(matching.rank(db.session, open_day, today=TODAY)))


# -- put out, accept, mails -------------------------------------------------------------------------

def mail_volunteer(db, pc4: str, cat, **kw) -> Volunteer:
    tag = uuid.uuid4().hex[:8]
    return volunteer(db, org_id("a"), pc4, [cat], email=f"vrijwilliger.{tag}@example.org", **kw)


def link_path(text: str) -> str:
    found = re.search(r"https?://[^/\s]+(/koppeling/aannemen/\S+)", text)
    assert found, text
    return found.group(1)


def test_offer_is_anonymous_and_acceptance_brings_details_confirmation_and_report(
        app, db, client, smtp, by, limiter):
    cat = category(db, "Testcategorie koppelen")
    church = db.session.query(Partner).filter_by(name="Kerk A").one()
    tag = uuid.uuid4().hex[:8]
    first = mail_volunteer(db, near("3511", 0.5, 3), cat, partner_id=church.id)
    second = mail_volunteer(db, "3511", cat)
    req = help_request(db, org_id("a"), "3511", cat, requester_name=f"Henk Zonnebloem{tag}",
                       requester_email=f"henk.{tag}@example.org",
                       requester_address="Dorpsstraat 12, 3511 AA Utrecht",
                       wanted_on=TODAY + dt.timedelta(days=5))
    ranked = ids(matching.rank(db.session, req, today=TODAY, limit=1000))
    assert first.id in ranked and second.id in ranked
    matches = matching.put_out(db.session, req, [first, second], by=by)
    db.session.commit()
    assert req.status is RequestStatus.put_out and req.put_out_at is not None
    assert all(m.status is MatchStatus.proposed and m.offered_at for m in matches)
    assert matches[1].distance_km == 0 and matches[0].distance_km > 0
    assert first.id not in ids(matching.rank(db.session, req, today=TODAY, limit=1000))

    deliver_due()
    secret = [f"Zonnebloem{tag}", "0611122233", "+31611122233", "06 11122233",
              f"henk.{tag}", "Dorpsstraat"]
    offers = {}
    for v in (first, second):
        [mail] = smtp.to(v.email)
        text = smtp.text(mail)
        assert "Een lamp ophangen in de woonkamer" in text and "3511" in text
        assert not [s for s in secret if s in text], text
        offers[v.id] = link_path(text)

    page = client.get(offers[first.id])
    assert page.status_code == 200
    assert "Ik neem deze hulpvraag aan" in page.text and "Utrecht" in page.text
    assert not [s for s in secret if s in page.text]
    done = client.post(offers[first.id], data={"answer": "accept"})
    assert done.status_code == 200 and "Dank u wel" in done.text

    db.session.expire_all()
    won, lost = (db.session.get(Match, m.id) for m in matches)
    assert won.status is MatchStatus.accepted and won.response_channel == "link"
    assert won.accepted_at and won.responded_at
    assert won.feedback_due_on == TODAY + dt.timedelta(days=app.config["HULPREGIE_FEEDBACK_AFTER_DAYS"])
    assert lost.status is MatchStatus.taken and lost.responded_at is None
    req = db.session.get(HelpRequest, req.id)
    assert req.status is RequestStatus.matched and req.matched_at is not None

    smtp.clear()
    deliver_due()
    text = smtp.text
    [details] = smtp.to(first.email)
    body = text(details)
    assert f"Henk Zonnebloem{tag}" in body and f"henk.{tag}@example.org" in body
    assert "Dorpsstraat 12" in body and ("+31611122233" in body or "0611122233" in body)
    [confirmation] = smtp.to(f"henk.{tag}@example.org")
    assert first.first_name in text(confirmation)
    assert first.last_name not in text(confirmation)
    [taken] = smtp.to(second.email)
    assert "inmiddels aangenomen" in text(taken) and not [s for s in secret if s in text(taken)]
    [report] = smtp.to("partnercontact_a@example.org")
    body = text(report)
    assert "Testcategorie koppelen" in body and "Utrecht" in body
    assert not [s for s in [*secret, first.first_name, first.last_name, first.email] if s in body]

    again = client.get(offers[first.id])
    assert again.status_code == 410 and matching.USED in again.text
    other = client.get(offers[second.id])
    assert other.status_code == 410 and matching.TAKEN in other.text
    assert client.post(offers[second.id], data={"answer": "accept"}).status_code == 410


def test_signed_links_expired_tampered_reused_are_refused(app, db, client, by, monkeypatch,
                                                          limiter):
    cat = category(db, "Testcategorie koppelen")
    v = mail_volunteer(db, "3511", cat)
    req = help_request(db, org_id("a"), "3511", cat)
    [match] = matching.put_out(db.session, req, [v], by=by)
    db.session.commit()
    good = make_token("accept", match_id=match.id)

    days = app.config["HULPREGIE_LINK_DAYS"]
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: real(self) - (days + 1) * 86400)
    old = make_token("accept", match_id=match.id)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    resp = client.get(f"/koppeling/aannemen/{old}")
    assert resp.status_code == 400 and "verlopen" in resp.text
    assert client.post(f"/koppeling/aannemen/{old}", data={"answer": "accept"}).status_code == 400

    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    resp = client.get(f"/koppeling/aannemen/{tampered}")
    assert resp.status_code == 400 and "ongeldig" in resp.text
    wrong_purpose = make_token("feedback", match_id=match.id, respondent="volunteer")
    assert client.get(f"/koppeling/aannemen/{wrong_purpose}").status_code == 400
    missing = make_token("accept", match_id=99999999)
    assert client.get(f"/koppeling/aannemen/{missing}").status_code == 400

    resp = client.post(f"/koppeling/aannemen/{good}", data={"answer": "decline"})
    assert resp.status_code == 200 and "Fijn dat u het laat weten" in resp.text
    db.session.expire_all()
    assert db.session.get(Match, match.id).status is MatchStatus.declined
    reused = client.post(f"/koppeling/aannemen/{good}", data={"answer": "accept"})
    assert reused.status_code == 410 and matching.USED in reused.text
    assert db.session.get(HelpRequest, req.id).status is RequestStatus.put_out
    with pytest.raises(TransitionError, match="al gebruikt"):
        matching.accept(db.session, db.session.get(Match, match.id), by=by, channel="phone")
    db.session.rollback()


def test_the_accept_form_needs_csrf_and_is_rate_limited(app, db, client, by, limiter):
    cat = category(db, "Testcategorie koppelen")
    v = mail_volunteer(db, "3511", cat)
    req = help_request(db, org_id("a"), "3511", cat)
    [match] = matching.put_out(db.session, req, [v], by=by)
    db.session.commit()
    url = f"/koppeling/aannemen/{make_token('accept', match_id=match.id)}"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url, data={"answer": "accept"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Match, match.id).status is MatchStatus.proposed
    codes = [client.post(url, data={"answer": "nonsense"}).status_code for _ in range(11)]
    assert codes[:9] == [400] * 9 and codes[-1] == 429


def test_two_acceptances_at_once_exactly_one_wins(app, db, by):
    cat = category(db, "Testcategorie koppelen")
    volunteers = [mail_volunteer(db, "3511", cat) for _ in range(2)]
    req = help_request(db, org_id("a"), "3511", cat)
    match_ids = [m.id for m in matching.put_out(db.session, req, volunteers, by=by)]
    db.session.commit()
    barrier = threading.Barrier(2)
    results = {}

    def answer(match_id):
        from app.extensions import db as _db

        with app.app_context():
            session = _db.session
            match = session.get(Match, match_id)
            barrier.wait()
            try:
                matching.accept(session, match, by=Actor(None, "test"), channel="link")
                session.commit()
                results[match_id] = "won"
            except TransitionError as exc:
                session.rollback()
                results[match_id] = str(exc)

    threads = [threading.Thread(target=answer, args=(i,)) for i in match_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == sorted(["won", matching.TAKEN]), results
    db.session.expire_all()
    statuses = sorted(db.session.get(Match, i).status.name for i in match_ids)
    assert statuses == ["accepted", "taken"]
    assert db.session.get(HelpRequest, req.id).status is RequestStatus.matched
    # Sequentially, too: a later answer by phone loses.
    loser = next(i for i in match_ids if results[i] != "won")
    with pytest.raises(TransitionError, match="al door iemand anders"):
        matching.accept(db.session, db.session.get(Match, loser), by=by, channel="phone")
    db.session.rollback()


# -- the helpdesk screen ----------------------------------------------------------------------------

def test_helpdesk_searches_puts_out_and_records_a_phone_answer(app, db, client, smtp):
    cat = category(db, "Testcategorie koppelen")
    v1 = mail_volunteer(db, "3511", cat)
    v2 = mail_volunteer(db, near("3511", 0.5, 3), cat)
    expired = mail_volunteer(db, "3511", cat, check="expired")
    req = help_request(db, org_id("a"), "3511", cat)
    login(client, "helpdesk_a")
    page = client.get(f"/koppelen/{req.id}?n=50")
    assert page.status_code == 200
    assert str(v1) in page.text and str(v2) in page.text and str(expired) not in page.text
    assert "0,0 km" in page.text

    forged = client.post(f"/koppelen/{req.id}/uitzetten", data={"volunteer": [v1.id, expired.id]},
                         follow_redirects=True)
    assert "kunnen deze hulpvraag niet" in forged.text
    assert db.session.query(Match).filter_by(help_request_id=req.id).count() == 0

    resp = client.post(f"/koppelen/{req.id}/uitzetten", data={"volunteer": [v1.id, v2.id]},
                       follow_redirects=True)
    assert resp.status_code == 200 and "voorgelegd aan 2 vrijwilliger" in resp.text
    db.session.expire_all()
    matches = {m.volunteer_id: m for m in db.session.query(Match).filter_by(help_request_id=req.id)}
    assert set(matches) == {v1.id, v2.id}
    assert db.session.get(HelpRequest, req.id).status is RequestStatus.put_out

    resp = client.post(f"/koppelen/antwoord/{matches[v2.id].id}", data={"answer": "accept"},
                       follow_redirects=True)
    assert resp.status_code == 200 and "Vastgelegd" in resp.text
    db.session.expire_all()
    won = db.session.get(Match, matches[v2.id].id)
    assert won.status is MatchStatus.accepted and won.response_channel == "phone"
    assert db.session.get(Match, matches[v1.id].id).status is MatchStatus.taken
    assert client.get("/koppelen/99999999").status_code == 404


def test_only_the_helpdesk_may_match(app, db, client):
    cat = category(db, "Testcategorie koppelen")
    req = help_request(db, org_id("a"), "3511", cat)
    login(client, "projectleader_a")
    assert client.get(f"/koppelen/{req.id}").status_code in (302, 403)
    assert client.post(f"/koppelen/{req.id}/uitzetten", data={"volunteer": []}).status_code \
        in (302, 403)
    assert db.session.get(HelpRequest, req.id).status is RequestStatus.accepted
