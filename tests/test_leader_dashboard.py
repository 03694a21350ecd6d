"""Dashboard projectleider: figures against hand-computed values on a fixed data set
(tests/support/leader_data.py), each stagnation signal fires and clears by the data, the
page with its charts and signals, the home page count, anonymous tallies and the count mode."""

from __future__ import annotations

import datetime as dt

import pytest

from app.cards.models import CardStatus, Evaluation
from app.coaches.models import IntervisionSession, IntervisionStatus
from app.holders.models import Holder
from app.reports import leader_figures as lf
from app.reports import signals
from app.reports.models import CardEvent, CardTally
from tests.conftest import api_headers, login
from tests.support import leader_data as ld
from tests.support.fixtures import org_id

TODAY = ld.TODAY


@pytest.fixture
def org(app, db):
    return ld.dataset(db)


def test_figures_on_a_known_data_set(app, db, org):
    figs = lf.figures(db.session, org.id, TODAY, wait_days=14)
    assert figs["months"][0] == "2025-06" and figs["months"][-1] == "2026-05"
    months = dict(zip(figs["months"], zip(*figs["per_month"].values())))
    assert {m: c for m, c in months.items() if any(c)} == {
        "2025-06": (1, 0), "2025-09": (0, 3), "2026-01": (1, 0), "2026-02": (0, 2),
        "2026-04": (1, 0)}
    assert figs["made_12"] == 8  # 3 registered + 5 counted
    assert [q for q in figs["per_quarter"] if q[1]] == [
        ("2025 K2", 1), ("2025 K3", 3), ("2026 K1", 3), ("2026 K2", 1)]
    assert figs["per_quarter"][0][0] == "2024 K3"  # 2024 K1 (card 3) is older than 8 quarters
    assert figs["per_year"] == [("2022", 0), ("2023", 0), ("2024", 1), ("2025", 4), ("2026", 4)]
    assert figs["per_coach"] == [("Bert Bakker", 5), ("Anna Aalders", 1), ("Zonder coach", 2)]
    # 90 + 30 + 60 minutes of held appointments for 3 cards, 300 minutes for 3 counted cards
    assert (figs["minutes"], figs["timed_cards"], figs["hours_per_card"]) == (480, 6, 1.3)
    assert (figs["evaluations_due"], figs["evaluations_overdue"]) == (1, 1)
    assert (figs["waiting_long"], figs["waiting_all"]) == (1, 2)
    assert lf.figures(db.session, org.id, TODAY, wait_days=3)["waiting_long"] == 2
    assert figs["coach_load"] == [("Anna Aalders", 3, 1), ("Bert Bakker", 2, 5)]


def test_signals_on_the_data_set(app, db, org):
    warnings = signals.active(db.session, org.id, TODAY)
    assert warnings == [
        ("Een coach heeft meer open kaarten dan het maximum: Anna Aalders (3 open kaarten, "
         "maximum 1)."),
        "Geen intervisie gehouden in de laatste 8 weken (laatste gehouden intervisie: nooit).",
    ]


def _issued_card(db, org, coach, status=CardStatus.evaluation_due):
    holder = Holder(reference=f"S-{dt.datetime.now().timestamp()}", first_name="S", last_name="T",
                    organisation_id=org.id)
    db.session.add(holder)
    db.session.flush()
    return ld.card(db, org, holder, coach, status, TODAY - dt.timedelta(days=400),
                   issued=TODAY - dt.timedelta(days=380))


def test_no_new_requests_fires_and_clears(app, db):
    org = ld.fresh_organisation(db)
    assert "laatste aanvraag: nooit" in signals.no_new_requests(db.session, org.id, TODAY, weeks=8)
    ld.tally(db, org, CardEvent.requested, TODAY - dt.timedelta(weeks=9), 2)
    db.session.commit()
    message = signals.no_new_requests(db.session, org.id, TODAY, weeks=8)
    assert message == ("Geen nieuwe kaartaanvragen in de laatste 8 weken "
                       "(laatste aanvraag: 18-03-2026).")
    holder = Holder(reference="R-1", first_name="R", last_name="Q", organisation_id=org.id)
    db.session.add(holder)
    db.session.flush()
    ld.card(db, org, holder, None, CardStatus.requested, TODAY - dt.timedelta(days=3))
    db.session.commit()
    assert signals.no_new_requests(db.session, org.id, TODAY, weeks=8) is None


def test_coach_over_caseload_fires_and_clears(app, db):
    org = ld.fresh_organisation(db)
    coach = ld.coach(db, org, "Olga", "Overvol", 1)
    for n in range(2):
        holder = Holder(reference=f"C-{n}", first_name="C", last_name="D", organisation_id=org.id)
        db.session.add(holder)
        db.session.flush()
        ld.card(db, org, holder, coach, CardStatus.requested, TODAY)
    db.session.commit()
    assert signals.coaches_over_caseload(db.session, org.id, TODAY) == (
        "Een coach heeft meer open kaarten dan het maximum: Olga Overvol (2 open kaarten, "
        "maximum 1).")
    coach.max_caseload = 2
    db.session.commit()
    assert signals.coaches_over_caseload(db.session, org.id, TODAY) is None


def test_overdue_evaluations_fire_and_clear(app, db):
    org = ld.fresh_organisation(db)
    coach = ld.coach(db, org, "Eva", "Evaluatie", 10)
    evaluations = []
    for n in range(4):
        card = _issued_card(db, org, coach)
        evaluations.append(Evaluation(card_id=card.id, organisation_id=org.id,
                                      due_on=TODAY - dt.timedelta(days=n + 1)))
    db.session.add_all(evaluations)
    db.session.commit()
    assert signals.overdue_evaluations(db.session, org.id, TODAY, maximum=3) == (
        "4 jaarlijkse evaluaties zijn over hun datum (drempel: 3).")
    evaluations[0].held_on = TODAY - dt.timedelta(days=1)
    db.session.commit()
    assert signals.overdue_evaluations(db.session, org.id, TODAY, maximum=3) is None


def test_intervision_missed_fires_and_clears(app, db):
    org = ld.fresh_organisation(db)
    assert signals.intervision_missed(db.session, org.id, TODAY, weeks=6) is None  # no coaches
    ld.coach(db, org, "Ine", "Intervisie", 5)
    db.session.add(IntervisionSession(organisation_id=org.id, held_on=TODAY - dt.timedelta(days=70),
                                      status=IntervisionStatus.held))
    planned = IntervisionSession(organisation_id=org.id, held_on=TODAY - dt.timedelta(days=10),
                                 status=IntervisionStatus.planned)  # never held: no intervision
    db.session.add(planned)
    db.session.commit()
    assert signals.intervision_missed(db.session, org.id, TODAY, weeks=6) == (
        "Geen intervisie gehouden in de laatste 8 weken (laatste gehouden intervisie: 11-03-2026).")
    planned.status = IntervisionStatus.held
    db.session.commit()
    assert signals.intervision_missed(db.session, org.id, TODAY, weeks=6) is None


def test_dashboard_page_shows_charts_and_signals(app, db, org):
    client = login(app.test_client(), ld.LEADER)
    page = client.get("/dashboard/projectleider")
    assert page.status_code == 200 and "Dashboard projectleider" in page.text
    assert page.text.count("<svg") >= 5
    assert "Anna Aalders (3 open kaarten, maximum 1)" in page.text
    assert 'class="alert alert-warning signal"' in page.text
    for word in ld.personal_data():
        assert word not in page.text, word
    home = client.get("/")
    assert "Signalen van stagnatie" in home.text


def test_admin_picks_the_organisation(app, db, org):
    client = login(app.test_client(), "admin_a")
    page = client.get(f"/dashboard/projectleider?organisatie={org.id}")
    assert page.status_code == 200 and "Anna Aalders" in page.text
    assert f'<option value="{org.id}" selected>' in page.text


def test_another_organisation_does_not_see_these_figures(app, db, org):
    client = login(app.test_client(), "projectleader_b")
    page = client.get(f"/dashboard/projectleider?organisatie={org.id}")
    assert page.status_code == 200 and "Organisatie B" in page.text
    assert "Anna Aalders" not in page.text


@pytest.mark.parametrize("user", ["coach_a", "helpdesk_a"])
def test_others_may_not_see_the_dashboard(app, user):
    resp = login(app.test_client(), user).get("/dashboard/projectleider")
    assert resp.status_code in (302, 403)


def test_tally_screen_validates_in_dutch(app, db):
    client = login(app.test_client(), "projectleader_a")
    headers = api_headers(client, "projectleader_a")
    bad = client.post("/api/v1/card_tally/", headers=headers, json={
        "counted_on": "2026-01-10", "event": "issued", "number": 2, "research_participants": 3})
    assert bad.status_code == 400
    assert "niet groter zijn dan het aantal kaarten" in str(bad.json)
    bad = client.post("/api/v1/card_tally/", headers=headers, json={
        "counted_on": "2026-01-10", "event": "issued", "number": 0})
    assert bad.status_code == 400 and "minstens 1" in str(bad.json)
    good = client.post("/api/v1/card_tally/", headers=headers, json={
        "counted_on": "2026-01-10", "event": "issued", "number": 2, "minutes_spent": 90})
    assert good.status_code == 201, good.json
    tally = db.session.get(CardTally, good.json["id"])
    assert tally.organisation_id == org_id("a") and tally.number == 2
    form = client.get("/cardtallyview/add")
    assert form.status_code == 200 and "Aantal kaarten" in form.text


def test_coach_counts_his_own_tallies(app, db):
    client = login(app.test_client(), "coach_a")
    headers = api_headers(client, "coach_a")
    resp = client.post("/api/v1/card_tally/", headers=headers, json={
        "counted_on": "2026-02-10", "event": "requested", "number": 1})
    assert resp.status_code == 201, resp.json
    tally = db.session.get(CardTally, resp.json["id"])
    assert tally.coach is not None and tally.coach.user.username == "coach_a"
    listed = client.get("/api/v1/card_tally/", headers=headers).json["ids"]
    assert tally.id in listed
    # Another coach does not see it (row scoping: a coach sees his own tallies).
    from security.filters import scope_query

    other = app.appbuilder.sm.find_user(username="coach2_a")
    assert scope_query(db.session.query(CardTally.id), CardTally, other).filter(
        CardTally.id == tally.id).first() is None


def test_tallies_count_in_the_figures(app, db):
    org = ld.fresh_organisation(db)
    ld.tally(db, org, CardEvent.issued, TODAY - dt.timedelta(days=5), 4, minutes=120)
    db.session.commit()
    figs = lf.figures(db.session, org.id, TODAY)
    assert figs["made_12"] == 4 and figs["hours_per_card"] == 0.5
    assert figs["per_coach"] == [("Zonder coach", 4)]


def test_anonymous_count_mode_refuses_a_holder(app, db):
    org = ld.organisation(db, "Organisatie Telmodus", "projectleader_tel", registers_holders=False)
    client = login(app.test_client(), "projectleader_tel")
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "projectleader_tel"),
                       json={"reference": "TEL-1", "first_name": "Anoniem", "last_name": "Niet"})
    assert resp.status_code == 400 and "Kaarten tellen (anoniem)" in str(resp.json)
    form = client.post("/holderview/add", data={"reference": "TEL-2", "first_name": "Anoniem",
                                                 "last_name": "Niet", "status": "active"},
                       follow_redirects=True)
    assert "Kaarten tellen (anoniem)" in form.text
    assert db.session.query(Holder.id).filter_by(organisation_id=org.id).count() == 0
    # Counting works in this organisation.
    resp = client.post("/api/v1/card_tally/", headers=api_headers(client, "projectleader_tel"),
                       json={"counted_on": "2026-03-01", "event": "issued", "number": 5})
    assert resp.status_code == 201, resp.json
    page = client.get("/dashboard/projectleider")
    assert 'id="kpi-made">' in page.text
