"""Matching screens: "Vrijwilliger zoeken" for the helpdesk, and the public accept page.

``/koppelen/<request id>`` (resource Match, write: the helpdesk) shows the nearest volunteers
who may take an accepted request; the helpdesk ticks some and puts the request out (a
person decides, never automatic), and records answers given by phone.
``/koppeling/aannemen/<token>`` (no login) is the signed link in the offer mail: the volunteer
sees the request without the requester's identity and accepts or declines. CSRF comes from
the app-wide CSRFProtect; its posts are rate limited per client address.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.geo import Pc4DataError
from app.extensions import db
from app.helpdesk.models import HelpRequest, Match, MatchStatus, RequestStatus
from app.volunteers import availability
from app.volunteers.models import Volunteer
from security.audit import Actor, actor_for, record_ids, record_read
from security.filters import scope_query
from security.links import LinkError
from security.roles import VIEW_METHODS
from workflows.helpdesk import matching
from app.core.errors import TransitionError
from workflows.helpdesk import acting

RATE_LIMIT = "10 per minute"
DEFAULT_SHOWN, MOST_SHOWN = 10, 50
SEARCHABLE = (RequestStatus.accepted, RequestStatus.put_out)


def _today() -> dt.date:
    return dt.date.today()


class MatchingView(BaseView):
    """Vrijwilliger zoeken: rank, put out, record a phone answer."""

    route_base = "/koppelen"
    class_permission_name = "Match"
    method_permission_name = {**VIEW_METHODS, "search": "write", "put_out": "write",
                              "respond": "write"}
    default_view = "search"

    def _request(self, pk: int) -> HelpRequest:
        query = scope_query(db.session.query(HelpRequest), HelpRequest, g.user)
        req = query.filter(HelpRequest.id == pk).one_or_none()
        if req is None:
            abort(404)
        return req

    def _shown(self) -> int:
        try:
            return min(MOST_SHOWN, max(1, int(request.values.get("n", DEFAULT_SHOWN))))
        except ValueError:
            return DEFAULT_SHOWN

    @expose("/<int:pk>")
    @has_access
    def search(self, pk: int):
        req = self._request(pk)
        shown = self._shown()
        candidates, problem = [], None
        if req.status in SEARCHABLE:
            try:
                candidates = matching.rank(db.session, req, today=_today(), limit=shown)
            except (TransitionError, Pc4DataError) as exc:
                problem = str(exc)
        if candidates:  # their categories in one query, not one per row
            db.session.query(Volunteer).options(selectinload(Volunteer.categories)).filter(
                Volunteer.id.in_([c.volunteer.id for c in candidates])).all()
        offered = (db.session.query(Match).filter(Match.help_request_id == req.id)
                   .order_by(Match.offered_at, Match.id).all())
        record_read(db.session, "read", "HelpRequest", [req], commit=False)
        record_ids(db.session, "list", "Volunteer",
                   [c.volunteer.id for c in candidates] + [m.volunteer_id for m in offered],
                   commit=False)
        db.session.commit()
        return self.render_template(
            "matching/search.html", req=req, candidates=candidates, offered=offered,
            problem=problem, shown=shown, searchable=req.status in SEARCHABLE,
            place=matching.anonymous_request(req) if problem is None else None,
            days_label=lambda v: availability.label("available_days", v),
            parts_label=lambda v: availability.label("available_parts", v),
            MatchStatus=MatchStatus)

    @expose("/<int:pk>/uitzetten", methods=["POST"])
    @has_access
    def put_out(self, pk: int):
        req = self._request(pk)
        back = redirect(url_for("MatchingView.search", pk=req.id, n=self._shown()))
        try:
            wanted = {int(v) for v in request.form.getlist("volunteer")}
        except ValueError:
            abort(400)
        try:
            # Only volunteers the ranking offers now: the screen may be stale, a post forged.
            ranked = matching.rank(db.session, req, today=_today(), limit=MOST_SHOWN)
            chosen = [c.volunteer for c in ranked if c.volunteer.id in wanted]
            if len(chosen) != len(wanted):
                raise TransitionError("Een of meer gekozen vrijwilligers kunnen deze hulpvraag niet "
                                      "(meer) krijgen; kies opnieuw uit de lijst")
            matches = matching.put_out(db.session, req, chosen, by=actor_for(g.user),
                                       today=_today())
            db.session.commit()
        except (TransitionError, Pc4DataError) as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return back
        except IntegrityError:  # a colleague put it out to the same volunteer just now
            db.session.rollback()
            flash("Deze hulpvraag is intussen al aan een van deze vrijwilligers voorgelegd; "
                  "kies opnieuw uit de lijst", "danger")
            return back
        flash(f"De hulpvraag is voorgelegd aan {len(matches)} vrijwilliger(s).", "success")
        no_mail = [str(m.volunteer) for m in matches if not m.volunteer.email]
        if no_mail:
            flash("Geen e-mailadres bekend, dus bellen: " + ", ".join(no_mail), "warning")
        return back

    @expose("/antwoord/<int:pk>", methods=["POST"])
    @has_access
    def respond(self, pk: int):
        query = scope_query(db.session.query(Match), Match, g.user)
        match = query.filter(Match.id == pk).one_or_none()
        if match is None:
            abort(404)
        answer = request.form.get("answer")
        if answer not in ("accept", "decline"):
            abort(400)
        step = matching.accept if answer == "accept" else matching.decline
        try:
            step(db.session, match, by=actor_for(g.user), channel="phone")
            db.session.commit()
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash("Vastgelegd: " + ("aangenomen (telefonisch)." if answer == "accept"
                                    else "kan niet (telefonisch)."), "success")
        return redirect(url_for("MatchingView.search", pk=match.help_request_id))


# -- the public accept page ---------------------------------------------------------------------

bp = Blueprint("matching_link", __name__)


def _volunteer_actor(match: Match) -> Actor:
    return Actor(None, f"vrijwilliger {match.volunteer_id} (link)", match.organisation_id)


def _page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


@bp.route("/koppeling/aannemen/<token>", methods=["GET", "POST"])
def accept(token: str):
    session = db.session
    try:
        match = matching.match_for_token(session, token)
    except LinkError as exc:
        return _page("matching/refused.html", 400, message=str(exc))
    req = match.help_request
    if match.responded_at is not None:
        return _page("matching/refused.html", 410, message=matching.USED)
    if match.status is not MatchStatus.proposed or req.status is not RequestStatus.put_out:
        taken = match.status is MatchStatus.taken or req.matched_at is not None
        return _page("matching/refused.html", 410,
                     message=matching.TAKEN if taken else matching.CLOSED)
    if request.method == "POST":
        answer = request.form.get("answer")
        if answer not in ("accept", "decline"):
            abort(400)
        by = _volunteer_actor(match)
        step = matching.accept if answer == "accept" else matching.decline
        try:
            step(session, match, by=by, channel="link")
            session.commit()
        except TransitionError as exc:
            session.rollback()
            return _page("matching/refused.html", 410, message=str(exc))
        return _page("matching/thanks.html", accepted=answer == "accept",
                     has_email=bool(match.volunteer.email))
    with acting(_volunteer_actor(match)):
        record_read(session, "read", "HelpRequest", [req])
    return _page("matching/offer.html", about=matching.anonymous_request(req),
                 name=match.volunteer.first_name)


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(MatchingView())
    current_app.register_blueprint(bp)
    appbuilder.sm.limiter.limit(RATE_LIMIT, methods=["POST"])(bp)
