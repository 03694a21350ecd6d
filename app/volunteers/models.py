import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from app.core.validation import (
    all_of,
    between,
    field_validators,
    normalise_email,
    normalise_pc4,
    normalise_phone,
    required,
)
from security.crypto import EncryptedString, EncryptedText


class CategoryGroup(Choice):
    practical = "Praktische hulp"
    social = "Sociale hulp"
    transport = "Vervoer"


class HelpCategory(Model):
    """What help is asked or offered (e.g. 'lamp ophangen' under practical help)."""

    __tablename__ = "help_category"
    id = mapped_column(sa.Integer, primary_key=True)
    group = choice_column(CategoryGroup)
    name = mapped_column(sa.String(80), nullable=False, unique=True)

    def __str__(self):
        return self.name


volunteer_category = sa.Table(
    "volunteer_category",
    Model.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteer.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("help_category.id", ondelete="CASCADE"), primary_key=True),
)


class VolunteerStatus(Choice):
    registered = "Aangemeld"
    intake = "Intake gepland"
    approved = "Goedgekeurd"
    rejected = "Afgewezen"
    inactive = "Inactief"


class Volunteer(OrgScopedMixin, Model):
    """A hulpbieder. Name and contact details encrypted; PC4 plain for matching by distance."""

    __tablename__ = "volunteer"
    __privacy__ = {
        "categories": [
            "naam", "adres", "telefoon", "e-mail", "postcode (4 cijfers)", "beschikbaarheid",
            "notities",
        ],
        "purpose": "Vrijwilligers inzetten voor burenhulp: goedkeuren en koppelen",
        "legal_basis": (
            "Toestemming en uitvoering van de vrijwilligersafspraken (AVG art. 6 lid 1 sub a en "
            "b)"
        ),
        "recipients": [
            "vrijwilligerscoördinator", "helpdesk", "partner (eigen vrijwilligers)",
            "hulpvrager (voornaam, na aanname)",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_VOLUNTEER_MONTHS} maanden nadat de vrijwilliger inactief werd: "
            "dan geanonimiseerd (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog; blinde "
            "index voor exact zoeken"
        ),
    }
    __table_args__ = (
        sa.CheckConstraint("max_distance_km > 0 AND max_distance_km <= 100", name="distance"),
        sa.CheckConstraint("max_per_month >= 1 AND max_per_month <= 31", name="per_month"),
        sa.Index("ix_volunteer_org_status_pc4", "organisation_id", "status", "pc4"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    partner_id = mapped_column(sa.ForeignKey("partner.id", ondelete="SET NULL"), nullable=True, index=True)
    first_name = mapped_column(EncryptedString(80), nullable=False)
    last_name = mapped_column(EncryptedString(120), nullable=False)
    last_name_index = mapped_column(sa.String(64), nullable=True, index=True)
    phone_index = mapped_column(sa.String(64), nullable=True, index=True)
    email_index = mapped_column(sa.String(64), nullable=True, index=True)
    email = mapped_column(EncryptedString(254), nullable=True)
    phone = mapped_column(EncryptedString(20), nullable=True)
    address = mapped_column(EncryptedString(200), nullable=True)
    pc4 = mapped_column(sa.String(4), nullable=False)
    availability = mapped_column(sa.String(200), nullable=True)  # free text remark
    available_days = mapped_column(sa.String(30), nullable=True)  # "mon,tue,…"; empty: any day
    available_parts = mapped_column(sa.String(40), nullable=True)  # "morning,…"; empty: any
    max_per_month = mapped_column(sa.Integer, nullable=False, default=4)
    max_distance_km = mapped_column(sa.Integer, nullable=False, default=3)
    status = choice_column(VolunteerStatus, default=VolunteerStatus.registered)
    approved_on = mapped_column(sa.Date, nullable=True)
    approved_by_id = user_fk()
    intake_on = mapped_column(sa.Date, nullable=True)
    intake_by_id = user_fk()
    notes = mapped_column(EncryptedText, nullable=True)
    partner = relationship("Partner")
    categories = relationship("HelpCategory", secondary=volunteer_category)
    vog_checks = relationship("VogCheck", back_populates="volunteer", cascade="all, delete-orphan")

    __blind_index__ = {
        "last_name": "last_name_index",
        "phone": "phone_index",
        "email": "email_index",
    }
    _checks = field_validators(
        first_name=required("Voornaam"),
        last_name=required("Achternaam"),
        phone=normalise_phone,
        email=normalise_email,
        pc4=all_of(normalise_pc4, required("Postcode (4 cijfers)")),
        max_distance_km=between(1, 100, "De maximale afstand ligt tussen 1 en 100 km"),
        max_per_month=between(1, 31, "Het maximum per maand ligt tussen 1 en 31"),
    )

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
