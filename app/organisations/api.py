from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.organisations import schemas as s
from app.organisations.models import Organisation, StaffProfile


class OrganisationApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Organisation)
    resource_name = "organisation"
    list_columns = ["id", *s.ORG_LIST]
    show_columns = ["id", *s.ORG_SHOW]
    add_columns = edit_columns = s.ORG_EDIT
    search_columns = s.ORG_SEARCH
    label_columns = s.LABELS


class StaffProfileApi(ScopedModelRestApi):
    datamodel = ScopedInterface(StaffProfile)
    resource_name = "staff_profile"
    list_columns = ["id", *s.STAFF_LIST]
    show_columns = ["id", *s.STAFF_SHOW]
    add_columns = edit_columns = s.STAFF_EDIT
    search_columns = s.STAFF_SEARCH
    label_columns = s.LABELS
