import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import OrgScopedMixin
from app.core.validation import (
    between,
    field_validators,
    normalise_email,
    normalise_phone,
    required,
)
from security.crypto import EncryptedString


class ContactPerson(OrgScopedMixin, Model):
    """Someone the holder wants called; on the card in order of ``priority``."""

    __tablename__ = "contact_person"
    __privacy__ = {
        "categories": ["naam", "relatie tot de houder", "telefoon", "e-mail"],
        "purpose": "Contactpersonen die gebeld worden als de houder de controle verliest",
        "legal_basis": "Toestemming van de contactpersoon (AVG art. 6 lid 1 sub a)",
        "recipients": [
            "hulpkaartcoach", "projectleider",
            "meldkamer politie (alleen met uitdrukkelijke toestemming van de houder)",
            "wie de houder de kaart laat zien",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek; "
            "of eerder bij intrekking van de toestemming"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog; blinde "
            "index op telefoon"
        ),
    }
    __table_args__ = (
        sa.CheckConstraint("priority >= 1 AND priority <= 9", name="priority_range"),
        sa.Index("ix_contact_person_holder_priority", "holder_id", "priority"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    holder_id = mapped_column(sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=False)
    name = mapped_column(EncryptedString(120), nullable=False)
    relation = mapped_column(EncryptedString(80), nullable=True)
    phone = mapped_column(EncryptedString(20), nullable=True)
    phone_index = mapped_column(sa.String(64), nullable=True, index=True)
    email = mapped_column(EncryptedString(254), nullable=True)
    priority = mapped_column(sa.Integer, nullable=False, default=1)
    on_card = mapped_column(sa.Boolean, nullable=False, default=True)
    holder = relationship("Holder", back_populates="contact_persons")

    __blind_index__ = {"phone": "phone_index"}
    _checks = field_validators(
        name=required("Naam"),
        phone=normalise_phone,
        email=normalise_email,
        priority=between(1, 9, "De volgorde moet tussen 1 en 9 liggen"),
    )

    def __str__(self):
        return f"{self.name} ({self.relation})" if self.relation else str(self.name)
