"""The access log model lives with the security primitives; re-exported for the domain."""

from security.audit import AuditEvent  # noqa: F401
