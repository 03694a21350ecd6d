import datetime as dt

import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import Choice, OrgScopedMixin, choice_column, user_fk
from app.core.validation import (
    Rule,
    field_validators,
    normalise_email,
    normalise_phone,
    required,
)
from security.crypto import EncryptedText


class Coach(OrgScopedMixin, Model):
    """A trained Hulpkaartcoach, linked to his login."""

    __tablename__ = "coach"
    __privacy__ = {
        "categories": ["naam", "e-mail", "telefoon", "competenties", "doelgroepen"],
        "purpose": "Inzet en begeleiding van Hulpkaartcoaches",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["projectleider"],
        "retention": "Zolang de coach actief is; daarna verwijderen door de projectleider",
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    __table_args__ = (sa.CheckConstraint("max_caseload >= 0", name="caseload_nonneg"),)
    id = mapped_column(sa.Integer, primary_key=True)
    user_id = mapped_column(sa.ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=True, unique=True)
    first_name = mapped_column(sa.String(80), nullable=False)
    last_name = mapped_column(sa.String(120), nullable=False)
    email = mapped_column(sa.String(254), nullable=True)
    phone = mapped_column(sa.String(20), nullable=True)
    competences = mapped_column(sa.Text, nullable=True)
    target_groups = mapped_column(sa.String(200), nullable=True)
    max_caseload = mapped_column(sa.Integer, nullable=False, default=10)
    active = mapped_column(sa.Boolean, nullable=False, default=True)
    started_on = mapped_column(sa.Date, nullable=True)
    user = relationship("User")
    holders = relationship("Holder", back_populates="coach")
    trainings = relationship("Training", back_populates="coach", cascade="all, delete-orphan")

    _checks = field_validators(
        first_name=required("Voornaam"),
        last_name=required("Achternaam"),
        phone=normalise_phone,
        email=normalise_email,
    )

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class TrainingKind(Choice):
    coach_training = "Coachtraining (MEE)"
    workshop = "Workshop"
    refresher = "Opfrisbijeenkomst"
    other = "Overig"


class Training(OrgScopedMixin, Model):
    __tablename__ = "training"
    id = mapped_column(sa.Integer, primary_key=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = choice_column(TrainingKind)
    name = mapped_column(sa.String(200), nullable=False)
    completed_on = mapped_column(sa.Date, nullable=True)
    certificate = mapped_column(sa.String(200), nullable=True)
    valid_until = mapped_column(sa.Date, nullable=True)
    coach = relationship("Coach", back_populates="trainings")

    def __str__(self):
        return self.name


class IntervisionStatus(Choice):
    planned = "Gepland"
    held = "Gehouden"
    cancelled = "Afgelast"


class IntervisionSession(OrgScopedMixin, Model):
    """Intervision of coaches, about every six weeks."""

    __tablename__ = "intervision_session"
    __privacy__ = {
        "categories": ["gespreksnotities van intervisie"],
        "purpose": "Intervisie van coaches (elke zes weken)",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["projectleider", "coaches"],
        "retention": "Zolang de coach actief is; daarna verwijderen door de projectleider",
        "security": "Alleen de eigen organisatie, per rol; versleuteld opgeslagen; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    held_on = mapped_column(sa.Date, nullable=False, default=dt.date.today, index=True)
    status = choice_column(IntervisionStatus, default=IntervisionStatus.planned, index=True)
    location = mapped_column(sa.String(160), nullable=True)
    facilitator = mapped_column(sa.String(120), nullable=True)
    topics = mapped_column(sa.Text, nullable=True)
    notes = mapped_column(EncryptedText, nullable=True)
    attendance = relationship(
        "IntervisionAttendance", back_populates="session", cascade="all, delete-orphan"
    )

    def __str__(self):
        return f"Intervisie {self.held_on:%d-%m-%Y}" if self.held_on else "Intervisie"


class IntervisionAttendance(OrgScopedMixin, Model):
    """A coach (or a guest from another organisation) at an intervision session."""

    __tablename__ = "intervision_attendance"
    __privacy__ = {
        "categories": ["aanwezigheid", "naam en organisatie van gasten"],
        "purpose": "Aanwezigheid bij intervisie",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["projectleider"],
        "retention": "Zolang de coach actief is; daarna verwijderen door de projectleider",
        "security": "Alleen de eigen organisatie, per rol; toegangslog",
    }
    __table_args__ = (
        sa.UniqueConstraint("session_id", "coach_id"),
        sa.CheckConstraint("coach_id IS NOT NULL OR guest_name IS NOT NULL", name="who"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    session_id = mapped_column(
        sa.ForeignKey("intervision_session.id", ondelete="CASCADE"), nullable=False, index=True
    )
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="CASCADE"), nullable=True, index=True)
    guest_name = mapped_column(sa.String(120), nullable=True)
    guest_organisation = mapped_column(sa.String(120), nullable=True)
    present = mapped_column(sa.Boolean, nullable=False, default=True)
    session = relationship("IntervisionSession", back_populates="attendance")
    coach = relationship("Coach")

    __rules__ = (
        Rule("guest_name", "Kies een coach of vul de naam van een gast in",
             lambda a: a.coach is not None or a.coach_id is not None
             or bool((a.guest_name or "").strip())),
    )

    def __str__(self):
        return str(self.coach or self.guest_name)


class PerformanceReview(OrgScopedMixin, Model):
    """Yearly functioneringsgesprek; notes only for ProjectLeader and the coach himself."""

    __tablename__ = "performance_review"
    __privacy__ = {
        "categories": ["functioneringsgesprek", "verslag"],
        "purpose": "Jaarlijks functioneringsgesprek met de coach",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["projectleider", "de coach zelf"],
        "retention": "Zolang de coach actief is; daarna verwijderen door de projectleider",
        "security": "Alleen projectleider en de coach zelf; versleuteld opgeslagen; toegangslog",
    }
    id = mapped_column(sa.Integer, primary_key=True)
    coach_id = mapped_column(sa.ForeignKey("coach.id", ondelete="CASCADE"), nullable=False, index=True)
    planned_on = mapped_column(sa.Date, nullable=False)
    held_on = mapped_column(sa.Date, nullable=True)
    reviewer_id = user_fk()
    outcome_notes = mapped_column(EncryptedText, nullable=True)
    coach = relationship("Coach")
    reviewer = relationship("User")

    def __str__(self):
        return f"Functioneringsgesprek {self.coach} {self.planned_on}"
