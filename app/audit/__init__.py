"""Toegangslog: who looked at or changed whose data, when (read-only)."""

PERSON_MENU = "Inzage per persoon"
USER_MENU = "Toegangslog per gebruiker"


def register(appbuilder):
    from app.audit.api import AuditEventApi
    from app.audit.views import AccessReportView, AuditEventView, UserLogView
    from app.core.registry import add_resource, resource_menus
    from flask import current_app

    from security.audit import init_app

    add_resource(appbuilder, AuditEventView, AuditEventApi, name="Toegangslog",
                 category="Privacy", icon="fa-clock-rotate-left")
    # The two report screens read the same resource (AuditEvent): same permission, same menu.
    appbuilder.add_view(AccessReportView, PERSON_MENU, icon="fa-user-shield", category="Privacy")
    appbuilder.add_view(UserLogView, USER_MENU, icon="fa-user-clock", category="Privacy")
    resource_menus(appbuilder)["AuditEvent"] += [PERSON_MENU, USER_MENU]
    init_app(current_app._get_current_object())
