"""Mantelzorgers: informal carers of a client and signals of their overload."""


def register(appbuilder):
    from app.carers.api import CarerOverloadApi, InformalCarerApi
    from app.carers.views import CarerOverloadView, InformalCarerView
    from app.core.registry import add_resource

    add_resource(appbuilder, InformalCarerView, InformalCarerApi, name="Mantelzorgers",
                 category="Ondersteuning", icon="fa-hands-holding")
    add_resource(appbuilder, CarerOverloadView, CarerOverloadApi, name="Overbelasting",
                 category="Ondersteuning", icon="fa-triangle-exclamation")
