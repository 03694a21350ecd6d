from app.controlroom.views import ControlRoomExportView
from app.core.api import ScopedModelRestApi


class ControlRoomExportApi(ScopedModelRestApi):
    view = ControlRoomExportView
    base_permissions = ["can_read"]  # exports are made by the workflow, never edited
    base_order = ("created_at", "desc")
