"""Staff accounts: a FAB user with roles, linked to an organisation (and partner)."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.organisations.models import Organisation, StaffProfile
from app.partners.models import Partner
from app.core.models import utcnow
from security.passwords import password_problem, policy_enabled
from security.roles import ROLES


class UserError(Exception):
    pass


def add_user(username: str, password: str, *, email: str, roles, organisation_name: str,
             first_name: str, last_name: str, partner_name: str | None = None):
    """Create a user with its staff profile in one transaction; refuse anything unclear."""
    sm = current_app.appbuilder.sm
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UserError(f"Onbekende rol: {', '.join(unknown)} (kies uit {', '.join(ROLES)})")
    if sm.find_user(username=username) is not None:
        raise UserError(f"Gebruiker '{username}' bestaat al")
    org = db.session.query(Organisation).filter_by(name=organisation_name).one_or_none()
    if org is None:
        raise UserError(f"Organisatie '{organisation_name}' bestaat niet")
    partner = None
    if partner_name:
        partner = db.session.query(Partner).filter_by(
            organisation_id=org.id, name=partner_name).one_or_none()
        if partner is None:
            raise UserError(f"Partner '{partner_name}' bestaat niet bij {organisation_name}")
    role_objs = [sm.find_role(r) for r in roles]
    if any(r is None for r in role_objs):
        raise UserError("Rollen ontbreken: voer eerst 'flask --app run roles sync' uit")
    if policy_enabled():
        problem = password_problem(password, username, email)
        if problem:
            raise UserError(problem)
    user = sm.add_user(username, first_name, last_name, email, role_objs, password)
    if not user:
        db.session.rollback()
        raise UserError(f"Gebruiker '{username}' kon niet worden aangemaakt (e-mail al in gebruik?)")
    db.session.add(StaffProfile(user_id=user.id, organisation_id=org.id,
                                partner_id=partner.id if partner else None,
                                password_changed_at=utcnow()))
    db.session.commit()
    return user
