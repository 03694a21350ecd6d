import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, choice_column, utcnow
from security.crypto import EncryptedString, EncryptedText


class NotificationStatus(Choice):
    pending = "Wachtend"
    sending = "Bezig met verzenden"
    sent = "Verzonden"
    failed = "Mislukt"


class Notification(Model):
    """The outbox: a message written in the same transaction as the change that caused it."""

    __tablename__ = "notification"
    __privacy__ = {
        "categories": ["ontvanger (e-mailadres)", "inhoud van het bericht"],
        "purpose": "Berichten versturen (outbox)",
        "legal_basis": "Als de verwerking waar het bericht bij hoort",
        "recipients": ["de ontvanger", "de mailserver"],
        "retention": "Met de betrokkene over wie of aan wie het bericht gaat",
        "security": "versleuteld opgeslagen; toegangslog",
    }
    __table_args__ = (sa.Index("ix_notification_status_send_after", "status", "send_after"),)
    id = mapped_column(sa.Integer, primary_key=True)
    organisation_id = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=True, index=True
    )
    channel = mapped_column(sa.String(10), nullable=False, default="email")  # email | letter
    recipient = mapped_column(EncryptedString(254), nullable=False)
    subject = mapped_column(sa.String(200), nullable=False)
    body = mapped_column(EncryptedText, nullable=False)
    template = mapped_column(sa.String(80), nullable=True)
    dedupe_key = mapped_column(sa.String(160), nullable=True, unique=True)
    status = choice_column(NotificationStatus, default=NotificationStatus.pending)
    attempts = mapped_column(sa.Integer, nullable=False, default=0)
    created_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    send_after = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    claimed_at = mapped_column(sa.DateTime, nullable=True)  # a sender took it (lease)
    sent_at = mapped_column(sa.DateTime, nullable=True)
    last_error = mapped_column(sa.String(500), nullable=True)
    organisation = relationship("Organisation")

    def __str__(self):
        return f"{self.subject} ({self.status})"
