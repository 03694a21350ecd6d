"""One-month feedback on a match: the scheduled mails and the answers.

``ask_feedback(now)`` (scheduler job ``match_feedback``): for every accepted or completed match
whose ``feedback_due_on`` has come and that was not asked yet, queue a ``feedback_request`` mail
with a signed link (``make_token("feedback", match_id=…, respondent=…)``) to the requester (when
he gave an e-mail address), the volunteer, and the contact of the volunteer's partner (anonymous
wording), set ``feedback_asked_at`` and move the request to ``feedback_asked``. Exactly once:
the match is marked and every mail has the outbox key ``feedback:<match_id>:<respondent>``.

``record_feedback(session, match, respondent, answers)`` stores one respondent's answers, once.
"More or other help needed" becomes a Concern (kind more_help) for the helpdesk to follow up.
Closing the request stays with the helpdesk (workflows/helpdesk.py ``close``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import Session

from app.concerns.models import ConcernKind
from app.core.models import utcnow
from app.core.validation import FieldError
from app.extensions import db
from app.helpdesk.models import Feedback, Match, MatchStatus, RequestStatus, Respondent
from app.organisations.models import Organisation
from security.audit import Actor, current_actor, record
from security.links import LinkError, make_token, read_token
from workflows import concerns
from app.core.errors import TransitionError
from workflows.helpdesk import acting, move
from infra.notify import enqueue, public_url, staff_addresses
from workflows.privacy.restrictions import restricted_ids

LOCAL = ZoneInfo("Europe/Amsterdam")
PURPOSE = "feedback"
ASKABLE = (MatchStatus.accepted, MatchStatus.completed)
ALREADY_ANSWERED = "U hebt deze vragen al beantwoord. Dank u wel!"
FREQUENCIES = {
    "once": "Eén keer",
    "few": "Een paar keer",
    "weekly": "Ongeveer elke week",
    "more": "Vaker dan elke week",
    "not_yet": "Nog niet",
}


def local_date(now: dt.datetime) -> dt.date:
    """The Dutch calendar date of a naive UTC timestamp."""
    return now.replace(tzinfo=dt.UTC).astimezone(LOCAL).date()


def feedback_link(token: str) -> str:
    return public_url(f"/feedback/{token}")


def _partner_contact_email(session: Session, organisation_id: int, partner) -> str | None:
    """The e-mail of the partner's contact: its first PartnerContact login, else the partner's."""
    if partner is None:
        return None
    found = staff_addresses(session, organisation_id, "PartnerContact", partner_id=partner.id)
    return found[0][1] if found else partner.email


def recipients(session: Session, match: Match) -> dict[Respondent, tuple[str, str]]:
    """respondent -> (e-mail address, greeting name) of whoever can be asked."""
    req, volunteer = match.help_request, match.volunteer
    found = {}
    if req.requester_email:
        found[Respondent.requester] = (req.requester_email, req.requester_name)
    if volunteer.email:
        found[Respondent.volunteer] = (volunteer.email, volunteer.first_name)
    partner_email = _partner_contact_email(session, match.organisation_id, volunteer.partner)
    if partner_email:
        found[Respondent.partner] = (partner_email, volunteer.partner.contact_name or "")
    return found


def ask(session: Session, match: Match, *, by: Actor) -> int:
    """Queue the feedback mails of one match and mark it asked; the number of mails queued."""
    if match.feedback_asked_at is not None:
        raise TransitionError("Voor deze koppeling is al om feedback gevraagd.")
    if match.status not in ASKABLE:
        raise TransitionError(f"Een koppeling met status '{match.status}' krijgt geen feedback.")
    req = match.help_request
    organisation = session.get(Organisation, match.organisation_id)
    days = current_app.config["HULPREGIE_LINK_DAYS"]
    queued = 0
    for respondent, (address, name) in recipients(session, match).items():
        token = make_token(PURPOSE, match_id=match.id, respondent=respondent.name)
        message = enqueue(
            session, template="feedback_request", recipient=address,
            dedupe_key=f"feedback:{match.id}:{respondent.name}",
            organisation_id=match.organisation_id,
            context={"respondent": respondent.name, "name": name, "link": feedback_link(token),
                     "link_days": days,
                     "category": req.category.name if req.category else None,
                     "organisation_name": organisation.name if organisation else None})
        queued += message is not None
    match.feedback_asked_at = utcnow()
    with acting(by):
        if req.status == RequestStatus.matched:
            move(session, req, RequestStatus.done, by=by)
        if req.status == RequestStatus.done:
            move(session, req, RequestStatus.feedback_asked, by=by)
        session.flush()
        record(session, "match.feedback_ask", "Match", match.id)
    return queued


def due(session: Session, today: dt.date):
    return (session.query(Match)
            .filter(Match.status.in_(ASKABLE), Match.feedback_due_on <= today,
                    Match.feedback_asked_at.is_(None))
            .order_by(Match.id))


def ask_feedback(now: dt.datetime) -> dict:
    """The scheduler job: ask feedback for every match that is due today."""
    session = db.session
    by = current_actor()
    counts = {"matches": 0, "mails": 0}
    restricted = restricted_ids(session, "HelpRequest")  # AVG art. 18: not processed now
    for match in due(session, local_date(now)).all():
        if match.help_request_id in restricted:
            continue
        counts["mails"] += ask(session, match, by=by)
        counts["matches"] += 1
    return counts


# -- answers --------------------------------------------------------------------------------------

def read_link(session: Session, token: str) -> tuple[Match, Respondent]:
    """The match and respondent of a feedback link; LinkError (Dutch) when it cannot be used."""
    data = read_token(PURPOSE, token, current_app.config["HULPREGIE_LINK_DAYS"])
    respondent = Respondent.__members__.get(str(data.get("respondent")))
    match = session.get(Match, data.get("match_id")) if isinstance(data.get("match_id"), int) else None
    if match is None or respondent is None:
        raise LinkError("Deze link is ongeldig. Controleer of u de hele link hebt gebruikt.")
    if answered(session, match, respondent):
        raise LinkError(ALREADY_ANSWERED)
    return match, respondent


def answered(session: Session, match: Match, respondent: Respondent) -> bool:
    return session.query(Feedback.id).filter_by(
        match_id=match.id, respondent=respondent).first() is not None


def _text(answers: dict, name: str, limit: int) -> str | None:
    value = (answers.get(name) or "").strip()
    return value[:limit] or None


def record_feedback(session: Session, match: Match, respondent: Respondent | str, answers: dict,
                    *, by: Actor | None = None, today: dt.date | None = None) -> Feedback:
    """Store one respondent's answers (once) and turn a need for more help into a Concern.

    ``answers``: help_frequency (a key of FREQUENCIES), attention_points, more_help_needed
    (bool), more_help_details, rating (1–5, optional), comment.
    """
    respondent = respondent if isinstance(respondent, Respondent) else Respondent[respondent]
    by = by or Actor(None, f"feedback ({respondent.name})", match.organisation_id)
    if answered(session, match, respondent):
        raise TransitionError(ALREADY_ANSWERED)
    frequency = answers.get("help_frequency") or None
    if frequency is not None and frequency not in FREQUENCIES:
        raise FieldError("help_frequency", "Kies bij 'Hoe vaak is er geholpen?' een van de antwoorden")
    more = answers.get("more_help_needed")
    if more is None:
        raise FieldError("more_help_needed", "Kies bij 'Is er meer of andere hulp nodig?' ja of nee")
    details = _text(answers, "more_help_details", 2000)
    if more and not details:
        raise FieldError("more_help_details", "Vertel bij 'Welke hulp is nodig?' wat er nodig is")
    rating = answers.get("rating")
    if rating in ("", None):
        rating = None
    else:
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise FieldError("rating", "De waardering is een cijfer van 1 tot en met 5")
    comment = _text(answers, "comment", 2000)
    if details:
        comment = f"Meer of andere hulp nodig: {details}" + (f"\n\n{comment}" if comment else "")
    feedback = Feedback(
        match_id=match.id, respondent=respondent, organisation_id=match.organisation_id,
        help_frequency=FREQUENCIES[frequency] if frequency else None,
        attention_points=_text(answers, "attention_points", 2000),
        more_help_needed=bool(more), rating=rating, comment=comment)
    session.add(feedback)
    with acting(by):
        session.flush()
        record(session, "feedback.receive", "Feedback", feedback.id)
        if more:
            concerns.raise_concern(
                session, by=by, kind=ConcernKind.more_help, help_request=match.help_request,
                description=f"Uit de feedback van de {str(respondent).lower()} op koppeling "
                            f"{match.id}: meer of andere hulp nodig. {details}",
                today=today)
    return feedback
