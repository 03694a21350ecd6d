"""FAB's SQLAlchemy interface, with database refusals turned into a clear Dutch FieldError."""

from __future__ import annotations

import re

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.exc import IntegrityError

from app.core.validation import FieldError, remember_field_error
from security.crypto import EncryptedDate, EncryptedString

_PG_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")


def _field_of(exc: IntegrityError, table) -> str | None:
    text = str(exc.orig)
    match = _SQLITE_UNIQUE.search(text)
    columns: list[str] = []
    if match:
        columns = [c.strip().split(".")[-1] for c in match.group(1).split(",")]
    else:
        match = _PG_CONSTRAINT.search(text)
        if match:
            for constraint in table.constraints:
                if constraint.name == match.group(1):
                    columns = [c.key for c in getattr(constraint, "columns", [])]
    columns = [c for c in columns if c != "organisation_id"]
    return columns[0] if columns else None


def integrity_error(exc: IntegrityError, model) -> FieldError:
    text = str(exc.orig).lower()
    field = _field_of(exc, model.__table__)
    if "unique" in text or "duplicate" in text:
        return FieldError(field or "_schema", "Deze waarde bestaat al; kies een andere")
    if "foreign key" in text:
        return FieldError(field or "_schema", "Dit record wordt nog gebruikt of verwijst naar iets dat niet bestaat")
    return FieldError(field or "_schema", "Deze gegevens passen niet bij de regels van de database")


class ScopedInterface(SQLAInterface):
    """Rolls back and raises FieldError (a ValueError) instead of a raw database error,
    and tells FAB that an encrypted date is a date (so forms get a date picker)."""

    def is_date(self, col_name: str) -> bool:
        return self._is_encrypted(col_name, EncryptedDate) or super().is_date(col_name)

    def is_text(self, col_name: str) -> bool:
        """Only free text gets a text area; an encrypted name or date is one line."""
        if self._is_encrypted(col_name, (EncryptedString, EncryptedDate)):
            return False
        return super().is_text(col_name)

    def _is_encrypted(self, col_name: str, types) -> bool:
        return isinstance(getattr(self.list_columns.get(col_name), "type", None), types)

    def _guard(self, operation, item, commit):
        try:
            operation(item, commit=commit)
        except Exception as exc:
            self.session.rollback()  # nothing half-written, whatever went wrong
            cause = exc if isinstance(exc, IntegrityError) else exc.__cause__
            if isinstance(cause, IntegrityError):
                exc = integrity_error(cause, self.obj)
            if isinstance(exc, FieldError):
                remember_field_error(exc)
                raise exc from None
            raise

    def add(self, item, commit: bool = True) -> None:
        self._guard(super().add, item, commit)

    def edit(self, item, commit: bool = True) -> None:
        self._guard(super().edit, item, commit)

    def delete(self, item, commit: bool = True) -> None:
        self._guard(super().delete, item, commit)
