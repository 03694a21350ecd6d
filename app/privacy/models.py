import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk, utcnow
from app.core.validation import Rule
from security.crypto import EncryptedString, EncryptedText


class PrivacyRequestKind(Choice):
    access = "Inzage"
    rectification = "Correctie"
    erasure = "Verwijdering"
    restriction = "Beperking van de verwerking"
    objection = "Bezwaar"
    portability = "Overdraagbaarheid"
    withdrawal = "Intrekking toestemming"


class PrivacyRequestStatus(Choice):
    """received → identity_verified → in_progress → completed | refused (workflows/privacy.py)."""

    received = "Ontvangen"
    identity_verified = "Identiteit gecontroleerd"
    in_progress = "In behandeling"
    completed = "Afgehandeld"
    refused = "Geweigerd"


class PrivacyChannel(Choice):
    letter = "Brief"
    email = "E-mail"
    phone = "Telefoon"
    in_person = "Persoonlijk"
    portal = "Portaal"


class ResponseChannel(Choice):
    letter = "Per brief"
    email = "Per e-mail (beveiligd)"
    in_person = "Persoonlijk overhandigd"
    portal = "Via het portaal"


class PrivacyRequest(OrgScopedMixin, Model):
    """An AVG data-subject request with its legal deadline (one month, extendable)."""

    __tablename__ = "privacy_request"
    __privacy__ = {
        "categories": [
            "naam van de verzoeker", "toelichting", "identiteitscontrole", "afhandeling",
        ],
        "purpose": "AVG-verzoeken afhandelen binnen de wettelijke termijn",
        "legal_basis": "Wettelijke plicht (AVG art. 12-22, art. 6 lid 1 sub c)",
        "recipients": ["privacyfunctionaris", "projectleider (bij overschrijding)"],
        "retention": (
            "Ter verantwoording bewaard; bij verwijdering van de betrokkene geanonimiseerd"
        ),
        "security": "Alleen privacyfunctionaris; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (
        sa.CheckConstraint("due_on >= received_on", name="due_after_received"),
        sa.Index("ix_privacy_request_status_due", "status", "due_on"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    kind = choice_column(PrivacyRequestKind)
    status = choice_column(PrivacyRequestStatus, default=PrivacyRequestStatus.received)
    holder_id = mapped_column(sa.ForeignKey("holder.id", ondelete="SET NULL"), nullable=True, index=True)
    contact_person_id = mapped_column(sa.ForeignKey("contact_person.id", ondelete="SET NULL"), nullable=True)
    volunteer_id = mapped_column(sa.ForeignKey("volunteer.id", ondelete="SET NULL"), nullable=True)
    help_request_id = mapped_column(sa.ForeignKey("help_request.id", ondelete="SET NULL"), nullable=True)
    requester_name = mapped_column(EncryptedString(160), nullable=False)
    details = mapped_column(EncryptedText, nullable=True)
    received_on = mapped_column(sa.Date, nullable=False)
    channel = choice_column(PrivacyChannel, nullable=True)
    due_on = mapped_column(sa.Date, nullable=False)  # received + 1 month, or the extension
    identity_checked_on = mapped_column(sa.Date, nullable=True)
    identity_checked_by_id = user_fk()
    identity_method = mapped_column(sa.String(120), nullable=True)
    extended_on = mapped_column(sa.Date, nullable=True)
    extension_reason = mapped_column(EncryptedText, nullable=True)
    handled_by_id = user_fk()
    completed_on = mapped_column(sa.Date, nullable=True)
    refusal_reason = mapped_column(EncryptedText, nullable=True)
    response_sent_on = mapped_column(sa.Date, nullable=True)
    response_channel = choice_column(ResponseChannel, nullable=True)
    outcome = mapped_column(EncryptedText, nullable=True)
    holder = relationship("Holder")
    contact_person = relationship("ContactPerson")
    volunteer = relationship("Volunteer")
    help_request = relationship("HelpRequest")

    __rules__ = (
        Rule("due_on", "De uiterste afhandeldatum kan niet voor de ontvangstdatum liggen",
             lambda r: not (r.received_on and r.due_on and r.due_on < r.received_on)),
        Rule("completed_on", "De afhandeldatum kan niet voor de ontvangstdatum liggen",
             lambda r: not (r.received_on and r.completed_on and r.completed_on < r.received_on)),
    )

    def __str__(self):
        return f"{self.kind}-verzoek {self.id}"


class ProcessingRestriction(OrgScopedMixin, Model):
    """AVG art. 18: a record that may be seen but not changed or exported, and why."""

    __tablename__ = "processing_restriction"
    __privacy__ = {
        "categories": ["beperking van de verwerking en de reden"],
        "purpose": "Beperking van de verwerking (AVG art. 18)",
        "legal_basis": "Wettelijke plicht (AVG art. 18, art. 6 lid 1 sub c)",
        "recipients": ["privacyfunctionaris"],
        "retention": "Tot opheffen; vervalt bij verwijdering van de betrokkene",
        "security": "Alleen privacyfunctionaris; versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (sa.Index("ix_processing_restriction_subject", "subject_type", "subject_id"),)
    id = mapped_column(sa.Integer, primary_key=True)
    subject_type = mapped_column(sa.String(40), nullable=False)  # model name, e.g. "Holder"
    subject_id = mapped_column(sa.Integer, nullable=False)
    reason = mapped_column(EncryptedText, nullable=False)
    since = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    privacy_request_id = mapped_column(
        sa.ForeignKey("privacy_request.id", ondelete="SET NULL"), nullable=True)
    placed_by_id = user_fk()
    lifted_at = mapped_column(sa.DateTime, nullable=True)
    lifted_by_id = user_fk()

    def __str__(self):
        return f"Beperking {self.subject_type} {self.subject_id}"


class ErasureRecord(Model):
    """The erasure journal: that a person's records were erased (never what). A restore from
    a backup re-applies these, so a restore never brings an erased person back."""

    __tablename__ = "erasure_record"
    __privacy__ = {
        "categories": ["record-id van een verwijderde betrokkene", "datum", "reden"],
        "purpose": "Verwijderjournaal: een herstelde back-up opnieuw schonen",
        "legal_basis": "Wettelijke plicht (AVG art. 17 en art. 5 lid 2, verantwoording)",
        "recipients": ["privacyfunctionaris", "beheerder"],
        "retention": "Blijvend; bevat alleen record-id's, geen namen of waarden",
        "security": "Alleen privacyfunctionaris en beheer",
    }
    __table_args__ = (sa.Index("ix_erasure_record_subject", "subject_type", "subject_id"),)
    id = mapped_column(sa.Integer, primary_key=True)
    organisation_id = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    erased_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    subject_type = mapped_column(sa.String(40), nullable=False)
    subject_id = mapped_column(sa.Integer, nullable=False)
    reason = mapped_column(sa.String(20), nullable=False)  # request | retention
    privacy_request_id = mapped_column(sa.Integer, nullable=True)  # no FK: it may go too
    erased_by_id = mapped_column(sa.Integer, nullable=True)  # no FK: the journal outlives users

    def __str__(self):
        return f"Verwijderd: {self.subject_type} {self.subject_id} ({self.erased_at:%d-%m-%Y})"
