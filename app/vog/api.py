from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.vog import schemas
from app.vog.models import VogCheck


class VogCheckApi(ScopedModelRestApi):
    datamodel = ScopedInterface(VogCheck)
    resource_name = "vog_check"
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS

