"""Dashboard burenhulp (/dashboard/burenhulp and .csv): exact figures on a small known data set
in an organisation of its own, the CSV equal to the page, and no figures across organisations."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from markupsafe import escape

from app.core.models import utcnow
from app.helpdesk.models import HelpRequest, Match, MatchStatus
from app.helpdesk.models import RequestStatus as S
from app.organisations.models import Organisation
from app.partners.models import Partner, PartnerKind
from app.reports import helpdesk_figures as hf
from app.vog.models import VogCheck, VogStatus
from app.volunteers.models import (
    CategoryGroup,
    HelpCategory,
    Volunteer,
    VolunteerStatus,
)
from tests.conftest import login
from tests.support.fixtures import PASSWORD
from workflows.organisations import add_user

ORG = "Organisatie Dashboardtest"
EMPTY_ORG = "Organisatie Zonder Cijfers"


def _org(db, name: str, user: str) -> Organisation:
    org = db.session.query(Organisation).filter_by(name=name).one_or_none()
    if org is None:
        db.session.add(Organisation(name=name, pc4="3512"))
        db.session.commit()
        org = db.session.query(Organisation).filter_by(name=name).one()
        add_user(user, PASSWORD, email=f"{user}@example.org", roles=["Helpdesk"],
                 organisation_name=name, first_name="Dash", last_name="Board")
    return org


@pytest.fixture
def dataset(app, db):
    """The known data set (made once per database)."""
    org = _org(db, ORG, "helpdesk_dash")
    if db.session.query(HelpRequest.id).filter_by(organisation_id=org.id).first():
        return org
    now = utcnow()
    c1 = HelpCategory(name="Dash: lamp ophangen", group=CategoryGroup.practical)
    c2 = HelpCategory(name="Dash: boodschappen", group=CategoryGroup.practical)
    kerk = Partner(name="Dashkerk", kind=PartnerKind.church, organisation_id=org.id)
    db.session.add_all([c1, c2, kerk])
    db.session.flush()

    def volunteer(status, categories, partner=None):
        v = Volunteer(first_name="V", last_name="D", pc4="3512", status=status,
                      organisation_id=org.id, partner_id=partner.id if partner else None)
        v.categories = categories
        db.session.add(v)
        return v

    v1 = volunteer(VolunteerStatus.approved, [c1, c2], kerk)  # valid VOG: supply
    v2 = volunteer(VolunteerStatus.approved, [c1])  # no VOG: offers, no supply
    volunteer(VolunteerStatus.registered, [c2])  # offers, not approved
    volunteer(VolunteerStatus.inactive, [c1])  # neither
    db.session.flush()
    today = now.date()
    db.session.add(VogCheck(volunteer_id=v1.id, organisation_id=org.id, status=VogStatus.received,
                            requested_on=today - dt.timedelta(days=40),
                            issued_on=today - dt.timedelta(days=30),
                            verified_on=today - dt.timedelta(days=20),
                            expires_on=today + dt.timedelta(days=900)))

    def request(category, age_days, status, wait_days=None):
        received = now - dt.timedelta(days=age_days)
        r = HelpRequest(organisation_id=org.id, category_id=category.id, status=status,
                        description="x", requester_name="Naam Geheim", requester_phone="0612345678",
                        received_at=received,
                        matched_at=received + dt.timedelta(days=wait_days) if wait_days else None)
        db.session.add(r)
        return r

    r1 = request(c1, 30, S.matched, 2)
    r2 = request(c1, 20, S.done, 4)
    r3 = request(c1, 1, S.received)  # open, young
    request(c2, 40, S.accepted)  # open, old
    r5 = request(c2, 16, S.closed, 9)
    db.session.flush()
    for req, vol, status, km in ((r1, v1, MatchStatus.accepted, "1.5"),
                                 (r2, v2, MatchStatus.completed, "4.0"),
                                 (r5, v1, MatchStatus.completed, "2.9"),
                                 (r3, v2, MatchStatus.proposed, "0.5")):
        db.session.add(Match(help_request_id=req.id, volunteer_id=vol.id, status=status,
                             distance_km=Decimal(km), organisation_id=org.id,
                             accepted_at=req.matched_at if status != MatchStatus.proposed else None))
    db.session.commit()
    return org


def test_figures_on_a_known_data_set(app, db, dataset):
    figs = hf.figures(db.session, dataset.id, utcnow(), days=14)
    assert {k: sum(v) for k, v in figs["requests"].items()} == {
        "Dash: boodschappen": 2, "Dash: lamp ophangen": 3}
    assert figs["requests_total"] == 5
    assert figs["offered"] == [("Dash: boodschappen", 2), ("Dash: lamp ophangen", 2)]
    assert figs["supply_demand"] == [("Dash: boodschappen", 1, 2), ("Dash: lamp ophangen", 1, 3)]
    assert figs["near"] == {"within": 2, "measured": 3, "share": 66.7}
    assert figs["median_days"] == 4.0 and figs["matched_count"] == 3
    assert (figs["open_old"], figs["open_all"]) == (1, 2)
    assert figs["partners"] == [("Dashkerk", 2, 1), ("Zonder partner", 1, 1)]
    assert hf.figures(db.session, dataset.id, utcnow(), days=0)["open_old"] == 2


def _csv_rows(resp):
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Omschrijving", "Toelichting", "Aantal"]
    return rows[1:]


def test_page_and_csv_show_the_same_figures(app, db, dataset):
    client = login(app.test_client(), "helpdesk_dash")
    page = client.get("/dashboard/burenhulp?dagen=30")
    assert page.status_code == 200 and "Dashboard burenhulp" in page.text
    assert "<svg" in page.text and "Naam Geheim" not in page.text  # charts, no people
    assert 'id="kpi-median">4,0<' in page.text and 'id="kpi-near">66,7%<' in page.text
    assert 'id="kpi-open-old">1<' in page.text  # only the 40-day-old one is older than 30 days
    rows = _csv_rows(client.get("/dashboard/burenhulp.csv?dagen=30"))
    assert ["Tijd van hulpvraag tot koppeling", "mediaan (dagen)", "", "4,0"] in rows
    assert ["Hulp per partner", "Dashkerk", "koppelingen", "2"] in rows
    assert ["Open hulpvragen", "ouder dan 30 dagen", "", "1"] in rows
    for row in rows:
        cells = "".join(f"<td>{escape(c)}</td>" for c in row)
        assert f"<tr>{cells}</tr>" in page.text, row


def test_another_organisation_does_not_see_these_figures(app, db, dataset):
    client = login(app.test_client(), "helpdesk_b")
    page = client.get(f"/dashboard/burenhulp?organisatie={dataset.id}")
    assert page.status_code == 200 and "Organisatie B" in page.text
    assert "Dashkerk" not in page.text and "Dash: lamp" not in page.text
    rows = _csv_rows(client.get(f"/dashboard/burenhulp.csv?organisatie={dataset.id}"))
    assert not any("Dash" in cell for row in rows for cell in row)


def test_admin_picks_the_location(app, db, dataset):
    client = login(app.test_client(), "admin_a")
    page = client.get(f"/dashboard/burenhulp?organisatie={dataset.id}")
    assert page.status_code == 200 and "Dashkerk" in page.text
    assert f'<option value="{dataset.id}" selected>' in page.text


def test_empty_state(app, db):
    _org(db, EMPTY_ORG, "helpdesk_leeg")
    client = login(app.test_client(), "helpdesk_leeg")
    page = client.get("/dashboard/burenhulp")
    assert page.status_code == 200 and "Nog geen gegevens" in page.text
    assert _csv_rows(client.get("/dashboard/burenhulp.csv"))  # the figures, all zero


def test_coach_may_not_see_the_dashboard(app):
    client = login(app.test_client(), "coach_a")
    assert client.get("/dashboard/burenhulp").status_code in (302, 403)
