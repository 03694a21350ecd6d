"""Earlier versions of a support plan are never changed, whatever the path (views, API,
workflows, CLI): a flush that changes a stored version is refused. Only the client's
agreement (``agreed_on``, once) may still be added to a version."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect

from app.core.validation import FieldError
from app.supportplans.models import SupportPlanVersion

FROZEN = ("Een versie van het ondersteuningsplan wordt niet meer gewijzigd; voer een nieuw "
          "gesprek om een nieuwe versie te maken")
_MAY_CHANGE = {"updated_at", "agreed_on", "plan"}


def _changed(version) -> set[str]:
    state = inspect(version)
    return {a.key for a in state.attrs if a.history.has_changes()}


@event.listens_for(SupportPlanVersion, "before_update")
def _refuse_changes(mapper, connection, version) -> None:
    changed = _changed(version)
    if changed - _MAY_CHANGE:
        raise FieldError(sorted(changed - _MAY_CHANGE)[0], FROZEN)
    if "agreed_on" in changed:  # the stored value: the attribute may have been expired
        table = SupportPlanVersion.__table__
        stored = connection.scalar(sa.select(table.c.agreed_on).where(table.c.id == version.id))
        if stored is not None:
            raise FieldError("agreed_on", FROZEN)
