"""Validators for personal data, built on well-kept libraries.

Each ``normalise_*`` function returns the canonical form or raises ``ValueError`` with a
clear Dutch message. Models call them in ``@validates`` (nothing invalid is ever written,
whatever the path), forms and the API call them through the adapters below so the
message lands on the right field.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.nl import postcode as nl_postcode

DEFAULT_REGION = "NL"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value, limit: int = 40) -> str:
    """A value as a message repeats it: short, without control characters."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    return text if len(text) <= limit else text[:limit] + "…"


# NUL (PostgreSQL cannot store it) and the other control characters; tab and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value, what: str = "Tekst"):
    """Free text as people write it (any script, marks, emoji, line breaks), without
    surrounding spaces; NUL and other control characters are refused."""
    if _blank(value):
        return None
    text = str(value)
    if _CONTROL.search(text):
        raise ValueError(f"{what} bevat ongeldige tekens (stuurtekens)")
    return text.strip()


def normalise_phone(value: str | None, region: str = DEFAULT_REGION) -> str | None:
    """A valid phone number in E.164 (``+31612345678``); Dutch numbers may omit +31."""
    if _blank(value):
        return None
    try:
        number = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"'{_shown(value)}' is geen geldig telefoonnummer") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{_shown(value)}' is geen geldig telefoonnummer")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """Readable national form for display (``06 12345678``)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        number, fmt.NATIONAL if number.country_code == 31 else fmt.INTERNATIONAL
    )


def normalise_postcode(value: str | None) -> str | None:
    """A Dutch postcode in the form ``1234 AB``."""
    if _blank(value):
        return None
    message = f"'{_shown(value)}' is geen geldige Nederlandse postcode (bijv. 1234 AB)"
    if not str(value).isascii():  # other scripts' digits pass str.isdigit()
        raise ValueError(message)
    try:
        return nl_postcode.validate(str(value))
    except Exception:
        raise ValueError(message) from None


def normalise_pc4(value: str | None) -> str | None:
    """The four digits of a Dutch postcode (``1234``), from a PC4 or a full postcode."""
    if _blank(value):
        return None
    text = str(value).strip()
    if len(text) == 4 and text.isascii() and text.isdigit() and text[0] != "0":
        return text
    return normalise_postcode(text)[:4]


def normalise_email(value: str | None) -> str | None:
    if _blank(value):
        return None
    try:
        return validate_email(str(value), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(f"'{_shown(value)}' is geen geldig e-mailadres") from None


def check_past_date(value: dt.date | str | None, what: str = "Datum") -> dt.date | None:
    if _blank(value):  # an empty form field
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{_shown(value)}' is geen geldige datum (JJJJ-MM-DD)") from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValueError(f"'{_shown(value)}' is geen geldige datum (JJJJ-MM-DD)")  # noqa: TRY004 (forms and API expect ValueError)
    if value > dt.date.today():
        raise ValueError(f"{what} kan niet in de toekomst liggen")
    if value < dt.date(1900, 1, 1):
        raise ValueError(f"{what} ligt voor 1900")
    return value


def check_required(value, what: str):
    if _blank(value):
        raise ValueError(f"{what} is verplicht")
    return check_text(value, what) if isinstance(value, str) else value


# ---- adapters -------------------------------------------------------------------------


class FormCheck:
    """WTForms validator around a normaliser: the field gets the Dutch message."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __call__(self, form, field):
        from wtforms.validators import StopValidation

        try:
            self.fn(field.data, *self.args)
        except ValueError as exc:
            raise StopValidation(str(exc)) from None


class SchemaCheck:
    """Marshmallow validator around a normaliser: the API answers 400 naming the field."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __call__(self, value):
        from marshmallow import ValidationError

        try:
            self.fn(value, *self.args)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


# ---- model integration ------------------------------------------------------------------


class FieldError(ValueError):
    """A bad value for one field; the form and the API name the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_form_date(text: str | None, what: str = "Datum", field: str = "on") -> dt.date | None:
    """A date typed in a step form (YYYY-MM-DD, as <input type=date> sends it); empty is None."""
    if _blank(text):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FieldError(field, f"{what}: '{_shown(text)}' is geen geldige datum (jjjj-mm-dd).") from None


def describe_errors(errors: dict, labels: dict) -> str:
    """A marshmallow error dict as one Dutch sentence naming the fields by their labels."""
    return " ".join(f"{labels.get(field, field)}: {' '.join(map(str, msgs))}"
                    for field, msgs in errors.items())


def remember_field_error(exc: FieldError) -> None:
    """Keep the refusal for this request, so a form can be shown again with it (core/views)."""
    from flask import g, has_app_context

    if has_app_context():
        g.field_error = exc


def required(label: str):
    def check(value):
        return check_required(value, label)

    return check


def past_date(label: str):
    def check(value):
        return check_past_date(value, label)

    return check


def max_length(limit: int):
    def check(value):
        if value and len(value) > limit:
            raise ValueError(f"Tekst is {len(value)} tekens; er passen er maximaal {limit}")
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError("Tekst bevat ongeldige tekens (stuurtekens)")
        return value or None

    return check


def all_of(*checks):
    def check(value):
        for fn in checks:
            value = fn(value)
        return value

    return check


def field_validators(**checks):
    """One SQLAlchemy ``@validates`` for the given fields: normalise or raise FieldError.

    Views and APIs read ``field_checks`` off the returned function, so forms and the API
    show the same messages on the right field.
    """
    from sqlalchemy.orm import validates

    @validates(*checks)
    def _validate(self, key, value):
        try:
            return checks[key](value)
        except FieldError:
            raise
        except ValueError as exc:
            raise FieldError(key, str(exc)) from None

    _validate.field_checks = checks
    return _validate


def model_field_checks(model) -> dict:
    checks = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            checks.update(getattr(value, "field_checks", {}) or {})
    return checks


def between(low, high, message: str):
    def check(value):
        if value is not None and not low <= value <= high:
            raise ValueError(message)
        return value

    return check


class Rule:
    """A rule over several fields of one record; the message lands on ``field``.

    Models list them in ``__rules__``; they are checked before every write (views, API)
    and again at flush time for every other path (workflows, CLI).
    """

    def __init__(self, field: str, message: str, holds):
        self.field, self.message, self.holds = field, message, holds

    def check(self, item) -> None:
        if not self.holds(item):
            raise FieldError(self.field, self.message)


def check_rules(item) -> None:
    for rule in getattr(type(item), "__rules__", ()):
        rule.check(item)


def _check_rules_on_flush(mapper, connection, target) -> None:
    check_rules(target)


def install_rules(base) -> None:
    from sqlalchemy import event

    if not event.contains(base, "before_insert", _check_rules_on_flush):
        event.listen(base, "before_insert", _check_rules_on_flush, propagate=True)
        event.listen(base, "before_update", _check_rules_on_flush, propagate=True)
