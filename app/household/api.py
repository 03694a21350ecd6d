from app.core.api import ScopedModelRestApi
from app.household.views import (
    HouseholdAssessmentView,
    HouseholdNormView,
    HouseholdSurchargeView,
)


class HouseholdNormApi(ScopedModelRestApi):
    view = HouseholdNormView


class HouseholdSurchargeApi(ScopedModelRestApi):
    view = HouseholdSurchargeView


class HouseholdAssessmentApi(ScopedModelRestApi):
    """Read-only: an assessment changes only through its steps (the wizard)."""

    view = HouseholdAssessmentView
    base_permissions = ["can_read"]
    show_columns = ["id", "holder", "help_request", "status", "advice", "hours_per_week",
                    "temporary_until", "started_on", "completed_on", "assessed_by", "steps",
                    "advice_reasons"]
