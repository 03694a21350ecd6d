"""Making a card (workflows/cards.py), its screens and API, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from infra.dates import add_months
from sqlalchemy.exc import IntegrityError

from app.cards.models import (
    ApprovalMethod,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CardStatus as S,
    Evaluation,
    EvaluationOutcome,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.core.models import utcnow
from security.audit import Actor, AuditEvent
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import coach_of, org_id
from workflows import cards as flow
from app.core.errors import TransitionError

TODAY = dt.date.today()
# The way from a new card to each state, as the workflow goes.
PATH = [
    ("hold_intro", S.intro_held), ("start_drafting", S.drafting),
    ("submit_for_approval", S.awaiting_approval), ("record_holder_approval", S.awaiting_approval),
    ("approve", S.approved), ("issue", S.issued), ("mark_evaluation_due", S.evaluation_due),
]


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="coach_a")
    return Actor(user.id, user.username, org_id("a"), "Coach")


def new_card(db, org="a", contact=True, consent=True, phone="0687654321") -> HelpCard:
    holder = factories.holder(org, coach_login=f"coach_{org}")
    card = HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                    coach_id=holder.coach_id)
    db.session.add(card)
    if contact:
        person = ContactPerson(holder_id=holder.id, organisation_id=holder.organisation_id,
                               name="Jan Contact", phone=phone, priority=1, on_card=True)
        db.session.add(person)
        db.session.flush()
        if consent:
            db.session.add(Consent(purpose=ConsentPurpose.on_card, contact_person_id=person.id,
                                   organisation_id=holder.organisation_id,
                                   form=ConsentForm.written))
    db.session.commit()
    return card


def step(db, card, action, by):
    args = {
        "hold_intro": {"choice": MakingChoice.with_coach, "on": TODAY},
        "record_holder_approval": {"on": TODAY, "method": ApprovalMethod.written},
        "issue": {"on": TODAY},
    }.get(action, {})
    result = getattr(flow, action)(db.session, card, by=by, **args)
    if action == "start_drafting":
        result.how_to_help = "Rustig praten"
    db.session.commit()
    return result


def card_at(db, by, status, **kw) -> HelpCard:
    card = new_card(db, **kw)
    for action, _ in PATH:
        if card.status is status:
            break
        step(db, card, action, by)
    assert card.status is status
    return card


def events(db, card) -> list[str]:
    """The workflow's own events (the automatic create/update events left out), since the
    card was created: SQLite may give a new card the id of an erased one (shared test data)."""
    rows = db.session.query(AuditEvent.id, AuditEvent.action).filter_by(
        resource="HelpCard", record_id=str(card.id)).order_by(AuditEvent.id).all()
    start = max((i for i, a in rows if a == "create"), default=0)
    return [a for i, a in rows if i >= start and a.startswith("card.")]


# -- the whole way, and every step audited ----------------------------------------------

def test_the_whole_way_from_request_to_evaluation(db, by):
    card = new_card(db)
    for action, reached in PATH:
        step(db, card, action, by)
        assert card.status is reached
    assert card.issued_version.version_no == 1 and card.issued_on == TODAY
    assert card.next_evaluation_on == add_months(TODAY, 12)
    assert card.issued_version.approved_at is not None
    assert card.issued_version.approved_by_id == by.user_id
    assert events(db, card) == [flow.AUDIT_ACTIONS[a] for a, _ in PATH]
    assert all(len(a) <= 20 for a in flow.AUDIT_ACTIONS.values())
    audit = db.session.query(AuditEvent).filter_by(
        resource="HelpCard", record_id=str(card.id), action="card.approved").one()
    assert audit.holder_id == card.holder_id and audit.username == "coach_a"


def test_add_months_clamps_the_day():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 14) == dt.date(2027, 1, 15)


def test_hold_intro_marks_the_planned_intro_meeting_held(db, by):
    card = new_card(db)
    meeting = Appointment(holder_id=card.holder_id, card_id=card.id,
                          organisation_id=card.organisation_id, kind=AppointmentKind.intro_meeting,
                          starts_at=dt.datetime.combine(TODAY, dt.time(9)), duration_minutes=90)
    db.session.add(meeting)
    db.session.commit()
    flow.hold_intro(db.session, card, by=by, choice=MakingChoice.alone, on=TODAY)
    db.session.commit()
    assert card.making_choice is MakingChoice.alone
    assert meeting.status is AppointmentStatus.held
    assert flow.format_minutes(flow.minutes_spent(db.session, card)) == "1 u 30 min"


def test_hold_intro_needs_a_choice_and_a_past_date(db, by):
    card = new_card(db)
    with pytest.raises(TransitionError, match="Kies hoe de kaart wordt gemaakt"):
        flow.hold_intro(db.session, card, by=by, choice=None, on=TODAY)
    with pytest.raises(TransitionError, match="ligt in de toekomst"):
        flow.hold_intro(db.session, card, by=by, choice=MakingChoice.alone,
                        on=TODAY + dt.timedelta(days=1))
    db.session.rollback()
    assert card.status is S.requested


# -- refused steps ---------------------------------------------------------------------

REFUSED = {  # one impossible step per state, and the start of its message
    S.requested: ("approve", "Een kaart in status 'Aangevraagd' kan niet worden goedgekeurd; "
                             "eerst: kennismaking vastleggen."),
    S.intro_held: ("submit_for_approval", "eerst: opmaak starten"),
    S.drafting: ("issue", "eerst: ter goedkeuring aanbieden"),
    S.awaiting_approval: ("issue", "eerst: akkoord houder vastleggen"),
    S.approved: ("record_evaluation", "eerst: uitreiken"),
    S.issued: ("approve", "eerst: evaluatie vastleggen"),
    S.evaluation_due: ("hold_intro", "eerst: evaluatie vastleggen"),
}


@pytest.mark.parametrize("status", list(REFUSED), ids=[s.name for s in REFUSED])
def test_an_impossible_step_is_refused_per_state(db, by, status):
    card = card_at(db, by, status)
    action, message = REFUSED[status]
    with pytest.raises(TransitionError) as err:
        flow.perform(db.session, card, action, by=by, on=TODAY)
    assert message in str(err.value)
    db.session.rollback()
    assert card.status is status


def test_closed_cards_refuse_everything(db, by):
    withdrawn = card_at(db, by, S.drafting)
    flow.withdraw(db.session, withdrawn, by=by, reason="Wil geen kaart meer")
    ended = new_card(db)
    flow.end(db.session, ended, by=by, reason="Verhuisd")
    db.session.commit()
    assert withdrawn.status is S.withdrawn and withdrawn.ended_on == TODAY
    assert ended.status is S.ended and ended.closed_reason == "Verhuisd"
    for card in (withdrawn, ended):
        for action in ("withdraw", "end", "new_draft", "hold_intro"):
            with pytest.raises(TransitionError, match="de kaart is afgesloten"):
                flow.perform(db.session, card, action, by=by, reason="x")
    with pytest.raises(TransitionError, match="reden"):
        flow.end(db.session, new_card(db), by=by, reason=" ")


@pytest.mark.parametrize("status", [S.requested, S.awaiting_approval, S.issued, S.evaluation_due])
def test_the_holder_can_withdraw_any_time(db, by, status):
    card = card_at(db, by, status)
    flow.withdraw(db.session, card, by=by)
    db.session.commit()
    assert card.status is S.withdrawn and card.next_evaluation_on is None
    assert events(db, card)[-1] == "card.withdrawn"


def test_reopen_clears_the_holders_agreement(db, by):
    card = card_at(db, by, S.awaiting_approval)
    step(db, card, "record_holder_approval", by)
    flow.reopen(db.session, card, by=by)
    db.session.commit()
    assert card.status is S.drafting
    assert flow.draft_version(card).holder_approved_on is None


def test_submit_needs_text(db, by):
    card = card_at(db, by, S.intro_held)
    flow.start_drafting(db.session, card, by=by)  # an empty version 1
    with pytest.raises(TransitionError, match="nog leeg"):
        flow.submit_for_approval(db.session, card, by=by)
    db.session.rollback()


# -- the quality gate ------------------------------------------------------------------

def test_approval_with_a_consenting_contact_passes(db, by):
    card = card_at(db, by, S.awaiting_approval)
    step(db, card, "record_holder_approval", by)
    assert flow.quality_problems(card) == []
    version = flow.approve(db.session, card, by=by)
    db.session.commit()
    assert card.status is S.approved and version.approved_at is not None


@pytest.mark.parametrize("missing, message", [
    ("contact", "(er staat nog geen contactpersoon op de kaart)"),
    ("consent", "(contactpersoon 1: geen toestemming 'Op de kaart')"),
    ("phone", "(contactpersoon 1: geen geldig telefoonnummer)"),
    ("withdrawn", "(contactpersoon 1: geen toestemming 'Op de kaart')"),
    ("holder_approval", "Het akkoord van de houder op versie 1 is niet vastgelegd "
                        "(de datum en de wijze ontbreken)."),
    ("choice", "De keuze uit het kennismakingsgesprek"),
])
def test_the_quality_gate_says_what_is_missing(db, by, missing, message):
    kw = {"contact": {"contact": False}, "consent": {"consent": False},
          "phone": {"phone": None}}.get(missing, {})
    card = card_at(db, by, S.awaiting_approval, **kw)
    if missing != "holder_approval":
        step(db, card, "record_holder_approval", by)
    if missing == "withdrawn":
        consent = db.session.query(Consent).join(ContactPerson).filter(
            ContactPerson.holder_id == card.holder_id).one()
        consent.withdrawn_at = utcnow()
        db.session.commit()
    if missing == "choice":  # only when an old card lacks it: the database needs it past 'requested'
        db.session.refresh(card)  # loaded now: no flush of the None before the gate looks
        card.making_choice = None
    assert len(flow.quality_problems(card)) == 1  # exactly what is missing, nothing else
    with pytest.raises(TransitionError) as err:
        flow.approve(db.session, card, by=by)
    db.session.rollback()
    assert str(err.value).startswith("Goedkeuren kan nog niet: ")
    assert message in str(err.value)
    assert card.status is S.awaiting_approval


# -- versions --------------------------------------------------------------------------

def test_new_draft_keeps_the_issued_version(db, by):
    card = card_at(db, by, S.issued)
    issued = card.issued_version
    draft = flow.new_draft(db.session, card, by=by)
    db.session.commit()
    assert card.status is S.drafting and card.issued_version_id == issued.id
    assert draft.version_no == 2 and draft.approved_at is None
    assert draft.how_to_help == issued.how_to_help == "Rustig praten"
    assert flow.latest_approved(card).id == issued.id


def test_evaluation_unchanged_new_version_and_end(db, by):
    unchanged = card_at(db, by, S.evaluation_due)
    evaluation = flow.open_evaluation(db.session, unchanged, TODAY)
    flow.record_evaluation(db.session, evaluation, by=by, held_on=TODAY, contacts_ok=True,
                           wishes_changed=False, medication_changed=False, still_carried=True,
                           outcome=EvaluationOutcome.unchanged)
    db.session.commit()
    assert unchanged.status is S.evaluated and evaluation.held_on == TODAY
    assert unchanged.next_evaluation_on == add_months(TODAY, 12)
    with pytest.raises(TransitionError, match="al vastgelegd"):
        flow.record_evaluation(db.session, evaluation, by=by, held_on=TODAY, contacts_ok=None,
                               wishes_changed=None, medication_changed=None, still_carried=None,
                               outcome=EvaluationOutcome.unchanged)

    early = card_at(db, by, S.issued)  # an early evaluation, before it is due
    flow.perform(db.session, early, "record_evaluation", by=by, on=TODAY,
                 outcome=EvaluationOutcome.new_version, wishes_changed=True)
    db.session.commit()
    evaluation = db.session.query(Evaluation).filter_by(card_id=early.id).one()
    assert early.status is S.drafting and evaluation.new_version_id is not None
    assert evaluation.new_version_id == flow.draft_version(early).id
    assert early.issued_version.version_no == 1

    ended = card_at(db, by, S.evaluation_due)
    flow.perform(db.session, ended, "record_evaluation", by=by, on=TODAY,
                 outcome=EvaluationOutcome.ended, reason="Heeft de kaart niet meer nodig")
    db.session.commit()
    assert ended.status is S.ended and ended.closed_reason == "Heeft de kaart niet meer nodig"
    assert events(db, ended)[-2:] == ["card.evaluated", "card.ended"]


def test_the_database_refuses_an_issued_card_without_version(db):
    holder = factories.holder("a")
    db.session.add(HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                            status=S.issued, making_choice=MakingChoice.alone, issued_on=TODAY))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# -- screens ---------------------------------------------------------------------------

def test_buttons_on_the_card_page(db, by, client):
    card = new_card(db)
    login(client, "coach_a")
    page = client.get(f"/helpcardview/show/{card.id}").text
    assert 'value="hold_intro"' in page and 'value="approve"' not in page
    assert "Bestede tijd" in page and "Kwaliteitskader" in page
    url = f"/helpcardview/transition/{card.id}"
    resp = client.post(url, data={"action": "hold_intro", "choice": "with_relative",
                                  "on": TODAY.isoformat()})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/show/{card.id}")
    page = client.get(resp.headers["Location"]).text
    assert "Kennismaking vastleggen: gelukt" in page and "Kennismaking gehouden" in page
    db.session.expire_all()
    assert db.session.get(HelpCard, card.id).making_choice is MakingChoice.with_relative

    resp = client.post(url, data={"action": "approve"}, follow_redirects=True)
    assert "kan niet worden goedgekeurd; eerst: opmaak starten" in resp.text
    resp = client.post(url, data={"action": "end", "reason": "Verhuisd"}, follow_redirects=True)
    assert "Vink aan dat u de kaart beëindigt" in resp.text
    db.session.expire_all()
    assert db.session.get(HelpCard, card.id).status is S.intro_held

    client.post(url, data={"action": "start_drafting"})
    db.session.expire_all()
    draft = flow.draft_version(db.session.get(HelpCard, card.id))
    page = client.get(f"/helpcardversionview/edit/{draft.id}").text
    assert "room-left" in page and '"how_to_help": 500' in page


def test_an_approved_version_is_not_changed_by_screen_or_api(db, by, client):
    card = card_at(db, by, S.approved)
    version = card.versions[0]
    login(client, "coach_a")
    client.post(f"/helpcardversionview/edit/{version.id}", data={"how_to_help": "Anders"})
    headers = api_headers(client, "coach_a")
    resp = client.put(f"/api/v1/help_card_version/{version.id}", json={"how_to_help": "Anders"},
                      headers=headers)
    assert resp.status_code == 400 and "goedgekeurd" in str(resp.json)
    db.session.expire_all()
    assert db.session.get(HelpCardVersion, version.id).how_to_help == "Rustig praten"
    resp = client.post("/api/v1/help_card_version/", json={"card": card.id, "how_to_help": "x"},
                       headers=headers)
    assert resp.status_code == 400 and "Nieuwe versie maken" in str(resp.json)


def test_the_api_takes_a_step(db, by, client):
    card = new_card(db)
    login(client, "coach_a")
    headers = api_headers(client, "coach_a")
    url = f"/api/v1/help_card/{card.id}/transition"
    resp = client.post(url, json={"action": "hold_intro", "choice": "alone"}, headers=headers)
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "intro_held"
    resp = client.post(url, json={"action": "issue"}, headers=headers)
    assert resp.status_code == 400
    assert resp.json["message"].startswith("Een kaart in status 'Kennismaking gehouden'")
    resp = client.post(url, json={"action": "record_holder_approval", "method": "fax"},
                       headers=headers)
    assert resp.status_code == 400 and "Wijze van akkoord" in resp.json["message"]


def test_another_organisation_cannot_touch_the_card(db, by, client):
    card = new_card(db)
    login(client, "coach_b")
    assert client.get(f"/helpcardview/show/{card.id}").status_code == 404
    assert client.post(f"/helpcardview/transition/{card.id}",
                       data={"action": "hold_intro"}).status_code == 404
    resp = client.post(f"/api/v1/help_card/{card.id}/transition", json={"action": "withdraw"},
                       headers=api_headers(client, "coach_b"))
    assert resp.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(HelpCard, card.id).status is S.requested


def test_a_coach_sees_his_caseload(db, by, client):
    coach = coach_of("coach2_a")
    coach.max_caseload = 0
    db.session.commit()
    holder = factories.holder("a", coach_login="coach2_a")
    db.session.add(HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                            coach_id=coach.id))
    db.session.add(Appointment(holder_id=holder.id, organisation_id=holder.organisation_id,
                               coach_id=coach.id, kind=AppointmentKind.drafting,
                               status=AppointmentStatus.held, duration_minutes=150,
                               starts_at=dt.datetime.combine(TODAY, dt.time(0))))
    db.session.commit()
    login(client, "projectleader_a")
    page = client.get(f"/coachview/show/{coach.id}").text
    assert "Open kaarten" in page and "boven het maximum" in page
    assert "het maximum is 0" in page
    from app.coaches.views import caseload  # views import after the app is made

    [row] = caseload(db.session, [coach.id])
    assert row["open"] >= 1 and row["over"] and row["hours"] != "0 min"
    assert "Caseload" in client.get("/coachview/list/").text
    coach.max_caseload = 10
    db.session.commit()
