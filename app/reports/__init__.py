"""Reports: the home page (what needs attention today) and the neighbourhood-help dashboard."""


def register(appbuilder):
    """The home page is FAB's index view (FAB_INDEX_VIEW in config.py)."""
    from app.core.registry import resource_menus
    from app.reports.helpdesk_dashboard import MENU, HelpDashboardView

    appbuilder.add_view(HelpDashboardView, MENU, icon="fa-chart-bar", category="Burenhulp")
    resource_menus(appbuilder).setdefault("HelpDashboard", []).extend([MENU, "Burenhulp"])
