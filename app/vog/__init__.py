"""VOG's (Verklaring Omtrent het Gedrag) of volunteers."""

OVERVIEW_MENU = "VOG-overzicht"


def register(appbuilder):
    from app.core.registry import add_resource, resource_menus
    from app.vog.api import VogCheckApi
    from app.vog.views import VogCheckView, VogOverviewView

    add_resource(appbuilder, VogCheckView, VogCheckApi, name="VOG's",
                 category="Burenhulp", icon="fa-certificate")
    # The overview reads the same resource (VogCheck): same permission, same menu rights.
    appbuilder.add_view(VogOverviewView, OVERVIEW_MENU, icon="fa-calendar-check", category="Burenhulp")
    resource_menus(appbuilder)["VogCheck"].append(OVERVIEW_MENU)
