from app.cards.checks import VersionRules
from app.cards.views import (
    AppointmentView,
    EvaluationView,
    HelpCardVersionView,
    HelpCardView,
)
from app.core.api import ScopedModelRestApi


class HelpCardApi(ScopedModelRestApi):
    view = HelpCardView


class HelpCardVersionApi(VersionRules, ScopedModelRestApi):
    view = HelpCardVersionView


class AppointmentApi(ScopedModelRestApi):
    view = AppointmentView


class EvaluationApi(ScopedModelRestApi):
    view = EvaluationView
