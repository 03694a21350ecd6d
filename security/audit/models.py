"""The access log's tables. All three are insert-only: no code updates or deletes a row
(on PostgreSQL the application's role may only INSERT and SELECT them).

- ``audit_event``: one row per event (NEN 7513: who, when, whose data, what, why, on whose
  behalf, channel, request id). Ids come from the database.
- ``audit_leaf``: the Merkle tree's leaves in sealing order (``leaf_index`` 0, 1, …), each the
  RFC 6962 leaf hash of one event's canonical content (:mod:`security.audit.tree`).
- ``audit_checkpoint``: signed tree heads (size, root, time, Ed25519 signature), also appended
  to a file outside the database (:mod:`security.audit.checkpoints`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column

from app.core.models import utcnow


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_resource_record", "resource", "record_id"),
        sa.Index("ix_audit_event_holder_at", "holder_id", "at"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    at = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)
    user_id = mapped_column(sa.Integer, nullable=True, index=True)  # no FK: the log outlives users
    username = mapped_column(sa.String(128), nullable=False)
    organisation_id = mapped_column(sa.Integer, nullable=True, index=True)
    action = mapped_column(sa.String(20), nullable=False)  # read, list, create, update, delete, …
    resource = mapped_column(sa.String(60), nullable=False)
    record_id = mapped_column(sa.String(40), nullable=True)
    holder_id = mapped_column(sa.Integer, nullable=True)  # whose data, where known
    fields = mapped_column(sa.String(500), nullable=True)  # names only, never values
    ip = mapped_column(sa.String(45), nullable=True)
    channel = mapped_column(sa.String(10), nullable=False, default="ui")  # ui, api, cli, job
    roles = mapped_column(sa.String(120), nullable=True)
    request_id = mapped_column(sa.String(36), nullable=True)
    purpose = mapped_column(sa.String(120), nullable=True)  # why (exports, requests)
    on_behalf_of = mapped_column(sa.String(128), nullable=True)  # whom the actor acts for
    # The hash chain of events written before the Merkle tree (migration a19_access_log_tree);
    # empty on newer events. The tree covers both columns like every other.
    prev_hash = mapped_column(sa.String(64), nullable=True)
    hash = mapped_column(sa.String(64), nullable=True, unique=True)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.resource}#{self.record_id}"


class AuditLeaf(Model):
    """One sealed event: its place in the tree and its leaf hash (hex)."""

    __tablename__ = "audit_leaf"
    leaf_index = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    event_id = mapped_column(sa.Integer, nullable=False, unique=True)
    hash = mapped_column(sa.String(64), nullable=False)


class AuditCheckpoint(Model):
    """A signed tree head. ``frontier`` (the roots of the tree's perfect subtrees, JSON) lets
    the next sealing run extend the tree without reading its leaves; ``max_event_id`` is the
    highest event id sealed so far."""

    __tablename__ = "audit_checkpoint"
    id = mapped_column(sa.Integer, primary_key=True)
    tree_size = mapped_column(sa.Integer, nullable=False, index=True)
    root = mapped_column(sa.String(64), nullable=False)
    signed_at = mapped_column(sa.DateTime, nullable=False, index=True)
    key_id = mapped_column(sa.String(16), nullable=False)
    signature = mapped_column(sa.String(100), nullable=False)
    frontier = mapped_column(sa.Text, nullable=False)
    max_event_id = mapped_column(sa.Integer, nullable=False, default=0)
