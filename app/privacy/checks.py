"""Privacy-request rules, checked before writing so the user gets a Dutch message."""

from wtforms.validators import StopValidation

from app.core.validation import FieldError


def not_before_receipt(received_on, day, what: str) -> None:
    if received_on and day and day < received_on:
        raise ValueError(f"{what} kan niet voor de ontvangstdatum liggen")


def form_due(form, field) -> None:
    """Form validator on due_on: the message lands on the field, the input stays."""
    _on_field(not_before_receipt, form.received_on.data, field.data, "De uiterste afhandeldatum")


def form_completed(form, field) -> None:
    _on_field(not_before_receipt, form.received_on.data, field.data, "De afhandeldatum")


def check_item(item) -> None:
    """For the API: 400 naming the field."""
    for field, what in (("due_on", "De uiterste afhandeldatum"), ("completed_on", "De afhandeldatum")):
        try:
            not_before_receipt(item.received_on, getattr(item, field), what)
        except ValueError as exc:
            raise FieldError(field, str(exc)) from None


def _on_field(check, *args) -> None:
    try:
        check(*args)
    except ValueError as exc:
        raise StopValidation(str(exc)) from None
