from app.contacts import schemas
from app.contacts.models import ContactPerson
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView


class ContactPersonView(ScopedModelView):
    datamodel = ScopedInterface(ContactPerson)
    list_title = "Contactpersonen"
    show_title = "Contactpersoon"
    add_title = "Nieuwe contactpersoon"
    edit_title = "Contactpersoon wijzigen"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("holder_id", "asc")
