"""Volunteer rules the database enforces too, checked first so the user gets a Dutch message."""

from __future__ import annotations

from security.filters import role_names, user_partner_id
from security.roles import scope_for


def max_distance(value):
    if value is not None and not 0 < value <= 100:
        raise ValueError("De maximale afstand ligt tussen 1 en 100 km")
    return value


def assign_own_partner(item, user, session) -> None:
    """A partner contact's volunteers belong to his partner; otherwise he would lose sight of them."""
    from app.partners.models import Partner

    if scope_for(role_names(user), "Volunteer") != "own_partner":
        return
    if item.partner is None:  # also when a form just cleared the field
        partner_id = user_partner_id(user)
        if partner_id is not None:
            item.partner = session.get(Partner, partner_id)
