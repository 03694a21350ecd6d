"""Dashboard burenhulp: the neighbourhood-help figures of one location, as charts and CSV.

Resource ``HelpDashboard`` (security/roles.py: ProjectLeader, Helpdesk, VolunteerCoordinator
read; Admin). Everybody sees his own organisation; Admin picks one (``?organisatie=<id>``).
Counts only: no names or contact details of people, so reading it is not an access-log event.
Charts are inline SVG drawn on the server (no JavaScript, nothing from outside: a CSP holds).
"""

from __future__ import annotations

import csv
import io

from flask import Response, request
from flask_appbuilder import BaseView, expose, has_access

from app.core.models import utcnow
from app.extensions import db
from app.reports import helpdesk_figures as hf
from app.reports.pages import COLOURS, chosen_organisation

MENU = "Dashboard burenhulp"
DEFAULT_DAYS = 14


class HelpDashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = "HelpDashboard"
    method_permission_name = {"index": "read", "csv": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def _organisation(self):
        """(chosen organisation or None, organisations to choose from: Admin only)."""
        return chosen_organisation()

    def _days(self) -> int:
        days = request.args.get("dagen", type=int)
        return days if days is not None and 0 <= days <= 3650 else DEFAULT_DAYS

    def _figures(self):
        organisation, choices = self._organisation()
        figs = hf.figures(db.session, organisation.id, utcnow(), self._days()) if organisation else None
        return organisation, choices, figs

    @expose("/burenhulp")
    @has_access
    def index(self):
        organisation, choices, figs = self._figures()
        return self.render_template(
            "reports/helpdesk_dashboard.html", organisation=organisation, choices=choices,
            figs=figs, empty=figs is None or hf.is_empty(figs), rows=hf.rows(figs) if figs else [],
            month_label=hf.month_label, number=hf.number, colours=COLOURS, near_km=hf.NEAR_KM)

    @expose("/burenhulp.csv")
    @has_access
    def csv(self):
        organisation, _, figs = self._figures()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Onderdeel", "Omschrijving", "Toelichting", "Aantal"])
        writer.writerows(hf.rows(figs) if figs else [])
        name = f"burenhulp-{organisation.id if organisation else 'geen'}-{utcnow():%Y%m%d}.csv"
        return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
