"""Ondersteuningsplannen: plans from the open conversation, their versions, the PDFs."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.supportplans import checks  # noqa: F401  (versions are never changed)
    from app.supportplans.api import SupportPlanApi, SupportPlanVersionApi
    from app.supportplans.views import (
        SupportPlanPrintView,
        SupportPlanVersionView,
        SupportPlanView,
    )

    add_resource(appbuilder, SupportPlanView, SupportPlanApi, name="Ondersteuningsplannen",
                 category="Ondersteuning", icon="fa-route")
    add_resource(appbuilder, SupportPlanVersionView, SupportPlanVersionApi,
                 name="Planversies", category="Ondersteuning", icon="fa-copy")
    appbuilder.add_view_no_menu(SupportPlanPrintView)
