"""Hulp bij het huishouden: the assessment along the protocol's decision frame, its norm table
and surcharges (workflows/household.py holds the frame)."""


def register(appbuilder):
    from flask import current_app

    from app.core.registry import add_resource
    from app.household.api import (
        HouseholdAssessmentApi,
        HouseholdNormApi,
        HouseholdSurchargeApi,
    )
    from app.household.cli import household_cli
    from app.household.views import (
        HouseholdAssessmentView,
        HouseholdNormView,
        HouseholdSurchargeView,
    )

    add_resource(appbuilder, HouseholdAssessmentView, HouseholdAssessmentApi,
                 name="Huishoudelijke hulp", category="Ondersteuning", icon="fa-broom")
    add_resource(appbuilder, HouseholdNormView, HouseholdNormApi, name="Normtabel huishouden",
                 category="Ondersteuning", icon="fa-table")
    add_resource(appbuilder, HouseholdSurchargeView, HouseholdSurchargeApi,
                 name="Toeslagen huishouden", category="Ondersteuning", icon="fa-percent")
    current_app.cli.add_command(household_cli)
