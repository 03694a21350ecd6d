import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access

from app.consents.models import ConsentForm
from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date, remember_field_error
from app.core.views import ScopedModelView
from app.helpdesk import schemas
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral, ReferralOutcome
from app.partners.models import Partner
from app.volunteers.models import CategoryGroup, HelpCategory
from security.audit import actor_for, record_read
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import helpdesk as flow
from app.core.errors import TransitionError


def check_sharing_consent(session, referral) -> None:
    """A referral to a partner shares the requester's details: only with his consent
    (refer from the request's page, which records both at once)."""
    req = referral.help_request
    if referral.partner is not None and req is not None \
            and not flow.has_sharing_consent(session, req):
        exc = FieldError("partner", flow.NO_SHARING_CONSENT)
        remember_field_error(exc)
        raise exc


class ReferralView(ScopedModelView):
    datamodel = ScopedInterface(Referral)
    list_title = "Doorverwijzingen"
    show_title = "Doorverwijzing"
    add_title = "Nieuwe doorverwijzing"
    edit_title = "Doorverwijzing wijzigen"
    list_columns = schemas.Referral.LIST
    show_columns = schemas.Referral.SHOW
    add_columns = edit_columns = schemas.Referral.EDIT
    search_columns = schemas.Referral.SEARCH
    label_columns = schemas.Referral.LABELS
    description_columns = schemas.Referral.DESCRIPTIONS
    base_order = ("referred_at", "desc")
    method_permission_name = {**VIEW_METHODS, "follow_up": "read", "outcome": "write"}

    def pre_add(self, item):
        super().pre_add(item)
        check_sharing_consent(self.datamodel.session, item)

    @expose("/opvolgen/")
    @has_access
    def follow_up(self):
        """Referrals whose follow-up date has come and that have no outcome yet."""
        session = self.datamodel.session
        query = scope_query(session.query(Referral), Referral, g.user)
        due = flow.follow_ups_due(query).order_by(Referral.follow_up_on, Referral.id).all()
        if due:
            record_read(session, "list", "Referral", due)
        return self.render_template(
            "helpdesk/referral_follow_up.html", title="Doorverwijzingen opvolgen", due=due,
            outcomes=[(o.name, o.value) for o in ReferralOutcome])

    @expose("/uitkomst/<pk>", methods=["POST"])
    @has_access
    def outcome(self, pk):
        session = self.datamodel.session
        referral = self.datamodel.get(pk, self._base_filters)
        if referral is None:
            abort(404)
        try:
            flow.record_referral_outcome(session, referral, by=actor_for(g.user),
                                         outcome=request.form.get("outcome") or None,
                                         notes=request.form.get("notes"))
            session.commit()
            flash(f"Uitkomst vastgelegd: {referral.outcome}.", "success")
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        return redirect(request.form.get("next") == "show"
                        and url_for("ReferralView.show", pk=referral.id)
                        or url_for("ReferralView.follow_up"))


class FeedbackView(ScopedModelView):
    datamodel = ScopedInterface(Feedback)
    list_title = "Feedback"
    show_title = "Feedback"
    add_title = "Nieuwe feedback"
    edit_title = "Feedback wijzigen"
    list_columns = schemas.Feedback.LIST
    show_columns = schemas.Feedback.SHOW
    add_columns = edit_columns = schemas.Feedback.EDIT
    search_columns = schemas.Feedback.SEARCH
    label_columns = schemas.Feedback.LABELS
    description_columns = schemas.Feedback.DESCRIPTIONS
    base_order = ("received_at", "desc")


class MatchView(ScopedModelView):
    datamodel = ScopedInterface(Match)
    list_title = "Koppelingen"
    show_title = "Koppeling"
    add_title = "Nieuwe koppeling"
    edit_title = "Koppeling wijzigen"
    list_columns = schemas.Match.LIST
    show_columns = schemas.Match.SHOW
    add_columns = edit_columns = schemas.Match.EDIT
    search_columns = schemas.Match.SEARCH
    label_columns = schemas.Match.LABELS
    description_columns = schemas.Match.DESCRIPTIONS
    related_views = [FeedbackView]
    base_order = ("matched_at", "desc")


class HelpRequestView(ScopedModelView):
    datamodel = ScopedInterface(HelpRequest)
    list_title = "Hulpvragen"
    show_title = "Hulpvraag"
    add_title = "Nieuwe hulpvraag"
    edit_title = "Hulpvraag wijzigen"
    list_columns = schemas.HelpRequest.LIST
    show_columns = schemas.HelpRequest.SHOW
    add_columns = edit_columns = schemas.HelpRequest.EDIT
    search_columns = schemas.HelpRequest.SEARCH
    label_columns = schemas.HelpRequest.LABELS
    description_columns = schemas.HelpRequest.DESCRIPTIONS
    related_views = [ReferralView, MatchView]
    base_order = ("received_at", "desc")
    show_template = "helpdesk/request_show.html"
    method_permission_name = {**VIEW_METHODS, "transition": "write"}

    def post_add(self, item):
        """A request logged by phone starts at 'received', like one from the website."""
        flow.confirm_received(self.datamodel.session, item, by=actor_for(g.user))
        self.datamodel.session.commit()

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see it; logs the read
        req = self.datamodel.get(pk, self._base_filters)
        session = self.datamodel.session
        can_write = self.appbuilder.sm.has_access("can_write", "HelpRequest")
        actions = [{"name": name, "label": flow.ACTIONS[name][0], "inputs": flow.ACTIONS[name][1],
                    "confirm": flow.ACTIONS[name][2]}
                   for name in flow.possible_actions(req)] if can_write else []
        partners = scope_query(session.query(Partner), Partner, g.user).filter(
            Partner.organisation_id == req.organisation_id, Partner.active.is_(True),
            Partner.accepts_referrals.is_(True)).order_by(Partner.name).all()
        categories = session.query(HelpCategory).order_by(HelpCategory.name).all()
        panel = {
            "status": str(req.status), "actions": actions, "partners": partners,
            "categories": [(group.value, [c for c in categories if c.group is group])
                           for group in CategoryGroup],
            "consent_forms": [(f.name, f.value) for f in ConsentForm],
            "labels": schemas.HelpRequest.INPUT_LABELS, "request": req,
            "follow_up": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        }
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=widgets, related_views=self._related_views,
                                    panel=panel)

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        """One step of the method, from the buttons on the request's page."""
        session = self.datamodel.session
        req = self.datamodel.get(pk, self._base_filters)
        if req is None:
            abort(404)
        back = redirect(url_for("HelpRequestView.show", pk=req.id))
        action = request.form.get("action", "")
        if action not in flow.ACTIONS:
            flash("Onbekende stap.", "danger")
            return back
        if flow.ACTIONS[action][2] and request.form.get("confirm") != "1":
            flash("Vink aan dat u het zeker weet; deze stap kan niet ongedaan worden gemaakt.",
                  "warning")
            return back
        try:
            data = form_input(action, request.form)
            flow.perform(session, req, action, by=actor_for(g.user), **data)
            session.commit()
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            flash(f"{flow.ACTIONS[action][0]}: gelukt. De hulpvraag staat nu op "
                  f"'{req.status}'.", "success")
        return back


def form_input(action: str, form) -> dict:
    """The plain values of one action from a posted form (dates and yes/no converted)."""
    data = {}
    for name in flow.ACTIONS[action][1]:
        value = (form.get(name) or "").strip()
        if name == "target_group_ok":
            data[name] = {"1": True, "0": False}.get(value)
        elif name == "follow_up_on":
            data[name] = parse_form_date(value, "Opvolgen op", "follow_up_on")
        else:
            data[name] = value or None
    return data
