import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk, utcnow
from app.core.validation import (
    Rule,
    between,
    field_validators,
    normalise_email,
    normalise_pc4,
    normalise_phone,
    required,
)
from security.crypto import EncryptedString, EncryptedText


class RequestChannel(Choice):
    web = "Website"
    phone = "Telefoon"
    professional = "Via een professional"


class RequestStatus(Choice):
    """The eight steps of the method, and the two ways out (workflows/helpdesk.py)."""

    received = "Ontvangen"
    intake = "Intake"
    accepted = "Geaccepteerd"
    put_out = "Uitgezet"
    matched = "Gekoppeld"
    done = "Hulp gegeven"
    feedback_asked = "Feedback gevraagd"
    closed = "Afgesloten"
    rejected = "Afgewezen"
    referred = "Doorverwezen"


class PartOfDay(Choice):
    morning = "Ochtend"
    afternoon = "Middag"
    evening = "Avond"


class HelpRequest(OrgScopedMixin, Model):
    """A hulpvraag, with the requester's details (encrypted) and the intake decision."""

    __tablename__ = "help_request"
    __privacy__ = {
        "categories": [
            "naam", "adres", "telefoon", "e-mail", "hulpvraag", "beslissing", "verwijzer",
        ],
        "purpose": "Hulpvragen aannemen, beoordelen, koppelen en opvolgen",
        "legal_basis": "Toestemming van de hulpvrager (AVG art. 6 lid 1 sub a)",
        "recipients": [
            "helpdesk", "gekoppelde vrijwilliger (na aanname)",
            "partnerorganisatie bij doorverwijzing (met toestemming)",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_REQUEST_MONTHS} maanden na afsluiten, afwijzen of "
            "doorverwijzen: dan geanonimiseerd (bewaartermijnen-taak); eerder bij een "
            "verwijderverzoek"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog; blinde "
            "index voor exact zoeken"
        ),
    }
    __table_args__ = (sa.Index("ix_help_request_org_status", "organisation_id", "status"),)
    id = mapped_column(sa.Integer, primary_key=True)
    channel = choice_column(RequestChannel, default=RequestChannel.phone)
    status = choice_column(RequestStatus, default=RequestStatus.received)
    category_id = mapped_column(sa.ForeignKey("help_category.id", ondelete="SET NULL"), nullable=True)
    description = mapped_column(EncryptedText, nullable=False)
    requester_name = mapped_column(EncryptedString(160), nullable=False)
    requester_phone = mapped_column(EncryptedString(20), nullable=True)
    requester_email = mapped_column(EncryptedString(254), nullable=True)
    requester_name_index = mapped_column(sa.String(64), nullable=True, index=True)
    requester_phone_index = mapped_column(sa.String(64), nullable=True, index=True)
    requester_email_index = mapped_column(sa.String(64), nullable=True, index=True)
    requester_address = mapped_column(EncryptedString(200), nullable=True)
    pc4 = mapped_column(sa.String(4), nullable=True, index=True)
    professional = mapped_column(EncryptedString(200), nullable=True)
    received_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    wanted_on = mapped_column(sa.Date, nullable=True)
    wanted_part = choice_column(PartOfDay, nullable=True)
    scope = mapped_column(sa.String(200), nullable=True)  # how much help, how often
    target_group_ok = mapped_column(sa.Boolean, nullable=True)
    intake_by_id = user_fk()
    intake_at = mapped_column(sa.DateTime, nullable=True)
    decision_reason = mapped_column(EncryptedText, nullable=True)
    put_out_at = mapped_column(sa.DateTime, nullable=True)
    matched_at = mapped_column(sa.DateTime, nullable=True)
    done_at = mapped_column(sa.DateTime, nullable=True)
    closed_at = mapped_column(sa.DateTime, nullable=True)
    category = relationship("HelpCategory")
    referrals = relationship("Referral", back_populates="help_request", cascade="all, delete-orphan")
    matches = relationship("Match", back_populates="help_request", cascade="all, delete-orphan")

    __blind_index__ = {
        "requester_name": "requester_name_index",
        "requester_phone": "requester_phone_index",
        "requester_email": "requester_email_index",
    }
    _checks = field_validators(
        description=required("Omschrijving"),
        requester_name=required("Naam hulpvrager"),
        requester_phone=normalise_phone,
        requester_email=normalise_email,
        pc4=normalise_pc4,
    )

    def __str__(self):
        return f"Hulpvraag {self.id} ({self.status})"


class ReferralOutcome(Choice):
    helped = "Geholpen"
    not_helped = "Niet geholpen"
    unknown = "Onbekend"


class Referral(OrgScopedMixin, Model):
    """A request that does not fit is always referred to the right organisation."""

    __tablename__ = "referral"
    __privacy__ = {
        "categories": ["doorverwijzing: naar wie, waarom, uitkomst"],
        "purpose": "Hulpvragen die niet passen doorverwijzen en opvolgen",
        "legal_basis": "Toestemming van de hulpvrager (AVG art. 6 lid 1 sub a)",
        "recipients": ["helpdesk", "partnerorganisatie (met toestemming)"],
        "retention": (
            "{HULPREGIE_RETENTION_REQUEST_MONTHS} maanden na afsluiten, afwijzen of "
            "doorverwijzen: dan geanonimiseerd (bewaartermijnen-taak); eerder bij een "
            "verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    help_request_id = mapped_column(
        sa.ForeignKey("help_request.id", ondelete="CASCADE"), nullable=False, index=True
    )
    partner_id = mapped_column(sa.ForeignKey("partner.id", ondelete="SET NULL"), nullable=True)
    organisation_name = mapped_column(sa.String(160), nullable=True)
    reason = mapped_column(EncryptedText, nullable=True)
    referred_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    referred_by_id = user_fk()
    follow_up_on = mapped_column(sa.Date, nullable=True, index=True)
    outcome = choice_column(ReferralOutcome, nullable=True)
    notes = mapped_column(EncryptedText, nullable=True)
    help_request = relationship("HelpRequest", back_populates="referrals")
    partner = relationship("Partner")

    __rules__ = (
        Rule("partner", "Kies een partner of vul de naam van de organisatie in",
             lambda r: r.partner is not None or r.partner_id is not None
             or bool((r.organisation_name or "").strip())),
    )

    def __str__(self):
        return f"Doorverwijzing naar {self.partner or self.organisation_name}"


class MatchStatus(Choice):
    """``proposed``: the request was put out to this volunteer; the first to accept gets it."""

    proposed = "Uitgezet"
    accepted = "Aangenomen"
    declined = "Afgeslagen"
    taken = "Door een ander aangenomen"
    completed = "Afgerond"
    cancelled = "Geannuleerd"


class Match(OrgScopedMixin, Model):
    """A koppeling of a help request to a volunteer."""

    __tablename__ = "match"
    __privacy__ = {
        "categories": ["koppeling van vrijwilliger en hulpvraag", "afstand", "data"],
        "purpose": "Vrijwilligers koppelen aan hulpvragen; anonieme tellingen voor financiers",
        "legal_basis": "Toestemming van de hulpvrager (AVG art. 6 lid 1 sub a)",
        "recipients": ["helpdesk", "vrijwilligerscoördinator", "partner (anoniem overzicht)"],
        "retention": (
            "{HULPREGIE_RETENTION_REQUEST_MONTHS} maanden na afsluiten, afwijzen of "
            "doorverwijzen: dan geanonimiseerd (bewaartermijnen-taak); eerder bij een "
            "verwijderverzoek; de koppeling blijft anoniem bestaan voor tellingen"
        ),
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    __table_args__ = (
        sa.UniqueConstraint("help_request_id", "volunteer_id"),
        sa.CheckConstraint("distance_km IS NULL OR distance_km >= 0", name="distance"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    help_request_id = mapped_column(sa.ForeignKey("help_request.id", ondelete="CASCADE"), nullable=False)
    volunteer_id = mapped_column(sa.ForeignKey("volunteer.id", ondelete="CASCADE"), nullable=False, index=True)
    status = choice_column(MatchStatus, default=MatchStatus.proposed)
    matched_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    distance_km = mapped_column(sa.Numeric(6, 2), nullable=True)
    feedback_due_on = mapped_column(sa.Date, nullable=True, index=True)
    offered_at = mapped_column(sa.DateTime, nullable=True)
    responded_at = mapped_column(sa.DateTime, nullable=True)  # a used link is not used again
    response_channel = mapped_column(sa.String(10), nullable=True)  # link | phone
    accepted_at = mapped_column(sa.DateTime, nullable=True)
    feedback_asked_at = mapped_column(sa.DateTime, nullable=True)
    matched_by_id = user_fk()
    help_request = relationship("HelpRequest", back_populates="matches")
    volunteer = relationship("Volunteer")

    _checks = field_validators(
        distance_km=between(0, 9999, "De afstand kan niet negatief zijn"))

    def __str__(self):
        return f"Koppeling {self.id}"


class Respondent(Choice):
    requester = "Hulpvrager"
    volunteer = "Vrijwilliger"
    partner = "Partner"


class Feedback(OrgScopedMixin, Model):
    __tablename__ = "feedback"
    __privacy__ = {
        "categories": ["waardering", "aandachtspunten", "opmerkingen"],
        "purpose": "Kwaliteit van de burenhulp volgen",
        "legal_basis": "Toestemming van de hulpvrager (AVG art. 6 lid 1 sub a)",
        "recipients": ["helpdesk", "projectleider"],
        "retention": (
            "{HULPREGIE_RETENTION_REQUEST_MONTHS} maanden na afsluiten, afwijzen of "
            "doorverwijzen: dan geanonimiseerd (bewaartermijnen-taak); eerder bij een "
            "verwijderverzoek; de waardering blijft, de vrije tekst gaat"
        ),
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
        sa.UniqueConstraint("match_id", "respondent"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    match_id = mapped_column(sa.ForeignKey("match.id", ondelete="CASCADE"), nullable=False)
    respondent = choice_column(Respondent)
    received_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    rating = mapped_column(sa.Integer, nullable=True)
    help_frequency = mapped_column(sa.String(80), nullable=True)
    attention_points = mapped_column(EncryptedText, nullable=True)
    more_help_needed = mapped_column(sa.Boolean, nullable=True)
    comment = mapped_column(EncryptedText, nullable=True)
    match = relationship("Match")

    _checks = field_validators(
        rating=between(1, 5, "De waardering is een cijfer van 1 tot en met 5"))

    def __str__(self):
        return f"Feedback {self.respondent} op koppeling {self.match_id}"
