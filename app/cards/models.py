import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk, utcnow
from app.core.validation import between, field_validators, max_length
from security.crypto import EncryptedText


class CardStatus(Choice):
    requested = "Aangevraagd"
    intro_held = "Kennismaking gehouden"
    drafting = "In opmaak"
    awaiting_approval = "Wacht op akkoord houder"
    approved = "Goedgekeurd"
    issued = "Uitgereikt"
    evaluation_due = "Evaluatie nodig"
    evaluated = "Geëvalueerd"
    withdrawn = "Ingetrokken"
    ended = "Beëindigd"


class MakingChoice(Choice):
    alone = "Alleen"
    with_relative = "Met een naaste"
    with_coach = "Met een coach"


class ApprovalMethod(Choice):
    written = "Schriftelijk"
    oral = "Mondeling"
    portal = "Via het portaal"


class HelpCard(OrgScopedMixin, Model):
    """A Hulpkaart: its state and the version that is issued. Content lives in versions."""

    __tablename__ = "help_card"
    __privacy__ = {
        "categories": ["status en data van de kaart", "reden van beëindigen"],
        "purpose": "Het maken, uitreiken en evalueren van de Hulpkaart volgen",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": [
            "hulpkaartcoach", "projectleider",
            "meldkamer politie (alleen met uitdrukkelijke toestemming)",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (
        sa.Index("ix_help_card_org_status", "organisation_id", "status"),
        sa.Index("ix_help_card_status_next_evaluation", "status", "next_evaluation_on"),
        # The database refuses states whose facts are missing (workflows/cards.py checks first).
        sa.CheckConstraint(
            "status IN ('requested', 'withdrawn', 'ended') OR making_choice IS NOT NULL",
            name="choice_recorded"),
        sa.CheckConstraint(
            "status NOT IN ('issued', 'evaluation_due', 'evaluated')"
            " OR (issued_version_id IS NOT NULL AND issued_on IS NOT NULL)",
            name="issued_has_version"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    holder_id = mapped_column(
        sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status = choice_column(CardStatus, default=CardStatus.requested)
    making_choice = choice_column(MakingChoice, nullable=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    requested_on = mapped_column(sa.Date, nullable=False, default=dt.date.today)
    issued_on = mapped_column(sa.Date, nullable=True)
    next_evaluation_on = mapped_column(sa.Date, nullable=True, index=True)
    ended_on = mapped_column(sa.Date, nullable=True)
    issued_version_id = mapped_column(
        sa.ForeignKey("help_card_version.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
    )
    control_room_sections = mapped_column(sa.String(200), nullable=True)
    # The holder asked (in the portal) for his coach to look along and comment.
    feedback_requested_at = mapped_column(sa.DateTime, nullable=True)
    closed_reason = mapped_column(EncryptedText, nullable=True)
    holder = relationship("Holder", back_populates="cards")
    coach = relationship("Coach")
    versions = relationship(
        "HelpCardVersion", back_populates="card", foreign_keys="HelpCardVersion.card_id",
        cascade="all, delete-orphan", order_by="HelpCardVersion.version_no",
    )
    issued_version = relationship("HelpCardVersion", foreign_keys=[issued_version_id], post_update=True)

    def __str__(self):
        return f"Hulpkaart {self.id} ({self.status})"


# Section lengths keep the text within the printed panels of the wallet card.
SECTION_LIMITS = {
    "loss_of_control_signs": 400,
    "how_to_help": 500,
    "what_not_to_do": 400,
    "what_i_do_myself": 300,
    "medication_preferences": 300,
    "medication_refused": 200,
    "other_info": 300,
}


class HelpCardVersion(OrgScopedMixin, Model):
    """One version of the card's content; approved versions are kept unchanged."""

    __tablename__ = "help_card_version"
    __privacy__ = {
        "categories": [
            "gezondheid en gedrag bij controleverlies", "medicatievoorkeuren",
            "wat helpt en wat niet",
        ],
        "purpose": "De inhoud van de Hulpkaart, per versie",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": [
            "hulpkaartcoach", "projectleider",
            "meldkamer politie (alleen met uitdrukkelijke toestemming)",
            "wie de houder de kaart laat zien",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog; "
            "goedgekeurde versies worden niet gewijzigd"
        ),
    }
    __table_args__ = (
        sa.UniqueConstraint("card_id", "version_no"),
        sa.CheckConstraint("version_no >= 1", name="version_positive"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    card_id = mapped_column(sa.ForeignKey("help_card.id", ondelete="CASCADE"), nullable=False)
    version_no = mapped_column(sa.Integer, nullable=False, default=1)
    loss_of_control_signs = mapped_column(EncryptedText, nullable=True)
    how_to_help = mapped_column(EncryptedText, nullable=True)
    what_not_to_do = mapped_column(EncryptedText, nullable=True)
    what_i_do_myself = mapped_column(EncryptedText, nullable=True)
    medication_preferences = mapped_column(EncryptedText, nullable=True)
    medication_refused = mapped_column(EncryptedText, nullable=True)
    other_info = mapped_column(EncryptedText, nullable=True)
    holder_approved_on = mapped_column(sa.Date, nullable=True)
    holder_approval_method = choice_column(ApprovalMethod, nullable=True)
    approved_at = mapped_column(sa.DateTime, nullable=True)
    approved_by_id = user_fk()
    created_by_id = user_fk()
    card = relationship("HelpCard", back_populates="versions", foreign_keys=[card_id])

    _checks = field_validators(**{k: max_length(n) for k, n in SECTION_LIMITS.items()})

    def __str__(self):
        return f"Versie {self.version_no} van kaart {self.card_id}"


class AppointmentKind(Choice):
    intro_meeting = "Kennismakingsgesprek"
    drafting = "Opmaakgesprek"
    evaluation = "Evaluatie"
    other = "Overig"


class AppointmentStatus(Choice):
    planned = "Gepland"
    held = "Gehouden"
    cancelled = "Geannuleerd"


class Appointment(OrgScopedMixin, Model):
    __tablename__ = "appointment"
    __privacy__ = {
        "categories": ["afspraken met de houder", "aanwezigen", "gespreksnotities"],
        "purpose": "Gesprekken over de Hulpkaart plannen en vastleggen",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": ["hulpkaartcoach", "projectleider"],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600", name="duration"),
        sa.Index("ix_appointment_org_starts", "organisation_id", "starts_at"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    holder_id = mapped_column(sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=False, index=True)
    card_id = mapped_column(sa.ForeignKey("help_card.id", ondelete="SET NULL"), nullable=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    kind = choice_column(AppointmentKind)
    status = choice_column(AppointmentStatus, default=AppointmentStatus.planned)
    starts_at = mapped_column(sa.DateTime, nullable=False)
    duration_minutes = mapped_column(sa.Integer, nullable=False, default=60)
    making_choice = choice_column(MakingChoice, nullable=True)
    attendees = mapped_column(EncryptedText, nullable=True)
    notes = mapped_column(EncryptedText, nullable=True)
    holder = relationship("Holder")
    card = relationship("HelpCard")
    coach = relationship("Coach")

    _checks = field_validators(
        duration_minutes=between(1, 600, "De duur moet tussen 1 en 600 minuten liggen"))

    def __str__(self):
        return f"{self.kind} {self.starts_at:%d-%m-%Y %H:%M}" if self.starts_at else str(self.kind)


class EvaluationOutcome(Choice):
    unchanged = "Ongewijzigd"
    new_version = "Nieuwe versie"
    ended = "Kaart beëindigd"


class Evaluation(OrgScopedMixin, Model):
    """The yearly evaluation of a card; created by the scheduler, one per card and due date."""

    __tablename__ = "evaluation"
    __privacy__ = {
        "categories": ["jaarlijkse evaluatie", "notities"],
        "purpose": "De jaarlijkse evaluatie van de kaart (Kwaliteitskader)",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": ["hulpkaartcoach", "projectleider"],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (sa.UniqueConstraint("card_id", "due_on"),)
    id = mapped_column(sa.Integer, primary_key=True)
    card_id = mapped_column(sa.ForeignKey("help_card.id", ondelete="CASCADE"), nullable=False, index=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    due_on = mapped_column(sa.Date, nullable=False, index=True)
    invited_on = mapped_column(sa.Date, nullable=True)
    held_on = mapped_column(sa.Date, nullable=True)
    method = mapped_column(sa.String(40), nullable=True)
    invitation_channel = mapped_column(sa.String(10), nullable=True)  # email | letter
    contacts_ok = mapped_column(sa.Boolean, nullable=True)
    wishes_changed = mapped_column(sa.Boolean, nullable=True)
    medication_changed = mapped_column(sa.Boolean, nullable=True)
    still_carried = mapped_column(sa.Boolean, nullable=True)
    outcome = choice_column(EvaluationOutcome, nullable=True)
    new_version_id = mapped_column(
        sa.ForeignKey("help_card_version.id", ondelete="SET NULL"), nullable=True)
    notes = mapped_column(EncryptedText, nullable=True)
    card = relationship("HelpCard")
    coach = relationship("Coach")

    def __str__(self):
        return f"Evaluatie kaart {self.card_id} ({self.due_on})"


class CardPrint(OrgScopedMixin, Model):
    """Every print or download of a wallet card: who, when, which version."""

    __tablename__ = "card_print"
    __privacy__ = {
        "categories": ["wie wanneer welke kaartversie afdrukte"],
        "purpose": "Verantwoording van afdrukken van de kaart",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": ["projectleider", "privacyfunctionaris"],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    card_id = mapped_column(sa.ForeignKey("help_card.id", ondelete="CASCADE"), nullable=False, index=True)
    version_id = mapped_column(
        sa.ForeignKey("help_card_version.id", ondelete="CASCADE"), nullable=False)
    printed_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    printed_by_id = user_fk()
    card = relationship("HelpCard")
    version = relationship("HelpCardVersion")
    printed_by = relationship("User", foreign_keys=[printed_by_id])

    def __str__(self):
        return f"Afdruk kaart {self.card_id} ({self.printed_at:%d-%m-%Y %H:%M})"
