import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk, utcnow
from app.core.validation import Rule
from security.crypto import EncryptedText


class ConsentPurpose(Choice):
    registration = "Registratie (houder)"
    on_card = "Op de kaart (contactpersoon)"
    control_room = "Meldkamer politie (expliciet)"
    research = "Deelname onderzoek"
    partner_sharing = "Delen met partner bij doorverwijzing"
    email_contact = "Contact per e-mail"


class ConsentForm(Choice):
    written = "Schriftelijk"
    oral = "Mondeling"
    online = "Online (eigen link)"


class PrivacyNotice(OrgScopedMixin, Model):
    """A version of the privacy notice; a version that a consent refers to is never edited."""

    __tablename__ = "privacy_notice"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "version"),)
    id = mapped_column(sa.Integer, primary_key=True)
    version = mapped_column(sa.String(20), nullable=False)
    title = mapped_column(sa.String(200), nullable=False)
    body = mapped_column(sa.Text, nullable=False)
    effective_from = mapped_column(sa.Date, nullable=False, default=dt.date.today)

    def __str__(self):
        return f"{self.title} v{self.version}"


class Consent(OrgScopedMixin, Model):
    """Consent of one subject for one purpose, with evidence; withdrawn, never edited."""

    __tablename__ = "consent"
    __privacy__ = {
        "categories": ["toestemming: doel, vorm, datum, bewijs", "intrekking en reden"],
        "purpose": "Aantonen dat en waarvoor toestemming is gegeven of ingetrokken (AVG art. 7)",
        "legal_basis": (
            "Wettelijke plicht om toestemming aan te tonen (AVG art. 7 lid 1, art. 6 lid 1 sub c)"
        ),
        "recipients": ["hulpkaartcoach", "helpdesk", "privacyfunctionaris"],
        "retention": (
            "Met de betrokkene: houder en contactpersoon {HULPREGIE_RETENTION_HOLDER_MONTHS} "
            "maanden na de laatste kaart; bij vrijwilliger en hulpvraag blijft de toestemming "
            "zelf bewaard zonder bewijs na anonimisering"
        ),
        "security": (
            "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog; "
            "bewijsstukken buiten de webmap, verwijderd bij verwijdering"
        ),
    }
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN holder_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contact_person_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN help_request_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN volunteer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= given_at", name="withdrawn_after_given"
        ),
        sa.Index("ix_consent_holder_purpose", "holder_id", "purpose"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    purpose = choice_column(ConsentPurpose, index=True)
    holder_id = mapped_column(sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=True)
    contact_person_id = mapped_column(
        sa.ForeignKey("contact_person.id", ondelete="CASCADE"), nullable=True, index=True
    )
    help_request_id = mapped_column(
        sa.ForeignKey("help_request.id", ondelete="CASCADE"), nullable=True, index=True
    )
    volunteer_id = mapped_column(
        sa.ForeignKey("volunteer.id", ondelete="CASCADE"), nullable=True, index=True
    )
    given_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    form = choice_column(ConsentForm)
    recorded_by_id = user_fk()
    evidence_note = mapped_column(EncryptedText, nullable=True)
    evidence_file = mapped_column(sa.String(255), nullable=True)
    notice_id = mapped_column(sa.ForeignKey("privacy_notice.id", ondelete="RESTRICT"), nullable=True)
    withdrawn_at = mapped_column(sa.DateTime, nullable=True)
    withdrawn_by_id = user_fk()
    withdrawal_method = mapped_column(sa.String(40), nullable=True)
    withdrawal_reason = mapped_column(EncryptedText, nullable=True)
    holder = relationship("Holder")
    contact_person = relationship("ContactPerson")
    help_request = relationship("HelpRequest")
    volunteer = relationship("Volunteer")
    notice = relationship("PrivacyNotice")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    __rules__ = (
        Rule("holder", "Vul precies één betrokkene in: hulpkaarthouder, contactpersoon, "
                       "hulpvraag of vrijwilliger",
             lambda c: sum(getattr(c, n) is not None or getattr(c, f"{n}_id") is not None
                           for n in ("holder", "contact_person", "help_request", "volunteer")) == 1),
    )

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def __str__(self):
        return f"{self.purpose} ({'ingetrokken' if self.withdrawn_at else 'actief'})"
