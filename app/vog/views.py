import datetime as dt

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date
from app.core.views import ScopedModelView
from app.extensions import db
from app.vog import schemas
from app.vog.models import VogCheck, VogStatus
from app.vog.profiles import SCREENING_PROFILES, profile_label, unknown_codes
from app.volunteers.forms import CodesField
from app.volunteers.models import Volunteer
from security.audit import actor_for, record_read
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import volunteers as flow
from app.core.errors import TransitionError


def _check_profiles(codes) -> str | None:
    value = ",".join(codes) if not isinstance(codes, str) else codes
    if unknown_codes(value):
        raise FieldError("screening_profile", "Kies het screeningsprofiel uit de lijst")
    return value or None


class VogCheckView(ScopedModelView):
    datamodel = ScopedInterface(VogCheck)
    list_title = "VOG's"
    show_title = "VOG"
    add_title = "Nieuwe VOG-aanvraag"
    edit_title = "VOG wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("requested_on", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "screening_profile": CodesField(schemas.LABELS["screening_profile"], choices=SCREENING_PROFILES,
                                        description=schemas.DESCRIPTIONS["screening_profile"],
                                        check=_check_profiles),
    }
    formatters_columns = {"screening_profile": profile_label}
    show_template = "volunteers/vog_show.html"
    method_permission_name = {**VIEW_METHODS, "transition": "write", "request_vog": "write"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see the VOG; logs the read
        vog = self.datamodel.get(pk, self._base_filters)
        verifier = self.appbuilder.sm.get_user_by_id(vog.verified_by_id) if vog.verified_by_id else None
        can_write = self.appbuilder.sm.has_access("can_write", "VogCheck")
        actions = [{"name": name, "label": text, "inputs": inputs, "danger": danger}
                   for name, (text, inputs, danger) in schemas.ACTIONS.items()
                   if can_write and _possible(vog, name)]
        panel = {"status": str(vog.status), "actions": actions, "labels": schemas.INPUT_LABELS,
                 "today": dt.date.today().isoformat(), "verifier": verifier,
                 "max_age": current_app.config["HULPREGIE_VOG_MAX_AGE_DAYS"],
                 "volunteer_id": vog.volunteer_id}
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=widgets, related_views=self._related_views, panel=panel)

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        """Received / verified / refused, from the buttons on the VOG's page."""
        session = self.datamodel.session
        vog = self.datamodel.get(pk, self._base_filters)
        if vog is None:
            abort(404)
        action = request.form.get("action", "")
        back = redirect(url_for(f"{type(self).__name__}.show", pk=vog.id))
        if action not in schemas.ACTIONS:
            flash("Onbekende stap.", "danger")
            return back
        if schemas.ACTIONS[action][2] and request.form.get("confirm") != "1":
            flash("Vink aan dat u het zeker weet; dit kan niet ongedaan worden gemaakt.", "warning")
            return back
        by = actor_for(g.user)
        try:
            if action == "receive":
                flow.record_vog_received(
                    session, vog, by=by, reference=request.form.get("reference"),
                    issued_on=parse_form_date(request.form.get("issued_on"), "Afgiftedatum", "issued_on"))
            elif action == "verify":
                flow.verify_vog(session, vog, by=by)
            else:
                flow.refuse_vog(session, vog, by=by)
            session.commit()
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            flash(f"{schemas.ACTIONS[action][0]}: gelukt. De VOG staat nu op '{vog.status}'"
                  + (f", geldig tot {vog.expires_on:%d-%m-%Y}." if vog.verified_on else "."),
                  "success")
        return back

    @expose("/request/<volunteer_pk>", methods=["POST"])
    @has_access
    def request_vog(self, volunteer_pk):
        """A new VOG request, from the volunteer's page."""
        session = self.datamodel.session
        volunteer = scope_query(session.query(Volunteer), Volunteer, g.user).filter(
            Volunteer.id == _int(volunteer_pk)).one_or_none()
        if volunteer is None:
            abort(404)
        back = redirect(url_for("VolunteerView.show", pk=volunteer.id))
        try:
            vog = flow.request_vog(session, volunteer, by=actor_for(g.user),
                                   screening_profile=",".join(request.form.getlist("screening_profile")),
                                   free_vog=request.form.get("free_vog") == "1")
            session.commit()
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
            return back
        flash("VOG aangevraagd" + (": de vrijwilliger krijgt een e-mail met uitleg." if volunteer.email
                                   else "; deze vrijwilliger heeft geen e-mailadres: licht hem zelf in."),
              "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=vog.id))


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        abort(404)


def _possible(vog: VogCheck, action: str) -> bool:
    if action == "receive":
        return vog.status == VogStatus.requested
    if action == "verify":
        return vog.status == VogStatus.received and vog.verified_on is None
    return vog.status in (VogStatus.requested, VogStatus.received) and vog.verified_on is None


class VogOverviewView(BaseView):
    """VOG-overzicht: VOG's that expire soon, expired ones, volunteers without a valid VOG."""

    route_base = "/vog-overzicht"
    class_permission_name = "VogCheck"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        today = dt.date.today()
        default = int(current_app.config["HULPREGIE_VOG_REMINDER_DAYS"])
        days = request.args.get("dagen", default, type=int)
        if not days or not 1 <= days <= 3 * 365:
            flash("Kies een aantal dagen tussen 1 en 1095.", "warning")
            days = default

        def scoped(query, model):
            return scope_query(query, model, g.user)

        active = (flow.VS.registered, flow.VS.intake, flow.VS.approved)
        expiring = scoped(flow.expiring(session, today, days), VogCheck).join(VogCheck.volunteer) \
            .filter(Volunteer.status.in_(active)).order_by(VogCheck.expires_on).all()
        missing = scoped(flow.without_valid_vog(session, today), Volunteer) \
            .order_by(Volunteer.status, Volunteer.id).all()
        latest = _latest_vogs(session, [v.id for v in missing])
        expired = [(v, latest[v.id]) for v in missing if v.id in latest
                   and (latest[v.id].status == VogStatus.expired
                        or (latest[v.id].expires_on and latest[v.id].expires_on <= today))]
        shown = {v.volunteer for v in expiring} | set(missing)
        if shown:
            record_read(session, "list", "Volunteer", sorted(shown, key=lambda v: v.id))
        return self.render_template(
            "volunteers/vog_overview.html", title="VOG-overzicht", days=days, today=today,
            expiring=expiring, expired=expired, missing=[(v, latest.get(v.id)) for v in missing])


def _latest_vogs(session, volunteer_ids) -> dict:
    latest = {}
    if not volunteer_ids:
        return latest
    for vog in session.query(VogCheck).filter(VogCheck.volunteer_id.in_(volunteer_ids)) \
            .order_by(VogCheck.requested_on, VogCheck.id):
        latest[vog.volunteer_id] = vog
    return latest
