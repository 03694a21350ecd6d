from app.core.api import ScopedModelRestApi
from app.volunteers.views import HelpCategoryView, VolunteerView


class HelpCategoryApi(ScopedModelRestApi):
    view = HelpCategoryView


class VolunteerApi(ScopedModelRestApi):
    view = VolunteerView
