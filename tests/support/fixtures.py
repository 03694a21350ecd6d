"""The fixture data every test can count on (see tests/conftest.py)."""

from __future__ import annotations

from app.extensions import db
from app.organisations.models import Organisation
from app.partners.models import Partner, PartnerKind
from app.coaches.models import Coach
from security.roles import ROLES
from workflows.organisations import add_user

PASSWORD = "Test-wachtwoord-1"
ORGS = {"a": "Organisatie A", "b": "Organisatie B"}


def username(role: str, org: str) -> str:
    return f"{role.lower()}_{org}"


def seed(app) -> None:
    for key, name in ORGS.items():
        db.session.add(Organisation(name=name, pc4="3511" if key == "a" else "9711"))
        db.session.flush()
        org = db.session.query(Organisation).filter_by(name=name).one()
        db.session.add(Partner(name=f"Kerk {key.upper()}", kind=PartnerKind.church,
                               organisation_id=org.id))
        db.session.commit()
        for role in ROLES:
            add_user(username(role, key), PASSWORD, email=f"{username(role, key)}@example.org",
                     roles=[role], organisation_name=name, first_name=role, last_name=key.upper(),
                     partner_name=f"Kerk {key.upper()}" if role == "PartnerContact" else None)
        coaches = [username("Coach", key)] + (["coach2_a"] if key == "a" else [])
        for login in coaches:
            if login == "coach2_a":
                add_user(login, PASSWORD, email="coach2_a@example.org", roles=["Coach"],
                         organisation_name=name, first_name="Tweede", last_name="Coach")
            user = app.appbuilder.sm.find_user(username=login)
            db.session.add(Coach(first_name=user.first_name, last_name=user.last_name,
                                 user_id=user.id, organisation_id=org.id))
        db.session.commit()


def org_id(name_key: str) -> int:
    return db.session.query(Organisation.id).filter_by(name=ORGS[name_key]).scalar()


def coach_of(login: str) -> Coach:
    from flask import current_app

    user = current_app.appbuilder.sm.find_user(username=login)
    return db.session.query(Coach).filter_by(user_id=user.id).one()


def read_every_support_plan(app, username: str) -> None:
    """Put a user on every support plan's reader list: a plan opens only for its readers
    (the client decides), Admin included; screen and coverage tests open every record."""
    from app.extensions import db
    from app.supportplans.models import SupportPlan

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        for plan in db.session.query(SupportPlan):
            if user not in plan.readers:
                plan.readers.append(user)
        db.session.commit()
