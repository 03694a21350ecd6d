"""Small builders for records in a given organisation (tests only)."""

from __future__ import annotations

import itertools

from app.extensions import db
from app.holders.models import Holder
from app.partners.models import Partner
from app.volunteers.models import Volunteer
from tests.support.fixtures import coach_of, org_id

_seq = itertools.count(1)


def holder(org: str = "a", coach_login: str | None = None, **kw) -> Holder:
    n = next(_seq)
    item = Holder(reference=f"T-{org}-{n}", first_name="Test", last_name=f"Houder{n}",
                  organisation_id=org_id(org), phone="0612345678",
                  coach_id=coach_of(coach_login).id if coach_login else None, **kw)
    db.session.add(item)
    db.session.commit()
    return item


def volunteer(org: str = "a", partner_name: str | None = None, **kw) -> Volunteer:
    n = next(_seq)
    partner_id = None
    if partner_name:
        partner_id = db.session.query(Partner.id).filter_by(name=partner_name).scalar()
    item = Volunteer(first_name="Vera", last_name=f"Vrijwilliger{n}", pc4="3511",
                     organisation_id=org_id(org), partner_id=partner_id, **kw)
    db.session.add(item)
    db.session.commit()
    return item
