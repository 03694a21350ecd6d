"""Concerns (signalen): early signs of loneliness, poverty, neglect, or a need for more help.

A concern is a follow-up task (``follow_up_on``, default a week ahead) for the helpdesk or the
coach. ``resolve`` closes it with what was done; ``refer_to_neighbourhood_team`` turns a concern
about a help request into a Referral to the neighbourhood team (wijkteam) — only with the
requester's consent to share, recorded as a Consent (partner_sharing) on the request.
One function per state change (check → change → audit); the caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.concerns.models import Concern, ConcernKind, ConcernStatus
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.core.models import utcnow
from app.core.validation import FieldError
from app.helpdesk.models import Referral
from app.partners.models import Partner, PartnerKind
from security.audit import Actor, record
from app.core.errors import TransitionError

FOLLOW_UP_DAYS = 7
NEIGHBOURHOOD_TEAM = "Wijkteam"
NO_CONSENT = ("Zonder toestemming van de hulpvrager om gegevens te delen kan het signaal niet "
              "naar het wijkteam. Vraag eerst om toestemming.")


def _today() -> dt.date:
    return utcnow().date()


def _holder_id(concern: Concern) -> int | None:
    return concern.holder_id or (concern.holder.id if concern.holder is not None else None)


def raise_concern(session: Session, *, by: Actor, kind: ConcernKind | str, description: str,
                  help_request=None, holder=None, follow_up_on: dt.date | None = None,
                  today: dt.date | None = None) -> Concern:
    """Record a concern as an open follow-up task (in the request's or holder's organisation)."""
    if isinstance(kind, str):
        try:
            kind = ConcernKind[kind]
        except KeyError:
            raise FieldError("kind", f"Onbekende soort signaal: '{kind}'") from None
    if not (description or "").strip():
        raise FieldError("description", "Vul bij 'Omschrijving' in wat er gesignaleerd is")
    subject = help_request if help_request is not None else holder
    organisation_id = subject.organisation_id if subject is not None else by.organisation_id
    if organisation_id is None:
        raise FieldError("help_request", "Kies de hulpvraag of hulpkaarthouder waar het signaal over gaat")
    concern = Concern(
        kind=kind, status=ConcernStatus.open, description=description.strip(),
        help_request=help_request, holder=holder, organisation_id=organisation_id,
        follow_up_on=follow_up_on or (today or _today()) + dt.timedelta(days=FOLLOW_UP_DAYS),
        raised_by_id=by.user_id)
    session.add(concern)
    session.flush()
    record(session, "concern.raise", "Concern", concern.id, holder_id=_holder_id(concern))
    return concern


def resolve(session: Session, concern: Concern, *, by: Actor, resolution: str) -> Concern:
    """Close a concern with what was agreed or done."""
    if concern.status == ConcernStatus.resolved:
        raise TransitionError("Dit signaal is al afgehandeld.")
    if not (resolution or "").strip():
        raise FieldError("resolution", "Vul bij 'Opvolging' in wat er is afgesproken of gedaan")
    concern.status = ConcernStatus.resolved
    concern.resolution = resolution.strip()
    concern.resolved_at = utcnow()
    session.flush()
    record(session, "concern.resolve", "Concern", concern.id, holder_id=_holder_id(concern))
    return concern


def _active_sharing_consent(session: Session, help_request_id: int) -> Consent | None:
    return (session.query(Consent)
            .filter(Consent.help_request_id == help_request_id,
                    Consent.purpose == ConsentPurpose.partner_sharing,
                    Consent.withdrawn_at.is_(None))
            .order_by(Consent.id.desc()).first())


def neighbourhood_team(session: Session, organisation_id: int) -> Partner | None:
    """The organisation's neighbourhood team in the partner directory, if it has one."""
    return (session.query(Partner)
            .filter(Partner.organisation_id == organisation_id,
                    Partner.kind == PartnerKind.neighbourhood_team,
                    Partner.active.is_(True), Partner.accepts_referrals.is_(True))
            .order_by(Partner.name).first())


def refer_to_neighbourhood_team(session: Session, concern: Concern, *, by: Actor,
                                consent_form: ConsentForm | str | None,
                                today: dt.date | None = None) -> Referral:
    """Refer the requester to the neighbourhood team, with his consent to share.

    ``consent_form`` says how the requester agreed now (written or oral); without it, an
    earlier active consent to share for this request is needed, or the referral is refused.
    """
    if concern.status == ConcernStatus.resolved:
        raise TransitionError("Dit signaal is al afgehandeld.")
    request = concern.help_request
    if request is None:
        raise TransitionError("Doorverwijzen naar het wijkteam kan alleen bij een signaal over "
                              "een hulpvraag.")
    if isinstance(consent_form, str):
        consent_form = ConsentForm.__members__.get(consent_form)
    consent = _active_sharing_consent(session, request.id)
    if consent_form is None and consent is None:
        raise TransitionError(NO_CONSENT)
    if consent_form is not None:
        session.add(Consent(purpose=ConsentPurpose.partner_sharing, help_request_id=request.id,
                            form=consent_form, recorded_by_id=by.user_id,
                            organisation_id=request.organisation_id,
                            evidence_note=f"Toestemming voor doorverwijzing naar het wijkteam "
                                          f"(signaal {concern.id})"))
    today = today or _today()
    team = neighbourhood_team(session, request.organisation_id)
    referral = Referral(
        help_request_id=request.id, organisation_id=request.organisation_id,
        partner_id=team.id if team else None,
        organisation_name=None if team else NEIGHBOURHOOD_TEAM,
        reason=f"Signaal: {concern.kind}. {concern.description}",
        referred_by_id=by.user_id, follow_up_on=today + dt.timedelta(days=FOLLOW_UP_DAYS))
    session.add(referral)
    concern.status = ConcernStatus.in_progress
    concern.follow_up_on = referral.follow_up_on
    session.flush()
    record(session, "concern.refer", "Concern", concern.id, holder_id=_holder_id(concern))
    return referral
