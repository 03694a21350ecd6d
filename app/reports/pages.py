"""What the report pages share: the chart colours and the organisation a page is about."""

from __future__ import annotations

from flask import g, request

from app.extensions import db
from app.organisations.models import Organisation
from security.filters import role_names, user_organisation_id

# Colours of the server-drawn SVG charts (templates/reports/_charts.html).
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def chosen_organisation():
    """(organisation or None, organisations to choose from).

    Everybody sees his own organisation; Admin picks one (``?organisatie=<id>``).
    """
    if "Admin" in role_names(g.user):
        choices = db.session.query(Organisation).order_by(Organisation.name).all()
        wanted = request.args.get("organisatie", type=int) or user_organisation_id(g.user)
        chosen = next((o for o in choices if o.id == wanted), choices[0] if choices else None)
        return chosen, choices
    own = user_organisation_id(g.user)
    return (db.session.get(Organisation, own) if own else None), []
