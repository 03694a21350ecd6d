"""The yearly evaluation of issued cards: the scheduler's daily job (``card_evaluations``).

Each run is safe to repeat; what it does once per evaluation is guarded by the evaluation's
own fields and by unique outbox keys:

1. an Evaluation task for every active card whose next evaluation falls within the invitation
   window (``HULPREGIE_EVALUATION_INVITE_WEEKS``), one per card and due date (UNIQUE); the card
   moves to ``evaluation_due`` (workflows/cards.py) in the same transaction;
2. the standard invitation: an e-mail to the holder when he has an address and an active
   e-mail consent, otherwise a letter (PDF) that the coach is asked to print and send;
3. an evaluation not held by its due date is reported once to its coach and the project
   leaders.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.cards.models import CardStatus, Evaluation, HelpCard
from app.consents.models import Consent, ConsentPurpose
from app.extensions import db
from security.audit import record
from infra.notify import enqueue, public_url, staff_addresses
from workflows.privacy.restrictions import restricted_ids

ACTIVE = (CardStatus.issued, CardStatus.evaluated)  # issued cards between evaluations


def _window(today: dt.date) -> dt.date:
    return today + dt.timedelta(weeks=current_app.config["HULPREGIE_EVALUATION_INVITE_WEEKS"])


def _email_consent(holder_id: int) -> bool:
    return db.session.query(Consent.id).filter(
        Consent.holder_id == holder_id, Consent.purpose == ConsentPurpose.email_contact,
        Consent.withdrawn_at.is_(None)).first() is not None


def due_cards(until: dt.date) -> sa.Select:
    """Active cards whose evaluation falls on or before ``until``: one range of the index on
    (status, next_evaluation_on); the job moves each to ``evaluation_due`` as it makes the
    task, so a card is found once (bench/evaluations.py measures this at 1M cards)."""
    return sa.select(HelpCard).where(HelpCard.status.in_(ACTIVE),
                                     HelpCard.next_evaluation_on <= until)


def create_tasks(today: dt.date) -> int:
    """Step 1: an Evaluation for each active card due within the window; the card is now
    'evaluation due' (workflows/cards.py), in the same transaction."""
    from security.audit import current_actor
    from workflows.cards import mark_evaluation_due

    restricted = restricted_ids(db.session, "Holder")  # AVG art. 18: left as they are
    cards = [c for c in db.session.scalars(due_cards(_window(today))) if c.holder_id not in restricted]
    for card in sorted(cards, key=lambda c: c.id):
        exists = db.session.query(Evaluation.id).filter_by(
            card_id=card.id, due_on=card.next_evaluation_on).first()
        if exists is None:
            db.session.add(Evaluation(card=card, organisation_id=card.organisation_id,
                                      coach_id=card.coach_id, due_on=card.next_evaluation_on))
        mark_evaluation_due(db.session, card, by=current_actor())
    db.session.flush()
    return len(cards)


def _context(evaluation: Evaluation) -> dict:
    card, org = evaluation.card, evaluation.card.organisation
    coach = evaluation.coach
    return {
        "first_name": card.holder.first_name, "due_on": f"{evaluation.due_on:%d-%m-%Y}",
        "coach_name": str(coach) if coach else None, "organisation_name": org.name,
        "organisation_phone": org.phone, "organisation_email": org.email,
        "letter_url": public_url(f"/evaluatie/{evaluation.id}/brief"),
        "card_reference": card.holder.reference,
    }


def invite(today: dt.date) -> dict:
    """Step 2: the standard invitation, once per evaluation."""
    counts = {"invited_email": 0, "invited_letter": 0}
    pending = (db.session.query(Evaluation)
               .filter(Evaluation.invited_on.is_(None), Evaluation.held_on.is_(None),
                       Evaluation.due_on <= _window(today))
               .order_by(Evaluation.id).all())
    restricted = restricted_ids(db.session, "Holder")
    for ev in pending:
        if ev.card.holder_id in restricted:
            continue
        holder, context = ev.card.holder, _context(ev)
        if holder.email and _email_consent(holder.id):
            enqueue(db.session, template="evaluation_invite", recipient=holder.email,
                    context=context, dedupe_key=f"eval-invite:{ev.id}",
                    organisation_id=ev.organisation_id)
            ev.invitation_channel = "email"
            counts["invited_email"] += 1
        else:
            for _, address in _coach_or_leaders(ev):
                enqueue(db.session, template="evaluation_letter", recipient=address,
                        context=context, dedupe_key=f"eval-letter:{ev.id}:{address}",
                        organisation_id=ev.organisation_id)
            ev.invitation_channel = "letter"
            counts["invited_letter"] += 1
        ev.invited_on = today
        record(db.session, "eval.invite", "Evaluation", ev.id, holder_id=holder.id,
               purpose=ev.invitation_channel)
    return counts


def _coach_or_leaders(ev: Evaluation) -> list[tuple[int | None, str]]:
    coach = ev.coach
    if coach is not None and (coach.email or (coach.user and coach.user.email)):
        return [(coach.user_id, coach.email or coach.user.email)]
    return staff_addresses(db.session, ev.organisation_id, "ProjectLeader")


def report_overdue(today: dt.date) -> int:
    """Step 3: once per overdue evaluation, to its coach and the project leaders."""
    overdue = (db.session.query(Evaluation)
               .filter(Evaluation.held_on.is_(None), Evaluation.due_on < today)
               .join(Evaluation.card)
               .filter(HelpCard.status == CardStatus.evaluation_due)
               .order_by(Evaluation.id).all())
    queued = 0
    for ev in overdue:
        context = _context(ev)
        recipients = dict(_coach_or_leaders(ev))
        recipients.update(staff_addresses(db.session, ev.organisation_id, "ProjectLeader"))
        for _, address in sorted(recipients.items(), key=lambda kv: kv[1]):
            queued += enqueue(db.session, template="evaluation_overdue", recipient=address,
                              context=context, dedupe_key=f"eval-overdue:{ev.id}:{address}",
                              organisation_id=ev.organisation_id) is not None
    return queued


def run_daily(now: dt.datetime) -> dict:
    today = now.date()
    result = {"tasks": create_tasks(today)}
    result.update(invite(today))
    result["overdue_mails"] = report_overdue(today)
    return result
