"""Who may read a support plan: only the users on its reader list (the client decides),
within the row scope of their role (a coach: his own holders). Admin is no exception.

Lists show only readable plans (``ReaderFilter``); opening a plan one may not read is refused
and written to the access log as ``denied`` (:func:`refused`)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import false

from app.extensions import db
from app.supportplans.models import SupportPlan, SupportPlanVersion
from security.audit import log_denied
from security.filters import scope_query

REFUSED = ("U staat niet op de lijst van lezers van dit ondersteuningsplan. De cliënt bepaalt "
           "wie het plan mag lezen.")


def _scoped_plan_ids(user, resource: str):
    return scope_query(sa.select(SupportPlan.id), SupportPlan, user, resource)


def readable(model, user):
    """A clause: the rows of ``model`` (plan or version) ``user`` may read."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return false()
    on_list = SupportPlan.readers.any(User.id == user_id)
    if model is SupportPlan:
        return on_list
    # A version: its plan is in the user's scope (a coach: his own holders) and readable.
    return SupportPlanVersion.plan_id.in_(
        _scoped_plan_ids(user, "SupportPlanVersion").where(on_list))


class ReaderFilter(BaseFilter):
    name = "Ik ben lezer"

    def apply(self, query, value):
        return query.filter(readable(self.model, getattr(g, "user", None)))


def refused(model, pk) -> bool:
    """True (and the refusal logged) when the record exists in the user's scope but the user
    is not one of its plan's readers; False when he may read it or it is not his to see."""
    user = getattr(g, "user", None)
    query = scope_query(db.session.query(model.id).filter(model.id == pk), model, user)
    if query.first() is None:
        return False  # unknown here: the caller answers 404
    if db.session.query(model.id).filter(model.id == pk, readable(model, user)).first():
        return False
    log_denied(model.__name__, pk)
    return True
