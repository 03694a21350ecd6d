from app.contacts.views import ContactPersonView
from app.core.api import ScopedModelRestApi


class ContactPersonApi(ScopedModelRestApi):
    view = ContactPersonView
