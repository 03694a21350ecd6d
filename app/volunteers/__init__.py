"""Vrijwilligers (hulpbieders) and the help categories they offer, shared by all organisations."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.volunteers.api import HelpCategoryApi, VolunteerApi
    from app.volunteers.views import HelpCategoryView, VolunteerView

    add_resource(appbuilder, VolunteerView, VolunteerApi, name="Vrijwilligers",
                 category="Burenhulp", icon="fa-hands-helping")
    add_resource(appbuilder, HelpCategoryView, HelpCategoryApi, name="Hulpcategorieën",
                 category="Burenhulp", icon="fa-tags")
