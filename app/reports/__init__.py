"""Reports: the home page (what needs attention today), the neighbourhood-help dashboard, the
project leader's dashboard, the report for funders and the anonymous card counts."""


def register(appbuilder):
    """The home page is FAB's index view (FAB_INDEX_VIEW in config.py)."""
    from app.core.registry import add_resource, resource_menus
    from app.reports import funder_views, leader_dashboard, tally_views
    from app.reports.helpdesk_dashboard import MENU, HelpDashboardView

    appbuilder.add_view(HelpDashboardView, MENU, icon="fa-chart-bar", category="Burenhulp")
    menus = resource_menus(appbuilder)
    menus.setdefault("HelpDashboard", []).extend([MENU, "Burenhulp"])
    appbuilder.add_view(leader_dashboard.LeaderDashboardView, leader_dashboard.MENU,
                        icon="fa-chart-line", category="Rapportages")
    menus.setdefault("LeaderDashboard", []).extend([leader_dashboard.MENU, "Rapportages"])
    appbuilder.add_view(funder_views.FunderReportView, funder_views.MENU,
                        icon="fa-file-invoice", category="Rapportages")
    menus.setdefault("FunderReport", []).extend([funder_views.MENU, "Rapportages"])
    add_resource(appbuilder, tally_views.CardTallyView, tally_views.CardTallyApi,
                 name=tally_views.MENU, category="Hulpkaarten", icon="fa-calculator")
