"""The public feedback form (no login): ``/feedback/<token>`` from the one-month mail.

The signed link says which match and which respondent (requester, volunteer, partner); it
works once (workflows/helpdesk/feedback.py refuses a second answer) and for HULPREGIE_LINK_DAYS days.
CSRF comes from the app-wide CSRFProtect; posts are rate limited per client address.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.exc import IntegrityError

from app.core.validation import FieldError
from app.extensions import db
from security.links import LinkError
from workflows.helpdesk import feedback as wf
from app.core.errors import TransitionError

RATE_LIMIT = "10 per minute"

bp = Blueprint("feedback", __name__)

QUESTIONS = {  # field -> label, for the error summary and the form
    "help_frequency": "Hoe vaak is er geholpen?",
    "attention_points": "Is er iets waar wij op moeten letten?",
    "more_help_needed": "Is er meer of andere hulp nodig?",
    "more_help_details": "Welke hulp is nodig?",
    "rating": "Welk cijfer geeft u de hulp?",
    "comment": "Wilt u nog iets anders kwijt?",
}


def _answers(form) -> dict:
    more = form.get("more_help_needed")
    return {
        "help_frequency": form.get("help_frequency", ""),
        "attention_points": form.get("attention_points", ""),
        "more_help_needed": {"ja": True, "nee": False}.get(more),
        "more_help_details": form.get("more_help_details", ""),
        "rating": form.get("rating", ""),
        "comment": form.get("comment", ""),
    }


def _page(template: str, status: int = 200, **context):
    return render_template(template, questions=QUESTIONS, frequencies=wf.FREQUENCIES,
                           **context), status


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def form(token: str):
    session = db.session
    try:
        match, respondent = wf.read_link(session, token)
    except LinkError as exc:
        return _page("feedback/refused.html", 410 if wf.ALREADY_ANSWERED == str(exc) else 400,
                     message=str(exc))
    values, errors = {}, {}
    if request.method == "POST":
        values = request.form
        try:
            wf.record_feedback(session, match, respondent, _answers(request.form))
            session.commit()
            return _page("feedback/thanks.html")
        except FieldError as exc:
            session.rollback()
            errors[exc.field] = str(exc)
        except TransitionError as exc:
            session.rollback()
            return _page("feedback/refused.html", 410, message=str(exc))
        except IntegrityError:  # the same link sent twice at the same moment
            session.rollback()
            return _page("feedback/refused.html", 410, message=wf.ALREADY_ANSWERED)
    return _page("feedback/form.html", 400 if errors else 200, respondent=respondent.name,
                 values=values, errors=errors)


def register(appbuilder) -> None:
    current_app.register_blueprint(bp)
    appbuilder.sm.limiter.limit(RATE_LIMIT, methods=["POST"])(bp)
