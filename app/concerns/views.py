"""Signalen: the list of all concerns, the follow-up list (what is due), and the follow-up page
where a concern is resolved or, with the requester's consent, referred to the neighbourhood team.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter

from app.concerns import schemas
from app.concerns.models import Concern, ConcernStatus
from app.consents.models import ConsentForm
from app.core.interface import ScopedInterface
from app.core.models import utcnow
from app.core.validation import FieldError
from app.core.views import ScopedModelView
from security.audit import actor_for, record_read
from security.roles import VIEW_METHODS
from workflows import concerns as wf
from app.core.errors import TransitionError


class DueFilter(BaseFilter):
    """Open or in progress, with a follow-up date today or earlier."""

    name = "Op te volgen"

    def apply(self, query, value):
        return query.filter(Concern.status != ConcernStatus.resolved,
                            Concern.follow_up_on <= utcnow().date())


class ConcernView(ScopedModelView):
    datamodel = ScopedInterface(Concern)
    method_permission_name = {**VIEW_METHODS, "follow_up": "write"}
    list_title = "Signalen"
    show_title = "Signaal"
    add_title = "Nieuw signaal"
    edit_title = "Signaal wijzigen"
    show_template = "concerns/show.html"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("raised_at", "desc")

    def pre_add(self, item):
        super().pre_add(item)
        item.raised_by_id = item.raised_by_id or g.user.id
        if item.follow_up_on is None:
            item.follow_up_on = utcnow().date() + dt.timedelta(days=wf.FOLLOW_UP_DAYS)

    @expose("/opvolgen/<int:pk>", methods=["GET", "POST"])
    @has_access
    def follow_up(self, pk):
        """Resolve the concern, or refer it to the neighbourhood team (with consent)."""
        session = self.datamodel.session
        concern = self.datamodel.get(pk, self._base_filters)
        if concern is None:
            abort(404)
        if request.method == "POST":
            by = actor_for(g.user)
            try:
                if request.form.get("action") == "refer":
                    if request.form.get("confirm") != "yes":
                        raise FieldError("confirm", "Vink aan dat de hulpvrager toestemming heeft "
                                                    "gegeven om gegevens met het wijkteam te delen")
                    referral = wf.refer_to_neighbourhood_team(
                        session, concern, by=by, consent_form=request.form.get("consent_form") or None)
                    message = f"Doorverwezen naar {referral.partner.name if referral.partner else wf.NEIGHBOURHOOD_TEAM}."
                else:
                    wf.resolve(session, concern, by=by, resolution=request.form.get("resolution", ""))
                    message = "Het signaal is afgehandeld."
                session.commit()
                flash(message, "success")
                return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
            except (FieldError, TransitionError) as exc:
                session.rollback()
                flash(str(exc), "danger")
                concern = self.datamodel.get(pk, self._base_filters)
        record_read(session, "read", "Concern", [concern])
        return self.render_template(
            "concerns/follow_up.html", concern=concern, consent_forms=list(ConsentForm),
            team=wf.neighbourhood_team(session, concern.organisation_id),
            form=request.form, title="Signaal opvolgen")


class ConcernFollowUpView(ConcernView):
    """Opvolgen: the concerns whose follow-up date has come. Only the list is narrowed: a
    concern opened from it stays reachable after it was resolved or postponed."""

    list_title = "Signalen opvolgen"
    base_order = ("follow_up_on", "asc")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._due_only = self.datamodel.get_filters().add_filter_list([["id", DueFilter, None]])

    def _get_list_widget(self, filters, **kwargs):
        # Joined per request (a new Filters object): the view itself is shared by all threads.
        return super()._get_list_widget(filters.get_joined_filters(self._due_only), **kwargs)
