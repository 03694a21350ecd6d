"""Row scoping: which records a user may see.

Admin sees every organisation. Everybody else sees only his own organisation's records,
narrowed per role (security/roles.py SCOPE): a coach sees the holders assigned to him and
what hangs off them, a partner contact the volunteers of his own partner.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_, select

from security.roles import scope_for


def _profile(user):
    from app.organisations.models import StaffProfile  # lazy: models import security
    from app.extensions import db

    if user is None or not getattr(user, "id", None):
        return None
    cache = g.setdefault("_staff_profiles", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = db.session.query(StaffProfile).filter_by(user_id=user.id).one_or_none()
    return cache[user.id]


def user_organisation_id(user) -> int | None:
    profile = _profile(user)
    return profile.organisation_id if profile else None


def user_partner_id(user) -> int | None:
    profile = _profile(user)
    return profile.partner_id if profile else None


def role_names(user) -> list[str]:
    return [r.name for r in getattr(user, "roles", []) or []]


def _rel(model, name):
    attr = getattr(model, name, None)
    return attr if attr is not None and hasattr(attr, "property") and hasattr(attr.property, "mapper") else None


def _own_holders_clause(model, user_id: int, depth: int = 0):
    """Rows whose holder is coached by ``user_id``; None if the model has no such path."""
    if model.__tablename__ == "coach":
        return model.user_id == user_id
    if model.__tablename__ == "performance_review":  # only the coach himself (and leaders)
        return model.coach.has(user_id=user_id)
    clauses = []
    for name in ("holder", "card", "contact_person", "session"):
        rel = _rel(model, name)
        if rel is not None and depth < 3:
            inner = _own_holders_clause(rel.property.mapper.class_, user_id, depth + 1)
            if inner is not None:
                clauses.append(rel.has(inner))
    if not clauses:
        coach = _rel(model, "coach")
        if coach is not None:
            clauses.append(coach.has(user_id=user_id))
    if not clauses:
        return None
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


def _own_partner_clause(model, partner_id: int | None):
    if partner_id is None:
        return false()
    if model.__tablename__ == "partner":
        return model.id == partner_id
    if hasattr(model, "partner_id") and model.__tablename__ == "volunteer":
        return model.partner_id == partner_id
    volunteer = _rel(model, "volunteer")
    if volunteer is not None:
        return volunteer.has(partner_id=partner_id)
    return None


def staff_of(model, org_id: int | None):
    """Logins (ab_user) that are staff of the organisation."""
    from app.organisations.models import StaffProfile

    return model.id.in_(
        select(StaffProfile.user_id).where(StaffProfile.organisation_id == org_id)
    )


def scope_query(query, model, user, resource: str | None = None):
    """Restrict ``query`` on ``model`` to the rows ``user`` may see."""
    resource = resource or model.__name__
    if model.__tablename__ == "ab_user":  # picking a colleague: staff of one's own organisation
        if "Admin" in role_names(user):
            return query
        return query.filter(staff_of(model, user_organisation_id(user)))
    scope = scope_for(role_names(user), resource) if user is not None else "none"
    if scope == "all":
        return query
    if scope == "none":
        return query.filter(false())
    if model.__tablename__ == "help_category":
        return query
    org_id = user_organisation_id(user)
    if org_id is None:
        return query.filter(false())
    if model.__tablename__ == "organisation":
        return query.filter(model.id == org_id)
    if hasattr(model, "organisation_id"):
        query = query.filter(model.organisation_id == org_id)
    clause = None
    if scope == "own_holders":
        clause = _own_holders_clause(model, user.id)
    elif scope == "own_partner":
        clause = _own_partner_clause(model, user_partner_id(user))
    return query if clause is None else query.filter(clause)


class ScopeFilter(BaseFilter):
    """FAB base filter applying :func:`scope_query` for the logged-in user."""

    name = "Zichtbaar voor mij"

    def apply(self, query, value):
        return scope_query(query, self.model, getattr(g, "user", None))
