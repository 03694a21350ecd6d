"""Helpdesk rules, checked before writing so the user gets a Dutch message on the right field."""

from wtforms.validators import StopValidation

from app.core.validation import FieldError


def distance(value):
    if value is not None and value < 0:
        raise ValueError("De afstand kan niet negatief zijn")
    return value


def rating(value):
    if value is not None and not 1 <= value <= 5:
        raise ValueError("De waardering is een cijfer van 1 tot en met 5")
    return value


def destination(partner, organisation_name) -> None:
    """A referral always names where the requester goes: a partner or another organisation."""
    if partner is None and not (organisation_name or "").strip():
        raise ValueError("Kies een partner of vul de naam van de organisatie in")


def form_destination(form, field) -> None:
    """Form validator on partner: the message lands on the field, the input stays."""
    _on_field(destination, field.data, form.organisation_name.data)


def check_referral(item) -> None:
    """For the API: 400 naming the field."""
    try:
        destination(item.partner or item.partner_id, item.organisation_name)
    except ValueError as exc:
        raise FieldError("partner", str(exc)) from None


def _on_field(check, *args) -> None:
    try:
        check(*args)
    except ValueError as exc:
        raise StopValidation(str(exc)) from None
