"""The privacy officer's queue (sorted by deadline) and a request's page with its steps."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from marshmallow import ValidationError

from app.core.interface import ScopedInterface
from app.core.validation import FieldError
from app.core.views import ScopedModelView
from app.privacy import schemas
from app.privacy.models import PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus, ResponseChannel
from security.audit import actor_for
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import privacy as flow
from workflows.privacy import restrictions
from app.core.errors import TransitionError

# Which steps show which inputs on the request's page.
INPUTS = {
    "verify_identity": ("method", "on"),
    "start": (),
    "extend": ("months", "reason"),
    "complete": ("response_channel", "response_sent_on", "outcome"),
    "refuse": ("reason", "confirm"),
}
CONFIRM = {"refuse": "Vink aan dat u het verzoek weigert; dit kan niet ongedaan worden gemaakt."}
# What completing does, per kind (shown above the "Afhandelen" form).
EFFECTS = {
    PrivacyRequestKind.access: "Download eerst het archief; dat is het antwoord aan de verzoeker.",
    PrivacyRequestKind.portability: "Download eerst het archief (gegevens.json is machineleesbaar).",
    PrivacyRequestKind.erasure: "Afhandelen verwijdert de gegevens van de betrokkene volgens de "
                                "verwijderlijst. Dit kan niet ongedaan worden gemaakt.",
    PrivacyRequestKind.restriction: "Afhandelen legt een beperking op de gegevens van de betrokkene: "
                                    "zichtbaar, niet te wijzigen of te exporteren. De uitkomst is "
                                    "de reden die bij de gegevens getoond wordt.",
    PrivacyRequestKind.withdrawal: "Trek de toestemming in bij Toestemmingen van de betrokkene; "
                                   "leg hier vast wat is ingetrokken.",
    PrivacyRequestKind.rectification: "Corrigeer de gegevens en leg hier vast wat is gewijzigd.",
    PrivacyRequestKind.objection: "Leg de afweging en het besluit vast.",
}


class PrivacyRequestView(ScopedModelView):
    datamodel = ScopedInterface(PrivacyRequest)
    list_title = "Privacyverzoeken"
    show_title = "Privacyverzoek"
    add_title = "Nieuw privacyverzoek"
    edit_title = "Privacyverzoek wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = schemas.ADD
    edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("due_on", "asc")
    list_template = "privacy/list.html"
    show_template = "privacy/show.html"
    method_permission_name = {**VIEW_METHODS, "transition": "write", "archive": "write"}

    def pre_add(self, item):
        item.status = PrivacyRequestStatus.received
        if isinstance(item.received_on, dt.date):
            item.due_on = flow.due_date(item.received_on)
        super().pre_add(item)

    def post_add(self, item):
        flow._audit(self.datamodel.session, "receive", item, actor_for(g.user))
        self.datamodel.session.commit()

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            query = scope_query(self.datamodel.session.query(PrivacyRequest), PrivacyRequest, g.user)
            kwargs["queue"] = flow.queue_counts(query)
        return super().render_template(template, **kwargs)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see it; logs the read
        req = self.datamodel.get(pk, self._base_filters)
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=widgets, related_views=self._related_views,
                                    panel=request_panel(self.datamodel.session, req))

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        """One step from the forms on the request's page; the result as a message."""
        session = self.datamodel.session
        req = self.datamodel.get(pk, self._base_filters)
        if req is None:
            abort(404)
        back = redirect(url_for("PrivacyRequestView.show", pk=req.id))
        action = request.form.get("action", "")
        if action in CONFIRM and request.form.get("confirm") != "1":
            flash(CONFIRM[action], "warning")
            return back
        try:
            data = schemas.TransitionInput().load(request.form.to_dict())
            flow.perform(session, req, data.pop("action"), by=actor_for(g.user), **data)
            session.commit()
        except ValidationError as exc:
            session.rollback()
            flash(schemas.transition_message(exc.messages), "danger")
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            flash(f"{flow.LABELS[action][0]}: gelukt. Het verzoek staat nu op '{req.status}'.",
                  "success")
        return back

    @expose("/archive/<pk>", methods=["GET"])
    @has_access
    def archive(self, pk):
        """The access/portability archive of the request's subject (ZIP); audited."""
        from app.cards.printing import PrintError
        from workflows.privacy.access_export import build_archive

        session = self.datamodel.session
        req = self.datamodel.get(pk, self._base_filters)
        if req is None:
            abort(404)
        subject = flow.subject_of(req)
        back = redirect(url_for("PrivacyRequestView.show", pk=req.id))
        if subject is None:
            flash("Kies eerst de betrokkene van dit verzoek (wijzigen).", "warning")
            return back
        try:
            data = build_archive(session, subject, by=actor_for(g.user), request=req)
            session.commit()
        except PrintError as exc:
            session.rollback()
            flash(str(exc), "danger")
            return back
        return Response(data, mimetype="application/zip", headers={
            "Content-Disposition": f'attachment; filename="inzage-verzoek-{req.id}.zip"',
            "Cache-Control": "no-store"})


def request_panel(session, req: PrivacyRequest) -> dict:
    """What the request's page shows above its fields: status, deadline, steps. Plain values."""
    today = dt.date.today()
    subject = flow.subject_of(req)
    left = flow.days_left(req, today)
    return {
        "status": str(req.status),
        "closed": req.status in flow.CLOSED,
        "kind": str(req.kind),
        "due_on": req.due_on, "days_left": left, "overdue": left < 0 and req.status in flow.OPEN,
        "extended_on": req.extended_on, "extension_reason": req.extension_reason,
        "max_due_on": flow.due_date(req.received_on, flow.MAX_EXTENSION_MONTHS),
        "subject": str(subject) if subject is not None else None,
        "restriction": restrictions.restriction_of(session, subject) if subject is not None else None,
        "effect": EFFECTS.get(req.kind),
        "archive": req.kind in (PrivacyRequestKind.access, PrivacyRequestKind.portability)
        and subject is not None and req.status in flow.OPEN,
        "archive_made": flow.archive_produced(session, req),
        "actions": [{"name": a, "label": flow.LABELS[a][0], "inputs": INPUTS[a],
                     "danger": a in CONFIRM} for a in flow.allowed_actions(req)
                    if not (a == "extend" and req.extended_on)],
        "channels": [(m.name, str(m)) for m in ResponseChannel],
        "labels": schemas.TRANSITION_LABELS,
        "today": today.isoformat(),
    }
