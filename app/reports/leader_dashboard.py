"""Dashboard projectleider: cards made, hours, evaluations, waiting requests, coach load, and
the stagnation signals of one organisation. Counts only.

Resource ``LeaderDashboard`` (security/roles.py: ProjectLeader read; Admin picks an
organisation with ``?organisatie=<id>``). Coach names are staff, shown to the project leader;
no holder is named, so reading it is not an access-log event. Charts are inline SVG drawn on
the server (templates/reports/_charts.html).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_appbuilder import BaseView, expose, has_access

from app.extensions import db
from app.reports import leader_figures as lf
from app.reports import signals
from app.reports.helpdesk_figures import number
from app.reports.pages import COLOURS, chosen_organisation

MENU = "Dashboard projectleider"


def wait_days() -> int:
    return int(current_app.config.get("HULPREGIE_REQUEST_WAIT_DAYS", 14))


class LeaderDashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = "LeaderDashboard"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/projectleider")
    @has_access
    def index(self):
        organisation, choices = chosen_organisation()
        today = dt.date.today()
        figs = warnings = None
        if organisation is not None:
            figs = lf.figures(db.session, organisation.id, today, wait_days())
            warnings = signals.active(db.session, organisation.id, today)
        return self.render_template(
            "reports/leader_dashboard.html", organisation=organisation, choices=choices,
            figs=figs, warnings=warnings, month_label=lf.month_label, number=number,
            colours=COLOURS)
