from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.volunteers import schemas
from app.volunteers.models import HelpCategory, Volunteer


class HelpCategoryView(ScopedModelView):
    datamodel = ScopedInterface(HelpCategory)
    list_title = "Hulpcategorieën"
    show_title = "Hulpcategorie"
    add_title = "Nieuwe hulpcategorie"
    edit_title = "Hulpcategorie wijzigen"
    list_columns = schemas.HelpCategory.LIST
    show_columns = schemas.HelpCategory.SHOW
    add_columns = edit_columns = schemas.HelpCategory.EDIT
    search_columns = schemas.HelpCategory.SEARCH
    label_columns = schemas.HelpCategory.LABELS
    description_columns = schemas.HelpCategory.DESCRIPTIONS
    base_order = ("name", "asc")


class VolunteerView(ScopedModelView):
    datamodel = ScopedInterface(Volunteer)
    list_title = "Vrijwilligers"
    show_title = "Vrijwilliger"
    add_title = "Nieuwe vrijwilliger"
    edit_title = "Vrijwilliger wijzigen"
    list_columns = schemas.Volunteer.LIST
    show_columns = schemas.Volunteer.SHOW
    add_columns = edit_columns = schemas.Volunteer.EDIT
    search_columns = schemas.Volunteer.SEARCH
    label_columns = schemas.Volunteer.LABELS
    description_columns = schemas.Volunteer.DESCRIPTIONS
    base_order = ("created_at", "desc")

