"""Ondersteuningsplannen: the plans, their versions, the conversation page, the plan's steps
and the PDFs. Only the plan's readers may open it (app/supportplans/access.py)."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.cards.printing import PrintError
from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date, remember_field_error
from app.core.views import ScopedModelView
from app.extensions import db
from app.supportplans import printing, schemas
from app.supportplans.access import REFUSED, ReaderFilter, refused
from app.supportplans.models import SupportPlan, SupportPlanStatus, SupportPlanVersion
from security.audit import actor_for, record, record_read
from security.filters import ScopeFilter, scope_query, user_organisation_id
from security.roles import VIEW_METHODS
from workflows import supportplans as flow
from app.core.errors import TransitionError


def _pk(pk) -> int | None:
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


class ReaderGuard:
    """Opening a record of a plan one is not a reader of: a message, and the refusal logged."""

    def _refusal(self, pk):
        if refused(self.datamodel.obj, _pk(pk)):
            flash(REFUSED, "danger")
            return redirect(url_for(f"{type(self).__name__}.list"))
        return None

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._refusal(pk) or self._show_page(pk)

    def _show_page(self, pk):
        return super().show(pk)


class SupportPlanVersionView(ReaderGuard, ScopedModelView):
    """Versies: read-only; a new version comes from a conversation on the plan's page."""

    datamodel = ScopedInterface(SupportPlanVersion)
    base_permissions = ["can_read"]
    base_filters = [["id", ReaderFilter, None]]
    list_title = "Versies van ondersteuningsplannen"
    show_title = "Versie van het ondersteuningsplan"
    list_columns = schemas.VERSION_LIST
    show_columns = schemas.VERSION_SHOW
    search_columns = schemas.VERSION_SEARCH
    label_columns = schemas.LABELS
    base_order = ("created_at", "desc")


class SupportPlanView(ReaderGuard, ScopedModelView):
    datamodel = ScopedInterface(SupportPlan)
    base_filters = [["id", ReaderFilter, None]]
    method_permission_name = {**VIEW_METHODS, "conversation": "write", "step": "write"}
    list_title = "Ondersteuningsplannen"
    show_title = "Ondersteuningsplan"
    add_title = "Nieuw ondersteuningsplan"
    edit_title = "Ondersteuningsplan wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = schemas.ADD
    edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    add_query_rel_fields = {"readers": [["id", ScopeFilter, None]]}
    show_template = "supportplans/show.html"
    base_order = ("created_at", "desc")

    def pre_add(self, item):
        super().pre_add(item)
        try:
            flow.start(self.datamodel.session, plan=item, by=actor_for(g.user))
        except FieldError as exc:
            remember_field_error(exc)
            raise

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        return self._refusal(pk) or super().edit(pk)

    @expose("/delete/<pk>", methods=["GET", "POST"])
    @has_access
    def delete(self, pk):
        return self._refusal(pk) or super().delete(pk)

    def _readable(self, pk) -> SupportPlan:
        plan = self.datamodel.get(_pk(pk), self._base_filters)
        if plan is None:
            abort(404)
        return plan

    def _show_page(self, pk):
        plan = self._readable(pk)
        widgets = self._show(plan.id)  # logs the read
        session = self.datamodel.session
        versions = sorted(plan.versions, key=lambda v: v.version_no, reverse=True)
        return self.render_template(
            self.show_template, pk=plan.id, title=self.show_title, widgets=widgets,
            related_views=self._related_views, plan=plan, versions=versions,
            ended=plan.status is SupportPlanStatus.ended,
            staff=flow.eligible_readers(session, plan.organisation_id),
            reader_ids={u.id for u in plan.readers}, today=dt.date.today().isoformat())

    @expose("/gesprek/<int:pk>", methods=["GET", "POST"])
    @has_access
    def conversation(self, pk):
        """The open conversation: the guide's questions in order, the previous answers filled in."""
        refusal = self._refusal(pk)
        if refusal:
            return refusal
        plan = self._readable(pk)
        session = self.datamodel.session
        previous = flow.latest_version(plan)
        values = {f: (getattr(previous, f) or "") if previous else "" for f in schemas.FIELDS}
        error = None
        if request.method == "POST":
            values = {f: request.form.get(f, "") for f in schemas.FIELDS}
            try:
                on = parse_form_date(request.form.get("conversation_on"), "Datum gesprek",
                                     "conversation_on")
                version = flow.new_version(session, plan, values, by=actor_for(g.user),
                                           conversation_on=on)
                if request.form.get("agreed") == "1":
                    flow.agree(session, plan, by=actor_for(g.user), on=version.conversation_on)
                session.commit()
            except (FieldError, TransitionError) as exc:
                session.rollback()
                error = exc
                flash(str(exc), "danger")
                plan = self._readable(pk)
            else:
                flash(f"Het gesprek is vastgelegd als versie {version.version_no}"
                      f"{' (akkoord cliënt)' if version.agreed_on else ''}.", "success")
                return redirect(url_for("SupportPlanView.show", pk=plan.id))
        if previous is not None:
            record_read(session, "read", "SupportPlanVersion", [previous], commit=False)
        record_read(session, "read", "SupportPlan", [plan])
        return self.render_template(
            "supportplans/conversation.html", plan=plan, questions=schemas.QUESTIONS,
            values=values, previous=previous, error=error, title="Gesprek voeren",
            today=request.form.get("conversation_on") or dt.date.today().isoformat())

    @expose("/stap/<int:pk>", methods=["POST"])
    @has_access
    def step(self, pk):
        """One step from the plan's page: agree, next conversation, readers, end."""
        refusal = self._refusal(pk)
        if refusal:
            return refusal
        plan = self._readable(pk)
        session = self.datamodel.session
        by = actor_for(g.user)
        action = request.form.get("action", "")
        try:
            if action == "agree":
                flow.agree(session, plan, by=by, on=parse_form_date(request.form.get("on"), "Datum akkoord"))
                message = "De cliënt is akkoord met het plan."
            elif action == "next":
                on = parse_form_date(request.form.get("on"), "Volgend gesprek")
                flow.plan_next_conversation(session, plan, on, by=by)
                message = f"Volgend gesprek: {on:%d-%m-%Y}." if on else "Geen volgend gesprek gepland."
            elif action == "readers":
                ids = [int(i) for i in request.form.getlist("readers") if i.isdigit()]
                flow.set_readers(session, plan, ids, by=by)
                message = "De lezers van het plan zijn vastgelegd."
            elif action == "end":
                if request.form.get("confirm") != "1":
                    raise TransitionError("Vink aan dat u het plan wilt beëindigen.")
                flow.end(session, plan, by=by)
                message = "Het ondersteuningsplan is beëindigd."
            else:
                raise TransitionError("Onbekende stap.")
            session.commit()
        except (FieldError, TransitionError) as exc:
            session.rollback()
            flash(str(exc), "danger")
        else:
            flash(message, "success")
        if not flow.may_read(plan, g.user.id):
            return redirect(url_for("SupportPlanView.list"))
        return redirect(url_for("SupportPlanView.show", pk=plan.id))


def _attachment(pdf: bytes, filename: str) -> Response:
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


class SupportPlanPrintView(BaseView):
    """/ondersteuningsplan/<id>/pdf (the plan) and /ondersteuningsplan/voorbereiding (the
    client's preparation sheet, nothing personal)."""

    route_base = "/ondersteuningsplan"
    class_permission_name = "SupportPlan"
    method_permission_name = {"pdf": "read", "preparation": "read"}
    base_permissions = ["can_read"]
    default_view = "preparation"

    @expose("/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        if refused(SupportPlan, pk):
            flash(REFUSED, "danger")
            return redirect(url_for("SupportPlanView.list"))
        from app.supportplans.access import readable

        query = scope_query(db.session.query(SupportPlan).filter(SupportPlan.id == pk),
                            SupportPlan, g.user).filter(readable(SupportPlan, g.user))
        plan = query.one_or_none()
        if plan is None:
            abort(404)
        try:
            pdf = printing.render_plan_pdf(plan)
        except PrintError as error:
            flash(str(error), "warning")
            return redirect(url_for("SupportPlanView.show", pk=plan.id))
        record(db.session, "print", "SupportPlan", plan.id, holder_id=plan.holder_id)
        db.session.commit()
        return _attachment(pdf, f"ondersteuningsplan-{plan.id}.pdf")

    @expose("/voorbereiding")
    @has_access
    def preparation(self):
        from app.organisations.models import Organisation

        org_id = user_organisation_id(g.user)
        org = db.session.get(Organisation, org_id) if org_id else None
        try:
            pdf = printing.render_preparation_pdf(org)
        except PrintError as error:
            flash(str(error), "warning")
            return redirect(url_for("SupportPlanView.list"))
        return _attachment(pdf, "voorbereiding-gesprek.pdf")
