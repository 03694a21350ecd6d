"""The holder's own portal: personal links and codes, and a coach's comments on a draft."""

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from security.crypto import EncryptedString, EncryptedText


class PortalLinkPurpose(Choice):
    holder = "Houder"
    helper = "Iemand die de houder helpt"
    contact_consent = "Toestemming contactpersoon"
    code = "Code van de coach"


class PortalLink(OrgScopedMixin, Model):
    """One personal link or code: single use, time-limited. The token itself is never stored,
    only its nonce (links) or a hash (codes)."""

    __tablename__ = "portal_link"
    __privacy__ = {
        "categories": ["persoonlijke links en codes", "naam van een helper"],
        "purpose": "Houders en contactpersonen zonder wachtwoord toegang geven",
        "legal_basis": "Toestemming van de houder (AVG art. 6 lid 1 sub a)",
        "recipients": ["hulpkaartcoach"],
        "retention": "Met de houder",
        "security": "Eenmalig, beperkt geldig, ondertekend; alleen een hash bewaard; toegangslog",
    }
    __table_args__ = (
        sa.CheckConstraint(
            "purpose <> 'contact_consent' OR contact_person_id IS NOT NULL", name="contact_named"
        ),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    holder_id = mapped_column(
        sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=False, index=True
    )
    contact_person_id = mapped_column(
        sa.ForeignKey("contact_person.id", ondelete="CASCADE"), nullable=True, index=True
    )
    purpose = choice_column(PortalLinkPurpose)
    nonce = mapped_column(sa.String(64), nullable=False, unique=True)
    expires_at = mapped_column(sa.DateTime, nullable=False)
    used_at = mapped_column(sa.DateTime, nullable=True)
    helper_name = mapped_column(EncryptedString(120), nullable=True)
    created_by_id = user_fk()
    holder = relationship("Holder")
    contact_person = relationship("ContactPerson")

    def __str__(self):
        return f"{self.purpose} ({'gebruikt' if self.used_at else 'open'})"


class CardComment(OrgScopedMixin, Model):
    """A coach's (or the holder's) comment on one section of a draft card."""

    __tablename__ = "card_comment"
    __privacy__ = {
        "categories": ["opmerkingen bij de kaarttekst"],
        "purpose": "Meekijken met de houder bij het maken van zijn kaart",
        "legal_basis": "Toestemming van de houder (AVG art. 6 lid 1 sub a)",
        "recipients": ["hulpkaartcoach", "de houder"],
        "retention": "Met de houder",
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    card_id = mapped_column(
        sa.ForeignKey("help_card.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version_id = mapped_column(
        sa.ForeignKey("help_card_version.id", ondelete="CASCADE"), nullable=True
    )
    section = mapped_column(sa.String(40), nullable=False)
    body = mapped_column(EncryptedText, nullable=False)
    author_id = user_fk()  # None: written by the holder in the portal
    resolved_at = mapped_column(sa.DateTime, nullable=True)
    card = relationship("HelpCard")
    author = relationship("User")

    def __str__(self):
        return f"Opmerking bij {self.section}"
