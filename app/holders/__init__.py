"""Hulpkaarthouders: the people the cards belong to."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.holders.api import HolderApi
    from app.holders.views import HolderView

    add_resource(appbuilder, HolderView, HolderApi, name="Hulpkaarthouders",
                 category="Hulpkaarten", icon="fa-id-card")
