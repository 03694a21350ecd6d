"""Berichten: the outbox of e-mails the workflows send (read-only)."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.notifications.api import NotificationApi
    from app.notifications.views import NotificationView

    add_resource(appbuilder, NotificationView, NotificationApi, name="Berichten",
                 category="Privacy", icon="fa-envelope")
