"""`make bench`, part access export: the access/portability archive (ZIP with JSON, PDF and
README) for one person with a full history (goal <= 2 s, issue 6).

The person is made once in the bench's encrypted organisation (reference BENCH-INZAGE) and
reused: 3 cards with 8 versions each, 3 contact persons with consents, 60 appointments,
6 evaluations, 12 card prints, 5 concerns, 10 help requests by the same e-mail address with
matches, referrals and feedback, and 5,000 access-log events about the holder.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

GOAL_S = 2.0
REFERENCE = "BENCH-INZAGE"


def prepare_person(app, org_id: int) -> int:
    import sqlalchemy as sa

    from app.cards.models import (
        Appointment,
        AppointmentKind,
        CardPrint,
        Evaluation,
        HelpCard,
        HelpCardVersion,
    )
    from app.concerns.models import Concern, ConcernKind
    from app.consents.models import Consent, ConsentForm, ConsentPurpose
    from app.contacts.models import ContactPerson
    from app.core.models import utcnow
    from app.extensions import db
    from app.helpdesk.models import Feedback, HelpRequest, Match, Referral, Respondent
    from app.holders.models import Holder
    from app.volunteers.models import Volunteer
    from security.audit import _append
    s = db.session
    found = s.scalar(sa.select(Holder.id).where(Holder.organisation_id == org_id,
                                                Holder.reference == REFERENCE))
    if found:
        return found
    email = "inzage.bench@example.nl"
    holder = Holder(reference=REFERENCE, first_name="Ingrid", last_name="Inzage", email=email,
                    phone="0612345678", organisation_id=org_id, notes="Volledige geschiedenis")
    s.add(holder)
    s.flush()
    for c in range(3):
        card = HelpCard(holder_id=holder.id, organisation_id=org_id)
        s.add(card)
        s.flush()
        versions = [HelpCardVersion(card_id=card.id, organisation_id=org_id, version_no=v + 1,
                                    how_to_help="Rustig praten en tijd geven " * 5)
                    for v in range(8)]
        s.add_all(versions)
        s.flush()
        s.add_all([Evaluation(card_id=card.id, organisation_id=org_id,
                              due_on=dt.date.today() - dt.timedelta(days=365 * e)) for e in range(2)])
        s.add_all([CardPrint(card_id=card.id, version_id=versions[-1].id, organisation_id=org_id)
                   for _ in range(4)])
        s.add_all([Appointment(holder_id=holder.id, card_id=card.id, organisation_id=org_id,
                               kind=list(AppointmentKind)[0], starts_at=utcnow(), notes="Gesprek")
                   for _ in range(20)])
    for p in range(3):
        person = ContactPerson(holder_id=holder.id, organisation_id=org_id, name=f"Naaste {p}",
                               phone="0687654321", priority=p + 1)
        s.add(person)
        s.flush()
        s.add(Consent(purpose=ConsentPurpose.on_card, contact_person_id=person.id,
                      organisation_id=org_id, form=ConsentForm.written))
    s.add(Consent(purpose=ConsentPurpose.registration, holder_id=holder.id, organisation_id=org_id,
                  form=ConsentForm.written, evidence_note="Getekend"))
    s.add_all([Concern(holder_id=holder.id, organisation_id=org_id, kind=list(ConcernKind)[0],
                       description="Signaal") for _ in range(5)])
    volunteer = Volunteer(first_name="Vera", last_name="Bench", pc4="3511", organisation_id=org_id)
    s.add(volunteer)
    s.flush()
    for r in range(10):
        req = HelpRequest(organisation_id=org_id, description="Boodschappen doen",
                          requester_name="Ingrid Inzage", requester_email=email)
        s.add(req)
        s.flush()
        match = Match(help_request_id=req.id, volunteer_id=volunteer.id, organisation_id=org_id)
        s.add_all([match, Referral(help_request_id=req.id, organisation_id=org_id,
                                   organisation_name="Welzijn", reason="Ook post")])
        s.flush()
        s.add(Feedback(match_id=match.id, organisation_id=org_id, respondent=list(Respondent)[0],
                       rating=4, comment="Goed"))
    s.flush()
    now = utcnow()
    _append(s.connection(), [{
        "at": now, "user_id": None, "username": "bench", "organisation_id": org_id,
        "action": "read", "resource": "Holder", "record_id": str(holder.id),
        "holder_id": holder.id, "fields": None, "ip": None, "channel": "ui",
        "roles": "Coach", "request_id": None, "purpose": None} for _ in range(5000)])
    s.commit()
    return holder.id


def run(app, ctx) -> list:
    from bench.common import Result

    org_id, repeats = ctx.orgs["encrypted"], ctx.access_exports
    from app.extensions import db
    from app.holders.models import Holder
    from security.audit import Actor
    from workflows.privacy.access_export import build_archive

    with app.app_context(), app.test_request_context():
        holder_id = prepare_person(app, org_id)
        by = Actor(None, "bench", org_id, "PrivacyOfficer")
        times, size = [], 0
        for _ in range(repeats):
            holder = db.session.get(Holder, holder_id)
            start = time.perf_counter()
            data = build_archive(db.session, holder, by=by)
            times.append(time.perf_counter() - start)
            size = len(data)
            db.session.rollback()  # the bench leaves no export events behind
    median, worst = statistics.median(times), max(times)
    verdict = "gehaald" if median <= GOAL_S else "NIET gehaald"
    print(f"Inzage-export (één persoon, volledige geschiedenis, {repeats}x): mediaan "
          f"{median:.2f} s, max {worst:.2f} s, archief {size / 1024:.0f} kB; "
          f"doel <= {GOAL_S:.0f} s (mediaan): {verdict}")
    return [Result("inzage-export", f"1 persoon, volledige geschiedenis ({size // 1024} kB)",
                   median, "s", most=GOAL_S, note=f"max {worst:.2f} s")]
