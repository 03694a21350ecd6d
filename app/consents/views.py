from app.consents import schemas
from app.consents.checks import ConsentRules, NoticeRules
from app.consents.models import Consent, PrivacyNotice
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView


class ConsentView(ConsentRules, ScopedModelView):
    datamodel = ScopedInterface(Consent)
    list_title = "Toestemmingen"
    show_title = "Toestemming"
    add_title = "Nieuwe toestemming"
    edit_title = "Toestemming wijzigen"
    list_columns = schemas.CONSENT_LIST
    show_columns = schemas.CONSENT_SHOW
    add_columns = edit_columns = schemas.CONSENT_EDIT
    search_columns = schemas.CONSENT_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("given_at", "desc")


class PrivacyNoticeView(NoticeRules, ScopedModelView):
    datamodel = ScopedInterface(PrivacyNotice)
    list_title = "Privacyverklaringen"
    show_title = "Privacyverklaring"
    add_title = "Nieuwe versie van de privacyverklaring"
    edit_title = "Privacyverklaring wijzigen"
    list_columns = schemas.NOTICE_LIST
    show_columns = schemas.NOTICE_SHOW
    add_columns = edit_columns = schemas.NOTICE_EDIT
    search_columns = schemas.NOTICE_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("effective_from", "desc")
