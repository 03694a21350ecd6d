"""The public help-request form /hulp-vragen/ (no login), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest

from app.helpdesk.models import HelpRequest, RequestChannel, RequestStatus
from app.organisations.models import Organisation
from tests.support.fixtures import org_id
from infra.outbox import deliver_due

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_limit(app):
    """The suite posts often from one address; the rate-limit test sets its own limit."""
    old = app.config.get("HULPREGIE_PUBLIC_FORM_LIMIT")
    app.config["HULPREGIE_PUBLIC_FORM_LIMIT"] = "1000 per hour"
    yield
    app.config["HULPREGIE_PUBLIC_FORM_LIMIT"] = old


def url(org="a") -> str:
    return f"/hulp-vragen/?org={org_id(org)}"


def answers(**kw) -> dict:
    n = next(_seq)
    return {"for_whom": "zelf", "name": f"Publieke Vrager {n}", "phone": "", "postcode": "3511 AB",
            "email": f"publiek{n}@example.org", "description": "Hulp bij boodschappen",
            "category": "", "wanted_on": "", "wanted_part": "morning", "website": "", **kw}


def stored(db, name) -> list[HelpRequest]:
    """The name is encrypted: compare after decryption, on the newest requests."""
    return [r for r in db.session.query(HelpRequest).filter_by(organisation_id=org_id("a"))
            .order_by(HelpRequest.id.desc()).limit(50) if r.requester_name == name]


def test_the_form_is_public_and_accessible(client):
    resp = client.get(url())
    assert resp.status_code == 200
    page = resp.data.decode()
    assert "Organisatie A" in page and "<legend>Voor wie vraagt u hulp?</legend>" in page
    assert 'for="description"' in page and 'aria-describedby="postcode-uitleg"' in page
    assert 'autocomplete="off"' in page and 'name="website"' in page
    assert "Burenhulp" not in page and "/logout" not in page  # no staff menu
    assert "<script" not in page  # works without JavaScript


def test_a_request_is_stored_and_confirmed_by_mail(app, client, db, smtp):
    data = answers(postcode="3511ab", phone="06 12345678")
    resp = client.post(url(), data=data)
    assert resp.status_code == 302 and "/hulp-vragen/bedankt" in resp.headers["Location"]
    thanks = client.get(resp.headers["Location"]).data.decode()
    assert "Dank u wel" in thanks and data["name"] not in thanks and data["email"] not in thanks
    (req,) = stored(db, data["name"])
    assert req.status is RequestStatus.received and req.channel is RequestChannel.web
    assert req.pc4 == "3511" and req.requester_phone == "+31612345678"
    assert req.wanted_part.name == "morning"
    deliver_due()
    (mail,) = smtp.wait_for(data["email"])
    assert str(req.id) in mail["Subject"] and "Organisatie A" in smtp.text(mail)


def test_a_professional_asks_for_a_client(client, db):
    data = answers(for_whom="client", professional_name="Petra Prof",
                   professional_organisation="Wijkteam Oost", professional_contact="030 1234567")
    assert client.post(url(), data=data).status_code == 302
    (req,) = stored(db, data["name"])
    assert req.channel is RequestChannel.professional
    assert req.professional == "Petra Prof, Wijkteam Oost (030 1234567)"


def test_a_professional_must_say_who_he_is(client, db):
    data = answers(for_whom="client")
    resp = client.post(url(), data=data)
    assert resp.status_code == 400
    assert "Uw naam (professional) is verplicht" in resp.data.decode()
    assert not stored(db, data["name"])


def test_missing_contact_shows_the_error_at_the_field_and_stores_nothing(client, db):
    data = answers(email="", phone="")
    resp = client.post(url(), data=data)
    page = resp.data.decode()
    assert resp.status_code == 400
    assert 'href="#phone"' in page  # the summary links to the field
    assert 'id="phone-fout"' in page and "Vul een telefoonnummer of een e-mailadres in" in page
    assert 'aria-describedby="phone-uitleg phone-fout"' in page and 'aria-invalid="true"' in page
    assert data["name"] in page  # what was typed stays in the form
    assert not stored(db, data["name"])


def test_invalid_values_are_named(client, db):
    data = answers(postcode="12", wanted_on="2001-01-01")
    page = client.post(url(), data=data).data.decode()
    assert "geen geldige Nederlandse postcode" in page and "verleden" in page
    assert not stored(db, data["name"])


def test_a_filled_honeypot_stores_nothing(client, db, smtp):
    data = answers(website="http://spam.example")
    resp = client.post(url(), data=data)
    assert resp.status_code == 302 and "/hulp-vragen/bedankt" in resp.headers["Location"]
    assert not stored(db, data["name"])
    deliver_due()
    assert not smtp.to(data["email"])


@pytest.mark.parametrize("query", ["?org=999999", "?org=x"])
def test_unknown_organisation_is_404(client, db, query):
    assert client.get(f"/hulp-vragen/{query}").status_code == 404
    assert client.post(f"/hulp-vragen/{query}", data=answers()).status_code == 404


def test_without_an_organisation_the_visitor_chooses_one(client, db):
    """The fixture has two active organisations: the page lists them, a post goes nowhere."""
    active = db.session.query(Organisation).filter_by(active=True).all()
    assert len(active) > 1
    page = client.get("/hulp-vragen/")
    assert page.status_code == 200
    for org in active:
        assert f"/hulp-vragen/?org={org.id}" in page.text and org.name in page.text
    assert client.post("/hulp-vragen/", data=answers()).status_code == 404


def test_an_inactive_organisation_is_404(client, db):
    org = Organisation(name=f"Gestopt {next(_seq)}", active=False)
    db.session.add(org)
    db.session.commit()
    assert client.get(f"/hulp-vragen/?org={org.id}").status_code == 404


def test_posts_are_rate_limited(app, client, db):
    app.config["HULPREGIE_PUBLIC_FORM_LIMIT"] = "3 per hour"
    app.appbuilder.sm.limiter.reset()
    try:
        codes = [client.post(url(), data=answers(email="", phone="")).status_code
                 for _ in range(4)]
        assert codes == [400, 400, 400, 429]
        resp = client.post(url(), data=answers())
        assert resp.status_code == 429 and "te veel hulpvragen" in resp.data.decode()
        assert client.get(url()).status_code == 200  # reading the form is not limited
    finally:
        app.appbuilder.sm.limiter.reset()
