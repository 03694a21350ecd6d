from flask import g

from app.concerns import schemas
from app.concerns.models import Concern
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView


class ConcernView(ScopedModelView):
    datamodel = ScopedInterface(Concern)
    list_title = "Signalen"
    show_title = "Signaal"
    add_title = "Nieuw signaal"
    edit_title = "Signaal wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("raised_at", "desc")

    def pre_add(self, item):
        super().pre_add(item)
        item.raised_by_id = item.raised_by_id or g.user.id
