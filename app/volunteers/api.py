from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.volunteers import schemas
from app.volunteers.models import HelpCategory, Volunteer


class HelpCategoryApi(ScopedModelRestApi):
    datamodel = ScopedInterface(HelpCategory)
    resource_name = "help_category"
    list_columns = ["id", *schemas.HelpCategory.LIST]
    show_columns = ["id", *schemas.HelpCategory.SHOW]
    add_columns = edit_columns = schemas.HelpCategory.EDIT
    search_columns = schemas.HelpCategory.SEARCH
    label_columns = schemas.HelpCategory.LABELS


class VolunteerApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Volunteer)
    resource_name = "volunteer"
    list_columns = ["id", *schemas.Volunteer.LIST]
    show_columns = ["id", *schemas.Volunteer.SHOW]
    add_columns = edit_columns = schemas.Volunteer.EDIT
    search_columns = schemas.Volunteer.SEARCH
    label_columns = schemas.Volunteer.LABELS

