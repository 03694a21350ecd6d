from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect

from app.consents import schemas
from app.consents.models import Consent, PrivacyNotice
from app.consents.checks import ConsentRules, NoticeRules
from app.core.api import ScopedModelRestApi


def _columns(model, columns):
    """Relations as their id only: FAB would dump every column of the related row
    (decrypted personal data, a user's password hash) and bypass its access log."""
    relations = set(inspect(model).relationships.keys())
    return ["id", *(f"{c}.id" if c in relations else c for c in columns)]


class ConsentApi(ConsentRules, ScopedModelRestApi):
    datamodel = SQLAInterface(Consent)
    resource_name = "consent"
    list_columns = _columns(Consent, schemas.CONSENT_LIST)
    show_columns = _columns(Consent, schemas.CONSENT_SHOW)
    add_columns = edit_columns = schemas.CONSENT_EDIT
    search_columns = schemas.CONSENT_SEARCH
    label_columns = schemas.LABELS


class PrivacyNoticeApi(NoticeRules, ScopedModelRestApi):
    datamodel = SQLAInterface(PrivacyNotice)
    resource_name = "privacy_notice"
    list_columns = _columns(PrivacyNotice, schemas.NOTICE_LIST)
    show_columns = _columns(PrivacyNotice, schemas.NOTICE_SHOW)
    add_columns = edit_columns = schemas.NOTICE_EDIT
    search_columns = schemas.NOTICE_SEARCH
    label_columns = schemas.LABELS
