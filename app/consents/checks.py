"""Rules for consents and privacy notices that the base classes cannot know (view and API)."""

from __future__ import annotations

from flask import g

from app.consents.models import Consent
from app.core.validation import FieldError


class ConsentRules:
    """Mix into a ScopedModelView / ScopedModelRestApi of Consent: a consent records who
    registered it, and is no longer changed once withdrawn."""

    def pre_add(self, item):
        super().pre_add(item)
        if item.recorded_by_id is None and getattr(g, "user", None) is not None:
            item.recorded_by_id = g.user.id

    def pre_update(self, item):
        super().pre_update(item)
        if item.withdrawn_at is not None:
            raise FieldError("withdrawn_at",
                             "Deze toestemming is ingetrokken en wordt niet meer gewijzigd")


class NoticeRules:
    """Mix into a view / API of PrivacyNotice: a version that consents refer to stays unchanged
    (a version number is used once per organisation: the unique constraint says so)."""

    def pre_update(self, item):
        super().pre_update(item)
        session = self.datamodel.session
        with session.no_autoflush:
            used = session.query(Consent.id).filter(Consent.notice_id == item.id).first()
        if used is not None:
            raise FieldError("version", "Naar deze versie verwijzen toestemmingen; "
                                        "maak een nieuwe versie van de privacyverklaring")
