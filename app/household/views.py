"""Household-help screens: the norm table, the surcharges, and the assessment as a guided
wizard (one question per screen), its advice page and the advice as PDF."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access

from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date
from app.core.views import ScopedModelView
from app.helpdesk.models import HelpRequest
from app.holders.models import Holder
from app.household import printing, schemas
from app.household.models import (
    AssessmentStatus,
    HouseholdAssessment,
    HouseholdNorm,
    HouseholdSurcharge,
)
from security.audit import actor_for, record, record_read
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import household as flow
from app.core.errors import TransitionError


class HouseholdNormView(ScopedModelView):
    datamodel = ScopedInterface(HouseholdNorm)
    list_title = "Normtabel hulp bij het huishouden"
    show_title = "Norm"
    add_title = "Nieuwe norm"
    edit_title = "Norm wijzigen"
    list_columns = schemas.Norm.LIST
    show_columns = schemas.Norm.SHOW
    add_columns = edit_columns = schemas.Norm.EDIT
    search_columns = schemas.Norm.SEARCH
    label_columns = schemas.Norm.LABELS
    description_columns = schemas.Norm.DESCRIPTIONS
    base_order = ("activity", "asc")
    logs_reads = False  # configuration, no personal data


class HouseholdSurchargeView(ScopedModelView):
    datamodel = ScopedInterface(HouseholdSurcharge)
    list_title = "Toeslagen hulp bij het huishouden"
    show_title = "Toeslag"
    add_title = "Nieuwe toeslag"
    edit_title = "Toeslag wijzigen"
    list_columns = schemas.Surcharge.LIST
    show_columns = schemas.Surcharge.SHOW
    add_columns = edit_columns = schemas.Surcharge.EDIT
    search_columns = schemas.Surcharge.SEARCH
    label_columns = schemas.Surcharge.LABELS
    description_columns = schemas.Surcharge.DESCRIPTIONS
    base_order = ("name", "asc")
    logs_reads = False


def client_name(assessment: HouseholdAssessment) -> str:
    if assessment.holder is not None:
        return f"{assessment.holder.full_name} (hulpkaarthouder {assessment.holder.reference})"
    req = assessment.help_request
    return f"{req.requester_name} (hulpvraag {req.id})" if req is not None else ""


class HouseholdAssessmentView(ScopedModelView):
    """The list and details of assessments; the walk itself is on /walk/<id>."""

    datamodel = ScopedInterface(HouseholdAssessment)
    list_title = "Beoordelingen hulp bij het huishouden"
    show_title = "Beoordeling hulp bij het huishouden"
    list_columns = schemas.Assessment.LIST
    show_columns = schemas.Assessment.SHOW
    search_columns = schemas.Assessment.SEARCH
    label_columns = schemas.Assessment.LABELS
    base_order = ("started_on", "desc")
    show_template = "household/show.html"
    method_permission_name = {
        **VIEW_METHODS, "start": "write", "walk": "read", "answer": "write", "back": "write",
        "complete": "write", "reopen": "write", "advice": "read", "pdf": "read",
    }

    def _item(self, pk) -> HouseholdAssessment:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    def _can_write(self) -> bool:
        return self.appbuilder.sm.has_access("can_write", "HouseholdAssessment")

    # FAB's own add and edit forms would bypass the walk: they show the start and the walk.
    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return self._start_page()

    @expose("/edit/<pk>", methods=["GET"])
    @has_access
    def edit(self, pk):
        return self._walk_page(pk)

    @expose("/start/", methods=["GET", "POST"])
    @has_access
    def start(self):
        return self._start_page()

    def _start_page(self):
        """Choose the client (a holder or a help request the user may see), then walk."""
        session = self.datamodel.session
        holders = helps = []
        if self.appbuilder.sm.has_access("can_read", "Holder"):
            holders = scope_query(session.query(Holder), Holder, g.user).order_by(
                Holder.reference).limit(500).all()
        if self.appbuilder.sm.has_access("can_read", "HelpRequest"):
            helps = scope_query(session.query(HelpRequest), HelpRequest, g.user).order_by(
                HelpRequest.received_at.desc()).limit(500).all()
        if request.method == "POST":
            holder_id = request.form.get("holder_id", type=int)
            request_id = request.form.get("help_request_id", type=int)
            holder = next((h for h in holders if h.id == holder_id), None)
            help_request = next((r for r in helps if r.id == request_id), None)
            try:
                if (holder_id and holder is None) or (request_id and help_request is None):
                    raise FieldError("holder", "Deze cliënt bestaat niet of is niet toegankelijk.")
                item = flow.start(session, holder=holder, help_request=help_request,
                                  by=actor_for(g.user))
                session.commit()
            except (TransitionError, FieldError) as exc:
                session.rollback()
                flash(str(exc), "danger")
            else:
                return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))
        for resource, shown in (("Holder", holders), ("HelpRequest", helps)):
            if shown:  # names on the page: logged like a list
                record_read(session, "list", resource, shown)
        return self.render_template("household/start.html", title="Beoordeling starten",
                                    holders=holders, helps=helps)

    @expose("/walk/<int:pk>")
    @has_access
    def walk(self, pk):
        return self._walk_page(pk)

    def _walk_page(self, pk):
        """One question per screen, the answers so far above it."""
        item = self._item(pk)
        session = self.datamodel.session
        try:
            walk = flow.replay(flow.entries(item))
        except TransitionError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("HouseholdAssessmentView.list"))
        step = flow.STEPS.get(walk.current) if walk.current else None
        choices, surcharges, problems = [], [], []
        if step is not None and step.kind == "tasks":
            choices = flow.options(session, item, walk)
            if step.key == "tasks":
                problems = flow.validate_norms(session, item.organisation_id)
        if step is not None and step.kind == "surcharges":
            surcharges = session.query(HouseholdSurcharge).filter_by(
                organisation_id=item.organisation_id, active=True).order_by(
                HouseholdSurcharge.name).all()
        page = {
            "item": item, "client": client_name(item), "walk": walk, "step": step,
            "number": len(flow.entries(item)) + 1, "answers": flow.summary(item),
            "choices": choices, "surcharges": surcharges, "problems": problems,
            "advice": str(flow.advice_of(walk)) if walk.outcome else None,
            "temporary": walk.outcome == flow.DONE and bool(walk.temporary),
            "can_write": self._can_write() and item.status is AssessmentStatus.in_progress,
            "completed": item.status is AssessmentStatus.completed,
            "suggested_until": flow.add_months(dt.date.today(), 3 if not walk.instruction else 6),
        }
        record_read(session, "read", "HouseholdAssessment", [item])
        return self.render_template("household/walk.html", title="Beoordeling hulp bij het "
                                    "huishouden", page=page, note=flow.ADVICE_NOTE)

    def _step(self, pk, perform, done=None):
        """Run one state change of the assessment from a posted form, in one transaction."""
        item = self._item(pk)
        self.run_step(lambda: perform(self.datamodel.session, item), done)
        return item

    @expose("/answer/<int:pk>", methods=["POST"])
    @has_access
    def answer(self, pk):
        step = request.form.get("step", "")
        kind = flow.STEPS[step].kind if step in flow.STEPS else "choice"
        if kind == "tasks":
            value = request.form.getlist("task")
        elif kind == "surcharges":
            value = [{"id": sid, "reason": request.form.get(f"surcharge_reason_{sid}", "")}
                     for sid in request.form.getlist("surcharge")]
        else:
            value = request.form.get("answer", "")
        item = self._step(pk, lambda s, a: flow.answer(
            s, a, step, value, request.form.get("reason"), by=actor_for(g.user)))
        return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))

    @expose("/back/<int:pk>", methods=["POST"])
    @has_access
    def back(self, pk):
        step = request.form.get("step", "")
        item = self._step(pk, lambda s, a: flow.back(s, a, step, by=actor_for(g.user)),
                          "U kunt het antwoord nu wijzigen; de latere antwoorden zijn vervallen.")
        return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))

    @expose("/complete/<int:pk>", methods=["POST"])
    @has_access
    def complete(self, pk):
        def perform(session, item):
            if request.form.get("confirm") != "1":
                raise FieldError("confirm", "Vink aan dat u het advies wilt vastleggen.")
            until = parse_form_date(request.form.get("temporary_until"), "Einddatum",
                                    "temporary_until")
            flow.complete(session, item, by=actor_for(g.user), temporary_until=until)

        item = self._step(pk, perform, "Het advies is vastgelegd.")
        if item.status is AssessmentStatus.completed:
            return redirect(url_for("HouseholdAssessmentView.advice", pk=item.id))
        return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))

    @expose("/reopen/<int:pk>", methods=["POST"])
    @has_access
    def reopen(self, pk):
        item = self._step(pk, lambda s, a: flow.reopen(s, a, by=actor_for(g.user)),
                          "De beoordeling is heropend; het advies is vervallen.")
        return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))

    @expose("/advice/<int:pk>")
    @has_access
    def advice(self, pk):
        item = self._item(pk)
        if item.status is not AssessmentStatus.completed:
            flash("Deze beoordeling heeft nog geen advies.", "warning")
            return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))
        context = printing.advice_context(item, client_name(item))
        record_read(self.datamodel.session, "read", "HouseholdAssessment", [item])
        return self.render_template(
            "household/advice.html", title="Advies hulp bij het huishouden", advice=context,
            item=item, can_reopen=self._can_write(), note=flow.ADVICE_NOTE)

    @expose("/pdf/<int:pk>")
    @has_access
    def pdf(self, pk):
        item = self._item(pk)
        if item.status is not AssessmentStatus.completed:
            flash("Deze beoordeling heeft nog geen advies.", "warning")
            return redirect(url_for("HouseholdAssessmentView.walk", pk=item.id))
        session = self.datamodel.session
        try:
            pdf = printing.render_pdf(printing.advice_context(item, client_name(item)))
        except printing.PrintError as exc:
            session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for("HouseholdAssessmentView.advice", pk=item.id))
        record(session, "print", "HouseholdAssessment", item.id, holder_id=item.holder_id)
        session.commit()
        return printing.attachment(pdf, f"advies-huishouden-{item.id}-{item.completed_on:%Y-%m-%d}.pdf")
