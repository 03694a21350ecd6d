from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.holders import schemas
from app.holders.models import Holder


class HolderApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Holder)
    resource_name = "holder"
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
