from app.audit.views import AuditEventView
from app.core.api import ScopedModelRestApi


class AuditEventApi(ScopedModelRestApi):
    view = AuditEventView
    base_permissions = ["can_read"]  # append-only: not even Admin edits the log
    logs_reads = False
    base_order = ("at", "desc")
