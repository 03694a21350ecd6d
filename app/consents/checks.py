"""Rules for consents and privacy notices that the base classes cannot know (view and API)."""

from __future__ import annotations

from flask import g

from app.consents.models import Consent, PrivacyNotice
from app.consents.schemas import SUBJECTS
from app.core.validation import FieldError


class ConsentRules:
    """Mix into a ScopedModelView / ScopedModelRestApi of Consent.

    A consent is about exactly one subject, records who registered it, and is no longer
    changed once withdrawn.
    """

    def _check_subject(self, item):
        given = [name for name in SUBJECTS
                 if getattr(item, name) is not None or getattr(item, f"{name}_id") is not None]
        if len(given) != 1:
            field = given[1] if len(given) > 1 else SUBJECTS[0]
            raise FieldError(field, "Vul precies één betrokkene in: hulpkaarthouder, "
                                    "contactpersoon, hulpvraag of vrijwilliger")

    def pre_add(self, item):
        super().pre_add(item)
        self._check_subject(item)
        if item.recorded_by_id is None and getattr(g, "user", None) is not None:
            item.recorded_by_id = g.user.id

    def pre_update(self, item):
        super().pre_update(item)
        if item.withdrawn_at is not None:
            raise FieldError("withdrawn_at",
                             "Deze toestemming is ingetrokken en wordt niet meer gewijzigd")
        self._check_subject(item)


class NoticeRules:
    """Mix into a view / API of PrivacyNotice: a version number is used once per organisation,
    and a version that consents refer to stays unchanged."""

    def _check_version(self, item):
        session = self.datamodel.session
        with session.no_autoflush:
            taken = session.query(PrivacyNotice.id).filter(
                PrivacyNotice.organisation_id == item.organisation_id,
                PrivacyNotice.version == item.version,
                PrivacyNotice.id != (item.id or 0),
            ).first()
        if taken is not None:
            raise FieldError("version", f"Versie {item.version} bestaat al")

    def pre_add(self, item):
        super().pre_add(item)
        self._check_version(item)

    def pre_update(self, item):
        super().pre_update(item)
        session = self.datamodel.session
        with session.no_autoflush:
            used = session.query(Consent.id).filter(Consent.notice_id == item.id).first()
        if used is not None:
            raise FieldError("version", "Naar deze versie verwijzen toestemmingen; "
                                        "maak een nieuwe versie van de privacyverklaring")
        self._check_version(item)
