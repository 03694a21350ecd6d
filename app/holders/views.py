from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.holders import schemas
from app.holders.models import Holder


class HolderView(ScopedModelView):
    datamodel = ScopedInterface(Holder)
    list_title = "Hulpkaarthouders"
    show_title = "Hulpkaarthouder"
    add_title = "Nieuwe hulpkaarthouder"
    edit_title = "Hulpkaarthouder wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("reference", "asc")
    show_template = "portal/holder_show.html"  # with "Link naar het portaal sturen"
