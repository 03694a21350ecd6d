from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.notifications import schemas
from app.notifications.models import Notification


class NotificationView(ScopedModelView):
    datamodel = ScopedInterface(Notification)
    base_permissions = ["can_read"]  # the outbox is written by workflows only
    list_title = "Berichten"
    show_title = "Bericht"
    add_title = "Bericht"
    edit_title = "Bericht"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("created_at", "desc")
