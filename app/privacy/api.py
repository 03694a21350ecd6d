from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.privacy import schemas
from app.privacy.models import PrivacyRequest


class PrivacyRequestApi(ScopedModelRestApi):
    datamodel = ScopedInterface(PrivacyRequest)
    resource_name = "privacy_request"
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS

