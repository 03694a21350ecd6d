"""The holder's own portal: personal links and codes, drafting and approving his card, contact
persons who confirm through their own link, and his data and consents.

Access: staff send a personal link (to the holder or to someone who helps him) or make a
short code the coach gives by phone. A link or code works once and for a limited time
(``HULPREGIE_PORTAL_LINK_HOURS`` / ``HULPREGIE_PORTAL_CODE_HOURS``); only the link's nonce
(the signed token carries it) or the code's hash is stored. Every refusal is audited.
Everything done in the portal is audited as the holder (:func:`holder_actor`), with his
``holder_id``. Callers commit (or roll back); a refused link still needs a commit for its
audit event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.cards.models import (
    SECTION_LIMITS,
    ApprovalMethod,
    CardStatus,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.consents.models import Consent, ConsentForm, ConsentPurpose
from app.contacts.models import ContactPerson
from app.core.models import utcnow
from app.core.validation import FieldError, normalise_email, normalise_phone
from app.holders.models import Holder
from app.portal.models import CardComment, PortalLink, PortalLinkPurpose
from app.privacy.models import PrivacyChannel, PrivacyRequestKind
from security.audit import Actor, record, reset_actor, set_actor
from security.links import LinkError, make_token, read_token
from workflows import cards, consents, privacy
from app.core.errors import TransitionError
from infra.notify import enqueue, public_url, staff_addresses

LINK_SALT, CONSENT_SALT = "portaal", "portaal-toestemming"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out by phone
CODE_LENGTH = 8
# One answer for every unusable link or code: nothing about why (exists? used? expired?).
REFUSED = ("Deze link of code werkt niet (meer). Een link of code werkt maar één keer en "
           "maar een paar dagen. Vraag uw coach of de helpdesk om een nieuwe.")
CONSENT_REFUSED = ("Deze link werkt niet (meer). Hij werkt maar één keer en maar een paar "
                   "weken. Vraag degene die u op de kaart wil zetten om een nieuwe link.")
HOLDER_ROLE, HELPER_ROLE, CONTACT_ROLE = "Houder (portaal)", "Helper (portaal)", "Contactpersoon"


@contextlib.contextmanager
def acting(by: Actor):
    token = set_actor(by)
    try:
        yield
    finally:
        reset_actor(token)


def holder_actor(holder: Holder, helper: bool = False) -> Actor:
    """Who acts in the portal: the holder himself, or someone he asked to help."""
    if helper:
        return Actor(None, f"helper van houder:{holder.reference}", holder.organisation_id,
                     HELPER_ROLE)
    return Actor(None, f"houder:{holder.reference}", holder.organisation_id, HOLDER_ROLE)


def _audit(session: Session, action: str, resource: str, record_id, holder_id, by: Actor,
           purpose: str | None = None) -> None:
    with acting(by):
        record(session, action, resource, record_id, holder_id=holder_id, purpose=purpose)


def _hours(name: str) -> int:
    return int(current_app.config[name])


# -- links and codes ----------------------------------------------------------------------

def code_hash(code: str) -> str:
    """The stored form of a code: an HMAC, so the table never holds a usable code."""
    plain = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"portal-code:{plain}".encode(), hashlib.sha256).hexdigest()


def _new_link(session: Session, holder: Holder, purpose: PortalLinkPurpose, *, by: Actor,
              nonce: str, hours: float, contact: ContactPerson | None = None,
              helper_name: str | None = None) -> PortalLink:
    link = PortalLink(holder=holder, organisation_id=holder.organisation_id, purpose=purpose,
                      nonce=nonce, expires_at=utcnow() + dt.timedelta(hours=hours),
                      contact_person=contact, helper_name=helper_name,
                      created_by_id=by.user_id)
    session.add(link)
    session.flush()
    return link


def send_link(session: Session, holder: Holder, *, by: Actor, helper_name: str | None = None,
              helper_email: str | None = None) -> PortalLink:
    """Mail a personal portal link to the holder, or to someone who helps him."""
    helper_name = (helper_name or "").strip() or None
    if helper_name or (helper_email or "").strip():
        if not helper_name:
            raise FieldError("helper_name", "Vul de naam in van wie de houder helpt")
        try:
            recipient = normalise_email(helper_email)
        except ValueError as exc:
            raise FieldError("helper_email", f"E-mailadres van de helper: {exc}") from None
        if not recipient:
            raise FieldError("helper_email", "Vul het e-mailadres van de helper in")
        purpose = PortalLinkPurpose.helper
    else:
        recipient = holder.email
        if not recipient:
            raise FieldError("email", "De houder heeft geen e-mailadres: vul het eerst in bij de "
                                      "houder, stuur de link naar een helper of maak een code")
        purpose = PortalLinkPurpose.holder
    hours = _hours("HULPREGIE_PORTAL_LINK_HOURS")
    nonce = secrets.token_urlsafe(24)
    link = _new_link(session, holder, purpose, by=by, nonce=nonce, hours=hours,
                     helper_name=helper_name)
    url = public_url(f"/portaal/link/{make_token(LINK_SALT, n=nonce)}")
    organisation = holder.organisation
    enqueue(session, template="portal_link", recipient=recipient,
            dedupe_key=f"portal-link:{link.id}", organisation_id=holder.organisation_id,
            context={"name": helper_name or str(holder.first_name),
                     "holder_first_name": str(holder.first_name), "helper": bool(helper_name),
                     "url": url, "hours": hours,
                     "organisation_name": organisation.name if organisation else None})
    _audit(session, "portal.link_sent", "PortalLink", link.id, holder.id, by)
    return link


def make_code(session: Session, holder: Holder, *, by: Actor) -> tuple[PortalLink, str]:
    """A short code the coach gives by phone; only its hash is kept."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    link = _new_link(session, holder, PortalLinkPurpose.code, by=by, nonce=code_hash(code),
                     hours=_hours("HULPREGIE_PORTAL_CODE_HOURS"))
    _audit(session, "portal.code_made", "PortalLink", link.id, holder.id, by)
    return link, f"{code[:4]}-{code[4:]}"


def _refuse(session: Session, link: PortalLink | None, why: str, message: str = REFUSED):
    """Audit a refused link or code (the reason goes in the log, not on the page)."""
    _audit(session, "portal.refused", "PortalLink", link.id if link else None,
           link.holder_id if link else None,
           Actor(None, "portaal", link.organisation_id if link else None), purpose=why)
    raise LinkError(message)


def _usable(session: Session, link: PortalLink | None, purposes, message: str = REFUSED):
    if link is None or link.purpose not in purposes:
        _refuse(session, None if link is None else link, "onbekend", message)
    if link.used_at is not None:
        _refuse(session, link, "al gebruikt", message)
    if link.expires_at <= utcnow():
        _refuse(session, link, "verlopen", message)
    return link


def check_link(session: Session, token: str) -> PortalLink:
    """The open link a token names; LinkError (audited) when tampered, expired or used."""
    hours = _hours("HULPREGIE_PORTAL_LINK_HOURS")
    try:
        nonce = read_token(LINK_SALT, token, max_age_days=hours / 24)["n"]
    except (LinkError, KeyError, TypeError) as exc:
        _refuse(session, None, "verlopen" if "verlopen" in str(exc) else "ongeldig")
    link = session.scalar(sa.select(PortalLink).where(PortalLink.nonce == str(nonce)))
    return _usable(session, link, (PortalLinkPurpose.holder, PortalLinkPurpose.helper))


def _open(session: Session, link: PortalLink) -> PortalLink:
    link.used_at = utcnow()
    session.flush()
    by = holder_actor(link.holder, link.purpose is PortalLinkPurpose.helper)
    _audit(session, "portal.opened", "PortalLink", link.id, link.holder_id, by)
    return link


def open_link(session: Session, token: str) -> PortalLink:
    """Use a personal link (once): the start of a portal session."""
    return _open(session, check_link(session, token))


def redeem_code(session: Session, code: str) -> PortalLink:
    """Use a coach's code (once)."""
    link = session.scalar(sa.select(PortalLink).where(PortalLink.nonce == code_hash(code)))
    return _open(session, _usable(session, link, (PortalLinkPurpose.code,)))


# -- the card ---------------------------------------------------------------------------------

def current_card(session: Session, holder: Holder) -> HelpCard | None:
    """The holder's newest card that is not withdrawn or ended."""
    return session.scalar(sa.select(HelpCard).where(
        HelpCard.holder_id == holder.id, HelpCard.status.in_(cards.OPEN))
        .order_by(HelpCard.id.desc()).limit(1))


def shown_version(card: HelpCard | None) -> HelpCardVersion | None:
    """What the holder sees: the draft, else the newest approved version."""
    if card is None:
        return None
    return cards.draft_version(card) or cards.latest_approved(card)


def editable_draft(session: Session, holder: Holder, *, by: Actor,
                   helper: bool = False) -> tuple[HelpCard, HelpCardVersion]:
    """The card and draft version the holder writes in, moved there through the cards
    workflow: a new card, or one that was requested or just had its intro, goes to drafting
    (made alone, or with a relative when a helper works with him)."""
    card = current_card(session, holder)
    if card is None:
        card = HelpCard(holder=holder, organisation_id=holder.organisation_id,
                        coach_id=holder.coach_id, status=CardStatus.requested)
        session.add(card)
        session.flush()
        _audit(session, "card.requested", "HelpCard", card.id, holder.id, by)
    if card.status is CardStatus.requested:
        choice = MakingChoice.with_relative if helper else MakingChoice.alone
        cards.hold_intro(session, card, by=by, choice=choice, on=dt.date.today())
    if card.status is CardStatus.intro_held:
        cards.start_drafting(session, card, by=by)
    elif card.status is CardStatus.awaiting_approval:
        cards.reopen(session, card, by=by)  # he changes the text: his agreement no longer holds
    elif card.status in cards.TRANSITIONS["new_draft"][0]:
        cards.new_draft(session, card, by=by)
    draft = cards.draft_version(card)
    if card.status is not CardStatus.drafting or draft is None:
        raise TransitionError("Uw kaart kan nu niet worden aangepast. Neem contact op met uw "
                              "coach.")
    return card, draft


def save_section(session: Session, holder: Holder, section: str, text: str | None, *,
                 by: Actor, helper: bool = False) -> HelpCardVersion:
    """Write one section of the draft (the same limits as the coach's editor)."""
    if section not in SECTION_LIMITS:
        raise FieldError("section", "Dit onderdeel bestaat niet")
    text = (text or "").replace("\r\n", "\n").strip()
    limit = SECTION_LIMITS[section]
    if len(text) > limit:
        raise FieldError(section, f"Uw tekst is {len(text)} tekens. Er passen er {limit} op de "
                                  f"kaart. Maak hem {len(text) - limit} tekens korter.")
    with acting(by):
        card, draft = editable_draft(session, holder, by=by, helper=helper)
        if (getattr(draft, section) or "") != text:
            setattr(draft, section, text or None)
            session.flush()  # the change is logged as the holder (audit flush listener)
    return draft


def request_feedback(session: Session, holder: Holder, *, by: Actor) -> HelpCard:
    """The holder asks his coach to look along; the coach gets a mail."""
    card = current_card(session, holder)
    if card is None or cards.draft_version(card) is None:
        raise TransitionError("Schrijf eerst iets op uw kaart. Daarna kan uw coach meekijken.")
    card.feedback_requested_at = utcnow()
    session.flush()
    _audit(session, "card.feedback_asked", "HelpCard", card.id, holder.id, by)
    coach = card.coach or holder.coach
    address = None
    if coach is not None:
        address = coach.email or (coach.user.email if coach.user is not None else None)
    recipients = [address] if address else [
        a for _, a in staff_addresses(session, holder.organisation_id, "ProjectLeader")]
    for recipient in recipients:
        enqueue(session, template="portal_feedback_request", recipient=recipient,
                dedupe_key=f"portal-feedback:{card.id}:{card.feedback_requested_at.isoformat()}"
                           f":{recipient}",
                organisation_id=holder.organisation_id,
                context={"holder_reference": holder.reference, "card_id": card.id,
                         "has_coach": address is not None,
                         "url": public_url(f"/kaartopmerkingen/{card.id}")})
    return card


def add_comment(session: Session, card: HelpCard, section: str, body: str, *,
                by: Actor) -> CardComment:
    """A coach's comment on one section of the draft."""
    if section not in SECTION_LIMITS:
        raise FieldError("section", "Kies het onderdeel van de kaart")
    body = (body or "").strip()
    if not body:
        raise FieldError("body", "Vul de opmerking in")
    draft = cards.draft_version(card)
    comment = CardComment(card=card, organisation_id=card.organisation_id, section=section,
                          body=body, version_id=draft.id if draft else None,
                          author_id=by.user_id)
    session.add(comment)
    session.flush()
    _audit(session, "comment.added", "CardComment", comment.id, card.holder_id, by)
    return comment


def resolve_comment(session: Session, comment: CardComment, *, by: Actor) -> CardComment:
    """The holder marks a comment as done."""
    if comment.resolved_at is None:
        comment.resolved_at = utcnow()
        session.flush()
        _audit(session, "comment.resolved", "CardComment", comment.id, comment.card.holder_id, by)
    return comment


def comments_of(session: Session, card: HelpCard | None) -> list[CardComment]:
    if card is None:
        return []
    return list(session.scalars(sa.select(CardComment).where(CardComment.card_id == card.id)
                                .order_by(CardComment.created_at, CardComment.id)))


# -- contact persons ----------------------------------------------------------------------------

def add_contact(session: Session, holder: Holder, *, by: Actor, name: str, relation: str | None,
                phone: str | None, email: str | None) -> ContactPerson:
    """The holder adds a contact person; the contact gets a mail with his own link to say
    whether he agrees to be on the card."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Vul de naam van de contactpersoon in")
    try:
        phone = normalise_phone(phone)
    except ValueError as exc:
        raise FieldError("phone", f"Telefoonnummer: {exc}") from None
    if not phone:
        raise FieldError("phone", "Vul het telefoonnummer in. Dat komt op de kaart.")
    try:
        email = normalise_email(email)
    except ValueError as exc:
        raise FieldError("email", f"E-mailadres: {exc}") from None
    if not email:
        raise FieldError("email", "Vul het e-mailadres in. Daar sturen we de vraag of hij of zij "
                                  "op de kaart wil staan.")
    taken = [c.priority for c in holder.contact_persons]
    if len(taken) >= 9:
        raise FieldError("name", "Er staan al 9 contactpersonen bij u. Meer kan niet.")
    with acting(by):
        person = ContactPerson(holder=holder, organisation_id=holder.organisation_id, name=name,
                               relation=(relation or "").strip() or None, phone=phone,
                               email=email, priority=max(taken, default=0) + 1, on_card=True)
        session.add(person)
        session.flush()
    invite_contact(session, person, by=by)
    return person


def invite_contact(session: Session, person: ContactPerson, *, by: Actor) -> PortalLink:
    """Mail the contact person his own link (purpose contact_consent)."""
    days = int(current_app.config["HULPREGIE_LINK_DAYS"])
    nonce = secrets.token_urlsafe(24)
    holder = person.holder
    link = _new_link(session, holder, PortalLinkPurpose.contact_consent, by=by, nonce=nonce,
                     hours=days * 24, contact=person)
    organisation = holder.organisation
    enqueue(session, template="portal_contact_consent", recipient=person.email,
            dedupe_key=f"portal-consent:{link.id}", organisation_id=holder.organisation_id,
            context={"name": str(person.name), "holder_name": holder.full_name, "days": days,
                     "url": public_url(f"/toestemming/{make_token(CONSENT_SALT, n=nonce)}"),
                     "organisation_name": organisation.name if organisation else None})
    _audit(session, "contact.invited", "ContactPerson", person.id, holder.id, by)
    return link


def consent_state(session: Session, person: ContactPerson) -> str:
    """agreed | declined | waiting, for the holder's list."""
    if consents.active_consent(session, person, ConsentPurpose.on_card) is not None:
        return "agreed"
    return "waiting" if person.on_card else "declined"


def check_consent_link(session: Session, token: str) -> PortalLink:
    days = int(current_app.config["HULPREGIE_LINK_DAYS"])
    try:
        nonce = read_token(CONSENT_SALT, token, max_age_days=days)["n"]
    except (LinkError, KeyError, TypeError):
        _refuse(session, None, "ongeldig", CONSENT_REFUSED)
    link = session.scalar(sa.select(PortalLink).where(PortalLink.nonce == str(nonce)))
    return _usable(session, link, (PortalLinkPurpose.contact_consent,), CONSENT_REFUSED)


def answer_consent(session: Session, link: PortalLink, agree: bool) -> ContactPerson:
    """The contact person agrees (an on_card consent, online) or declines (off the card)."""
    person = link.contact_person
    by = Actor(None, f"contactpersoon:{person.id}", person.organisation_id, CONTACT_ROLE)
    link.used_at = utcnow()
    with acting(by):
        if agree:
            if consents.active_consent(session, person, ConsentPurpose.on_card) is None:
                consents.give(session, by=by, subject=person, purpose=ConsentPurpose.on_card,
                              form=ConsentForm.online,
                              evidence_note=f"via eigen link {utcnow():%d-%m-%Y %H:%M} (UTC)")
            person.on_card = True
        else:
            person.on_card = False
        session.flush()
    _audit(session, "contact.agreed" if agree else "contact.declined", "ContactPerson",
           person.id, person.holder_id, by)
    return person


# -- approving and delivering ---------------------------------------------------------------------

def plain_problems(card: HelpCard | None) -> list[str]:
    """What still stands in the way of approving, in plain words (the cards workflow's
    quality gate, without the holder's own agreement: that is what he is about to give)."""
    if card is None or shown_version(card) is None:
        return ["Uw kaart heeft nog geen tekst."]
    if card.status not in (CardStatus.drafting, CardStatus.awaiting_approval):
        return []
    draft = cards.draft_version(card)
    problems = []
    if draft is None or not any(getattr(draft, name) for name in SECTION_LIMITS):
        problems.append("Uw kaart heeft nog geen tekst.")
    for problem in cards.quality_problems(card):
        if problem.startswith("Het akkoord van de houder") or problem.startswith(
                "Er is geen conceptversie"):
            continue
        if problem.startswith("Er is geen contactpersoon"):
            problems.append("Op uw kaart moet minstens één contactpersoon staan met een goed "
                            "telefoonnummer, die 'ja' heeft gezegd via de link in zijn of haar "
                            "e-mail.")
        else:
            problems.append(problem)
    return problems


def approve(session: Session, holder: Holder, *, by: Actor) -> HelpCardVersion:
    """The holder approves the text: his approval (via the portal) and the quality gate,
    through the cards workflow. Refused (TransitionError) while something is missing."""
    card = current_card(session, holder)
    if card is None or card.status not in (CardStatus.drafting, CardStatus.awaiting_approval):
        raise TransitionError("Er is geen kaart om goed te keuren.")
    problems = plain_problems(card)
    if problems:
        raise TransitionError("Goedkeuren kan nog niet. " + " ".join(problems))
    with acting(by):
        if card.status is CardStatus.drafting:
            cards.submit_for_approval(session, card, by=by)
        cards.record_holder_approval(session, card, by=by, on=dt.date.today(),
                                     method=ApprovalMethod.portal)
        return cards.approve(session, card, by=by)


def ask_to_send(session: Session, holder: Holder, *, by: Actor) -> HelpCardVersion:
    """The organisation prints and posts the card: a mail to the coach (or project leaders)."""
    card = current_card(session, holder)
    version = cards.latest_approved(card) if card is not None else None
    if version is None:
        raise TransitionError("Keur eerst uw kaart goed. Daarna kunnen wij hem opsturen.")
    coach = card.coach or holder.coach
    address = None
    if coach is not None:
        address = coach.email or (coach.user.email if coach.user is not None else None)
    recipients = [address] if address else [
        a for _, a in staff_addresses(session, holder.organisation_id, "ProjectLeader")]
    for recipient in recipients:
        enqueue(session, template="portal_send_card", recipient=recipient,
                dedupe_key=f"portal-send:{version.id}:{recipient}",
                organisation_id=holder.organisation_id,
                context={"holder_reference": holder.reference, "version_no": version.version_no,
                         "url": public_url(f"/helpcardview/show/{card.id}")})
    _audit(session, "card.send_asked", "HelpCard", card.id, holder.id, by)
    return version


# -- my data, consents, requests -------------------------------------------------------------------

def own_consents(session: Session, holder: Holder) -> list[Consent]:
    return list(session.scalars(sa.select(Consent).where(Consent.holder_id == holder.id)
                                .order_by(Consent.given_at.desc(), Consent.id.desc())))


def withdraw_consent(session: Session, holder: Holder, consent: Consent, *, by: Actor,
                     reason: str | None = None) -> Consent:
    """The holder withdraws one of his own consents, with its effects (workflows/consents)."""
    if consent.holder_id != holder.id:
        raise TransitionError("Deze toestemming hoort niet bij u.")
    with acting(by):
        return consents.withdraw(session, consent, by=by, method="portal",
                                 reason=(reason or "").strip()
                                 or "Ingetrokken door de houder via het portaal")


REQUEST_KINDS = {"correctie": PrivacyRequestKind.rectification,
                 "verwijdering": PrivacyRequestKind.erasure}


def ask_privacy_request(session: Session, holder: Holder, kind: str, text: str, *, by: Actor):
    """A correction or erasure request for the privacy officer, with the holder's text."""
    if kind not in REQUEST_KINDS:
        raise FieldError("kind", "Kies: iets laten verbeteren of gegevens laten verwijderen")
    text = (text or "").strip()
    if not text:
        raise FieldError("details", "Schrijf op wat er niet klopt of wat weg moet")
    if len(text) > 2000:
        raise FieldError("details", f"Uw tekst is {len(text)} tekens; schrijf er ten hoogste 2000")
    return privacy.receive(session, by=by, organisation_id=holder.organisation_id,
                           kind=REQUEST_KINDS[kind], requester_name=holder.full_name,
                           received_on=dt.date.today(), channel=PrivacyChannel.portal,
                           details=text, holder=holder)
