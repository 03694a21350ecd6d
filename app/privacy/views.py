from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.privacy import schemas
from app.privacy.models import PrivacyRequest


class PrivacyRequestView(ScopedModelView):
    datamodel = ScopedInterface(PrivacyRequest)
    list_title = "Privacyverzoeken"
    show_title = "Privacyverzoek"
    add_title = "Nieuw privacyverzoek"
    edit_title = "Privacyverzoek wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("due_on", "asc")
