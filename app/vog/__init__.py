"""VOG's (Verklaring Omtrent het Gedrag) of volunteers."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.vog.api import VogCheckApi
    from app.vog.views import VogCheckView

    add_resource(appbuilder, VogCheckView, VogCheckApi, name="VOG's",
                 category="Burenhulp", icon="fa-certificate")
