from app.cards import schemas
from app.cards.checks import VersionRules
from app.cards.models import Appointment, Evaluation, HelpCard, HelpCardVersion
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView


class HelpCardVersionView(VersionRules, ScopedModelView):
    datamodel = ScopedInterface(HelpCardVersion)
    list_title = "Kaartversies"
    show_title = "Kaartversie"
    add_title = "Nieuwe kaartversie"
    edit_title = "Kaartversie wijzigen"
    list_columns = schemas.VERSION_LIST
    show_columns = schemas.VERSION_SHOW
    add_columns = edit_columns = schemas.VERSION_EDIT
    search_columns = schemas.VERSION_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("created_at", "desc")


class AppointmentView(ScopedModelView):
    datamodel = ScopedInterface(Appointment)
    list_title = "Afspraken"
    show_title = "Afspraak"
    add_title = "Nieuwe afspraak"
    edit_title = "Afspraak wijzigen"
    list_columns = schemas.APPOINTMENT_LIST
    show_columns = schemas.APPOINTMENT_SHOW
    add_columns = edit_columns = schemas.APPOINTMENT_EDIT
    search_columns = schemas.APPOINTMENT_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("starts_at", "desc")


class EvaluationView(ScopedModelView):
    datamodel = ScopedInterface(Evaluation)
    list_title = "Evaluaties"
    show_title = "Evaluatie"
    add_title = "Nieuwe evaluatie"
    edit_title = "Evaluatie wijzigen"
    list_columns = schemas.EVALUATION_LIST
    show_columns = schemas.EVALUATION_SHOW
    add_columns = edit_columns = schemas.EVALUATION_EDIT
    search_columns = schemas.EVALUATION_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("due_on", "desc")


class HelpCardView(ScopedModelView):
    datamodel = ScopedInterface(HelpCard)
    list_title = "Hulpkaarten"
    show_title = "Hulpkaart"
    add_title = "Nieuwe hulpkaart"
    edit_title = "Hulpkaart wijzigen"
    list_columns = schemas.CARD_LIST
    show_columns = schemas.CARD_SHOW
    add_columns = edit_columns = schemas.CARD_EDIT
    search_columns = schemas.CARD_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    related_views = [HelpCardVersionView, EvaluationView, AppointmentView]
    base_order = ("requested_on", "desc")
