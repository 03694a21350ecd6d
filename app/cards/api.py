from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect

from app.cards import schemas
from app.cards.models import Appointment, Evaluation, HelpCard, HelpCardVersion
from app.cards.checks import VersionRules
from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck


def _columns(model, columns):
    """Relations as their id only: FAB would dump every column of the related row
    (decrypted personal data, a user's password hash) and bypass its access log."""
    relations = set(inspect(model).relationships.keys())
    return ["id", *(f"{c}.id" if c in relations else c for c in columns)]


class HelpCardApi(ScopedModelRestApi):
    datamodel = SQLAInterface(HelpCard)
    resource_name = "help_card"
    list_columns = _columns(HelpCard, schemas.CARD_LIST)
    show_columns = _columns(HelpCard, schemas.CARD_SHOW)
    add_columns = edit_columns = schemas.CARD_EDIT
    search_columns = schemas.CARD_SEARCH
    label_columns = schemas.LABELS


class HelpCardVersionApi(VersionRules, ScopedModelRestApi):
    datamodel = SQLAInterface(HelpCardVersion)
    resource_name = "help_card_version"
    list_columns = _columns(HelpCardVersion, schemas.VERSION_LIST)
    show_columns = _columns(HelpCardVersion, schemas.VERSION_SHOW)
    add_columns = edit_columns = schemas.VERSION_EDIT
    search_columns = schemas.VERSION_SEARCH
    label_columns = schemas.LABELS


class AppointmentApi(ScopedModelRestApi):
    datamodel = SQLAInterface(Appointment)
    resource_name = "appointment"
    list_columns = _columns(Appointment, schemas.APPOINTMENT_LIST)
    show_columns = _columns(Appointment, schemas.APPOINTMENT_SHOW)
    add_columns = edit_columns = schemas.APPOINTMENT_EDIT
    search_columns = schemas.APPOINTMENT_SEARCH
    label_columns = schemas.LABELS
    validators_columns = {f: SchemaCheck(fn) for f, fn in schemas.APPOINTMENT_CHECKS.items()}


class EvaluationApi(ScopedModelRestApi):
    datamodel = SQLAInterface(Evaluation)
    resource_name = "evaluation"
    list_columns = _columns(Evaluation, schemas.EVALUATION_LIST)
    show_columns = _columns(Evaluation, schemas.EVALUATION_SHOW)
    add_columns = edit_columns = schemas.EVALUATION_EDIT
    search_columns = schemas.EVALUATION_SEARCH
    label_columns = schemas.LABELS
