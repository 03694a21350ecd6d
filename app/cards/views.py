import datetime as dt

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.cards import printing, schemas
from app.cards.printing import approved_versions
from app.cards.checks import VersionRules
from app.cards.models import (
    SECTION_LIMITS,
    ApprovalMethod,
    Appointment,
    CardStatus,
    Evaluation,
    EvaluationOutcome,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.core.interface import ScopedInterface
from app.core.validation import FieldError
from app.core.views import ScopedModelView
from security.audit import actor_for
from security.roles import VIEW_METHODS
from workflows import cards as flow
from app.core.errors import TransitionError


class HelpCardVersionView(VersionRules, ScopedModelView):
    datamodel = ScopedInterface(HelpCardVersion)
    list_title = "Kaartversies"
    show_title = "Kaartversie"
    add_title = "Nieuwe kaartversie"
    edit_title = "Kaartversie wijzigen"
    list_columns = schemas.VERSION_LIST
    show_columns = schemas.VERSION_SHOW
    add_columns = schemas.VERSION_ADD
    edit_columns = schemas.VERSION_EDIT
    search_columns = schemas.VERSION_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("created_at", "desc")
    # The editor shows per section how much room is left (the model refuses more).
    add_template = "cards/version_add.html"
    edit_template = "cards/version_edit.html"
    extra_args = {"section_limits": SECTION_LIMITS}


class AppointmentView(ScopedModelView):
    datamodel = ScopedInterface(Appointment)
    list_title = "Afspraken"
    show_title = "Afspraak"
    add_title = "Nieuwe afspraak"
    edit_title = "Afspraak wijzigen"
    list_columns = schemas.APPOINTMENT_LIST
    show_columns = schemas.APPOINTMENT_SHOW
    add_columns = edit_columns = schemas.APPOINTMENT_EDIT
    search_columns = schemas.APPOINTMENT_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("starts_at", "desc")


class EvaluationView(ScopedModelView):
    datamodel = ScopedInterface(Evaluation)
    list_title = "Evaluaties"
    show_title = "Evaluatie"
    add_title = "Nieuwe evaluatie"
    edit_title = "Evaluatie wijzigen"
    list_columns = schemas.EVALUATION_LIST
    show_columns = schemas.EVALUATION_SHOW
    add_columns = edit_columns = schemas.EVALUATION_EDIT
    search_columns = schemas.EVALUATION_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("due_on", "desc")


class HelpCardView(ScopedModelView):
    datamodel = ScopedInterface(HelpCard)
    list_title = "Hulpkaarten"
    show_title = "Hulpkaart"
    add_title = "Nieuwe hulpkaart"
    edit_title = "Hulpkaart wijzigen"
    list_columns = schemas.CARD_LIST
    show_columns = schemas.CARD_SHOW
    add_columns = edit_columns = schemas.CARD_EDIT
    search_columns = schemas.CARD_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    related_views = [HelpCardVersionView, EvaluationView, AppointmentView]
    base_order = ("requested_on", "desc")
    show_template = "cards/show.html"
    method_permission_name = {**VIEW_METHODS, "transition": "write", "print_cards": "read"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see the card; logs the read
        card = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, panel=card_panel(self.datamodel.session, card))

    @action("print_cards", "Kaarten afdrukken (PDF)", None, "fa-print", single=False)
    def print_cards(self, items):
        """The chosen cards in one PDF (each its issued or newest approved version); every
        card's print is recorded. Cards that cannot be printed are named, nothing is made."""
        items = items if isinstance(items, list) else [items]
        jobs, problems = [], []
        for card in items:
            try:
                jobs.append((card, printing.version_to_print(card)))
            except printing.PrintError as error:
                problems.append(f"{card.holder.reference}: {error}")
        try:
            if problems:
                raise printing.PrintError("Niets afgedrukt. " + " ".join(problems))
            pdf = printing.render_many_pdf([printing.card_context(c, v) for c, v in jobs])
        except printing.PrintError as error:
            flash(str(error), "warning")
            return redirect(url_for("HelpCardView.list"))
        by = actor_for(g.user)
        for card, version in jobs:
            printing.record_print(self.datamodel.session, card, version, by=by)
        self.datamodel.session.commit()
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f"attachment; filename=hulpkaarten-{len(jobs)}.pdf"})

    @expose("/transition/<pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        """One workflow step from the buttons on the card's page; the result as a message."""
        session = self.datamodel.session
        card = self.datamodel.get(pk, self._base_filters)
        if card is None:
            abort(404)
        action = request.form.get("action", "")
        back = redirect(url_for(f"{type(self).__name__}.show", pk=card.id))
        if action in CONFIRM and request.form.get("confirm") != "1":
            flash(CONFIRM[action], "warning")
            return back
        try:
            data = schemas.TransitionInput().load(request.form.to_dict())
            flow.perform(session, card, data.pop("action"), by=actor_for(g.user), **data)
            session.commit()
        except ValidationError as exc:
            session.rollback()
            flash(schemas.transition_message(exc.messages), "danger")
        except (TransitionError, FieldError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        except IntegrityError:
            session.rollback()
            flash("Deze stap past niet bij de gegevens van de kaart; er is niets gewijzigd.",
                  "danger")
        else:
            flash(f"{flow.LABELS[action][0]}: gelukt. De kaart staat nu op "
                  f"'{card.status}'.", "success")
        return back


CONFIRM = {
    "withdraw": "Vink aan dat de houder de kaart intrekt; dit kan niet ongedaan worden gemaakt.",
    "end": "Vink aan dat u de kaart beëindigt; dit kan niet ongedaan worden gemaakt.",
}
# Which steps show which inputs on the card's page.
INPUTS = {
    "hold_intro": ("on", "choice"),
    "record_holder_approval": ("on", "method"),
    "issue": ("on",),
    "record_evaluation": ("on", "contacts_ok", "wishes_changed", "medication_changed",
                          "still_carried", "outcome", "reason"),
    "withdraw": ("reason", "confirm"),
    "end": ("reason", "confirm"),
}
CHOICES = {
    "choice": [(m.name, str(m)) for m in MakingChoice],
    "method": [(m.name, str(m)) for m in ApprovalMethod],
    "outcome": [(m.name, str(m)) for m in EvaluationOutcome],
}
BEFORE_APPROVAL = (CardStatus.requested, CardStatus.intro_held, CardStatus.drafting,
                   CardStatus.awaiting_approval)


def card_panel(session, card) -> dict:
    """What the card's page shows above its fields: status, next steps, the quality gate,
    the versions and the time spent. Plain values only."""
    draft = flow.draft_version(card)
    versions = [{
        "id": v.id, "no": v.version_no, "approved_at": v.approved_at,
        "holder_approved_on": v.holder_approved_on, "method": v.holder_approval_method,
        "issued": v.id == card.issued_version_id, "draft": v is draft,
    } for v in sorted(card.versions, key=lambda v: v.version_no, reverse=True)]
    return {
        "status": str(card.status),
        "actions": [{"name": a, "label": flow.LABELS[a][0], "inputs": INPUTS.get(a, ()),
                     "danger": a in CONFIRM} for a in flow.allowed_actions(card)],
        "choices": CHOICES,
        "labels": schemas.TRANSITION_LABELS,
        "today": dt.date.today().isoformat(),
        "problems": flow.quality_problems(card) if card.status in BEFORE_APPROVAL else None,
        "versions": versions,
        "draft_id": draft.id if draft is not None and card.status is CardStatus.drafting
        else None,
        "time_spent": flow.format_minutes(flow.minutes_spent(session, card)),
        # The wallet card can be printed once a version is approved (app/cards/printing.py).
        "printable": card.status not in flow.CLOSED and bool(approved_versions(card)),
    }
