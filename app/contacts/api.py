from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect

from app.contacts import schemas
from app.contacts.models import ContactPerson
from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck


def _columns(model, columns):
    """Relations as their id only: FAB would dump every column of the related row
    (decrypted personal data, a user's password hash) and bypass its access log."""
    relations = set(inspect(model).relationships.keys())
    return ["id", *(f"{c}.id" if c in relations else c for c in columns)]


class ContactPersonApi(ScopedModelRestApi):
    datamodel = SQLAInterface(ContactPerson)
    resource_name = "contact_person"
    list_columns = _columns(ContactPerson, schemas.LIST)
    show_columns = _columns(ContactPerson, schemas.SHOW)
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    validators_columns = {f: SchemaCheck(fn) for f, fn in schemas.CHECKS.items()}
