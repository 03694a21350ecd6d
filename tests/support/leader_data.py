"""A fixed data set for the project leader's dashboard and the funder report, in an
organisation of its own (made once per database). TODAY lies in the past, so every date is
allowed by the past-date checks; the figures take ``today`` as a parameter.

Hand-computed values are in tests/test_leader_dashboard.py and tests/test_funder_report.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

from app.cards.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CardStatus,
    Evaluation,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.coaches.models import Coach
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.holders.models import Holder
from app.organisations.models import Organisation
from app.reports.models import CardEvent, CardTally
from tests.support.fixtures import PASSWORD
from workflows.organisations import add_user

TODAY = dt.date(2026, 5, 20)
ORG = "Organisatie Leidertest"
LEADER = "projectleader_lt"
D = dt.date

# (first name, last name, phone) of each holder; one contact person each (name, phone).
PEOPLE = [
    ("Henkie", "Hulpkaartmans", "0612345601", "Greetje Contactmans", "0612345611"),
    ("Trijntje", "Terpstravoort", "0612345602", "Bartel Belpersoon", "0612345612"),
    ("Okke", "Onderzoeksma", "0612345603", "Fenna Familiedijk", "0612345613"),
    ("Wubbe", "Wachtelaar", "0612345604", "Jikke Naastbij", "0612345614"),
    ("Sjoukje", "Schrijfhuis", "0612345605", "Klaas Kennisman", "0612345615"),
    ("Ids", "Intrekker", "0612345606", "Ymkje Zorgvuldig", "0612345616"),
    ("Lolkje", "Laatkomer", "0612345607", "Pier Pasgeweest", "0612345617"),
    ("Minne", "Moetevalueren", "0612345608", "Aukje Achterwacht", "0612345618"),
]


def organisation(db, name: str, user: str | None = None, role: str = "ProjectLeader",
                 **kw) -> Organisation:
    org = db.session.query(Organisation).filter_by(name=name).one_or_none()
    if org is None:
        db.session.add(Organisation(name=name, pc4="3512", **kw))
        db.session.commit()
        org = db.session.query(Organisation).filter_by(name=name).one()
        if user:
            add_user(user, PASSWORD, email=f"{user}@example.org", roles=[role],
                     organisation_name=name, first_name="Leider", last_name="Test")
    return org


def fresh_organisation(db) -> Organisation:
    return organisation(db, f"Signaaltest {uuid.uuid4().hex[:8]}")


def coach(db, org, first, last, maximum, active=True) -> Coach:
    item = Coach(first_name=first, last_name=last, max_caseload=maximum, active=active,
                 organisation_id=org.id)
    db.session.add(item)
    db.session.flush()
    return item


def card(db, org, holder, coach_, status, requested, issued=None, ended=None) -> HelpCard:
    item = HelpCard(holder_id=holder.id, organisation_id=org.id, coach_id=coach_.id if coach_ else None,
                    status=CardStatus.requested, requested_on=requested,
                    making_choice=None if status == CardStatus.requested else MakingChoice.with_coach)
    db.session.add(item)
    db.session.flush()
    if issued:
        version = HelpCardVersion(card_id=item.id, organisation_id=org.id, version_no=1,
                                  how_to_help="Rustig praten.", holder_approved_on=issued)
        db.session.add(version)
        db.session.flush()
        item.issued_version_id, item.issued_on = version.id, issued
        db.session.flush()
    item.status, item.ended_on = status, ended
    db.session.flush()
    return item


def holder(db, org, i: int, coach_=None) -> Holder:
    first, last, phone, contact, contact_phone = PEOPLE[i]
    item = Holder(reference=f"LT-{i}", first_name=first, last_name=last, phone=phone,
                  organisation_id=org.id, coach_id=coach_.id if coach_ else None)
    db.session.add(item)
    db.session.flush()
    db.session.add(ContactPerson(holder_id=item.id, organisation_id=org.id, name=contact,
                                 phone=contact_phone, priority=1))
    return item


def appointment(db, org, card_, minutes, when, status=AppointmentStatus.held):
    db.session.add(Appointment(holder_id=card_.holder_id, card_id=card_.id, coach_id=card_.coach_id,
                               organisation_id=org.id, kind=AppointmentKind.drafting, status=status,
                               starts_at=when, duration_minutes=minutes))


def research(db, org, holder_, given, withdrawn=None):
    db.session.add(Consent(holder_id=holder_.id, organisation_id=org.id,
                           purpose=ConsentPurpose.research, form=ConsentForm.written,
                           given_at=dt.datetime.combine(given, dt.time(10)),
                           withdrawn_at=dt.datetime.combine(withdrawn, dt.time(10)) if withdrawn else None))


def tally(db, org, event, on, number, minutes=None, research_=0, coach_=None):
    db.session.add(CardTally(organisation_id=org.id, event=event, counted_on=on, number=number,
                             minutes_spent=minutes, research_participants=research_,
                             coach_id=coach_.id if coach_ else None))


def dataset(db) -> Organisation:
    org = organisation(db, ORG, LEADER)
    if db.session.query(Coach.id).filter_by(organisation_id=org.id).first():
        return org
    S = CardStatus
    anna = coach(db, org, "Anna", "Aalders", 1)
    bert = coach(db, org, "Bert", "Bakker", 5)
    coach(db, org, "Cor", "Claes", 3, active=False)
    h = [holder(db, org, i, anna if i in (0, 3, 4, 6) else bert) for i in range(len(PEOPLE))]
    k1 = card(db, org, h[0], anna, S.issued, D(2026, 3, 1), issued=D(2026, 4, 10))
    k2 = card(db, org, h[1], bert, S.evaluation_due, D(2025, 12, 1), issued=D(2026, 1, 15))
    k3 = card(db, org, h[2], bert, S.evaluated, D(2024, 2, 1), issued=D(2024, 3, 10))
    card(db, org, h[3], anna, S.requested, D(2026, 4, 1))  # waits 49 days
    card(db, org, h[4], anna, S.drafting, D(2026, 5, 10))
    card(db, org, h[5], bert, S.withdrawn, D(2025, 7, 1), ended=D(2026, 2, 20))
    card(db, org, h[6], anna, S.requested, D(2026, 5, 15))  # waits 5 days
    k8 = card(db, org, h[7], bert, S.evaluation_due, D(2025, 5, 1), issued=D(2025, 6, 10))
    db.session.add_all([
        Evaluation(card_id=k2.id, organisation_id=org.id, coach_id=bert.id, due_on=D(2026, 5, 1)),
        Evaluation(card_id=k8.id, organisation_id=org.id, coach_id=bert.id, due_on=D(2026, 6, 10)),
        Evaluation(card_id=k3.id, organisation_id=org.id, coach_id=bert.id, due_on=D(2025, 3, 10),
                   held_on=D(2025, 3, 5)),
    ])
    at = dt.datetime
    appointment(db, org, k1, 90, at(2026, 3, 5, 10))
    appointment(db, org, k1, 30, at(2026, 4, 8, 10))
    appointment(db, org, k1, 60, at(2026, 3, 20, 10), AppointmentStatus.planned)
    appointment(db, org, k1, 45, at(2026, 2, 1, 10), AppointmentStatus.cancelled)
    appointment(db, org, k2, 60, at(2026, 1, 10, 10))
    appointment(db, org, k3, 120, at(2024, 3, 1, 10))
    research(db, org, h[0], D(2026, 1, 5))
    research(db, org, h[1], D(2025, 10, 1), withdrawn=D(2026, 2, 1))
    research(db, org, h[2], D(2026, 4, 15))
    research(db, org, h[7], D(2025, 5, 1), withdrawn=D(2026, 4, 20))
    E = CardEvent
    tally(db, org, E.issued, D(2025, 9, 5), 3, minutes=300, research_=1, coach_=bert)
    tally(db, org, E.issued, D(2026, 2, 2), 2, research_=1)
    tally(db, org, E.requested, D(2026, 2, 1), 4)
    tally(db, org, E.evaluated, D(2026, 3, 3), 1, minutes=30)
    tally(db, org, E.withdrawn, D(2026, 3, 20), 1)
    db.session.commit()
    return org


def personal_data() -> list[str]:
    """Every name and phone number of the data set, in the forms a report could print."""
    out = []
    for first, last, phone, contact, contact_phone in PEOPLE:
        out += [first, last, contact, *contact.split()]
        for number in (phone, contact_phone):
            out += [number, "+31" + number[1:], number[2:], f"06 {number[2:]}"]
    return out
