"""Rules for card versions that the base classes cannot know (the view and API share them)."""

from __future__ import annotations

from flask import g
from sqlalchemy import inspect

from app.cards.models import CardStatus, HelpCard, HelpCardVersion
from app.core.validation import FieldError, remember_field_error

NEW_VERSION_HINT = "maak een nieuwe versie met de knop 'Nieuwe versie maken' op de kaart"


def _committed(item, name):
    """The value ``name`` had before this request changed it."""
    history = inspect(item).attrs[name].history
    old = history.deleted or history.unchanged
    return old[0] if old else None


class VersionRules:
    """Mix into a ScopedModelView / ScopedModelRestApi of HelpCardVersion.

    A new version gets the next number of its card and the user who made it, and only while
    the card is in drafting without an open draft; a version is written only while its card is
    in drafting, and a version the holder agreed to or that was approved is kept unchanged
    (make a new version instead). The workflow (workflows/cards.py) makes versions itself.
    """

    def pre_add(self, item):
        super().pre_add(item)
        card_id = item.card.id if item.card is not None else item.card_id
        session = self.datamodel.session
        with session.no_autoflush:
            card = session.get(HelpCard, card_id) if card_id is not None else None
            last = session.query(HelpCardVersion).filter(
                HelpCardVersion.card_id == card_id).order_by(
                HelpCardVersion.version_no.desc()).first()
        if card is not None and card.status is not CardStatus.drafting:
            raise _refused("card", f"Een kaart in status '{card.status}' krijgt geen nieuwe "
                                   "versie; " + (NEW_VERSION_HINT if card.status in NEW_DRAFT_FROM
                                                 else "start eerst de opmaak op de kaart"))
        if last is not None and last.approved_at is None:
            raise _refused("card", f"Deze kaart heeft al een concept (versie {last.version_no}); "
                                   "wijzig dat")
        last = last.version_no if last is not None else None
        item.version_no = (last or 0) + 1
        if item.created_by_id is None and getattr(g, "user", None) is not None:
            item.created_by_id = g.user.id

    def pre_update(self, item):
        # Before the base class: its link checks query, and autoflush would clear the history.
        changed = any(attr.history.has_changes() for attr in inspect(item).attrs)
        if changed:
            if _committed(item, "approved_at") is not None:
                raise _refused("_schema", "Deze versie is goedgekeurd en wordt niet meer "
                                          "gewijzigd; " + NEW_VERSION_HINT)
            if _committed(item, "holder_approved_on") is not None:
                raise _refused("_schema", "De houder is met deze versie akkoord gegaan; "
                                          "wijzigen kan pas na 'Terug naar opmaak' op de kaart")
            with self.datamodel.session.no_autoflush:
                card = item.card
            status = _committed(card, "status") if card is not None else None
            if status is not None and status is not CardStatus.drafting:
                raise _refused("_schema", f"De kaart staat in status '{status}'; de tekst "
                                          "wijzigt u alleen terwijl de kaart in opmaak is")
        super().pre_update(item)


NEW_DRAFT_FROM = (CardStatus.approved, CardStatus.issued, CardStatus.evaluation_due,
                  CardStatus.evaluated)


def _refused(field: str, message: str) -> FieldError:
    error = FieldError(field, message)
    remember_field_error(error)
    return error
