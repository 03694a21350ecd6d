"""Rapportage financiers: the page, the CSV and the PDF (resource ``FunderReport``,
ProjectLeader read; Admin picks an organisation). Every download is in the access log."""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.cards.printing import PrintError
from app.extensions import db
from app.reports import funder
from app.reports.pages import chosen_organisation
from security.audit import record

MENU = "Rapportage financiers"


class FunderReportView(BaseView):
    route_base = "/rapportage"
    class_permission_name = "FunderReport"
    method_permission_name = {"index": "read", "csv": "read", "pdf": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def _report(self):
        """(organisation, choices, report or None, error message or None)."""
        organisation, choices = chosen_organisation()
        try:
            start, end = funder.parse_period(request.args, dt.date.today())
        except funder.PeriodError as exc:
            return organisation, choices, None, str(exc)
        if organisation is None:
            return None, choices, None, None
        return organisation, choices, funder.report(db.session, organisation, start, end), None

    @expose("/financiers")
    @has_access
    def index(self):
        organisation, choices, rep, error = self._report()
        if error:
            flash(error, "danger")
        return self.render_template(
            "reports/funder_page.html", organisation=organisation, choices=choices, rep=rep,
            rows=funder.rows(rep) if rep else [], presets=funder.PRESETS,
            header=funder.CSV_HEADER, args=request.args)

    def _download(self, ext: str):
        organisation, _, rep, error = self._report()
        if rep is None:
            flash(error or "U bent niet aan een organisatie gekoppeld; er is geen rapportage.",
                  "danger")
            return redirect(url_for("FunderReportView.index", **request.args))
        start, end = rep["period"]
        if ext == "pdf":
            try:
                body, mimetype = funder.to_pdf(rep, dt.date.today()), "application/pdf"
            except PrintError as exc:
                flash(str(exc), "danger")
                return redirect(url_for("FunderReportView.index", **request.args))
        else:
            body, mimetype = funder.to_csv(rep), "text/csv; charset=utf-8"
        record(db.session, "export", "FunderReport", organisation.id,
               purpose=f"Rapportage financiers {ext.upper()} {rep['start']} t/m {rep['end']}")
        db.session.commit()
        name = funder.filename(organisation, start, end, ext)
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @expose("/financiers.csv")
    @has_access
    def csv(self):
        return self._download("csv")

    @expose("/financiers.pdf")
    @has_access
    def pdf(self):
        return self._download("pdf")
