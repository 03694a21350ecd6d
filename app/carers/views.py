"""Mantelzorgers: the carers of a client, their agreements (with the warning for a reserved
medical act), the review, and signals of overload with their follow-up."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter

from app.carers import schemas
from app.carers.models import CarerOverload, InformalCarer, RespiteOption, reserved_act_problems
from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date, remember_field_error
from app.core.views import ScopedModelView
from security.audit import actor_for
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import carers as flow


class CarerScopeFilter(BaseFilter):
    """A signal's carer must be one the user may see (a coach: of his own holders)."""

    name = "Mantelzorger zichtbaar voor mij"

    def apply(self, query, value):
        carers = scope_query(sa.select(InformalCarer.id), InformalCarer, getattr(g, "user", None),
                             "CarerOverload")
        return query.filter(CarerOverload.carer_id.in_(carers))


class InformalCarerView(ScopedModelView):
    datamodel = ScopedInterface(InformalCarer)
    method_permission_name = {**VIEW_METHODS, "step": "write"}
    list_title = "Mantelzorgers"
    show_title = "Mantelzorger"
    add_title = "Nieuwe mantelzorger"
    edit_title = "Afspraken met mantelzorger wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = schemas.ADD
    edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    show_template = "carers/show.html"
    base_order = ("created_at", "desc")

    def pre_add(self, item):
        super().pre_add(item)
        try:
            flow.record(self.datamodel.session, carer=item, by=actor_for(g.user))
        except FieldError as exc:
            remember_field_error(exc)
            raise

    def post_add(self, item):
        self._warn(item)

    def post_update(self, item):
        self._warn(item)

    def _warn(self, item):
        for problem in reserved_act_problems(item):
            flash(problem, "warning")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see the carer; logs the read
        carer = self.datamodel.get(pk, self._base_filters)
        signals = sorted(carer.overload_signals, key=lambda s: s.signalled_on, reverse=True)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, carer=carer, signals=signals,
            problems=reserved_act_problems(carer), respite=list(RespiteOption),
            today=dt.date.today().isoformat())

    @expose("/stap/<int:pk>", methods=["POST"])
    @has_access
    def step(self, pk):
        """Review the agreements, or record a signal of overload."""
        session = self.datamodel.session
        carer = self.datamodel.get(pk, self._base_filters)
        if carer is None:
            abort(404)
        by, form = actor_for(g.user), request.form
        if form.get("action") == "review":
            self.run_step(lambda: flow.review(
                session, carer, by=by, on=parse_form_date(form.get("on"), "Datum gesprek"),
                next_review_on=parse_form_date(form.get("review_on"), "Volgende keer", "review_on")),
                "De afspraken zijn opnieuw bekeken.")
        elif form.get("action") == "overload":
            self.run_step(lambda: flow.signal_overload(
                session, carer, by=by, description=form.get("description", ""),
                respite_option=form.get("respite_option") or None,
                follow_up_on=parse_form_date(form.get("follow_up_on"), "Opvolgen op", "follow_up_on")),
                "De overbelasting is vastgelegd.")
        else:
            flash("Onbekende stap.", "danger")
        return redirect(url_for("InformalCarerView.show", pk=pk))


class CarerOverloadView(ScopedModelView):
    datamodel = ScopedInterface(CarerOverload)
    base_filters = [["id", CarerScopeFilter, None]]
    method_permission_name = {**VIEW_METHODS, "step": "write"}
    list_title = "Overbelasting mantelzorgers"
    show_title = "Overbelasting mantelzorger"
    add_title = "Overbelasting signaleren"
    edit_title = "Overbelasting wijzigen"
    list_columns = schemas.OVERLOAD_LIST
    show_columns = schemas.OVERLOAD_SHOW
    add_columns = schemas.OVERLOAD_ADD
    edit_columns = schemas.OVERLOAD_EDIT
    search_columns = schemas.OVERLOAD_SEARCH
    label_columns = schemas.LABELS
    show_template = "carers/overload_show.html"
    base_order = ("signalled_on", "desc")

    def pre_add(self, item):
        super().pre_add(item)
        try:
            flow.signal_overload(self.datamodel.session, signal=item, by=actor_for(g.user))
        except FieldError as exc:
            remember_field_error(exc)
            raise

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        signal = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, signal=signal, respite=list(RespiteOption),
            today=dt.date.today().isoformat())

    @expose("/stap/<int:pk>", methods=["POST"])
    @has_access
    def step(self, pk):
        """Follow up (a new date, the respite offered) or close the signal."""
        session = self.datamodel.session
        signal = self.datamodel.get(pk, self._base_filters)
        if signal is None:
            abort(404)
        by, form = actor_for(g.user), request.form
        if form.get("action") == "follow_up":
            self.run_step(lambda: flow.follow_up(
                session, signal, by=by,
                follow_up_on=parse_form_date(form.get("follow_up_on"), "Opvolgen op", "follow_up_on"),
                respite_option=form.get("respite_option") or None, note=form.get("note")),
                "De opvolging is vastgelegd.")
        elif form.get("action") == "resolve":
            self.run_step(lambda: flow.resolve(session, signal, by=by, outcome=form.get("outcome", "")),
                          "Het signaal is afgesloten.")
        else:
            flash("Onbekende stap.", "danger")
        return redirect(url_for("CarerOverloadView.show", pk=pk))
