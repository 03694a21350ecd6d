import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from app.core.validation import Rule
from security.crypto import EncryptedString, EncryptedText


class PrivacyRequestKind(Choice):
    access = "Inzage"
    rectification = "Correctie"
    erasure = "Verwijdering"
    withdrawal = "Intrekking toestemming"
    objection = "Bezwaar"
    portability = "Overdraagbaarheid"


class PrivacyRequestStatus(Choice):
    received = "Ontvangen"
    in_progress = "In behandeling"
    extended = "Termijn verlengd"
    completed = "Afgehandeld"
    rejected = "Afgewezen"


class PrivacyRequest(OrgScopedMixin, Model):
    """An AVG data-subject request with its legal deadline (one month, extendable)."""

    __tablename__ = "privacy_request"
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
    due_on = mapped_column(sa.Date, nullable=False)
    handled_by_id = user_fk()
    completed_on = mapped_column(sa.Date, nullable=True)
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
