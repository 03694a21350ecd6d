from app.core.interface import ScopedInterface

from app.audit import schemas
from app.audit.models import AuditEvent
from app.core.api import ScopedModelRestApi


class AuditEventApi(ScopedModelRestApi):
    datamodel = ScopedInterface(AuditEvent)
    resource_name = "audit_event"
    base_permissions = ["can_read"]  # append-only: not even Admin edits the log
    logs_reads = False
    list_columns = ["id", *schemas.LIST]
    show_columns = ["id", *schemas.SHOW]
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    base_order = ("at", "desc")
