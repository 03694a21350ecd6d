"""Restriction of processing (AVG art. 18): a person's records may be kept and seen, not
changed, deleted or exported, until the restriction is lifted.

- :func:`place` / :func:`lift` change the restriction (audited, one transaction, callers commit).
- :func:`is_restricted` / :func:`restricted_ids` tell exports and jobs to skip a subject.
- :func:`restriction_of` gives the active restriction covering a record (for the show pages).
- :func:`install` adds a ``before_flush`` listener (from create_app) that refuses every ORM
  update or delete of a restricted Holder, ContactPerson, Volunteer or HelpRequest, and every
  insert, update or delete of a restricted holder's cards, card versions and contact persons,
  with a :class:`RestrictedError` naming the reason. Whatever the path: views, API, workflows,
  CLI. :func:`allow_changes` lets the erasure workflow through (erasure ends a restriction).
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.models import utcnow
from app.core.validation import FieldError
from app.core.errors import TransitionError

# The models a restriction is placed on (ProcessingRestriction.subject_type).
SUBJECT_TYPES = ("Holder", "ContactPerson", "Volunteer", "HelpRequest")
# Records that fall under a restricted holder.
HOLDER_PARTS = ("HelpCard", "HelpCardVersion", "ContactPerson")
_OVERRIDE = "restrictions_override"


class RestrictedError(FieldError, TransitionError):
    """A change of restricted data: a FieldError for forms and the API, a TransitionError
    for workflow views (shown as a message)."""

    def __init__(self, field: str, reason: str):
        super().__init__(field, f"Deze gegevens zijn beperkt (AVG art. 18): {reason}")
        self.reason = reason


def _model():
    from app.privacy.models import ProcessingRestriction

    return ProcessingRestriction


def _active(model_name: str):
    R = _model()
    return sa.select(R).where(R.subject_type == model_name, R.lifted_at.is_(None))


def _holder_id_of(session: Session, model_name: str, record_id) -> int | None:
    """The holder a card, card version or contact person belongs to."""
    from app.cards.models import HelpCard, HelpCardVersion
    from app.contacts.models import ContactPerson

    if model_name == "ContactPerson":
        return session.scalar(sa.select(ContactPerson.holder_id).where(ContactPerson.id == record_id))
    if model_name == "HelpCard":
        return session.scalar(sa.select(HelpCard.holder_id).where(HelpCard.id == record_id))
    if model_name == "HelpCardVersion":
        return session.scalar(sa.select(HelpCard.holder_id).join(
            HelpCardVersion, HelpCardVersion.card_id == HelpCard.id).where(HelpCardVersion.id == record_id))
    return None


def active_restriction(session: Session, model_name: str, record_id):
    """The active restriction on exactly this subject, or None."""
    if record_id is None:
        return None
    with session.no_autoflush:
        return session.scalars(_active(model_name).where(_model().subject_id == int(record_id))
                               .order_by(_model().id).limit(1)).first()


def covering_restriction(session: Session, model_name: str, record_id, holder_id=None):
    """The active restriction on this record itself, or on the holder it belongs to."""
    found = active_restriction(session, model_name, record_id) if model_name in SUBJECT_TYPES else None
    if found is None and model_name in HOLDER_PARTS:
        if holder_id is None and record_id is not None:
            with session.no_autoflush:
                holder_id = _holder_id_of(session, model_name, record_id)
        found = active_restriction(session, "Holder", holder_id)
    return found


def is_restricted(session: Session, model_name: str, id) -> bool:
    """Whether the record (a subject, or a holder's card/version/contact) is under an active
    restriction: exports and jobs skip it."""
    return covering_restriction(session, model_name, id) is not None


def restricted_ids(session: Session, model_name: str) -> set[int]:
    """All ids of ``model_name`` (a SUBJECT_TYPES name) under an active restriction: for
    exports that filter many rows at once (``~Model.id.in_(...)``)."""
    return set(session.scalars(sa.select(_model().subject_id).where(
        _model().subject_type == model_name, _model().lifted_at.is_(None))))


def restriction_of(session: Session, obj):
    """The active restriction covering ``obj`` (a model instance), or None."""
    if obj is None or getattr(obj, "id", None) is None:
        return None
    return covering_restriction(session, type(obj).__name__, obj.id, _holder_of(obj))


def _holder_of(obj) -> int | None:
    name = type(obj).__name__
    if name in ("HelpCard", "ContactPerson"):
        return obj.holder_id or getattr(obj.holder, "id", None)
    if name == "HelpCardVersion":
        card = obj.card
        return _holder_of(card) if card is not None else None
    return None


def subject_of(obj) -> tuple[str, int]:
    name = type(obj).__name__
    if name not in SUBJECT_TYPES:
        raise TransitionError(f"Een beperking kan alleen op een hulpkaarthouder, contactpersoon, "
                              f"vrijwilliger of hulpvrager liggen, niet op '{name}'")
    return name, obj.id


# -- workflow -------------------------------------------------------------------------------------

def place(session: Session, subject, *, by, reason: str, request=None):
    """Restrict ``subject`` (Holder, ContactPerson, Volunteer or HelpRequest)."""
    from security.audit import holder_of, record

    model_name, subject_id = subject_of(subject)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Reden is verplicht: geef aan waarom de verwerking wordt beperkt")
    if active_restriction(session, model_name, subject_id) is not None:
        raise TransitionError("Op deze gegevens ligt al een beperking")
    restriction = _model()(
        organisation_id=subject.organisation_id, subject_type=model_name, subject_id=subject_id,
        reason=reason, since=utcnow(), placed_by_id=by.user_id,
        privacy_request_id=getattr(request, "id", None))
    session.add(restriction)
    session.flush()
    record(session, "restrict", model_name, subject_id, holder_id=holder_of(subject),
           purpose=f"privacyverzoek {request.id}" if request is not None else None)
    return restriction


def lift(session: Session, restriction, *, by):
    """End a restriction: the data may be processed again."""
    if restriction is None or restriction.lifted_at is not None:
        raise TransitionError("Deze beperking is al opgeheven")
    restriction.lifted_at = utcnow()
    restriction.lifted_by_id = by.user_id
    session.flush()
    from security.audit import record

    holder_id = restriction.subject_id if restriction.subject_type == "Holder" else None
    record(session, "lift_restriction", restriction.subject_type, restriction.subject_id,
           holder_id=holder_id)
    return restriction


@contextlib.contextmanager
def allow_changes(session: Session):
    """Let restricted records change inside the block (the erasure workflow only)."""
    before = session.info.get(_OVERRIDE, 0)
    session.info[_OVERRIDE] = before + 1
    try:
        yield
    finally:
        session.info[_OVERRIDE] = before


# -- enforcement ------------------------------------------------------------------------------------

_GUARDED = set(SUBJECT_TYPES) | set(HOLDER_PARTS)


def _changed_field(obj) -> str:
    state = sa.inspect(obj)
    for attr in state.attrs:
        if attr.history.has_changes():
            return attr.key
    return "_schema"


def _check_flush(session, flush_context, instances):
    if session.info.get(_OVERRIDE):
        return
    checks = []
    for obj in session.dirty:
        if type(obj).__name__ in _GUARDED and session.is_modified(obj, include_collections=False):
            checks.append((obj, _changed_field(obj)))
    checks += [(obj, "_schema") for obj in session.deleted if type(obj).__name__ in _GUARDED]
    # New cards, versions and contact persons of a restricted holder.
    checks += [(obj, "_schema") for obj in session.new if type(obj).__name__ in HOLDER_PARTS]
    if not checks:
        return
    with session.no_autoflush:
        for obj, field in checks:
            name = type(obj).__name__
            if obj in session.new:
                found = active_restriction(session, "Holder", _holder_of(obj))
            else:
                found = covering_restriction(session, name, obj.id, _holder_of(obj))
            if found is not None:
                raise RestrictedError(field, found.reason)


def install(session_class) -> None:
    """Refuse changes to restricted data on every flush (called once from create_app)."""
    if not event.contains(session_class, "before_flush", _check_flush):
        event.listen(session_class, "before_flush", _check_flush)
