"""Bad input gets a clear Dutch message on the right field, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import validation as v
from app.holders.models import Holder
from tests.conftest import api_headers, login


@pytest.mark.parametrize("field,value", [
    ("phone", "12345"), ("phone", "06-1234"), ("postcode", "123 AB"), ("postcode", "0123 AB"),
    ("email", "geen-adres"), ("birth_date", "2999-01-01"), ("birth_date", "31-02-2000"),
])
def test_api_rejects_bad_value_naming_the_field(app, db, client, field, value):
    before = db.session.query(Holder).count()
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "projectleader_a"), json={
        "reference": f"BAD-{field}", "first_name": "Bert", "last_name": "Bakker", field: value})
    assert resp.status_code == 400, resp.json
    assert field in resp.json["message"]
    assert db.session.query(Holder).count() == before


def test_api_requires_fields(app, db, client):
    resp = client.post("/api/v1/holder/", headers=api_headers(client, "projectleader_a"),
                       json={"reference": "REQ-1"})
    assert resp.status_code == 400
    assert {"first_name", "last_name"} <= set(resp.json["message"])
    assert resp.json["message"]["first_name"] == ["Dit veld is verplicht."]


def test_api_put_with_bad_value_changes_nothing(app, db, client):
    from tests.support import factories

    holder = factories.holder("a")
    resp = client.put(f"/api/v1/holder/{holder.id}", headers=api_headers(client, "projectleader_a"),
                      json={"phone": "niet-bellen", "town": "Utrecht"})
    assert resp.status_code == 400 and "phone" in resp.json["message"]
    db.session.expire_all()
    fresh = db.session.get(Holder, holder.id)
    assert fresh.phone == "+31612345678" and fresh.town is None


def test_form_shows_dutch_message_and_writes_nothing(app, db, client):
    login(client, "projectleader_a")
    before = db.session.query(Holder).count()
    resp = client.post("/holderview/add", data={
        "reference": "FORM-1", "first_name": "Fien", "last_name": "de Vries",
        "phone": "0612", "postcode": "1234 AB", "status": "active"})
    assert resp.status_code == 200
    assert "geen geldig telefoonnummer" in resp.text
    assert db.session.query(Holder).count() == before


def test_phone_is_stored_in_e164_and_shown_nationally():
    assert v.normalise_phone("06-12 34 56 78") == "+31612345678"
    assert v.normalise_phone("+32 470 12 34 56") == "+32470123456"
    assert v.format_phone("+31612345678") == "06 12345678"


def test_postcode_forms():
    assert v.normalise_postcode("1234ab") == "1234 AB"
    assert v.normalise_pc4("3511 AB") == "3511"
    with pytest.raises(ValueError, match="postcode"):
        v.normalise_pc4("0999")


def test_dates():
    assert v.check_past_date("2000-02-29") == dt.date(2000, 2, 29)
    with pytest.raises(ValueError, match="toekomst"):
        v.check_past_date(dt.date.today() + dt.timedelta(days=1))
    assert v.check_past_date("") is None and v.check_past_date("  ") is None  # empty form field


@given(st.text())
def test_phone_validator_never_crashes(text):
    try:
        result = v.normalise_phone(text)
    except ValueError as exc:
        assert "telefoonnummer" in str(exc)
    else:
        assert result is None or result.startswith("+")


@given(st.text())
def test_postcode_validator_never_crashes(text):
    try:
        result = v.normalise_postcode(text)
    except ValueError as exc:
        assert "postcode" in str(exc)
    else:
        assert result is None or (len(result) == 7 and result[4] == " ")


@given(st.text())
def test_email_validator_never_crashes(text):
    try:
        v.normalise_email(text)
    except ValueError as exc:
        assert "e-mailadres" in str(exc)


def test_show_page_displays_values_the_dutch_way(app, db, client):
    from tests.support import factories

    holder = factories.holder("a", birth_date=dt.date(1950, 7, 1))
    login(client, "projectleader_a")
    page = client.get(f"/holderview/show/{holder.id}").text
    assert "06 12345678" in page and "01-07-1950" in page
    assert ">None<" not in page.replace(" ", "").replace("\n", "")


def test_an_empty_optional_link_reads_as_a_dash(app, client):
    login(client, "projectleader_a")
    page = client.get("/holderview/add").text
    assert '<option selected value="__None">—</option>' in page or 'value="__None">—<' in page
