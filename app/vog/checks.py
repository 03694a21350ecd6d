"""VOG rules the database enforces too, checked first so the user gets a Dutch message."""

from wtforms.validators import StopValidation

from app.core.validation import FieldError


def expiry(issued_on, expires_on) -> None:
    if issued_on and expires_on and expires_on <= issued_on:
        raise ValueError("'Geldig tot' moet na de afgiftedatum liggen")


def form_expiry(form, field) -> None:
    """Form validator on expires_on: the message lands on the field, the input stays."""
    _on_field(expiry, form.issued_on.data, field.data)


def check_item(item) -> None:
    """For the API: 400 naming the field."""
    try:
        expiry(item.issued_on, item.expires_on)
    except ValueError as exc:
        raise FieldError("expires_on", str(exc)) from None


def _on_field(check, *args) -> None:
    try:
        check(*args)
    except ValueError as exc:
        raise StopValidation(str(exc)) from None
