import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from app.core.validation import (
    field_validators,
    normalise_email,
    normalise_pc4,
    normalise_phone,
    required,
)


class PartnerKind(Choice):
    church = "Kerk"
    neighbourhood_team = "Wijkteam"
    care = "Zorgorganisatie"
    welfare = "Welzijnsorganisatie"
    municipality = "Gemeente"
    patient_association = "Patiëntenvereniging"
    funder = "Financier"
    other = "Overig"


class Partner(OrgScopedMixin, Model):
    """A partner organisation (church, neighbourhood team, care or welfare): the sociale kaart."""

    __tablename__ = "partner"
    __privacy__ = {
        "categories": ["naam, e-mail en telefoon van de contactpersoon"],
        "purpose": "Sociale kaart: doorverwijzen en samenwerken",
        "legal_basis": "Gerechtvaardigd belang: samenwerking (AVG art. 6 lid 1 sub f)",
        "recipients": ["helpdesk", "projectleider", "vrijwilligerscoördinator"],
        "retention": "Zolang de samenwerking loopt",
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)
    id = mapped_column(sa.Integer, primary_key=True)
    name = mapped_column(sa.String(160), nullable=False)
    kind = choice_column(PartnerKind, index=True)
    contact_name = mapped_column(sa.String(120), nullable=True)
    email = mapped_column(sa.String(254), nullable=True)
    phone = mapped_column(sa.String(20), nullable=True)
    pc4 = mapped_column(sa.String(4), nullable=True)
    website = mapped_column(sa.String(200), nullable=True)
    accepts_referrals = mapped_column(sa.Boolean, nullable=False, default=True)
    notes = mapped_column(sa.Text, nullable=True)
    active = mapped_column(sa.Boolean, nullable=False, default=True)

    _checks = field_validators(
        name=required("Naam"), phone=normalise_phone, email=normalise_email, pc4=normalise_pc4
    )

    def __str__(self):
        return self.name


class Channel(Choice):
    phone = "Telefoon"
    email = "E-mail"
    visit = "Bezoek"
    letter = "Brief"
    meeting = "Overleg"


class OutreachStatus(Choice):
    planned = "Nog benaderen"
    contacted = "Benaderd"
    in_conversation = "In gesprek"
    agreed = "Afspraak gemaakt"
    on_hold = "Gepauzeerd"
    closed = "Afgerond"


class OutreachContact(OrgScopedMixin, Model):
    """A row of the communication table: whom to approach, where, when and how."""

    __tablename__ = "outreach_contact"
    __privacy__ = {
        "categories": ["naam en functie van de contactpersoon", "contactmomenten"],
        "purpose": "Communicatietabel: wie wanneer benaderen",
        "legal_basis": (
            "Gerechtvaardigd belang: bekendheid en samenwerking (AVG art. 6 lid 1 sub f)"
        ),
        "recipients": ["projectleider"],
        "retention": "Zolang de samenwerking loopt",
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    partner_id = mapped_column(sa.ForeignKey("partner.id", ondelete="SET NULL"), nullable=True)
    organisation_name = mapped_column(sa.String(160), nullable=False)
    person = mapped_column(sa.String(120), nullable=True)
    person_role = mapped_column(sa.String(120), nullable=True)
    channel = choice_column(Channel, default=Channel.email)
    frequency = mapped_column(sa.String(80), nullable=True)
    purpose = mapped_column(sa.String(200), nullable=True)
    last_contact_on = mapped_column(sa.Date, nullable=True)
    next_contact_on = mapped_column(sa.Date, nullable=True, index=True)
    status = choice_column(OutreachStatus, default=OutreachStatus.planned, index=True)
    next_step = mapped_column(sa.String(200), nullable=True)
    owner_id = user_fk()  # who of us approaches them
    notes = mapped_column(sa.Text, nullable=True)
    partner = relationship("Partner")
    owner = relationship("User")

    def __str__(self):
        return f"{self.organisation_name} – {self.person or ''}".strip(" –")
