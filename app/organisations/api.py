from app.core.api import ScopedModelRestApi
from app.organisations.views import OrganisationView, StaffProfileView


class OrganisationApi(ScopedModelRestApi):
    view = OrganisationView


class StaffProfileApi(ScopedModelRestApi):
    view = StaffProfileView
