"""Support plans (ondersteuningsplan) from the open conversation of the Generiek kompas."""

import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, ClientMixin, OrgScopedMixin, choice_column, client_check, user_fk
from security.crypto import EncryptedText

PRIVACY = {
    "categories": [
        "wat de cliënt belangrijk vindt", "eigen kracht en netwerk", "hulpbehoefte",
        "doelen en afspraken",
    ],
    "purpose": "Een ondersteuningsplan maken en bijhouden in een open gesprek met de cliënt",
    "legal_basis": (
        "Toestemming van de cliënt (AVG art. 6 lid 1 sub a); gezondheidsgegevens met "
        "uitdrukkelijke toestemming (art. 9 lid 2 sub a)"
    ),
    "recipients": ["alleen wie de cliënt als lezer aanwijst"],
    "retention": "Met de cliënt (houder of hulpvraag): de bewaartermijn van de cliënt",
    "security": (
        "Alleen de lezers die de cliënt kiest; versleuteld opgeslagen; weigeringen en "
        "inzage in het toegangslog"
    ),
}


class SupportPlanStatus(Choice):
    draft = "In voorbereiding"
    agreed = "Afgesproken"
    ended = "Beëindigd"


support_plan_reader = sa.Table(
    "support_plan_reader",
    Model.metadata,
    sa.Column("plan_id", sa.ForeignKey("support_plan.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
)


class SupportPlan(ClientMixin, OrgScopedMixin, Model):
    """A client's support plan; its content lives in versions, its readers are his choice."""

    __tablename__ = "support_plan"
    __privacy__ = PRIVACY
    __table_args__ = (client_check(),)
    id = mapped_column(sa.Integer, primary_key=True)
    title = mapped_column(sa.String(120), nullable=False, default="Ondersteuningsplan")
    status = choice_column(SupportPlanStatus, default=SupportPlanStatus.draft, index=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="SET NULL"), nullable=True)
    next_conversation_on = mapped_column(sa.Date, nullable=True, index=True)
    created_by_id = user_fk()
    coach = relationship("Coach")
    created_by = relationship("User", foreign_keys=[created_by_id])
    readers = relationship("User", secondary=support_plan_reader)
    versions = relationship(
        "SupportPlanVersion", back_populates="plan", cascade="all, delete-orphan",
        order_by="SupportPlanVersion.version_no",
    )

    def __str__(self):
        return self.title or "Ondersteuningsplan"


class SupportPlanVersion(OrgScopedMixin, Model):
    """What was agreed in one conversation; a new conversation makes a new version."""

    __tablename__ = "support_plan_version"
    __privacy__ = PRIVACY
    __table_args__ = (sa.UniqueConstraint("plan_id", "version_no"),)
    id = mapped_column(sa.Integer, primary_key=True)
    plan_id = mapped_column(
        sa.ForeignKey("support_plan.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version_no = mapped_column(sa.Integer, nullable=False, default=1)
    conversation_on = mapped_column(sa.Date, nullable=False, default=dt.date.today)
    important = mapped_column(EncryptedText, nullable=True)  # top 3
    can_do_self = mapped_column(EncryptedText, nullable=True)
    wants_to_do_self = mapped_column(EncryptedText, nullable=True)
    goes_well = mapped_column(EncryptedText, nullable=True)
    goes_less_well = mapped_column(EncryptedText, nullable=True)
    network_who = mapped_column(EncryptedText, nullable=True)  # who around him can help
    network_help = mapped_column(EncryptedText, nullable=True)  # help he gets from them
    professional_help = mapped_column(EncryptedText, nullable=True)
    technology_aids = mapped_column(EncryptedText, nullable=True)
    help_frequency = mapped_column(EncryptedText, nullable=True)  # how often and when
    goals = mapped_column(EncryptedText, nullable=True)
    agreed_on = mapped_column(sa.Date, nullable=True)  # the client agreed with this version
    created_by_id = user_fk()
    plan = relationship("SupportPlan", back_populates="versions")
    created_by = relationship("User")

    def __str__(self):
        return f"Versie {self.version_no} ({self.conversation_on:%d-%m-%Y})"
