"""Toegangslog: who looked at or changed whose data, when (read-only)."""


def register(appbuilder):
    from app.audit.api import AuditEventApi
    from app.audit.views import AuditEventView
    from app.core.registry import add_resource

    add_resource(appbuilder, AuditEventView, AuditEventApi, name="Toegangslog",
                 category="Privacy", icon="fa-clock-rotate-left")
