"""Exact search on encrypted fields through the blind index (security/search.py)."""

from __future__ import annotations

import random
import re

import prison
import pytest
import sqlalchemy as sa

from security import crypto
from tests.conftest import api_headers, login
from tests.support import factories
from tests.support.fixtures import org_id

_rng = random.Random()


def _unique_name(base: str) -> str:
    """A last name no other test uses (the database lives for the whole session)."""
    return f"{base} {''.join(_rng.choice('bcdfghjklmnpqrstvwxz') for _ in range(8))}"


def _unique_mobile() -> str:
    return "06" + _rng.choice("1235") + "".join(_rng.choice("0123456789") for _ in range(7))


def _holder(org: str = "a", coach_login: str | None = None, **fields):
    """factories.holder with any field set (the factory fixes the phone number)."""
    from app.extensions import db

    item = factories.holder(org, coach_login=coach_login)
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.commit()
    return item


def _rows(html: str, view: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf"/{view}/show/(\d+)", html)}


def _ui_search(client, view: str, column: str, value: str) -> set[int]:
    resp = client.get(f"/{view.lower()}/list/", query_string={f"_flt_0_{column}": value,
                                                               f"psize_{view}": 100})
    assert resp.status_code == 200, resp.text[:500]
    return _rows(resp.text, view.lower())


def _api_search(client, resource: str, user: str, column: str, value, opr: str = "exact"):
    q = prison.dumps({"filters": [{"col": column, "opr": opr, "value": value}], "page_size": 100})
    return client.get(f"/api/v1/{resource}/", query_string={"q": q},
                      headers=api_headers(client, user))


# -- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize("kind,a,b", [
    ("name", "Van den Bérg", "  VAN DEN BERG "),
    ("name", "Öztürk", "ozturk"),
    ("name", "Yılmaz", "YILMAZ"),
    ("name", "Łukasik", "lukasik"),
    ("name", "Straße", "STRASSE"),
    ("name", "de  Vries", "deVries"),
    ("phone", "06-12345678", "+31 6 1234 5678"),
    ("phone", "0031612345678", "(06) 1234 5678"),
    ("email", "Marloes.Schouten@Mail.Example", "marloes.schouten@mail.example "),
    ("postcode", "1234 ab", "1234AB"),
])
def test_equal_values_in_other_notations_get_the_same_index(kind, a, b):
    ring = crypto.parse_key_ring("k:" + crypto.generate_key(), crypto.generate_key())
    assert ring.blind_index(a, kind) == ring.blind_index(b, kind)


@pytest.mark.parametrize("kind,a,b", [
    ("name", "Jansen", "Janssen"),
    ("phone", "0612345678", "0612345679"),
    ("email", "a@example.org", "b@example.org"),
    ("postcode", "1234 AB", "1234 AC"),
])
def test_different_values_get_different_indexes(kind, a, b):
    ring = crypto.parse_key_ring("k:" + crypto.generate_key(), crypto.generate_key())
    assert ring.blind_index(a, kind) != ring.blind_index(b, kind)


def test_index_depends_on_the_index_key():
    one = crypto.parse_key_ring("k:" + crypto.generate_key(), crypto.generate_key())
    two = crypto.parse_key_ring("k:" + crypto.generate_key(), crypto.generate_key())
    assert one.blind_index("Jansen") != two.blind_index("Jansen")


@pytest.mark.parametrize("kind,value", [("phone", "abc"), ("phone", "12"), ("postcode", "12 AB"),
                                        ("postcode", "Utrecht")])
def test_invalid_phone_or_postcode_is_not_indexable(kind, value):
    ring = crypto.parse_key_ring("k:" + crypto.generate_key(), crypto.generate_key())
    with pytest.raises(ValueError):
        ring.blind_index(value, kind)


def test_kind_follows_the_column_name():
    assert [crypto.index_kind(c) for c in ("last_name", "requester_name", "phone",
                                           "requester_phone", "email", "requester_email",
                                           "postcode")] == [
        "name", "name", "phone", "phone", "email", "email", "postcode"]


# -- the index is kept in step with the encrypted value -----------------------------------


def test_index_columns_follow_every_write(app, db):
    from app.holders.models import Holder

    holder = _holder("a", last_name="Bakker", email="Jan.Bakker@Example.org",
                              postcode="1234ab")
    ring = crypto.key_ring()
    row = db.session.execute(sa.text(
        "SELECT last_name_index, phone_index, email_index, postcode_index FROM holder "
        "WHERE id = :id"), {"id": holder.id}).one()
    assert row == (ring.blind_index("bakker"), ring.blind_index("+31612345678", "phone"),
                   ring.blind_index("jan.bakker@example.org", "email"),
                   ring.blind_index("1234AB", "postcode"))
    holder.last_name, holder.phone, holder.postcode = "Visser", None, "5678 CD"
    db.session.commit()
    row = db.session.execute(sa.text(
        "SELECT last_name_index, phone_index, postcode_index FROM holder WHERE id = :id"),
        {"id": holder.id}).one()
    assert row == (ring.blind_index("visser"), None, ring.blind_index("5678CD", "postcode"))
    assert db.session.get(Holder, holder.id).last_name == "Visser"


# -- screens ------------------------------------------------------------------------------


def test_ui_finds_a_holder_by_last_name_in_any_case_and_accents(app, db, client):
    name = _unique_name("Van den Bérg")
    target = _holder("a", last_name=name)
    other = _holder("a", last_name=name.replace("Bérg", "Berk"))
    login(client, "projectleader_a")
    plain = name.replace("Bérg", "berg").upper()
    assert _ui_search(client, "HolderView", "last_name", plain) == {target.id}
    assert _ui_search(client, "HolderView", "last_name", f"  {name.lower()} ") == {target.id}
    # exact search: a part of the name finds nothing, and the other holder is never a hit
    assert _ui_search(client, "HolderView", "last_name", name.split()[-1]) == set()
    assert other.id not in _ui_search(client, "HolderView", "last_name", plain)


def test_ui_finds_a_holder_by_phone_in_another_notation(app, db, client):
    mobile = _unique_mobile()
    target = _holder("a", phone=mobile)
    _holder("a", phone=mobile[:-1] + str((int(mobile[-1]) + 1) % 10))
    login(client, "projectleader_a")
    spaced = f"+31 6 {mobile[2:6]} {mobile[6:]}"
    assert _ui_search(client, "HolderView", "phone", spaced) == {target.id}
    assert _ui_search(client, "HolderView", "phone", f"{mobile[:2]}-{mobile[2:]}") == {target.id}


def test_ui_finds_a_holder_by_postcode_without_space(app, db, client):
    name = _unique_name("Postcode")
    target = _holder("a", last_name=name, postcode="9999 ZX")
    login(client, "projectleader_a")
    found = _ui_search(client, "HolderView", "postcode", "9999zx")
    assert target.id in found
    assert all(db.session.get(type(target), pk).postcode == "9999 ZX" for pk in found)


def test_ui_search_that_is_no_phone_number_finds_nothing(app, db, client):
    _holder("a")  # phone 0612345678
    login(client, "projectleader_a")
    resp = client.get("/holderview/list/", query_string={"_flt_0_phone": "geen nummer"})
    assert resp.status_code == 200
    assert _rows(resp.text, "holderview") == set()
    assert _ui_search(client, "HolderView", "postcode", "Utrecht") == set()
    assert _ui_search(client, "HolderView", "last_name", "") == set()


def test_ui_list_offers_the_exact_filter_on_encrypted_columns(app, db, client):
    login(client, "projectleader_a")
    text = client.get("/holderview/list/").text
    filters = re.search(r'"last_name": \["([^"]*)"\]', text)
    assert filters and filters.group(1) == "Is gelijk aan"
    assert '"first_name"' not in text.split("AdminFilters")[1].split("</script>")[0]


def _same_name_in_three_caseloads():
    name = _unique_name("Scoop")
    return name, [_holder("a", coach_login="coach_a", last_name=name),
                  _holder("a", coach_login="coach2_a", last_name=name),
                  _holder("b", last_name=name)]


def test_ui_search_of_a_coach_stays_within_his_caseload(app, db, client):
    name, (own, _colleagues, _elsewhere) = _same_name_in_three_caseloads()
    login(client, "coach_a")
    assert _ui_search(client, "HolderView", "last_name", name.upper()) == {own.id}


def test_ui_search_stays_within_the_organisation(app, db, client):
    name, (own, colleagues, _elsewhere) = _same_name_in_three_caseloads()
    login(client, "projectleader_a")
    assert _ui_search(client, "HolderView", "last_name", name) == {own.id, colleagues.id}


def test_coach_finds_his_holder_by_phone(app, db, client):
    mobile = _unique_mobile()
    own = _holder("a", coach_login="coach_a", phone=mobile)
    login(client, "coach_a")
    assert _ui_search(client, "HolderView", "phone", f"+31{mobile[1:]}") == {own.id}


def _help_request(org: str, **kw):
    from app.extensions import db
    from app.helpdesk.models import HelpRequest

    item = HelpRequest(description="Lamp ophangen in de woonkamer", organisation_id=org_id(org),
                       **kw)
    db.session.add(item)
    db.session.commit()
    return item


def test_helpdesk_finds_a_help_request_by_the_requesters_phone(app, db, client):
    mobile = _unique_mobile()
    target = _help_request("a", requester_name=_unique_name("Hulpvrager"), requester_phone=mobile)
    _help_request("a", requester_name=_unique_name("Ander"), requester_phone="0612345678")
    theirs = _help_request("b", requester_name=_unique_name("Elders"), requester_phone=mobile)
    login(client, "helpdesk_a")
    spaced = f"{mobile[:2]} {mobile[2:4]} {mobile[4:6]} {mobile[6:8]} {mobile[8:]}"
    assert _ui_search(client, "HelpRequestView", "requester_phone", spaced) == {target.id}
    resp = _api_search(client, "help_request", "helpdesk_a", "requester_phone", f"+31{mobile[1:]}")
    assert resp.status_code == 200
    assert [r["id"] for r in resp.json["result"]] == [target.id]
    assert theirs.id not in {r["id"] for r in resp.json["result"]}


def test_helpdesk_finds_a_help_request_by_the_requesters_name(app, db, client):
    name = _unique_name("Ébru")
    target = _help_request("a", requester_name=name)
    login(client, "helpdesk_a")
    assert _ui_search(client, "HelpRequestView", "requester_name",
                      name.replace("É", "e").upper()) == {target.id}


def test_volunteer_and_contact_person_are_searchable(app, db, client):
    from app.contacts.models import ContactPerson

    volunteer = factories.volunteer("a", email=f"{_unique_name('v').split()[1]}@example.org")
    resp = _api_search(client, "volunteer", "volunteercoordinator_a", "email",
                       volunteer.email.upper())
    assert [r["id"] for r in resp.json["result"]] == [volunteer.id]

    mobile = _unique_mobile()
    holder = _holder("a", coach_login="coach_a")
    contact = ContactPerson(holder_id=holder.id, name="Buurvrouw", phone=mobile, priority=1,
                            organisation_id=org_id("a"))
    db.session.add(contact)
    db.session.commit()
    login(client, "coach_a")
    assert _ui_search(client, "ContactPersonView", "phone", f"+31 {mobile[1:]}") == {contact.id}


# -- REST API -----------------------------------------------------------------------------


def test_api_exact_filter_on_last_name(app, db, client):
    name = _unique_name("Jansen")
    target = _holder("a", last_name=name)
    near = _holder("a", last_name=name.replace("Jansen", "Janssen"))
    resp = _api_search(client, "holder", "projectleader_a", "last_name", name.lower())
    assert resp.status_code == 200, resp.json
    assert [r["id"] for r in resp.json["result"]] == [target.id]
    assert resp.json["count"] == 1 and near.id not in {r["id"] for r in resp.json["result"]}


def test_api_filter_that_is_no_phone_number_finds_nothing(app, db, client):
    _holder("a")
    resp = _api_search(client, "holder", "projectleader_a", "phone", "geen nummer")
    assert resp.status_code == 200
    assert resp.json["count"] == 0 and resp.json["result"] == []


def test_api_refuses_like_filters_on_ciphertext(app, db, client):
    for column, opr in (("last_name", "ct"), ("last_name", "eq"), ("first_name", "exact"),
                        ("notes", "ct")):
        resp = _api_search(client, "holder", "projectleader_a", column, "a", opr=opr)
        assert resp.status_code == 400, (column, opr)


def test_api_info_lists_the_exact_filter(app, db, client):
    info = client.get("/api/v1/holder/_info", headers=api_headers(client, "projectleader_a")).json
    for column in ("last_name", "phone", "email", "postcode"):
        assert info["filters"][column] == [{"name": "Is gelijk aan", "operator": "exact"}]
    assert "first_name" not in info["filters"]


# -- rebuilding the index -------------------------------------------------------------------


def test_reindex_repairs_missing_and_stale_indexes(app, db):
    from app.holders.models import Holder
    from security.search import reindex_model

    mobile = _unique_mobile()
    holder = _holder("a", last_name="de Wit", phone=mobile)
    broken = _holder("a", last_name="Kapot")
    db.session.execute(sa.text("UPDATE holder SET last_name_index = 'oud', phone_index = NULL "
                               "WHERE id = :id"), {"id": holder.id})
    stored = db.session.execute(sa.text("SELECT last_name FROM holder WHERE id = :id"),
                                {"id": broken.id}).scalar()
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    db.session.execute(sa.text("UPDATE holder SET last_name = :v, last_name_index = 'bewaard' "
                               "WHERE id = :id"), {"v": tampered, "id": broken.id})
    db.session.commit()
    try:
        counts = reindex_model(db.session, Holder, batch_size=7)
        assert counts["updated"] >= 1 and counts["failed"] >= 1
        assert counts["rows"] == db.session.query(Holder).count()
        row = db.session.execute(sa.text(
            "SELECT last_name_index, phone_index FROM holder WHERE id = :id"),
            {"id": holder.id}).one()
        ring = crypto.key_ring()
        assert row == (ring.blind_index("DE WIT"), ring.blind_index(mobile, "phone"))
        assert db.session.execute(sa.text("SELECT last_name_index FROM holder WHERE id = :id"),
                                  {"id": broken.id}).scalar() == "bewaard"
        assert reindex_model(db.session, Holder)["updated"] == 0
    finally:
        db.session.execute(sa.text("DELETE FROM holder WHERE id = :id"), {"id": broken.id})
        db.session.commit()


# -- existing rows: the demo data ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(database_url, request, tmp_path_factory):
    """A fresh application on its own database with the demo data loaded (through the ORM)."""
    import flask_migrate

    from app import create_app
    from app.core.registry import resource_menus
    from security.sync import sync_roles

    tmp = tmp_path_factory.mktemp("search-demo")
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp / 'demo.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database("hulpregie_search_demo")
    application = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    application.instance_path = str(tmp)  # keep the credentials file out of instance/
    with application.app_context():
        flask_migrate.upgrade()
        sync_roles(application.appbuilder, resource_menus(application.appbuilder))
    result = application.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_demo_data_has_a_correct_blind_index(demo_app):
    from app.contacts.models import ContactPerson
    from app.extensions import db
    from app.helpdesk.models import HelpRequest
    from app.holders.models import Holder
    from app.volunteers.models import Volunteer
    from security.search import exact_clause

    with demo_app.app_context():
        checked = 0
        for model in (Holder, Volunteer, ContactPerson, HelpRequest):
            rows = db.session.query(model).all()
            assert rows, model.__name__
            for row in rows:
                for source, index_column in model.__blind_index__.items():
                    value = getattr(row, source)
                    expected = crypto.blind_index_for(source, value)
                    assert getattr(row, index_column) == expected, (model.__name__, source)
                    if value:
                        assert expected is not None, (model.__name__, source, "not indexed")
                        found = db.session.query(model.id).filter(
                            exact_clause(model, source, value)).all()
                        assert (row.id,) in found
                        checked += 1
        assert checked > 100



def test_reindex_command_finds_nothing_to_repair_after_demo_load(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if " rijen," in line]
    assert {line.split()[0] for line in lines} == {"contact_person", "help_request", "holder",
                                                  "volunteer"}
    assert all(" 0 bijgewerkt" in line for line in lines), result.output
