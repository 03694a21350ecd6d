"""Rules for consents and privacy notices, for every write path.

A given consent never changes, except that it is withdrawn once (the withdrawal fields); a
privacy notice that consents refer to is neither edited nor deleted (a change is a new
version). :func:`install` puts a ``before_flush`` guard on the session class, so the views,
the API, workflows and the CLI are all held to it. The erasure workflow may clear evidence
and delete consents inside ``workflows.privacy.restrictions.allow_changes``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from app.consents.models import Consent, PrivacyNotice
from app.core.validation import FieldError

IMMUTABLE = ("Een gegeven toestemming kan niet worden gewijzigd; trek hem in en leg een nieuwe "
             "vast")
ALREADY_WITHDRAWN = "Deze toestemming is al ingetrokken; de intrekking wordt niet meer gewijzigd"
NOT_DELETED = ("Een gegeven toestemming wordt niet verwijderd; trek hem in (het bewijs dat hij "
               "gegeven en ingetrokken is blijft bewaard)")
NOTICE_IN_USE = ("Naar deze versie verwijzen toestemmingen; maak een nieuwe versie van de "
                 "privacyverklaring")
WITHDRAWAL_FIELDS = {"withdrawn_at", "withdrawn_by_id", "withdrawal_method", "withdrawal_reason",
                     "updated_at"}
_OVERRIDE = "restrictions_override"  # set by workflows.privacy.restrictions.allow_changes (erasure)


def _changed(obj) -> list[str]:
    return [a.key for a in sa.inspect(obj).attrs if a.history.has_changes()]


def _stored_withdrawn_at(session, consent: Consent):
    return session.execute(sa.select(Consent.withdrawn_at).where(Consent.id == consent.id)).scalar()


def notice_in_use(session, notice: PrivacyNotice) -> bool:
    if notice.id is None:
        return False
    return session.execute(sa.select(Consent.id).where(Consent.notice_id == notice.id)
                           .limit(1)).first() is not None


def check_consent_change(session, consent: Consent) -> None:
    changed = _changed(consent)
    fixed = [name for name in changed if name not in WITHDRAWAL_FIELDS]
    if fixed:
        raise FieldError(fixed[0], IMMUTABLE)
    if changed and _stored_withdrawn_at(session, consent) is not None:
        raise FieldError("withdrawn_at", ALREADY_WITHDRAWN)


def _guard(session, flush_context, instances) -> None:
    if session.info.get(_OVERRIDE):
        return
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Consent):
            check_consent_change(session, obj)
        elif isinstance(obj, PrivacyNotice) and notice_in_use(session, obj):
            raise FieldError("version", NOTICE_IN_USE)
    for obj in session.deleted:
        if isinstance(obj, Consent):
            raise FieldError("purpose", NOT_DELETED)
        if isinstance(obj, PrivacyNotice) and notice_in_use(session, obj):
            raise FieldError("version", NOTICE_IN_USE)


def install(session_class) -> None:
    if not event.contains(session_class, "before_flush", _guard):
        event.listen(session_class, "before_flush", _guard)


# -- view and API mixins --------------------------------------------------------------------

class ConsentRules:
    """Mix into a ScopedModelView / ScopedModelRestApi of Consent: a consent is given through
    the workflow, and nothing is edited or deleted."""

    def give_item(self, item, upload=None):
        """Check that the user may link what ``item`` names (his organisation, records he may
        see), then give the consent through the workflow. ``item`` itself is never saved."""
        from flask import g

        from app.consents.schemas import SUBJECTS
        from security.audit import actor_for
        from workflows import consents as wf

        self.prepare_write(item, is_new=True)
        subject = next(getattr(item, n) for n in SUBJECTS if getattr(item, n) is not None)
        return wf.give(self.datamodel.session, by=actor_for(g.user), subject=subject,
                       purpose=item.purpose, form=item.form, given_at=item.given_at,
                       evidence_note=item.evidence_note, evidence_file=upload,
                       notice=item.notice)

    def pre_update(self, item):
        raise FieldError("purpose", IMMUTABLE)

    def pre_delete(self, item):
        raise FieldError("purpose", NOT_DELETED)


class NoticeRules:
    """Mix into a view / API of PrivacyNotice: a version that consents refer to stays unchanged
    (a version number is used once per organisation: the unique constraint says so)."""

    def pre_update(self, item):
        super().pre_update(item)
        self._refuse_if_used(item)

    def pre_delete(self, item):
        super().pre_delete(item)
        self._refuse_if_used(item)

    def _refuse_if_used(self, item):
        session = self.datamodel.session
        with session.no_autoflush:
            used = notice_in_use(session, item)
        if used:
            raise FieldError("version", NOTICE_IN_USE)
