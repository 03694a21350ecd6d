"""Beheer: the organisations (Hulpkaart organisations, burenhulp locations) and their staff."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.organisations.api import OrganisationApi, StaffProfileApi
    from app.organisations.views import OrganisationView, StaffProfileView

    add_resource(appbuilder, OrganisationView, OrganisationApi, name="Organisaties",
                 category="Beheer", icon="fa-building")
    add_resource(appbuilder, StaffProfileView, StaffProfileApi, name="Medewerkers",
                 category="Beheer", icon="fa-id-badge")
