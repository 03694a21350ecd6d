"""The home page: what needs attention today, for the logged-in user's roles."""

from __future__ import annotations

import datetime as dt

from flask import g, url_for
from flask_appbuilder import IndexView, expose

from app.extensions import db
from app.reports import signals
from app.reports.attention import ITEMS
from security.filters import role_names, scope_query, user_organisation_id
from security.roles import allowed


class HomeView(IndexView):
    route_base = "/"
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        tiles = []
        if user is not None and getattr(user, "is_authenticated", False):
            roles = role_names(user)
            for item in ITEMS:
                resource = item.model.__name__
                if not any(allowed(r, resource, "read") for r in roles):
                    continue
                query = scope_query(db.session.query(item.model.id), item.model, user)
                count = query.filter(item.condition()).count()
                tiles.append({"label": item.label, "count": count, "url": url_for(item.view),
                              "urgent": item.due_soon and count > 0})
            tiles += _signal_tiles(user, roles)
        return self.render_template(self.index_template, user=user, tiles=tiles,
                                    appbuilder=self.appbuilder)


def _signal_tiles(user, roles) -> list[dict]:
    """Project leaders: how many stagnation signals are active (app/reports/signals.py)."""
    org_id = user_organisation_id(user)
    if org_id is None or not any(r != "Admin" and allowed(r, "LeaderDashboard", "read")
                                 for r in roles):
        return []
    count = len(signals.active(db.session, org_id, dt.date.today()))
    return [{"label": "Signalen van stagnatie (dashboard projectleider)", "count": count,
             "url": url_for("LeaderDashboardView.index"), "urgent": count > 0}]
