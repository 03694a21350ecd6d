"""A check the base classes cannot know: who attended an intervision."""

from __future__ import annotations

from app.core.validation import FieldError


class AttendeeCheck:
    """An attendance names a coach or a guest (the table refuses neither)."""

    def _check_attendee(self, item):
        if item.coach is None and item.coach_id is None and not (item.guest_name or "").strip():
            raise FieldError("guest_name", "Kies een coach of vul de naam van een gast in")

    def pre_add(self, item):
        super().pre_add(item)
        self._check_attendee(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._check_attendee(item)
