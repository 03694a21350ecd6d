import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from app.core.validation import Rule


class VogStatus(Choice):
    requested = "Aangevraagd"
    received = "Ontvangen"
    refused = "Geweigerd"
    expired = "Verlopen"


class VogCheck(OrgScopedMixin, Model):
    """A Verklaring Omtrent het Gedrag for a volunteer (free of charge for volunteers)."""

    __tablename__ = "vog_check"
    __privacy__ = {
        "categories": ["VOG-aanvraag, -datum en kenmerk"],
        "purpose": "Screening van vrijwilligers met een Verklaring Omtrent het Gedrag",
        "legal_basis": (
            "Gerechtvaardigd belang: veiligheid van hulpvragers (AVG art. 6 lid 1 sub f)"
        ),
        "recipients": ["vrijwilligerscoördinator"],
        "retention": (
            "{HULPREGIE_RETENTION_VOLUNTEER_MONTHS} maanden nadat de vrijwilliger inactief werd: "
            "dan verwijderd (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    __table_args__ = (
        sa.CheckConstraint("expires_on IS NULL OR issued_on IS NULL OR expires_on > issued_on", name="dates"),
        sa.Index("ix_vog_check_status_expires", "status", "expires_on"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    volunteer_id = mapped_column(sa.ForeignKey("volunteer.id", ondelete="CASCADE"), nullable=False, index=True)
    screening_profile = mapped_column(sa.String(120), nullable=True)
    status = choice_column(VogStatus, default=VogStatus.requested)
    requested_on = mapped_column(sa.Date, nullable=False)
    issued_on = mapped_column(sa.Date, nullable=True)
    expires_on = mapped_column(sa.Date, nullable=True)
    reference = mapped_column(sa.String(60), nullable=True)
    free_vog = mapped_column(sa.Boolean, nullable=False, default=True)  # Gratis VOG-regeling
    verified_on = mapped_column(sa.Date, nullable=True)
    verified_by_id = user_fk()
    volunteer = relationship("Volunteer", back_populates="vog_checks")

    __rules__ = (
        Rule("expires_on", "'Geldig tot' moet na de afgiftedatum liggen",
             lambda v: not (v.issued_on and v.expires_on and v.expires_on <= v.issued_on)),
    )

    def __str__(self):
        return f"VOG {self.status} ({self.requested_on})"


def valid_on(today):
    """SQL condition: this VOG counts on ``today`` (received, verified, not past renewal).

    workflows/volunteers.py sets ``expires_on`` when it verifies a VOG (issue date plus the
    renewal interval of the organisation's policy), so validity is one indexed comparison.
    """
    return sa.and_(VogCheck.status == VogStatus.received, VogCheck.verified_on.is_not(None),
                   VogCheck.expires_on > today)
