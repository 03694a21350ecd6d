"""The yearly evaluation job with a frozen clock: due, early, overdue, letter or e-mail, and
exactly one mail per evaluation however often (or however concurrently) the scheduler ticks."""

from __future__ import annotations

import datetime as dt
import threading

from app.cards.models import (
    CardStatus,
    Evaluation,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from tests.support import factories
from tests.support.fixtures import coach_of
from infra import scheduler

NOW = dt.datetime(2027, 3, 1, 6, 0)
TODAY = NOW.date()


def _issued_card(db, next_evaluation: dt.date, *, email: str | None, consent: bool = True):
    holder = factories.holder("a", coach_login="coach_a", email=email)
    card = HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                    status=CardStatus.approved, making_choice=MakingChoice.with_coach,
                    coach_id=coach_of("coach_a").id)
    db.session.add(card)
    db.session.flush()
    version = HelpCardVersion(card_id=card.id, organisation_id=card.organisation_id,
                              version_no=1, how_to_help="Rustig praten.",
                              holder_approved_on=next_evaluation - dt.timedelta(days=365))
    db.session.add(version)
    db.session.flush()
    card.issued_version_id, card.issued_on = version.id, version.holder_approved_on
    db.session.flush()
    card.status, card.next_evaluation_on = CardStatus.issued, next_evaluation
    if consent:
        db.session.add(Consent(holder_id=holder.id, organisation_id=holder.organisation_id,
                               purpose=ConsentPurpose.email_contact, form=ConsentForm.written))
    db.session.commit()
    return card


def _mails_about(smtp, card) -> list:
    ref = card.holder.reference
    return [m for m in smtp.messages if ref in str(m["Subject"]) or ref in smtp.text(m)
            or (card.holder.email and card.holder.email in str(m["To"]))]


def test_invitation_by_email_goes_out_once(app, db, smtp):
    card = _issued_card(db, TODAY + dt.timedelta(days=20), email="inv1@example.nl")
    scheduler.tick(NOW)
    scheduler.tick(NOW)
    scheduler.tick(NOW + dt.timedelta(days=1))
    mails = smtp.to("inv1@example.nl")
    assert len(mails) == 1
    assert "jaarlijkse evaluatie" in mails[0]["Subject"]
    evaluation = db.session.query(Evaluation).filter_by(card_id=card.id).one()
    assert evaluation.due_on == card.next_evaluation_on and evaluation.invited_on == TODAY
    assert evaluation.invitation_channel == "email"
    db.session.refresh(card)
    assert card.status is CardStatus.evaluation_due  # invited: the evaluation is due


def test_too_early_nothing_happens(app, db, smtp):
    card = _issued_card(db, TODAY + dt.timedelta(weeks=10), email="early@example.nl")
    scheduler.tick(NOW)
    assert smtp.to("early@example.nl") == []
    assert db.session.query(Evaluation).filter_by(card_id=card.id).count() == 0


def test_without_email_consent_the_coach_gets_a_letter_to_send(app, db, smtp):
    card = _issued_card(db, TODAY + dt.timedelta(days=7), email="noconsent@example.nl",
                        consent=False)
    scheduler.tick(NOW)
    assert smtp.to("noconsent@example.nl") == []
    to_coach = [m for m in smtp.to("coach_a@example.org")
                if card.holder.reference in m["Subject"]]
    assert len(to_coach) == 1 and "brief" in to_coach[0]["Subject"]
    evaluation = db.session.query(Evaluation).filter_by(card_id=card.id).one()
    assert evaluation.invitation_channel == "letter"
    assert f"/evaluatie/{evaluation.id}/brief" in smtp.text(to_coach[0])


def test_on_the_date_the_card_is_due_and_when_overdue_coach_and_leaders_hear_once(app, db, smtp):
    card = _issued_card(db, TODAY, email=None)
    scheduler.tick(NOW)
    db.session.refresh(card)
    assert card.status is CardStatus.evaluation_due
    later = NOW + dt.timedelta(days=3)
    scheduler.tick(later)
    scheduler.tick(later + dt.timedelta(hours=1))
    overdue = [m for m in smtp.messages
               if m["Subject"] == f"Evaluatie Hulpkaart {card.holder.reference} is te laat"]
    assert sorted(str(m["To"]) for m in overdue) == [
        "coach_a@example.org", "projectleader_a@example.org"]


def test_two_ticks_at_once_send_one_mail(app, db, smtp):
    cards = [_issued_card(db, TODAY + dt.timedelta(days=5), email=f"twice{i}@example.nl")
             for i in range(3)]
    errors = []

    def tick():
        with app.app_context():
            try:
                scheduler.tick(NOW, wait=30)
            except Exception as exc:  # pragma: no cover - shown in the assertion
                errors.append(exc)
            finally:
                from app.extensions import db as _db

                _db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, card in enumerate(cards):
        assert len(smtp.to(f"twice{i}@example.nl")) == 1
        assert db.session.query(Evaluation).filter_by(card_id=card.id).count() == 1


def test_a_restricted_holder_is_left_alone_and_the_others_go_on(app, db, smtp):
    """AVG art. 18: the job skips a restricted holder instead of failing for everyone."""
    from security.audit import SYSTEM
    from workflows.privacy.restrictions import place

    restricted = _issued_card(db, TODAY + dt.timedelta(days=10), email="beperkt@example.nl")
    other = _issued_card(db, TODAY + dt.timedelta(days=10), email="vrij@example.nl")
    place(db.session, restricted.holder, by=SYSTEM, reason="Bezwaar in behandeling")
    db.session.commit()
    scheduler.tick(NOW)
    assert smtp.to("beperkt@example.nl") == [] and len(smtp.to("vrij@example.nl")) == 1
    db.session.refresh(restricted)
    assert restricted.status is CardStatus.issued
