from app.core.interface import ScopedInterface

from app.consents import schemas
from app.consents.models import Consent, PrivacyNotice
from app.consents.checks import ConsentRules, NoticeRules
from app.core.api import ScopedModelRestApi



class ConsentApi(ConsentRules, ScopedModelRestApi):
    datamodel = ScopedInterface(Consent)
    resource_name = "consent"
    list_columns = ["id", *schemas.CONSENT_LIST]
    show_columns = ["id", *schemas.CONSENT_SHOW]
    add_columns = edit_columns = schemas.CONSENT_EDIT
    search_columns = schemas.CONSENT_SEARCH
    label_columns = schemas.LABELS


class PrivacyNoticeApi(NoticeRules, ScopedModelRestApi):
    datamodel = ScopedInterface(PrivacyNotice)
    resource_name = "privacy_notice"
    list_columns = ["id", *schemas.NOTICE_LIST]
    show_columns = ["id", *schemas.NOTICE_SHOW]
    add_columns = edit_columns = schemas.NOTICE_EDIT
    search_columns = schemas.NOTICE_SEARCH
    label_columns = schemas.LABELS
