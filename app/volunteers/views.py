import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access

from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date
from app.core.views import ScopedModelView
from app.vog.profiles import DEFAULT_PROFILE, SCREENING_PROFILES, profile_label
from app.volunteers import schemas
from app.volunteers.availability import DAYS, PARTS, label, normalise
from app.volunteers.forms import CodesField
from app.volunteers.models import HelpCategory, Volunteer, VolunteerStatus as VS
from security.audit import actor_for
from security.filters import role_names
from security.roles import VIEW_METHODS
from workflows import volunteers as flow
from app.core.errors import TransitionError


class HelpCategoryView(ScopedModelView):
    datamodel = ScopedInterface(HelpCategory)
    list_title = "Hulpcategorieën"
    show_title = "Hulpcategorie"
    add_title = "Nieuwe hulpcategorie"
    edit_title = "Hulpcategorie wijzigen"
    list_columns = schemas.HelpCategory.LIST
    show_columns = schemas.HelpCategory.SHOW
    add_columns = edit_columns = schemas.HelpCategory.EDIT
    search_columns = schemas.HelpCategory.SEARCH
    label_columns = schemas.HelpCategory.LABELS
    description_columns = schemas.HelpCategory.DESCRIPTIONS
    base_order = ("name", "asc")


def availability_fields() -> dict:
    """Days and parts of the day as checkboxes; the record keeps the codes as "mon,wed"."""
    S = schemas.Volunteer
    return {
        field: CodesField(S.LABELS[field], choices=choices, description=S.DESCRIPTIONS[field],
                          check=lambda value, field=field: normalise(field, value))
        for field, choices in (("available_days", DAYS), ("available_parts", PARTS))
    }


class VolunteerView(ScopedModelView):
    datamodel = ScopedInterface(Volunteer)
    list_title = "Vrijwilligers"
    show_title = "Vrijwilliger"
    add_title = "Nieuwe vrijwilliger"
    edit_title = "Vrijwilliger wijzigen"
    list_columns = schemas.Volunteer.LIST
    show_columns = schemas.Volunteer.SHOW
    add_columns = edit_columns = schemas.Volunteer.EDIT
    search_columns = schemas.Volunteer.SEARCH
    label_columns = schemas.Volunteer.LABELS
    description_columns = schemas.Volunteer.DESCRIPTIONS
    base_order = ("created_at", "desc")
    add_form_extra_fields = edit_form_extra_fields = availability_fields()
    formatters_columns = {
        "available_days": lambda v: label("available_days", v),
        "available_parts": lambda v: label("available_parts", v),
    }
    show_template = "volunteers/show.html"
    method_permission_name = {**VIEW_METHODS, "transition": "write"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see the volunteer; logs the read
        volunteer = self.datamodel.get(pk, self._base_filters)
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=widgets, related_views=self._related_views,
                                    panel=self._panel(volunteer))

    def _panel(self, volunteer) -> dict:
        sm = self.appbuilder.sm
        roles = set(role_names(g.user))
        states = {
            "intake": (VS.registered, VS.intake), "approve": (VS.registered, VS.intake),
            "reject": (VS.registered, VS.intake),
            "deactivate": (VS.registered, VS.intake, VS.approved), "reactivate": (VS.inactive,),
        }
        actions = [
            {"name": name, "label": text, "inputs": inputs, "danger": danger}
            for name, (text, inputs, danger) in schemas.ACTIONS.items()
            if volunteer.status in states[name]
            and (name != "intake" or roles & {"Admin", flow.COORDINATOR})
        ]
        today = dt.date.today()
        valid = [v for v in volunteer.vog_checks
                 if v.status.name == "received" and v.verified_on and v.expires_on > today]
        return {
            "status": str(volunteer.status),
            "actions": actions if sm.has_access("can_write", "Volunteer") else [],
            "labels": schemas.INPUT_LABELS,
            "today": today.isoformat(),
            "needs_intake": volunteer.partner_id is None and volunteer.intake_on is None,
            "valid_until": max((v.expires_on for v in valid), default=None),
            "vogs": sorted(volunteer.vog_checks, key=lambda v: v.requested_on, reverse=True)
            if sm.has_access("can_read", "VogCheck") else None,
            "profile_label": profile_label,
            "can_request_vog": sm.has_access("can_write", "VogCheck")
            and volunteer.status not in (VS.rejected, VS.inactive),
            "profiles": SCREENING_PROFILES,
            "default_profile": DEFAULT_PROFILE,
        }

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        """One step from the buttons on the volunteer's page; the result as a message."""
        session = self.datamodel.session
        volunteer = self.datamodel.get(pk, self._base_filters)
        if volunteer is None:
            abort(404)
        action = request.form.get("action", "")
        back = redirect(url_for(f"{type(self).__name__}.show", pk=volunteer.id))
        if action not in schemas.ACTIONS:
            flash("Onbekende stap.", "danger")
            return back
        if schemas.ACTIONS[action][2] and request.form.get("confirm") != "1":
            flash("Vink aan dat u het zeker weet; afwijzen kan niet ongedaan worden gemaakt.",
                  "warning")
            return back
        form = request.form
        by = actor_for(g.user)
        try:
            if action == "intake":
                flow.record_intake(session, volunteer, by=by, notes=form.get("notes"),
                                   on=parse_form_date(form.get("on"), "Datum van de intake"))
            elif action == "approve":
                flow.approve(session, volunteer, by=by)
            elif action == "reject":
                flow.reject(session, volunteer, by=by, reason=form.get("reason", ""))
            elif action == "deactivate":
                flow.deactivate(session, volunteer, by=by, reason=form.get("reason"))
            else:
                flow.reactivate(session, volunteer, by=by)
            session.commit()
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            flash(f"{schemas.ACTIONS[action][0]}: gelukt. De vrijwilliger staat nu op "
                  f"'{volunteer.status}'.", "success")
        return back

