from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.notifications import schemas
from app.notifications.models import Notification


class NotificationApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Notification)
    resource_name = "notification"
    base_permissions = ["can_read"]  # the outbox is written by workflows only
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    base_order = ("created_at", "desc")
