import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk, utcnow
from security.crypto import EncryptedText


class ConcernKind(Choice):
    few_requests = "Weinig of geen aanvragen"
    coach_dissatisfied = "Ontevredenheid coaches"
    requester_dissatisfied = "Ontevredenheid aanvragers"
    holder_wellbeing = "Zorg om een houder"
    loneliness = "Eenzaamheid"
    poverty = "Armoede"
    neglect = "Verwaarlozing"
    more_help = "Meer of andere hulp nodig"
    privacy_task = "Privacytaak"  # e.g. tell the control room about a withdrawn consent
    other = "Overig"


class ConcernStatus(Choice):
    open = "Open"
    in_progress = "In behandeling"
    resolved = "Opgelost"


class Concern(OrgScopedMixin, Model):
    """An early signal (stagnation, dissatisfaction, worry about a holder) and its follow-up."""

    __tablename__ = "concern"
    __privacy__ = {
        "categories": ["signalen over welzijn, eenzaamheid, armoede of verwaarlozing", "opvolging"],
        "purpose": "Vroege signalen opvolgen",
        "legal_basis": (
            "Gerechtvaardigd belang: zorg voor de houder of hulpvrager (AVG art. 6 lid 1 sub f)"
        ),
        "recipients": ["hulpkaartcoach", "projectleider", "helpdesk"],
        "retention": "Met de houder of hulpvraag waar het signaal over gaat",
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    kind = choice_column(ConcernKind)
    status = choice_column(ConcernStatus, default=ConcernStatus.open, index=True)
    holder_id = mapped_column(sa.ForeignKey("holder.id", ondelete="CASCADE"), nullable=True, index=True)
    help_request_id = mapped_column(
        sa.ForeignKey("help_request.id", ondelete="CASCADE"), nullable=True, index=True)
    follow_up_on = mapped_column(sa.Date, nullable=True, index=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    raised_at = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    raised_by_id = user_fk()
    description = mapped_column(EncryptedText, nullable=False)
    resolution = mapped_column(EncryptedText, nullable=True)
    resolved_at = mapped_column(sa.DateTime, nullable=True)
    holder = relationship("Holder")
    help_request = relationship("HelpRequest")
    coach = relationship("Coach")

    def __str__(self):
        return f"Signaal: {self.kind}"
