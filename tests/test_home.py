"""The home page shows each role what needs attention, counted within what it may see."""

from __future__ import annotations

from app.cards.models import CardStatus, HelpCard, MakingChoice
from tests.conftest import login
from tests.support import factories


def test_anonymous_gets_the_login_button(app, client):
    resp = client.get("/")
    assert resp.status_code == 200 and "Inloggen" in resp.text


def test_coach_sees_only_his_own_cards_awaiting_approval(app, db, client):
    own = factories.holder("a", coach_login="coach_a")
    other = factories.holder("a", coach_login="coach2_a")
    for holder in (own, other):
        db.session.add(HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                                status=CardStatus.awaiting_approval,
                                making_choice=MakingChoice.with_coach))
    db.session.commit()
    login(client, "coach_a")
    page = client.get("/").text
    assert "Kaarten wachten op akkoord van de houder" in page
    assert "Nieuwe hulpvragen" not in page  # the helpdesk's work, not his
    visible = db.session.query(HelpCard).join(HelpCard.holder).filter(
        HelpCard.status == CardStatus.awaiting_approval,
        HelpCard.holder.has(coach_id=own.coach_id)).count()
    assert f'<span class="badge">{visible}</span>Kaarten wachten op akkoord' in page


def test_helpdesk_sees_help_requests_and_no_cards(app, client):
    login(client, "helpdesk_a")
    page = client.get("/").text
    assert "Nieuwe hulpvragen" in page and "Kaarten wachten" not in page
