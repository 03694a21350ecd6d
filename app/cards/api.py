from app.core.interface import ScopedInterface

from app.cards import schemas
from app.cards.models import Appointment, Evaluation, HelpCard, HelpCardVersion
from app.cards.checks import VersionRules
from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck



class HelpCardApi(ScopedModelRestApi):
    datamodel = ScopedInterface(HelpCard)
    resource_name = "help_card"
    list_columns = ["id", *schemas.CARD_LIST]
    show_columns = ["id", *schemas.CARD_SHOW]
    add_columns = edit_columns = schemas.CARD_EDIT
    search_columns = schemas.CARD_SEARCH
    label_columns = schemas.LABELS


class HelpCardVersionApi(VersionRules, ScopedModelRestApi):
    datamodel = ScopedInterface(HelpCardVersion)
    resource_name = "help_card_version"
    list_columns = ["id", *schemas.VERSION_LIST]
    show_columns = ["id", *schemas.VERSION_SHOW]
    add_columns = edit_columns = schemas.VERSION_EDIT
    search_columns = schemas.VERSION_SEARCH
    label_columns = schemas.LABELS


class AppointmentApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Appointment)
    resource_name = "appointment"
    list_columns = ["id", *schemas.APPOINTMENT_LIST]
    show_columns = ["id", *schemas.APPOINTMENT_SHOW]
    add_columns = edit_columns = schemas.APPOINTMENT_EDIT
    search_columns = schemas.APPOINTMENT_SEARCH
    label_columns = schemas.LABELS
    validators_columns = {f: SchemaCheck(fn) for f, fn in schemas.APPOINTMENT_CHECKS.items()}


class EvaluationApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Evaluation)
    resource_name = "evaluation"
    list_columns = ["id", *schemas.EVALUATION_LIST]
    show_columns = ["id", *schemas.EVALUATION_SHOW]
    add_columns = edit_columns = schemas.EVALUATION_EDIT
    search_columns = schemas.EVALUATION_SEARCH
    label_columns = schemas.LABELS
