import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter

from app.core.interface import ScopedInterface
from app.core.validation import FieldError
from app.core.views import ScopedModelView
from app.partners import schemas as s
from app.partners.models import Channel, OutreachContact, OutreachStatus, Partner
from security.audit import actor_for, record_read
from security.roles import VIEW_METHODS
from workflows import partners as outreach
from app.core.errors import TransitionError


class PartnerView(ScopedModelView):
    datamodel = ScopedInterface(Partner)
    list_title = "Partners"
    show_title = "Partner"
    add_title = "Nieuwe partner"
    edit_title = "Partner wijzigen"
    list_columns = s.PARTNER_LIST
    show_columns = s.PARTNER_SHOW
    add_columns = edit_columns = s.PARTNER_EDIT
    search_columns = s.PARTNER_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("name", "asc")


def _date(value, field: str, label: str) -> dt.date | None:
    if not (value or "").strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(field, f"{label}: geen geldige datum (JJJJ-MM-DD)") from None


class OutreachContactView(ScopedModelView):
    datamodel = ScopedInterface(OutreachContact)
    list_title = "Communicatietabel"
    show_title = "Contactmoment"
    add_title = "Nieuw contactmoment"
    edit_title = "Contactmoment wijzigen"
    list_columns = s.OUTREACH_LIST
    show_columns = s.OUTREACH_SHOW
    add_columns = edit_columns = s.OUTREACH_EDIT
    search_columns = s.OUTREACH_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("next_contact_on", "asc")
    show_template = "partners/outreach_show.html"
    method_permission_name = {**VIEW_METHODS, "contact": "write"}

    @expose("/contact/<int:pk>", methods=["GET", "POST"])
    @has_access
    def contact(self, pk):
        """Record a contact moment: when, how, the new status, the next step and date."""
        session = self.datamodel.session
        row = self.datamodel.get(pk, self._base_filters)
        if row is None:
            abort(404)
        if request.method == "POST":
            form = request.form
            try:
                outreach.record_contact(
                    session, row, on=_date(form.get("on"), "last_contact_on", "Datum contact"),
                    channel=form.get("channel") or None, status=form.get("status") or None,
                    next_step=form.get("next_step"),
                    next_contact_on=_date(form.get("next_contact_on"), "next_contact_on",
                                          "Volgend contact"),
                    by=actor_for(g.user))
                session.commit()
                flash("Contact vastgelegd.", "success")
                return redirect(url_for("OutreachContactView.show", pk=pk))
            except (FieldError, TransitionError) as exc:
                session.rollback()
                flash(str(exc), "danger")
                row = self.datamodel.get(pk, self._base_filters)
        record_read(session, "read", "OutreachContact", [row])
        return self.render_template(
            "partners/outreach_contact.html", row=row, form=request.form, today=dt.date.today(),
            channels=list(Channel), statuses=list(OutreachStatus), title="Contact vastleggen")


class DueFilter(BaseFilter):
    """Next contact within the policy's days (or past), not closed or paused."""

    name = "Te benaderen"

    def apply(self, query, value):
        return outreach.due_filter(query)


class OutreachDueView(OutreachContactView):
    """Communicatietabel: te benaderen. Only the list is narrowed (same resource)."""

    list_title = "Communicatietabel: te benaderen"
    list_columns = s.OUTREACH_DUE
    base_order = ("next_contact_on", "asc")
    list_template = "partners/outreach_due.html"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._due_only = self.datamodel.get_filters().add_filter_list([["id", DueFilter, None]])

    def _get_list_widget(self, filters, **kwargs):
        # Joined per request (a new Filters object): the view itself is shared by all threads.
        return super()._get_list_widget(filters.get_joined_filters(self._due_only), **kwargs)
