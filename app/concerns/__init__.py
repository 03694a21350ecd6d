"""Signalen: early warnings (stagnation, dissatisfaction, worry about a holder) and follow-up."""


def register(appbuilder):
    from app.concerns.api import ConcernApi
    from app.concerns.views import ConcernView
    from app.core.registry import add_resource

    add_resource(appbuilder, ConcernView, ConcernApi, name="Signalen",
                 category="Coaches", icon="fa-triangle-exclamation")
