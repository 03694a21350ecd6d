from app.core.interface import ScopedInterface

from app.contacts import schemas
from app.contacts.models import ContactPerson
from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck



class ContactPersonApi(ScopedModelRestApi):
    datamodel = ScopedInterface(ContactPerson)
    resource_name = "contact_person"
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    validators_columns = {f: SchemaCheck(fn) for f, fn in schemas.CHECKS.items()}
