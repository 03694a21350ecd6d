"""Checks the base classes cannot know: links to logins, and who attended an intervision."""

from __future__ import annotations

from flask import g
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import select

from app.core.validation import FieldError
from app.organisations.models import StaffProfile
from security.filters import role_names, user_organisation_id


class OwnOrganisationUsers(BaseFilter):
    """Offer only the logins of the user's own organisation (Admin: all)."""

    name = "Medewerkers van mijn organisatie"

    def apply(self, query, value):
        user = getattr(g, "user", None)
        if "Admin" in role_names(user):
            return query
        staff = select(StaffProfile.user_id).where(
            StaffProfile.organisation_id == user_organisation_id(user))
        return query.filter(self.model.id.in_(staff))


def own_users(*fields) -> dict:
    return {f: [["id", OwnOrganisationUsers, None]] for f in fields}


class StaffUserCheck:
    """Refuse a link to a login that is not staff of the record's organisation."""

    staff_user_fields: tuple[str, ...] = ()

    def _check_staff_users(self, item):
        org_id = item.organisation_id or getattr(item.organisation, "id", None)
        for field in self.staff_user_fields:
            user = getattr(item, field)
            user_id = user.id if user is not None else getattr(item, f"{field}_id")
            if user_id is None:
                continue
            found = self.datamodel.session.query(StaffProfile.id).filter_by(
                user_id=user_id, organisation_id=org_id).first()
            if found is None:
                raise FieldError(field, "Deze gebruiker is geen medewerker van uw organisatie")

    def pre_add(self, item):
        super().pre_add(item)
        self._check_staff_users(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._check_staff_users(item)


class AttendeeCheck:
    """An attendance names a coach or a guest (the table refuses neither)."""

    def _check_attendee(self, item):
        if item.coach is None and item.coach_id is None and not (item.guest_name or "").strip():
            raise FieldError("guest_name", "Kies een coach of vul de naam van een gast in")

    def pre_add(self, item):
        super().pre_add(item)
        self._check_attendee(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._check_attendee(item)
