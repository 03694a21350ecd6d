from app.core.api import ScopedModelRestApi
from app.notifications.views import NotificationView


class NotificationApi(ScopedModelRestApi):
    view = NotificationView
    base_permissions = ["can_read"]  # the outbox is written by workflows only
    base_order = ("created_at", "desc")
