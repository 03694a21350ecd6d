"""Contactpersonen: the people a holder wants called, in order, on his card."""


def register(appbuilder):
    from app.contacts.api import ContactPersonApi
    from app.contacts.views import ContactPersonView
    from app.core.registry import add_resource

    add_resource(appbuilder, ContactPersonView, ContactPersonApi, name="Contactpersonen",
                 category="Hulpkaarten", icon="fa-address-book")
