"""Shared building blocks for every domain's models."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import declared_attr, mapped_column, relationship

# Named constraints, so Alembic (batch mode on SQLite too) can address them.
Model.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Choice(enum.Enum):
    """An enumeration stored by its English code (the member name), shown by its Dutch label."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def codes(cls) -> list[str]:
        return list(cls.__members__)


def choice_column(enum_cls: type[Choice], *, nullable: bool = False, default=None, index=False):
    return mapped_column(
        sa.Enum(
            enum_cls,
            name=enum_cls.__name__.lower(),
            native_enum=False,
            create_constraint=True,
            length=32,
            validate_strings=True,
        ),
        nullable=nullable,
        default=default,
        index=index,
        info={"marshmallow_by_value": False},  # the API speaks codes, the UI Dutch labels
    )


def user_fk(nullable: bool = True, **kw):
    return mapped_column(sa.ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=nullable, **kw)


class TimestampMixin:
    created_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class OrgScopedMixin(TimestampMixin):
    """Every record belongs to one organisation; users see only their own (Admin sees all).

    Writes to these records are logged in the access log (security/audit.py).
    """

    __audited__ = True

    @declared_attr
    def organisation_id(cls):
        return mapped_column(
            sa.ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
        )

    @declared_attr
    def organisation(cls):
        return relationship("Organisation")


class ClientMixin:
    """A record about a client: a card holder or the requester of a help request (one of both).

    Add ``client_check()`` to ``__table_args__``.
    """

    @declared_attr
    def holder_id(cls):
        return mapped_column(
            sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=True, index=True
        )

    @declared_attr
    def help_request_id(cls):
        return mapped_column(
            sa.ForeignKey("help_request.id", ondelete="CASCADE"), nullable=True, index=True
        )

    @declared_attr
    def holder(cls):
        return relationship("Holder")

    @declared_attr
    def help_request(cls):
        return relationship("HelpRequest")

    @property
    def client(self):
        return self.holder or self.help_request


def client_check() -> sa.CheckConstraint:
    return sa.CheckConstraint(
        "(holder_id IS NULL) <> (help_request_id IS NULL)", name="one_client"
    )
