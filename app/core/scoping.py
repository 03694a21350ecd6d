"""What admin views and REST APIs share: the resource name, row scoping and safe writes."""

from __future__ import annotations

from flask import g
from sqlalchemy import inspect
from sqlalchemy.orm import RelationshipDirection

from app.core.labels import LABELS
from app.core.validation import FieldError, check_rules, remember_field_error
from security.crypto import encrypted_columns
from security.filters import (
    ScopeFilter,
    role_names,
    scope_query,
    staff_of,
    user_organisation_id,
    user_partner_id,
)
from security.roles import scope_for
from security.search import BlindIndexFilterConverter, blind_index_columns


class ScopedMixin:
    logs_reads = True

    @property
    def resource(self) -> str:
        return self.datamodel.obj.__name__

    def _init_scope(self) -> None:
        model = self.datamodel.obj
        self.class_permission_name = model.__name__
        self.label_columns = {**LABELS, **(self.label_columns or {})}
        # Ciphertext can be neither searched with LIKE nor sorted: offer the plain columns,
        # and exact search through the blind index on the encrypted ones that have it.
        encrypted = encrypted_columns(model)
        if not self.search_columns:
            self.search_columns = [
                c for c in self.datamodel.get_search_columns_list() if c not in encrypted
            ]
        self.datamodel.filter_converter_class = BlindIndexFilterConverter
        indexed = [c for c in blind_index_columns(model) if c not in self.search_columns]
        self.search_columns = [*indexed, *self.search_columns]
        if not self.order_columns:
            self.order_columns = [
                c for c in self.datamodel.get_order_columns_list() if c not in encrypted
            ]
        self.base_filters = [["id", ScopeFilter, None], *(self.base_filters or [])]
        rel_filters = {
            rel.key: [["id", ScopeFilter, None]]
            for rel in inspect(model).relationships
            if rel.direction is RelationshipDirection.MANYTOONE
        }
        for attr in ("add_form_query_rel_fields", "edit_form_query_rel_fields",
                     "search_form_query_rel_fields", "add_query_rel_fields",
                     "edit_query_rel_fields"):
            if hasattr(self, attr):
                setattr(self, attr, {**rel_filters, **(getattr(self, attr) or {})})

    def prepare_write(self, item, is_new: bool) -> None:
        """Put a new record in the user's organisation (and caseload), refuse links he may
        not see, and check the model's rules — before anything is written."""
        try:
            with self.datamodel.session.no_autoflush:  # the item is not complete yet
                self._assign_organisation(item, is_new)
                self._assign_owner(item)
                self._check_links(item, g.user)
                check_rules(item)
        except FieldError as exc:
            remember_field_error(exc)
            raise

    def _assign_owner(self, item) -> None:
        """A coach's new holder is his own, a partner contact's new volunteer his partner's:
        otherwise the record would vanish from his sight the moment it is saved."""
        user = g.user
        scope = scope_for(role_names(user), type(item).__name__)
        relations = inspect(type(item)).relationships
        if scope == "own_holders" and "coach" in relations and item.coach is None \
                and item.coach_id is None:
            coach_cls = relations["coach"].mapper.class_
            item.coach = self.datamodel.session.query(coach_cls).filter_by(user_id=user.id).first()
        elif scope == "own_partner" and "partner" in relations and item.partner is None \
                and item.partner_id is None:
            item.partner_id = user_partner_id(user)

    def _assign_organisation(self, item, is_new: bool) -> None:
        if not hasattr(type(item), "organisation_id"):
            return
        user = g.user
        own_org = user_organisation_id(user)
        if is_new and item.organisation_id is None and item.organisation is None:
            if own_org is None:
                raise FieldError("organisation", "Uw account is niet aan een organisatie gekoppeld")
            item.organisation_id = own_org
        org_id = item.organisation_id or getattr(item.organisation, "id", None)
        if "Admin" not in role_names(user) and org_id != own_org:
            raise FieldError("organisation", "U kunt alleen in uw eigen organisatie vastleggen")

    def _check_links(self, item, user) -> None:
        """Every many-to-one link must point at a record the user may see, in the same
        organisation as ``item`` (logins: staff of that organisation)."""
        session = self.datamodel.session
        org_id = getattr(item, "organisation_id", None) or getattr(
            getattr(item, "organisation", None), "id", None
        )
        for rel in inspect(type(item)).relationships:
            if rel.direction is not RelationshipDirection.MANYTOONE or rel.key == "organisation":
                continue
            target_cls = rel.mapper.class_
            is_login = target_cls.__tablename__ == "ab_user"
            if not (is_login or hasattr(target_cls, "organisation_id")):
                continue
            target = getattr(item, rel.key)
            fk = next(iter(rel.local_columns)).key
            target_id = target.id if target is not None else getattr(item, fk, None)
            if target_id is None:
                continue
            query = scope_query(session.query(target_cls), target_cls, user)
            if org_id is not None:
                query = query.filter(
                    staff_of(target_cls, org_id) if is_login
                    else target_cls.organisation_id == org_id
                )
            if query.filter(target_cls.id == target_id).first() is None:
                raise FieldError(rel.key, "Dit gekoppelde record bestaat niet of is niet toegankelijk")
