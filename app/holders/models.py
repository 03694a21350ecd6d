import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy import event
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column
from app.core.validation import (
    Rule,
    field_validators,
    normalise_email,
    normalise_pc4,
    normalise_phone,
    normalise_postcode,
    past_date,
    required,
)
from security.crypto import EncryptedDate, EncryptedString, EncryptedText


class HolderStatus(Choice):
    active = "Actief"
    inactive = "Inactief"
    ended = "Beëindigd"


class Holder(OrgScopedMixin, Model):
    """A hulpkaarthouder: the person the card belongs to. Personal fields are encrypted."""

    __tablename__ = "holder"
    __privacy__ = {
        "categories": [
            "naam", "geboortedatum", "adres en postcode", "telefoon", "e-mail", "notities",
        ],
        "purpose": "Een Hulpkaart maken en bijhouden voor de houder",
        "legal_basis": (
            "Toestemming van de houder (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
            "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
        ),
        "recipients": [
            "hulpkaartcoach", "projectleider", "privacyfunctionaris",
            "meldkamer politie (alleen met uitdrukkelijke toestemming)",
        ],
        "retention": (
            "{HULPREGIE_RETENTION_HOLDER_MONTHS} maanden na het einde of de intrekking van de "
            "laatste kaart van de houder (bewaartermijnen-taak); eerder bij een verwijderverzoek"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol (een coach ziet alleen zijn eigen houders); "
            "versleuteld opgeslagen; toegangslog; blinde index voor exact zoeken"
        ),
    }
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "reference"),
        sa.Index("ix_holder_org_coach", "organisation_id", "coach_id"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    reference = mapped_column(sa.String(20), nullable=False)
    first_name = mapped_column(EncryptedString(80), nullable=False)
    last_name = mapped_column(EncryptedString(120), nullable=False)
    last_name_index = mapped_column(sa.String(64), nullable=True, index=True)
    phone_index = mapped_column(sa.String(64), nullable=True, index=True)
    email_index = mapped_column(sa.String(64), nullable=True, index=True)
    postcode_index = mapped_column(sa.String(64), nullable=True, index=True)
    birth_date = mapped_column(EncryptedDate, nullable=True)
    address = mapped_column(EncryptedString(200), nullable=True)
    postcode = mapped_column(EncryptedString(7), nullable=True)
    pc4 = mapped_column(sa.String(4), nullable=True, index=True)
    town = mapped_column(sa.String(80), nullable=True)
    phone = mapped_column(EncryptedString(20), nullable=True)
    email = mapped_column(EncryptedString(254), nullable=True)
    notes = mapped_column(EncryptedText, nullable=True)
    status = choice_column(HolderStatus, default=HolderStatus.active, index=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    coach = relationship("Coach", back_populates="holders")
    cards = relationship("HelpCard", back_populates="holder", cascade="all, delete-orphan")
    contact_persons = relationship(
        "ContactPerson", back_populates="holder", cascade="all, delete-orphan",
        order_by="ContactPerson.priority",
    )

    __blind_index__ = {
        "last_name": "last_name_index",
        "phone": "phone_index",
        "email": "email_index",
        "postcode": "postcode_index",
    }
    _checks = field_validators(
        reference=required("Kenmerk"),
        first_name=required("Voornaam"),
        last_name=required("Achternaam"),
        birth_date=past_date("Geboortedatum"),
        phone=normalise_phone,
        email=normalise_email,
        postcode=normalise_postcode,
        pc4=normalise_pc4,
    )

    __rules__ = (
        Rule("organisation", "Uw organisatie registreert geen hulpkaarthouders (anonieme "
                             "telmodus): leg de kaarten vast bij Hulpkaarten > Kaarten tellen "
                             "(anoniem)", lambda h: h.id is not None or registers_holders(h)),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self):
        return f"{self.reference} {self.full_name}"


def registers_holders(holder) -> bool:
    """False when the holder's organisation only counts cards (Organisation.registers_holders)."""
    from app.extensions import db
    from app.organisations.models import Organisation

    org = holder.organisation
    if org is None and holder.organisation_id is not None:
        with db.session.no_autoflush:
            org = db.session.get(Organisation, holder.organisation_id)
    return org is None or org.registers_holders is not False  # None: not yet written (default True)


@event.listens_for(Holder, "before_insert")
@event.listens_for(Holder, "before_update")
def _derive_pc4(mapper, connection, holder):
    """PC4 stays plain for statistics and matching; the full postcode is encrypted."""
    if holder.postcode:
        holder.pc4 = str(holder.postcode)[:4]
