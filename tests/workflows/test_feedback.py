"""One-month feedback (workflows/helpdesk/feedback.py, /feedback/<token>) and concerns
(workflows/concerns.py), on SQLite and PostgreSQL, with mail over a real SMTP server."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time

import itsdangerous
import pytest

from app.concerns.models import Concern, ConcernKind, ConcernStatus
from app.consents.models import Consent, ConsentPurpose
from app.core.models import utcnow
from app.helpdesk.models import Feedback, HelpRequest, Match, MatchStatus
from app.helpdesk.models import RequestStatus as S
from app.notifications.models import Notification
from app.partners.models import Partner, PartnerKind
from security.audit import Actor, AuditEvent
from security.links import make_token
from tests.conftest import login
from tests.support import factories
from tests.support.fixtures import org_id
from workflows import concerns, helpdesk
from workflows.helpdesk import feedback
from infra import outbox
from app.core.errors import TransitionError

_seq = itertools.count(1)
LINK = re.compile(r"/feedback/(\S+)")


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="helpdesk_a")
    return Actor(user.id, user.username, org_id("a"), "Helpdesk")


def unique(name: str) -> str:
    return f"{name}-{next(_seq)}-{time.time_ns()}"


def matched_request(db, by, org="a", email=True) -> HelpRequest:
    tag = unique("vrager")
    data = {"requester_name": f"Hulpvrager {tag}", "requester_phone": "0612345678",
            "description": "Boodschappen doen", "pc4": "3511"}
    if email:
        data["requester_email"] = f"{tag}@example.org"
    req = helpdesk.receive(db.session, organisation=org_id(org), channel="phone", data=data, by=by)
    for step in (S.intake, S.accepted, S.put_out, S.matched):
        helpdesk.move(db.session, req, step, by=by)
    db.session.commit()
    return req


def make_match(db, by, *, due_on: dt.date, org="a", partner=True) -> Match:
    """A request matched to a volunteer (of a partner with its own address) on ``due_on - 30``."""
    req = matched_request(db, by, org)
    partner_row = None
    if partner:
        partner_row = Partner(name=unique("Testkerk"), kind=PartnerKind.church,
                              email=f"{unique('kerk')}@example.org", contact_name="Ds. Jansen",
                              organisation_id=org_id(org))
        db.session.add(partner_row)
        db.session.commit()
    volunteer = factories.volunteer(org, partner_row.name if partner_row else None,
                                    email=f"{unique('vrijwilliger')}@example.org")
    match = Match(help_request_id=req.id, volunteer_id=volunteer.id, status=MatchStatus.accepted,
                  accepted_at=utcnow() - dt.timedelta(days=30), feedback_due_on=due_on,
                  organisation_id=req.organisation_id)
    db.session.add(match)
    db.session.commit()
    return match


def queued(db, match) -> list[Notification]:
    return db.session.query(Notification).filter(
        Notification.dedupe_key.like(f"feedback:{match.id}:%")).all()


def addresses(match) -> dict[str, str]:
    return {"requester": match.help_request.requester_email, "volunteer": match.volunteer.email,
            "partner": match.volunteer.partner.email}


def feedback_mails(smtp, address):
    return [m for m in smtp.to(address) if str(m["Subject"]).startswith("Hoe gaat het met de hulp")]


def run_job(db, now):
    result = feedback.ask_feedback(now)
    db.session.commit()
    return result


# -- the scheduled job ----------------------------------------------------------------------------

def test_feedback_mail_goes_out_once_on_the_due_date(db, by, smtp):
    now = utcnow()
    today = feedback.local_date(now)
    match = make_match(db, by, due_on=today + dt.timedelta(days=1))

    run_job(db, now)  # a day early: nothing
    assert queued(db, match) == [] and match.feedback_asked_at is None

    run_job(db, now + dt.timedelta(days=1))  # due: one mail per respondent
    assert sorted(n.dedupe_key for n in queued(db, match)) == [
        f"feedback:{match.id}:partner", f"feedback:{match.id}:requester",
        f"feedback:{match.id}:volunteer"]
    assert match.feedback_asked_at is not None
    assert match.help_request.status is S.feedback_asked
    assert db.session.query(AuditEvent).filter_by(
        resource="Match", record_id=str(match.id), action="match.feedback_ask").count() == 1

    run_job(db, now + dt.timedelta(days=2))  # twice: nothing new
    assert len(queued(db, match)) == 3
    outbox.deliver_due()
    outbox.deliver_due()
    for respondent, address in addresses(match).items():
        smtp.wait_for(address)
        mails = feedback_mails(smtp, address)
        assert len(mails) == 1, respondent
        body = smtp.text(mails[0])
        assert LINK.search(body), body
    partner_body = smtp.text(feedback_mails(smtp, match.volunteer.partner.email)[0])
    assert match.help_request.requester_name not in partner_body  # anonymous for the partner
    assert "Boodschappen" not in partner_body


def test_requester_without_email_is_not_mailed(db, by):
    match = make_match(db, by, due_on=feedback.local_date(utcnow()), partner=False)
    match.help_request.requester_email = None
    db.session.commit()
    run_job(db, utcnow())
    assert [n.dedupe_key for n in queued(db, match)] == [f"feedback:{match.id}:volunteer"]


def test_partner_contact_login_gets_the_partner_mail(app, db, by):
    kerk = db.session.query(Partner).filter_by(name="Kerk A").one()
    assert feedback._partner_contact_email(db.session, kerk.organisation_id, kerk) == "partnercontact_a@example.org"


def test_job_is_in_the_scheduler_table_before_the_outbox():
    from infra.scheduler import JOBS

    names = [job.name for job in JOBS]
    assert names.index("match_feedback") < names.index("outbox")


# -- the form behind the link -------------------------------------------------------------------

def _token(match, respondent="requester"):
    return make_token("feedback", match_id=match.id, respondent=respondent)


ANSWERS = {"help_frequency": "weekly", "attention_points": "Trap is steil",
           "more_help_needed": "ja", "more_help_details": "Ook hulp bij formulieren",
           "rating": "4", "comment": "Fijne vrijwilliger"}


def test_the_link_opens_the_form_once_and_more_help_becomes_a_concern(app, db, by, smtp):
    match = make_match(db, by, due_on=feedback.local_date(utcnow()))
    run_job(db, utcnow())
    outbox.deliver_due()
    smtp.wait_for(match.help_request.requester_email, count=2)
    mail = feedback_mails(smtp, match.help_request.requester_email)[0]
    token = LINK.search(smtp.text(mail)).group(1)
    client = app.test_client()

    page = client.get(f"/feedback/{token}")
    assert page.status_code == 200 and "Hoe vaak is er geholpen?" in page.text
    assert 'name="csrf_token"' in page.text

    refused = client.post(f"/feedback/{token}", data={**ANSWERS, "more_help_needed": ""})
    assert refused.status_code == 400 and "Is er meer of andere hulp nodig?" in refused.text

    done = client.post(f"/feedback/{token}", data=ANSWERS)
    assert done.status_code == 200 and "Dank u wel" in done.text
    answer = db.session.query(Feedback).filter_by(match_id=match.id).one()
    assert answer.respondent.name == "requester" and answer.rating == 4
    assert answer.help_frequency == "Ongeveer elke week" and answer.more_help_needed is True
    assert answer.attention_points == "Trap is steil"

    concern = db.session.query(Concern).filter_by(help_request_id=match.help_request_id).one()
    assert concern.kind is ConcernKind.more_help and concern.status is ConcernStatus.open
    assert concern.follow_up_on == utcnow().date() + dt.timedelta(days=7)
    assert "Ook hulp bij formulieren" in concern.description

    again = client.get(f"/feedback/{token}")
    assert again.status_code == 410 and "al beantwoord" in again.text
    resent = client.post(f"/feedback/{token}", data=ANSWERS)
    assert resent.status_code == 410
    assert db.session.query(Feedback).filter_by(match_id=match.id).count() == 1


def test_a_second_answer_is_refused_by_the_workflow(db, by):
    match = make_match(db, by, due_on=feedback.local_date(utcnow()), partner=False)
    feedback.record_feedback(db.session, match, "volunteer", {"more_help_needed": False})
    db.session.commit()
    with pytest.raises(TransitionError, match="U hebt deze vragen al beantwoord"):
        feedback.record_feedback(db.session, match, "volunteer", {"more_help_needed": False})
    db.session.rollback()
    assert db.session.query(Concern).filter_by(help_request_id=match.help_request_id).count() == 0


def test_tampered_link_is_refused(app, db, by):
    match = make_match(db, by, due_on=feedback.local_date(utcnow()), partner=False)
    token = _token(match)
    resp = app.test_client().get(f"/feedback/{token[:-3]}xyz")
    assert resp.status_code == 400 and "Deze link is ongeldig" in resp.text
    # A token for another purpose does not open the feedback form either.
    other = make_token("accept", match_id=match.id)
    assert app.test_client().get(f"/feedback/{other}").status_code == 400


def test_expired_link_is_refused(app, db, by, monkeypatch):
    match = make_match(db, by, due_on=feedback.local_date(utcnow()), partner=False)
    days = app.config["HULPREGIE_LINK_DAYS"]
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: real(self) - (days + 1) * 86400)
    token = _token(match, "volunteer")
    monkeypatch.undo()
    resp = app.test_client().get(f"/feedback/{token}")
    assert resp.status_code == 400 and "Deze link is verlopen" in resp.text


# -- concerns -------------------------------------------------------------------------------------

def test_referral_to_the_neighbourhood_team_needs_consent(db, by):
    req = matched_request(db, by)
    concern = concerns.raise_concern(db.session, by=by, kind="loneliness",
                                     description="Zit veel alleen thuis", help_request=req)
    db.session.commit()
    assert concern.follow_up_on == utcnow().date() + dt.timedelta(days=7)
    with pytest.raises(TransitionError, match="Zonder toestemming"):
        concerns.refer_to_neighbourhood_team(db.session, concern, by=by, consent_form=None)
    db.session.rollback()
    assert req.referrals == []

    referral = concerns.refer_to_neighbourhood_team(db.session, concern, by=by, consent_form="oral")
    db.session.commit()
    assert referral.organisation_name == "Wijkteam" and referral.partner_id is None
    consent = db.session.query(Consent).filter_by(help_request_id=req.id).one()
    assert consent.purpose is ConsentPurpose.partner_sharing and consent.form.name == "oral"
    assert concern.status is ConcernStatus.in_progress


def test_referral_goes_to_the_partner_that_is_the_neighbourhood_team(db, app):
    user = app.appbuilder.sm.find_user(username="helpdesk_b")
    by_b = Actor(user.id, user.username, org_id("b"), "Helpdesk")
    name = "Wijkteam Noord (test)"
    team = db.session.query(Partner).filter_by(name=name).one_or_none()
    if team is None:
        team = Partner(name=name, kind=PartnerKind.neighbourhood_team, organisation_id=org_id("b"))
        db.session.add(team)
        db.session.commit()
    req = matched_request(db, by_b, org="b")
    concern = concerns.raise_concern(db.session, by=by_b, kind="poverty",
                                     description="Geen geld voor eten", help_request=req)
    referral = concerns.refer_to_neighbourhood_team(db.session, concern, by=by_b,
                                                    consent_form="written")
    db.session.commit()
    assert referral.partner_id == team.id


def test_resolve_needs_a_resolution_and_happens_once(db, by):
    req = matched_request(db, by)
    concern = concerns.raise_concern(db.session, by=by, kind="neglect",
                                     description="Huis raakt vervuild", help_request=req)
    db.session.commit()
    with pytest.raises(ValueError, match="Opvolging"):
        concerns.resolve(db.session, concern, by=by, resolution=" ")
    concerns.resolve(db.session, concern, by=by, resolution="Gebeld; gaat beter")
    db.session.commit()
    assert concern.status is ConcernStatus.resolved and concern.resolved_at is not None
    with pytest.raises(TransitionError):
        concerns.resolve(db.session, concern, by=by, resolution="Nog eens")
    db.session.rollback()


def test_helpdesk_follows_up_due_concerns_in_the_screens(app, db, by):
    req = matched_request(db, by)
    concern = concerns.raise_concern(db.session, by=by, kind="loneliness", help_request=req,
                                     description="Alleen", follow_up_on=utcnow().date())
    later = concerns.raise_concern(db.session, by=by, kind="poverty", help_request=req,
                                   description="Later kijken")
    db.session.commit()
    client = login(app.test_client(), "helpdesk_a")
    listing = client.get("/concernfollowupview/list/?psize_ConcernFollowUpView=100")
    assert listing.status_code == 200
    assert f"/concernfollowupview/show/{concern.id}" in listing.text
    assert f"/concernfollowupview/show/{later.id}" not in listing.text

    page = client.get(f"/concernview/opvolgen/{concern.id}")
    assert page.status_code == 200 and "Doorverwijzen naar" in page.text
    refused = client.post(f"/concernview/opvolgen/{concern.id}",
                          data={"action": "refer", "consent_form": "", "confirm": "yes"},
                          follow_redirects=True)
    assert "Zonder toestemming" in refused.text
    done = client.post(f"/concernview/opvolgen/{concern.id}",
                       data={"action": "resolve", "resolution": "Bezoek geregeld"},
                       follow_redirects=True)
    assert done.status_code == 200 and "afgehandeld" in done.text
    db.session.expire_all()
    assert db.session.get(Concern, concern.id).status is ConcernStatus.resolved


def test_follow_up_page_is_scoped_to_the_organisation(app, db, by):
    concern = concerns.raise_concern(db.session, by=by, kind="loneliness",
                                     help_request=matched_request(db, by), description="Alleen")
    db.session.commit()
    client = login(app.test_client(), "coach_b")
    assert client.get(f"/concernview/opvolgen/{concern.id}").status_code == 404
