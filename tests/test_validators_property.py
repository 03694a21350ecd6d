"""Property tests (hypothesis) for every validator of app/core/validation.py: valid input is
normalised idempotently; anything else raises a Dutch ValueError (FieldError on a model
field), never another exception — also for odd Unicode: combining marks, right-to-left text,
zero-width characters, emoji, NUL and other control characters, other scripts' digits, very
long text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core import validation as v

ODD = ["\u0301", "\u0327", "\u200b", "\u200d", "\ufeff", "\u202e", "\u200f", "\u05d0\u05d1",
       "\u0627\u0644", "\U0001f600", "\U0001f469\u200d\U0001f467", "\x00", "\x07", "\x1b",
       "\u2028", "\ud7ff", "\uffff", "\u0663", "\uff11", "\u00a0", "\t", "\n", "\r"]
odd_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(ODD) | st.text(max_size=3), max_size=12).map("".join),
    st.text(min_size=1, max_size=3).map(lambda t: t * 3000),  # very long
)
DUTCH = re.compile(r"geen geldig|geen geldige|verplicht|toekomst|voor 1900|maximaal|ongeldige tekens")
settings.register_profile("validators", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile("validators")


def outcome(fn, value, *args):
    """The normalised value, or the Dutch message (any other exception fails the test)."""
    try:
        return fn(value, *args), None
    except ValueError as exc:
        message = str(exc)
        assert DUTCH.search(message), message
        assert len(message) < 300, "the message repeats a very long value"
        return None, message


def idempotent(fn, value, *args):
    result, error = outcome(fn, value, *args)
    if error is None and result is not None:
        assert fn(result, *args) == result
    return result, error


# -- phone ------------------------------------------------------------------------------------

dutch_mobile = st.from_regex(r"\A06[1-5][0-9]{7}\Z").flatmap(
    lambda digits: st.sampled_from([digits, f"{digits[:2]}-{digits[2:]}", "+31" + digits[1:],
                                    "0031 " + digits[1:], f" {digits[:2]} {digits[2:]} "]))


@PROFILE
@given(odd_text)
@example("06 1234 5678\x00")
@example("\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668")
def test_phone_any_text(text):
    result, _ = idempotent(v.normalise_phone, text)
    assert result is None or re.fullmatch(r"\+[1-9][0-9]{6,14}", result)


@PROFILE
@given(dutch_mobile)
def test_phone_valid_dutch_mobile(text):
    result, error = idempotent(v.normalise_phone, text)
    assert error is None and result == "+31" + re.sub(r"\D", "", text).removeprefix("0031")\
        .removeprefix("31").removeprefix("0")


# -- postcode and pc4 ---------------------------------------------------------------------------

postcode = st.tuples(st.integers(1000, 9999), st.sampled_from("ABCEHKLMNPRTVWXZ"),
                     st.sampled_from("ABCEHKLMNPRTVWXZ"), st.sampled_from(["", " ", "  "]),
                     st.booleans()).map(
    lambda t: (f"{t[0]}{t[3]}{t[1]}{t[2]}".lower() if t[4] else f"{t[0]}{t[3]}{t[1]}{t[2]}"))


@PROFILE
@given(odd_text)
@example("١٢٣٤ AB")
@example("１２３４ AB")
def test_postcode_any_text(text):
    result, _ = idempotent(v.normalise_postcode, text)
    assert result is None or re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", result, re.ASCII)


@PROFILE
@given(postcode)
def test_postcode_valid(text):
    result, error = idempotent(v.normalise_postcode, text)
    assert error is None and result == f"{text[:4]} {text[-2:].upper()}"


@PROFILE
@given(odd_text | st.integers(0, 20000).map(str))
@example("٣٥١١")
@example("３５１１")
def test_pc4_any_text(text):
    result, _ = idempotent(v.normalise_pc4, text)
    assert result is None or re.fullmatch(r"[1-9][0-9]{3}", result, re.ASCII)


@PROFILE
@given(postcode)
def test_pc4_of_a_postcode(text):
    assert idempotent(v.normalise_pc4, text) == (text[:4], None)


# -- e-mail -------------------------------------------------------------------------------------

@PROFILE
@given(odd_text)
@example("piet@voorbeeld.nl\x00")
@example("p\u200biet@voorbeeld.nl")
def test_email_any_text(text):
    result, _ = idempotent(v.normalise_email, text)
    assert result is None or ("@" in result and "\x00" not in result)


@PROFILE
@given(st.from_regex(r"\A[a-z][a-z0-9._-]{0,20}[a-z0-9]@[a-z][a-z0-9-]{0,20}\.(nl|com|org)\Z"))
def test_email_valid(text):
    result, error = idempotent(v.normalise_email, text)
    assert error is None or ".." in text or "-." in text
    if error is None:
        assert result.lower() == text.lower()


# -- dates --------------------------------------------------------------------------------------

@PROFILE
@given(st.dates() | st.datetimes() | odd_text | st.dates().map(dt.date.isoformat)
       | st.integers() | st.floats())
def test_past_date_anything(value):
    result, _ = idempotent(v.check_past_date, value, "Geboortedatum")
    if result is not None:
        assert isinstance(result, dt.date) and dt.date(1900, 1, 1) <= result <= dt.date.today()


@PROFILE
@given(st.dates(dt.date(1900, 1, 1), dt.date.today()))
def test_past_date_valid(day):
    assert idempotent(v.check_past_date, day.isoformat()) == (day, None)
    assert idempotent(v.check_past_date, day) == (day, None)


@PROFILE
@given(odd_text | st.dates().map(dt.date.isoformat))
def test_parse_form_date(text):
    try:
        result = v.parse_form_date(text, "Datum", "on")
    except v.FieldError as exc:
        assert exc.field == "on" and "geen geldige datum" in str(exc) and len(str(exc)) < 300
    else:
        assert result is None or v.parse_form_date(result.isoformat()) == result


# -- free text ------------------------------------------------------------------------------------

@PROFILE
@given(odd_text)
@example("\x00")
@example("Jan\x00Jansen")
@example("\u200b")
def test_required_text(text):
    result, error = idempotent(v.required("Voornaam"), text)
    if error is None:
        assert result == result.strip() and result and "\x00" not in result
    else:
        assert "Voornaam" in error or "ongeldige tekens" in error


@PROFILE
@given(odd_text, st.integers(1, 500))
def test_max_length(text, limit):
    result, error = idempotent(v.max_length(limit), text)
    if error is None:
        assert result is None or (len(result) <= limit and "\x00" not in result)


@PROFILE
@given(odd_text)
def test_free_text_keeps_what_people_write(text):
    """Letters, marks, emoji, RTL and line breaks stay as written; only NUL and other control
    characters (not tab or line breaks) are refused."""
    result, error = outcome(v.check_text, text, "Notities")
    controls = [c for c in text if (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f"]
    assert (error is not None) == bool(controls) or (error is None and result is None)
    if error is None and result is not None:
        assert result == text.strip() and v.check_text(result, "Notities") == result


# -- on a model field: FieldError naming the field ------------------------------------------------

@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Every model mapped (the app registers them all); no database is needed."""
    from app import create_app

    create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path_factory.mktemp('v')}/v.db")


@pytest.mark.parametrize("field", ["phone", "email", "postcode", "pc4", "birth_date",
                                   "first_name", "last_name", "reference"])
@PROFILE
@given(text=odd_text)
def test_model_fields_raise_field_error(models, field, text):
    from app.holders.models import Holder

    holder = Holder()
    try:
        setattr(holder, field, text)
    except v.FieldError as exc:
        assert exc.field == field and DUTCH.search(str(exc))
    else:
        value = getattr(holder, field)
        setattr(holder, field, value)  # idempotent through the model too
        assert getattr(holder, field) == value
