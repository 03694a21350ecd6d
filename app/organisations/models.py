import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, TimestampMixin, choice_column
from security.crypto import EncryptedString
from app.core.validation import (
    field_validators,
    normalise_email,
    normalise_pc4,
    normalise_phone,
    required,
)


class OrganisationKind(Choice):
    hulpkaart = "Hulpkaartorganisatie"
    hiphelpt = "Burenhulp (HipHelpt-locatie)"
    both = "Hulpkaart en burenhulp"


class Organisation(TimestampMixin, Model):
    """A Hulpkaart organisation or a neighbourhood-help location; every record belongs to one."""

    __tablename__ = "organisation"
    id = mapped_column(sa.Integer, primary_key=True)
    name = mapped_column(sa.String(120), nullable=False, unique=True)
    kind = choice_column(OrganisationKind, default=OrganisationKind.both)
    pc4 = mapped_column(sa.String(4), nullable=True)
    town = mapped_column(sa.String(80), nullable=True)
    email = mapped_column(sa.String(254), nullable=True)
    phone = mapped_column(sa.String(20), nullable=True)
    active = mapped_column(sa.Boolean, nullable=False, default=True)
    # False: the anonymous count mode: cards are counted (CardTally), holders not registered.
    registers_holders = mapped_column(
        sa.Boolean, nullable=False, default=True, server_default=sa.true()
    )

    _checks = field_validators(
        name=required("Naam"), phone=normalise_phone, email=normalise_email, pc4=normalise_pc4
    )

    def __str__(self):
        return self.name


class StaffProfile(TimestampMixin, Model):
    """Links a login (ab_user) to its organisation and, for partner contacts, its partner."""

    __tablename__ = "staff_profile"
    __privacy__ = {
        "categories": [
            "organisatie van de medewerker", "mislukte aanmeldingen",
            "geheim voor tweestapsverificatie",
        ],
        "purpose": "Beveiligd aanmelden van medewerkers",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["beheerder"],
        "retention": "Zolang de medewerker toegang heeft",
        "security": "Tweestapsgeheim versleuteld; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    user_id = mapped_column(
        sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    organisation_id = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    partner_id = mapped_column(sa.ForeignKey("partner.id", ondelete="SET NULL"), nullable=True)
    # Authentication hardening (security/manager.py): lock-out and two-factor login.
    failed_logins = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")
    locked_until = mapped_column(sa.DateTime, nullable=True)
    totp_secret = mapped_column(EncryptedString(64), nullable=True)
    totp_enabled = mapped_column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )
    password_changed_at = mapped_column(sa.DateTime, nullable=True)
    user = relationship("User")
    organisation = relationship("Organisation")
    partner = relationship("Partner")

    def __str__(self):
        return f"{self.user.username if self.user else self.user_id} @ {self.organisation}"
