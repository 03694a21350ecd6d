"""Informal carers (mantelzorgers), from the Toekomstagenda informele zorg."""

import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, ClientMixin, OrgScopedMixin, choice_column, client_check, user_fk
from app.core.validation import field_validators, normalise_email, normalise_phone, required
from security.crypto import EncryptedString, EncryptedText

PRIVACY = {
    "categories": [
        "naam, relatie, telefoon en e-mail van de mantelzorger",
        "afspraken: wat hij mag, kan en wil", "voorbehouden handelingen", "signalen van overbelasting",
    ],
    "purpose": "Afspraken met mantelzorgers vastleggen en overbelasting opvolgen",
    "legal_basis": (
        "Toestemming van de cliënt en de mantelzorger (AVG art. 6 lid 1 sub a); "
        "gezondheidsgegevens met uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
    ),
    "recipients": ["hulpkaartcoach", "helpdesk", "projectleider"],
    "retention": "Met de cliënt (houder of hulpvraag): de bewaartermijn van de cliënt",
    "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
}


class InformalCarer(ClientMixin, OrgScopedMixin, Model):
    """A mantelzorger of a client, with the agreements made at the first meeting or intake."""

    __tablename__ = "informal_carer"
    __privacy__ = PRIVACY
    __table_args__ = (client_check(),)
    id = mapped_column(sa.Integer, primary_key=True)
    name = mapped_column(EncryptedString(120), nullable=False)
    relation = mapped_column(EncryptedString(80), nullable=True)
    phone = mapped_column(EncryptedString(20), nullable=True)
    email = mapped_column(EncryptedString(254), nullable=True)
    may_do = mapped_column(EncryptedText, nullable=True)
    can_do = mapped_column(EncryptedText, nullable=True)
    wants_to_do = mapped_column(EncryptedText, nullable=True)
    support_needed = mapped_column(EncryptedText, nullable=True)
    agreed_on = mapped_column(sa.Date, nullable=False, default=dt.date.today)
    review_on = mapped_column(sa.Date, nullable=True, index=True)
    # A reserved medical act (voorbehouden handeling, e.g. injections) and its conditions.
    reserved_act = mapped_column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    reserved_act_description = mapped_column(EncryptedText, nullable=True)
    both_want = mapped_column(sa.Boolean, nullable=True)
    competent = mapped_column(sa.Boolean, nullable=True)
    professional_agreements = mapped_column(EncryptedText, nullable=True)
    active = mapped_column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    recorded_by_id = user_fk()
    overload_signals = relationship(
        "CarerOverload", back_populates="carer", cascade="all, delete-orphan"
    )

    _checks = field_validators(name=required("Naam"), phone=normalise_phone, email=normalise_email)

    def __str__(self):
        return self.name or "Mantelzorger"

    def reserved_act_warning(self) -> str:
        """The list's badge: a reserved medical act without all its conditions recorded."""
        return "Let op: voorwaarden voorbehouden handeling ontbreken" if reserved_act_problems(self) else ""


def reserved_act_problems(carer: InformalCarer) -> list[str]:
    """What is missing when the agreements include a reserved medical act (voorbehouden
    handeling, e.g. injections): both want it, the carer is competent, and there are
    agreements with the professionals. Saving is allowed; the warning stays until resolved."""
    if not carer.reserved_act:
        return []
    problems = []
    if not (carer.reserved_act_description or "").strip():
        problems.append("Beschrijf welke voorbehouden handeling de mantelzorger doet.")
    if carer.both_want is not True:
        problems.append("Leg vast dat de cliënt én de mantelzorger willen dat de mantelzorger "
                        "deze voorbehouden handeling doet.")
    if carer.competent is not True:
        problems.append("Leg vast dat de mantelzorger bekwaam is voor deze voorbehouden handeling "
                        "(bijvoorbeeld na instructie door de wijkverpleegkundige).")
    if not (carer.professional_agreements or "").strip():
        problems.append("Leg de afspraken met de betrokken professionals vast (huisarts, "
                        "wijkverpleging): wie instrueert, wie is aanspreekpunt.")
    return problems


class RespiteOption(Choice):
    day_care = "Dagopvang"
    short_stay = "Logeeropvang"
    home_respite = "Respijtzorg thuis"
    other = "Anders"


class CarerOverload(OrgScopedMixin, Model):
    """A signal that a carer is overloaded, and how it is followed up."""

    __tablename__ = "carer_overload"
    __privacy__ = PRIVACY
    id = mapped_column(sa.Integer, primary_key=True)
    carer_id = mapped_column(
        sa.ForeignKey("informal_carer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    signalled_on = mapped_column(sa.Date, nullable=False, default=dt.date.today)
    description = mapped_column(EncryptedText, nullable=False)
    respite_option = choice_column(RespiteOption, nullable=True)
    follow_up_on = mapped_column(sa.Date, nullable=True, index=True)
    resolved_on = mapped_column(sa.Date, nullable=True)
    outcome = mapped_column(EncryptedText, nullable=True)
    recorded_by_id = user_fk()
    carer = relationship("InformalCarer", back_populates="overload_signals")

    def __str__(self):
        return f"Overbelasting {self.signalled_on:%d-%m-%Y}" if self.signalled_on else "Overbelasting"
