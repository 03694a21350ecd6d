"""Form fields for volunteers and VOG's: a set of codes as checkboxes, stored as "a,b,c"."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class CodesField(SelectMultipleField):
    """Checkboxes for a fixed code list; the record gets the comma string (None when none).

    ``check(value) -> str | None`` normalises the chosen codes or raises ValueError with a
    Dutch message (shown at the field), so forms and the API validate the same way.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, *, choices: dict, check, **kwargs):
        super().__init__(label, validators, choices=list(choices.items()), **kwargs)
        self.check = check

    def process_data(self, value):
        if isinstance(value, str):
            value = [c.strip() for c in value.split(",") if c.strip()]
        super().process_data(value)

    def pre_validate(self, form):
        try:
            self.check(self.data or [])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def populate_obj(self, obj, name):
        setattr(obj, name, self.check(self.data or []))
