from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.vog import schemas
from app.vog.models import VogCheck


class VogCheckView(ScopedModelView):
    datamodel = ScopedInterface(VogCheck)
    list_title = "VOG's"
    show_title = "VOG"
    add_title = "Nieuwe VOG-aanvraag"
    edit_title = "VOG wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("requested_on", "desc")
