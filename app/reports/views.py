"""The home page: what needs attention today, for the logged-in user's roles."""

from __future__ import annotations

from flask import g, url_for
from flask_appbuilder import IndexView, expose

from app.extensions import db
from app.reports.attention import ITEMS
from security.filters import role_names, scope_query
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
        return self.render_template(self.index_template, user=user, tiles=tiles,
                                    appbuilder=self.appbuilder)
