"""Rules for card versions that the base classes cannot know (the view and API share them)."""

from __future__ import annotations

from flask import g
from sqlalchemy import func, inspect

from app.cards.models import HelpCardVersion
from app.core.validation import FieldError


def _committed(item, name):
    """The value ``name`` had before this request changed it."""
    history = inspect(item).attrs[name].history
    old = history.deleted or history.unchanged
    return old[0] if old else None


class VersionRules:
    """Mix into a ScopedModelView / ScopedModelRestApi of HelpCardVersion.

    A new version gets the next number of its card and the user who made it; a version the
    holder has approved is kept unchanged (make a new version instead).
    """

    def pre_add(self, item):
        super().pre_add(item)
        card_id = item.card.id if item.card is not None else item.card_id
        session = self.datamodel.session
        with session.no_autoflush:
            last = session.query(func.max(HelpCardVersion.version_no)).filter(
                HelpCardVersion.card_id == card_id).scalar()
        item.version_no = (last or 0) + 1
        if item.created_by_id is None and getattr(g, "user", None) is not None:
            item.created_by_id = g.user.id

    def pre_update(self, item):
        # Before the base class: its link checks query, and autoflush would clear the history.
        changed = any(attr.history.has_changes() for attr in inspect(item).attrs)
        if changed and _committed(item, "holder_approved_on") is not None:
            raise FieldError(
                "holder_approved_on",
                "Deze versie is door de houder goedgekeurd en wordt niet meer gewijzigd; "
                "maak een nieuwe versie",
            )
        super().pre_update(item)
