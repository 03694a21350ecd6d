from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.organisations import schemas as s
from app.organisations.models import Organisation, StaffProfile


class OrganisationView(ScopedModelView):
    datamodel = ScopedInterface(Organisation)
    list_title = "Organisaties"
    show_title = "Organisatie"
    add_title = "Nieuwe organisatie"
    edit_title = "Organisatie wijzigen"
    list_columns = s.ORG_LIST
    show_columns = s.ORG_SHOW
    add_columns = edit_columns = s.ORG_EDIT
    search_columns = s.ORG_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("name", "asc")


class StaffProfileView(ScopedModelView):
    datamodel = ScopedInterface(StaffProfile)
    list_title = "Medewerkers"
    show_title = "Medewerker"
    add_title = "Medewerker aan organisatie koppelen"
    edit_title = "Koppeling medewerker wijzigen"
    list_columns = s.STAFF_LIST
    show_columns = s.STAFF_SHOW
    add_columns = edit_columns = s.STAFF_EDIT
    search_columns = s.STAFF_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("organisation_id", "asc")
