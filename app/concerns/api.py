from flask import g
from app.core.interface import ScopedInterface

from app.concerns import schemas
from app.concerns.models import Concern
from app.core.api import ScopedModelRestApi


class ConcernApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Concern)
    resource_name = "concern"
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS

    def pre_add(self, item):
        super().pre_add(item)
        item.raised_by_id = item.raised_by_id or g.user.id
