from app.core.interface import ScopedInterface

from app.audit import schemas
from app.audit.models import AuditEvent
from app.core.views import ScopedModelView


class AuditEventView(ScopedModelView):
    datamodel = ScopedInterface(AuditEvent)
    base_permissions = ["can_read"]  # append-only: not even Admin edits the log
    logs_reads = False  # reading the log does not log itself
    list_title = "Toegangslog"
    show_title = "Logregel"
    add_title = "Logregel"
    edit_title = "Logregel"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("at", "desc")
