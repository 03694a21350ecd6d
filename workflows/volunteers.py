"""Volunteers and their VOG: approval, intake, VOG request → receipt → verification, renewal.

One function per state change (check → change → audit → notify); the caller commits. Who may
act follows security/roles.py: writing a Volunteer (VolunteerCoordinator; a PartnerContact
only for his own partner's volunteers) or a VogCheck (VolunteerCoordinator), in the
organisation of the record (Admin anywhere).

A VOG has no legal expiry; the organisation's policy decides (config.py POLICY): a VOG older
than HULPREGIE_VOG_MAX_AGE_DAYS when handed in is refused, a verified VOG counts until
issued_on + HULPREGIE_VOG_RENEWAL_MONTHS (``expires_on``), and ``vog_reminders`` warns
HULPREGIE_VOG_REMINDER_DAYS ahead.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.organisations.models import Organisation, StaffProfile
from app.vog.models import VogCheck, VogStatus, valid_on
from app.vog.profiles import DEFAULT_PROFILE, SCREENING_PROFILES, profile_codes, unknown_codes
from app.volunteers.models import Volunteer, VolunteerStatus as VS
from security.audit import Actor, record, reset_actor, set_actor
from security.roles import allowed
from infra.dates import add_months
from app.core.errors import TransitionError
from infra.notify import enqueue, staff_addresses

COORDINATOR = "VolunteerCoordinator"


# -- queries --------------------------------------------------------------------------------------

def matchable(session: Session, today: dt.date):
    """Query of volunteers that may be matched on ``today``: approved AND a valid VOG.

    Not scoped: callers add their own organisation / row scope (``security.filters.scope_query``).
    """
    has_valid_vog = sa.exists().where(VogCheck.volunteer_id == Volunteer.id, valid_on(today))
    return session.query(Volunteer).filter(Volunteer.status == VS.approved, has_valid_vog)


def without_valid_vog(session: Session, today: dt.date):
    """Active volunteers (registered, intake, approved) without a VOG that counts on ``today``."""
    has_valid_vog = sa.exists().where(VogCheck.volunteer_id == Volunteer.id, valid_on(today))
    return session.query(Volunteer).filter(
        Volunteer.status.in_([VS.registered, VS.intake, VS.approved]), ~has_valid_vog)


def expiring(session: Session, today: dt.date, days: int):
    """Valid VOGs whose renewal date falls within ``days`` from ``today``."""
    return session.query(VogCheck).filter(
        valid_on(today), VogCheck.expires_on <= today + dt.timedelta(days=days))


# -- helpers --------------------------------------------------------------------------------------

def _policy(name: str) -> int:
    return int(current_app.config[name])


def _roles(by: Actor) -> list[str]:
    return [r.strip() for r in (by.roles or "").split(",") if r.strip()]


def _audit(session: Session, by: Actor, action: str, obj, resource: str | None = None) -> None:
    token = set_actor(by)
    try:
        record(session, action, resource or type(obj).__name__, obj.id)
    finally:
        reset_actor(token)


def _same_organisation(by: Actor, obj) -> bool:
    return "Admin" in _roles(by) or by.organisation_id == obj.organisation_id


def _partner_of(session: Session, by: Actor) -> int | None:
    if by.user_id is None:
        return None
    return session.query(StaffProfile.partner_id).filter_by(user_id=by.user_id).scalar()


def _require_volunteer_rights(session: Session, volunteer: Volunteer, by: Actor, what: str) -> None:
    """A coordinator (or Admin) of the volunteer's organisation, or the contact of his partner."""
    roles = _roles(by)
    if _same_organisation(by, volunteer):
        if "Admin" in roles or COORDINATOR in roles:
            return
        if "PartnerContact" in roles and volunteer.partner_id is not None \
                and _partner_of(session, by) == volunteer.partner_id:
            return
    if "PartnerContact" in roles and volunteer.partner_id is not None:
        raise TransitionError(f"U kunt alleen vrijwilligers van uw eigen partnerorganisatie {what}.")
    raise TransitionError(f"Alleen een vrijwilligerscoördinator of de contactpersoon van de "
                          f"partnerorganisatie van deze vrijwilliger mag {what}.")


def _require_vog_rights(obj, by: Actor, what: str) -> None:
    """``obj``: the VOG, or the volunteer a VOG is requested for."""
    if not (_same_organisation(by, obj) and any(allowed(r, "VogCheck", "write") for r in _roles(by))):
        raise TransitionError(f"Alleen een vrijwilligerscoördinator van deze organisatie mag {what}.")


def _state(volunteer: Volunteer, allowed_states, action: str) -> None:
    if volunteer.status not in allowed_states:
        raise TransitionError(f"Een vrijwilliger met status '{volunteer.status.value}' kan niet "
                              f"{action} worden.")


def _append_note(volunteer: Volunteer, on: dt.date, text: str) -> None:
    line = f"{on:%d-%m-%Y}: {text}"
    volunteer.notes = f"{volunteer.notes}\n{line}" if volunteer.notes else line


def _org_context(session: Session, organisation_id: int) -> dict:
    org = session.get(Organisation, organisation_id)
    return {"organisation_name": org.name if org else None}


# -- volunteer states -----------------------------------------------------------------------------

def record_intake(session: Session, volunteer: Volunteer, *, by: Actor, on: dt.date,
                  notes: str | None = None) -> Volunteer:
    """The coordinator's intake (planned or held on ``on``): registered → intake."""
    if not _same_organisation(by, volunteer) or not ({"Admin", COORDINATOR} & set(_roles(by))):
        raise TransitionError("Alleen een vrijwilligerscoördinator van deze organisatie houdt intakes.")
    _state(volunteer, (VS.registered, VS.intake), "op intake gezet")
    if on is None:
        raise TransitionError("Vul de datum van de intake in.")
    volunteer.status = VS.intake
    volunteer.intake_on, volunteer.intake_by_id = on, by.user_id
    if notes and notes.strip():
        _append_note(volunteer, on, f"Intake: {notes.strip()}")
    _audit(session, by, "intake", volunteer)
    return volunteer


def approve(session: Session, volunteer: Volunteer, *, by: Actor,
            on: dt.date | None = None) -> Volunteer:
    """registered/intake → approved. With a partner: that partner's contact or a coordinator.
    Without a partner: only after an intake that has taken place."""
    on = on or dt.date.today()
    _require_volunteer_rights(session, volunteer, by, "goedkeuren")
    _state(volunteer, (VS.registered, VS.intake), "goedgekeurd")
    if volunteer.partner_id is None:
        if volunteer.intake_on is None:
            raise TransitionError("Deze vrijwilliger komt niet via een partnerorganisatie: "
                                  "leg eerst het intakegesprek vast.")
        if volunteer.intake_on > on:
            raise TransitionError(f"De intake is gepland op {volunteer.intake_on:%d-%m-%Y}; "
                                  "goedkeuren kan pas na de intake.")
    volunteer.status = VS.approved
    volunteer.approved_on, volunteer.approved_by_id = on, by.user_id
    _audit(session, by, "approve", volunteer)
    return volunteer


def reject(session: Session, volunteer: Volunteer, *, by: Actor, reason: str,
           on: dt.date | None = None) -> Volunteer:
    """registered/intake → rejected, with the reason in the notes."""
    on = on or dt.date.today()
    _require_volunteer_rights(session, volunteer, by, "afwijzen")
    _state(volunteer, (VS.registered, VS.intake), "afgewezen")
    if not (reason or "").strip():
        raise TransitionError("Vul de reden van de afwijzing in.")
    volunteer.status = VS.rejected
    _append_note(volunteer, on, f"Afgewezen: {reason.strip()}")
    _audit(session, by, "reject", volunteer)
    return volunteer


def deactivate(session: Session, volunteer: Volunteer, *, by: Actor, reason: str | None = None,
               on: dt.date | None = None) -> Volunteer:
    """Stops (for now): no longer matched. From registered, intake or approved."""
    on = on or dt.date.today()
    _require_volunteer_rights(session, volunteer, by, "op inactief zetten")
    _state(volunteer, (VS.registered, VS.intake, VS.approved), "op inactief gezet")
    volunteer.status = VS.inactive
    _append_note(volunteer, on, "Inactief" + (f": {reason.strip()}" if reason and reason.strip() else ""))
    _audit(session, by, "deactivate", volunteer)
    return volunteer


def reactivate(session: Session, volunteer: Volunteer, *, by: Actor,
               on: dt.date | None = None) -> Volunteer:
    """inactive → approved when he was approved before, otherwise back to registered."""
    on = on or dt.date.today()
    _require_volunteer_rights(session, volunteer, by, "weer actief maken")
    _state(volunteer, (VS.inactive,), "weer actief gemaakt")
    volunteer.status = VS.approved if volunteer.approved_on else VS.registered
    _append_note(volunteer, on, "Weer actief")
    _audit(session, by, "reactivate", volunteer)
    return volunteer


# -- VOG ------------------------------------------------------------------------------------------

def request_vog(session: Session, volunteer: Volunteer, *, by: Actor,
                screening_profile: str = DEFAULT_PROFILE, free_vog: bool = True,
                on: dt.date | None = None) -> VogCheck:
    """A new VOG request (via Justis' e-screener); the volunteer gets a mail on what to do."""
    on = on or dt.date.today()
    _require_vog_rights(volunteer, by, "een VOG aanvragen")
    if volunteer.status in (VS.rejected, VS.inactive):
        raise TransitionError(f"Voor een vrijwilliger met status '{volunteer.status.value}' "
                              "wordt geen VOG aangevraagd.")
    codes = profile_codes(screening_profile)
    if not codes or unknown_codes(screening_profile):
        raise TransitionError("Kies het screeningsprofiel uit de lijst: "
                              + ", ".join(SCREENING_PROFILES))
    open_request = session.query(VogCheck.id).filter_by(
        volunteer_id=volunteer.id, status=VogStatus.requested).first()
    if open_request is not None:
        raise TransitionError("Er loopt al een VOG-aanvraag voor deze vrijwilliger; "
                              "leg eerst de uitkomst daarvan vast.")
    vog = VogCheck(volunteer=volunteer, organisation_id=volunteer.organisation_id,
                   status=VogStatus.requested, requested_on=on, free_vog=bool(free_vog),
                   screening_profile=",".join(codes))
    session.add(vog)
    session.flush()
    _audit(session, by, "vog_request", vog)
    enqueue(session, template="vog_requested", recipient=volunteer.email,
            context={**_org_context(session, volunteer.organisation_id),
                     "first_name": volunteer.first_name, "free_vog": vog.free_vog,
                     "profiles": [SCREENING_PROFILES[c] for c in codes]},
            dedupe_key=f"vog-request:{vog.id}", organisation_id=volunteer.organisation_id)
    return vog


def _check_age(vog: VogCheck, issued_on: dt.date, on: dt.date) -> None:
    max_age = _policy("HULPREGIE_VOG_MAX_AGE_DAYS")
    if issued_on > on:
        raise TransitionError("De afgiftedatum van de VOG kan niet in de toekomst liggen.")
    if (on - issued_on).days > max_age:
        raise TransitionError(f"Deze VOG is ouder dan {max_age} dagen bij inlevering "
                              f"(afgegeven op {issued_on:%d-%m-%Y}); vraag een nieuwe aan.")


def record_vog_received(session: Session, vog: VogCheck, *, by: Actor, issued_on: dt.date,
                        reference: str | None = None, on: dt.date | None = None) -> VogCheck:
    """requested → received: the volunteer handed in his VOG (date on the certificate)."""
    on = on or dt.date.today()
    _require_vog_rights(vog, by, "een VOG als ontvangen vastleggen")
    if vog.status != VogStatus.requested:
        raise TransitionError(f"Een VOG met status '{vog.status.value}' kan niet als ontvangen "
                              "worden vastgelegd.")
    if issued_on is None:
        raise TransitionError("Vul de afgiftedatum in (de datum op de VOG).")
    _check_age(vog, issued_on, on)
    vog.status, vog.issued_on = VogStatus.received, issued_on
    vog.reference = (reference or "").strip() or vog.reference
    _audit(session, by, "vog_received", vog)
    return vog


def verify_vog(session: Session, vog: VogCheck, *, by: Actor, on: dt.date | None = None) -> VogCheck:
    """A coordinator saw the original: the VOG counts until issued_on + the renewal interval."""
    on = on or dt.date.today()
    _require_vog_rights(vog, by, "een VOG controleren")
    if vog.status != VogStatus.received or vog.issued_on is None:
        raise TransitionError("Alleen een ontvangen VOG met afgiftedatum kan worden gecontroleerd.")
    if vog.verified_on is not None:
        raise TransitionError(f"Deze VOG is al gecontroleerd op {vog.verified_on:%d-%m-%Y}.")
    _check_age(vog, vog.issued_on, on)
    vog.verified_on, vog.verified_by_id = on, by.user_id
    vog.expires_on = add_months(vog.issued_on, _policy("HULPREGIE_VOG_RENEWAL_MONTHS"))
    _audit(session, by, "vog_verify", vog)
    return vog


def refuse_vog(session: Session, vog: VogCheck, *, by: Actor, on: dt.date | None = None) -> VogCheck:
    """Justis refused the VOG (or the volunteer did not get it): requested/received → refused."""
    _require_vog_rights(vog, by, "een VOG als geweigerd vastleggen")
    if vog.status not in (VogStatus.requested, VogStatus.received) or vog.verified_on is not None:
        raise TransitionError(f"Een VOG met status '{vog.status.value}'"
                              + (" die al is gecontroleerd" if vog.verified_on else "")
                              + " kan niet als geweigerd worden vastgelegd.")
    vog.status = VogStatus.refused
    _audit(session, by, "vog_refuse", vog)
    return vog


# -- the daily job --------------------------------------------------------------------------------

def coordinator_emails(session: Session, organisation_id: int) -> list[tuple[int, str]]:
    """(user id, e-mail) of the active volunteer coordinators of an organisation."""
    return staff_addresses(session, organisation_id, COORDINATOR)


def _renewal_under_way(session: Session, vog: VogCheck) -> bool:
    """A newer VOG was requested or handed in for this volunteer: no reminder needed."""
    return session.query(VogCheck.id).filter(
        VogCheck.volunteer_id == vog.volunteer_id, VogCheck.id != vog.id,
        VogCheck.requested_on >= vog.requested_on,
        VogCheck.status.in_([VogStatus.requested, VogStatus.received]),
        sa.or_(VogCheck.expires_on.is_(None), VogCheck.expires_on > vog.expires_on),
    ).first() is not None


def vog_reminders(now: dt.datetime) -> dict:
    """Scheduled daily: renewal reminders (once per VOG and recipient) and expiry of old VOGs."""
    from app.extensions import db

    session, today = db.session, now.date()
    days = _policy("HULPREGIE_VOG_REMINDER_DAYS")
    queued = expired = 0
    active = (VS.registered, VS.intake, VS.approved)
    for vog in expiring(session, today, days).order_by(VogCheck.id):
        volunteer = vog.volunteer
        if volunteer.status not in active or _renewal_under_way(session, vog):
            continue
        context = {**_org_context(session, vog.organisation_id), "first_name": volunteer.first_name,
                   "expires_on": f"{vog.expires_on:%d-%m-%Y}",
                   "volunteer_id": volunteer.id, "vog_id": vog.id}
        if enqueue(session, template="vog_renewal_volunteer", recipient=volunteer.email,
                   context=context, dedupe_key=f"vog-renew:{vog.id}:volunteer",
                   organisation_id=vog.organisation_id):
            queued += 1
        for user_id, email in coordinator_emails(session, vog.organisation_id):
            if enqueue(session, template="vog_renewal_coordinator", recipient=email, context=context,
                       dedupe_key=f"vog-renew:{vog.id}:coordinator-{user_id}",
                       organisation_id=vog.organisation_id):
                queued += 1
    overdue = session.query(VogCheck).filter(VogCheck.status == VogStatus.received,
                                             VogCheck.expires_on <= today)
    for vog in overdue.order_by(VogCheck.id):
        vog.status = VogStatus.expired
        session.flush()
        record(session, "vog_expired", "VogCheck", vog.id)
        expired += 1
    return {"reminders": queued, "expired": expired}
