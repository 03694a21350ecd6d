"""Help requests (hulpvragen): the eight steps of the method and the two ways out.

    received → intake → accepted → put_out → matched → done → feedback_asked → closed
    received / intake → rejected | referred        (accepted → referred too)

``TRANSITIONS`` is the one table of allowed moves; every state change goes through
:func:`move`, which checks the table, sets the status and its timestamp and records the
explicit audit event ``request.<verb>``. Other domains use it for their own steps::

    from workflows.helpdesk import move
    move(session, req, RequestStatus.put_out, by=actor)   # matching (workflows/helpdesk/matching.py)
    move(session, req, RequestStatus.matched, by=actor)
    move(session, req, RequestStatus.feedback_asked, by=actor)  # the feedback job

``move`` raises :class:`app.core.errors.TransitionError` (a Dutch message) for a move the
table does not allow; it does not commit (the caller commits, or rolls back on an error).
It only changes the request's status fields: checks that belong to a step (a category
before accepting, a reason for a refusal …) live in the step's own function below.

Timestamps: intake → ``intake_at``/``intake_by_id``, put_out → ``put_out_at``, matched →
``matched_at``, done → ``done_at``; the end states (closed, rejected, referred) set
``closed_at``. Moving back (put_out → accepted, matched → put_out: nobody took it, the
volunteer dropped out) clears the timestamps of the steps undone.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.core.models import utcnow
from app.core.validation import FieldError
from app.helpdesk.models import (
    HelpRequest,
    Referral,
    ReferralOutcome,
    RequestChannel,
    RequestStatus,
)
from app.organisations.models import Organisation
from security.audit import Actor, record, reset_actor, set_actor
from app.core.errors import TransitionError
from infra.notify import enqueue

S = RequestStatus

TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.received: frozenset({S.intake, S.rejected, S.referred}),
    S.intake: frozenset({S.accepted, S.rejected, S.referred}),
    S.accepted: frozenset({S.put_out, S.referred}),
    S.put_out: frozenset({S.matched, S.accepted}),
    S.matched: frozenset({S.done, S.put_out}),
    S.done: frozenset({S.feedback_asked, S.closed}),
    S.feedback_asked: frozenset({S.closed}),
    S.closed: frozenset(),
    S.rejected: frozenset(),
    S.referred: frozenset(),
}

# The audit action per target status (≤ 20 characters: "request." + verb).
VERBS = {
    S.received: "receive", S.intake: "intake", S.accepted: "accept", S.put_out: "put_out",
    S.matched: "match", S.done: "done", S.feedback_asked: "feedback", S.closed: "close",
    S.rejected: "reject", S.referred: "refer",
}

END_STATES = frozenset({S.closed, S.rejected, S.referred})
_STAMP = {S.put_out: "put_out_at", S.matched: "matched_at", S.done: "done_at"}
_ORDER = [S.received, S.intake, S.accepted, S.put_out, S.matched, S.done, S.feedback_asked,
          S.closed]

# Fields of the request that receive() takes from the form, the API or the demo builder.
REQUEST_FIELDS = (
    "description", "requester_name", "requester_phone", "requester_email", "requester_address",
    "pc4", "professional", "category", "category_id", "wanted_on", "wanted_part",
)


def _status(value) -> RequestStatus:
    if isinstance(value, RequestStatus):
        return value
    try:
        return RequestStatus[value]
    except KeyError:
        raise TransitionError(f"Onbekende status '{value}'") from None


def allowed(req: HelpRequest, to_status) -> bool:
    """Whether the table allows moving ``req`` to ``to_status`` now."""
    return _status(to_status) in TRANSITIONS[req.status or S.received]


def next_statuses(req: HelpRequest) -> list[RequestStatus]:
    """The statuses ``req`` may move to now, in the order of the method."""
    return [s for s in RequestStatus if s in TRANSITIONS[req.status or S.received]]


@contextmanager
def acting(by: Actor | None):
    """Attribute the audit events written inside the block to ``by``."""
    token = set_actor(by) if by is not None else None
    try:
        yield
    finally:
        if token is not None:
            reset_actor(token)


def _audit(session, action: str, obj, by: Actor | None) -> None:
    """Flush (ids for new records; the flush listener logs the writes) and record ``action``
    on ``obj``, both as ``by``."""
    with acting(by):
        session.flush()
        record(session, action, type(obj).__name__, obj.id)


def move(session, req: HelpRequest, to_status, *, by: Actor) -> HelpRequest:
    """Move ``req`` to ``to_status`` if TRANSITIONS allows it: status, timestamp, audit event.

    Raises TransitionError with a Dutch message otherwise. Does not commit.
    """
    target = _status(to_status)
    current = req.status or S.received
    if target not in TRANSITIONS[current]:
        if current in END_STATES:
            raise TransitionError(
                f"Deze hulpvraag is {current.value.lower()}: de status kan niet meer veranderen")
        raise TransitionError(
            f"Een hulpvraag met status '{current.value}' kan niet naar '{target.value}'")
    now = utcnow()
    if target in _ORDER and current in _ORDER and _ORDER.index(target) < _ORDER.index(current):
        for step in _ORDER[_ORDER.index(target) + 1:]:  # undo the later steps' timestamps
            if step in _STAMP:
                setattr(req, _STAMP[step], None)
    if target is S.intake:
        req.intake_at = req.intake_at or now
        req.intake_by_id = req.intake_by_id or by.user_id
    elif target in _STAMP:
        setattr(req, _STAMP[target], now)
    elif target in END_STATES:
        req.closed_at = now
    req.status = target
    _audit(session, f"request.{VERBS[target]}", req, by)
    return req


# -- the steps ----------------------------------------------------------------------------------

def _org_id(organisation) -> int:
    return organisation if isinstance(organisation, int) else organisation.id


def _org_name(session, req: HelpRequest) -> str | None:
    org = session.get(Organisation, req.organisation_id)
    return org.name if org is not None else None


def receive(session, *, organisation, channel=RequestChannel.phone, data: dict,
            by: Actor) -> HelpRequest:
    """Store a new request in status received; confirm by e-mail when an address was given.

    ``data`` holds the request's fields (REQUEST_FIELDS). The model validates and normalises
    them (FieldError naming the field); a phone number or an e-mail address is required.
    """
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"Onbekende velden: {', '.join(sorted(unknown))}")
    if isinstance(channel, str):
        channel = RequestChannel[channel]
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
    if not values.get("requester_phone") and not values.get("requester_email"):
        raise FieldError("requester_phone",
                         "Vul een telefoonnummer of een e-mailadres in, zodat we contact "
                         "kunnen opnemen")
    req = HelpRequest(organisation_id=_org_id(organisation), channel=channel,
                      status=S.received, received_at=utcnow(), **values)
    session.add(req)
    return confirm_received(session, req, by=by)


def confirm_received(session, req: HelpRequest, *, by: Actor) -> HelpRequest:
    """The audit event and the confirmation mail of a new request (also for one added
    through the staff form, which stores it first)."""
    _audit(session, "request.receive", req, by)
    if req.requester_email:
        enqueue(session, template="request_received", recipient=req.requester_email,
                context={"name": req.requester_name, "number": req.id,
                         "organisation_name": _org_name(session, req)},
                dedupe_key=f"request-received:{req.id}", organisation_id=req.organisation_id)
    return req


def start_intake(session, req: HelpRequest, *, by: Actor) -> HelpRequest:
    """received → intake: a staff member takes the request up."""
    return move(session, req, S.intake, by=by)


def record_intake(session, req: HelpRequest, *, by: Actor, category=None, scope=None,
                  target_group_ok: bool | None = None) -> HelpRequest:
    """Record what the intake found (category, how much help, target group).

    Starts the intake when the request was only received; refused after the decision.
    """
    if req.status is S.received:
        start_intake(session, req, by=by)
    elif req.status is not S.intake:
        raise TransitionError(
            f"De intake kan alleen worden vastgelegd bij status '{S.received.value}' of "
            f"'{S.intake.value}' (nu: '{req.status.value}')")
    if category is not None:
        if isinstance(category, int):
            req.category_id = category
        else:
            req.category = category
    req.scope = (scope or "").strip() or None
    req.target_group_ok = target_group_ok
    req.intake_at = utcnow()
    req.intake_by_id = by.user_id
    _audit(session, "request.intake_data", req, by)
    return req


def accept(session, req: HelpRequest, *, by: Actor, reason: str | None = None) -> HelpRequest:
    """intake → accepted: the request fits (a category, and the target group checked)."""
    if req.status is S.intake:
        if req.category_id is None and req.category is None:
            raise TransitionError("Kies eerst een categorie bij de intake")
        if req.target_group_ok is None:
            raise TransitionError("Controleer eerst bij de intake of de hulpvrager tot de "
                                  "doelgroep hoort")
        if not req.target_group_ok:
            raise TransitionError("De hulpvrager hoort niet tot de doelgroep: wijs de vraag af "
                                  "of verwijs door")
    move(session, req, S.accepted, by=by)
    if reason and reason.strip():
        req.decision_reason = reason.strip()
    return req


def reject(session, req: HelpRequest, *, by: Actor, reason: str) -> HelpRequest:
    """received/intake → rejected; the reason is required."""
    if not (reason or "").strip():
        raise FieldError("decision_reason", "Reden van het besluit is verplicht bij afwijzen")
    move(session, req, S.rejected, by=by)
    req.decision_reason = reason.strip()
    return req


NO_SHARING_CONSENT = ("Doorverwijzen naar een partner kan alleen met toestemming van de "
                      "hulpvrager om zijn gegevens te delen: leg vast of die mondeling of "
                      "schriftelijk is gegeven")


def has_sharing_consent(session, req: HelpRequest) -> bool:
    """Whether the requester gave (and did not withdraw) consent to share with a partner."""
    return session.query(Consent.id).filter(
        Consent.help_request_id == req.id, Consent.purpose == ConsentPurpose.partner_sharing,
        Consent.withdrawn_at.is_(None)).first() is not None


def refer(session, req: HelpRequest, *, by: Actor, partner=None, organisation_name=None,
          reason: str, consent_form=None, follow_up_on: dt.date | None = None) -> Referral:
    """→ referred: a Referral to a partner or another organisation, and the sharing consent.

    A referral to a Partner shares the requester's details with it: that needs the
    requester's consent (``consent_form`` oral or written), recorded as a Consent with
    purpose partner_sharing. Referring to another organisation by name only (the requester
    contacts them) may go without; a given consent is recorded all the same.
    """
    if not (reason or "").strip():
        raise FieldError("reason", "Reden is verplicht bij een doorverwijzing")
    organisation_name = (organisation_name or "").strip() or None
    if partner is None and organisation_name is None:
        raise FieldError("partner", "Kies een partner of vul de naam van de organisatie in")
    if isinstance(consent_form, str):
        try:
            consent_form = ConsentForm[consent_form] if consent_form else None
        except KeyError:
            raise FieldError("consent_form", "Kies of de toestemming mondeling of schriftelijk "
                                             "is gegeven") from None
    if partner is not None:
        if partner.organisation_id != req.organisation_id:
            raise TransitionError("Deze partner hoort niet bij de organisatie van de hulpvraag")
        if not partner.active or not partner.accepts_referrals:
            raise TransitionError(f"{partner.name} neemt geen doorverwijzingen aan")
        if consent_form is None and not has_sharing_consent(session, req):
            raise TransitionError(NO_SHARING_CONSENT)
    move(session, req, S.referred, by=by)
    req.decision_reason = reason.strip()
    referral = Referral(organisation_id=req.organisation_id, help_request=req, partner=partner,
                        organisation_name=organisation_name, reason=reason.strip(),
                        referred_at=utcnow(), referred_by_id=by.user_id,
                        follow_up_on=follow_up_on)
    session.add(referral)
    if consent_form is not None:
        session.add(Consent(organisation_id=req.organisation_id, help_request=req,
                            purpose=ConsentPurpose.partner_sharing, form=consent_form,
                            given_at=utcnow(), recorded_by_id=by.user_id))
    _audit(session, "referral.create", referral, by)
    return referral


def record_referral_outcome(session, referral: Referral, *, by: Actor, outcome,
                            notes: str | None = None) -> Referral:
    """The follow-up of a referral: was the requester helped there?"""
    if isinstance(outcome, str):
        try:
            outcome = ReferralOutcome[outcome]
        except KeyError:
            raise FieldError("outcome", f"Onbekende uitkomst '{outcome}'") from None
    if outcome is None:
        raise FieldError("outcome", "Uitkomst is verplicht")
    referral.outcome = outcome
    if notes and notes.strip():
        referral.notes = notes.strip()
    _audit(session, "referral.outcome", referral, by)
    return referral


def mark_done(session, req: HelpRequest, *, by: Actor) -> HelpRequest:
    """matched → done: the help was given."""
    return move(session, req, S.done, by=by)


def close(session, req: HelpRequest, *, by: Actor) -> HelpRequest:
    """done / feedback_asked → closed."""
    return move(session, req, S.closed, by=by)


def follow_ups_due(query, today: dt.date | None = None):
    """Referrals whose follow-up date has come and that have no outcome yet (``query`` on
    Referral, already scoped by the caller)."""
    today = today or dt.date.today()
    return query.filter(Referral.follow_up_on.isnot(None), Referral.follow_up_on <= today,
                        Referral.outcome.is_(None))


# -- one entry point for the staff screen and the API ------------------------------------------

# action -> (label on the button, inputs, needs confirmation)
ACTIONS = {
    "start_intake": ("Intake starten", (), False),
    "record_intake": ("Intake vastleggen", ("category_id", "scope", "target_group_ok"), False),
    "accept": ("Accepteren", ("reason",), False),
    "reject": ("Afwijzen", ("reason",), True),
    "refer": ("Doorverwijzen", ("partner_id", "organisation_name", "reason", "consent_form",
                                "follow_up_on"), True),
    "mark_done": ("Hulp is gegeven", (), False),
    "close": ("Afsluiten", (), True),
}
_TARGET = {"start_intake": S.intake, "accept": S.accepted, "reject": S.rejected,
           "refer": S.referred, "mark_done": S.done, "close": S.closed}


def possible_actions(req: HelpRequest) -> list[str]:
    """The actions of ACTIONS that the request's status allows now."""
    found = []
    for action in ACTIONS:
        if action == "record_intake":
            if req.status in (S.received, S.intake):
                found.append(action)
        elif allowed(req, _TARGET[action]):
            found.append(action)
    return found


def perform(session, req: HelpRequest, action: str, *, by: Actor, **data):
    """Run one action of ACTIONS with plain values (ids, text, dates, booleans)."""
    from app.partners.models import Partner
    from app.volunteers.models import HelpCategory

    if action not in ACTIONS:
        raise TransitionError(f"Onbekende stap '{action}'; kies uit {', '.join(ACTIONS)}")
    unknown = set(data) - set(ACTIONS[action][1])
    if unknown:
        raise TransitionError(f"Bij '{ACTIONS[action][0]}' horen geen velden "
                              f"{', '.join(sorted(unknown))}")
    if action == "record_intake":
        category = None
        if data.get("category_id"):
            category = session.get(HelpCategory, int(data["category_id"]))
            if category is None:
                raise FieldError("category_id", "Kies een categorie uit de lijst")
        return record_intake(session, req, by=by, category=category, scope=data.get("scope"),
                             target_group_ok=data.get("target_group_ok"))
    if action == "accept":
        return accept(session, req, by=by, reason=data.get("reason"))
    if action == "reject":
        return reject(session, req, by=by, reason=data.get("reason"))
    if action == "refer":
        partner = None
        if data.get("partner_id"):
            partner = session.get(Partner, int(data["partner_id"]))
            if partner is None or partner.organisation_id != req.organisation_id:
                raise FieldError("partner_id", "Kies een partner uit de lijst")
        return refer(session, req, by=by, partner=partner,
                     organisation_name=data.get("organisation_name"), reason=data.get("reason"),
                     consent_form=data.get("consent_form") or None,
                     follow_up_on=data.get("follow_up_on"))
    if action == "start_intake":
        return start_intake(session, req, by=by)
    if action == "mark_done":
        return mark_done(session, req, by=by)
    return close(session, req, by=by)
