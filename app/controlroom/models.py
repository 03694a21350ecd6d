import sqlalchemy as sa
from flask_appbuilder import Model
from sqlalchemy.orm import mapped_column, relationship

from app.core.models import OrgScopedMixin, user_fk


class ControlRoomExport(OrgScopedMixin, Model):
    """One export file handed to the control room: who, when, full or delta, counts, checksum."""

    __tablename__ = "control_room_export"
    __table_args__ = (
        sa.CheckConstraint("upserts >= 0 AND deletes >= 0", name="counts"),
    )
    id = mapped_column(sa.Integer, primary_key=True)
    export_id = mapped_column(sa.String(36), nullable=False, unique=True)  # UUID in the file
    full = mapped_column(sa.Boolean, nullable=False, default=False)
    previous_id = mapped_column(
        sa.ForeignKey("control_room_export.id", ondelete="SET NULL"), nullable=True)
    created_by_id = user_fk()
    upserts = mapped_column(sa.Integer, nullable=False, default=0)
    deletes = mapped_column(sa.Integer, nullable=False, default=0)
    checksum = mapped_column(sa.String(64), nullable=True)  # SHA-256 of the protected file
    purpose = mapped_column(sa.String(200), nullable=True)
    previous = relationship("ControlRoomExport", remote_side=[id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self):
        return f"Meldkamer-export {self.export_id[:8]} ({'volledig' if self.full else 'wijzigingen'})"


class ControlRoomState(OrgScopedMixin, Model):
    """What the control room holds per holder, known by a stable pseudonymous reference; a
    holder who became ineligible (or was erased: holder_id NULL) gets one delete record."""

    __tablename__ = "control_room_state"
    __privacy__ = {
        "categories": [
            "pseudoniem kenmerk van de houder bij de meldkamer", "wat er is aangeleverd",
        ],
        "purpose": (
            "Bijhouden wat de meldkamer heeft, zodat intrekking en verwijdering als "
            "verwijderopdracht meegaan"
        ),
        "legal_basis": "Uitdrukkelijke toestemming van de houder (AVG art. 9 lid 2 sub a)",
        "recipients": ["meldkamer politie"],
        "retention": (
            "Tot de meldkamer de verwijderopdracht heeft gekregen; de koppeling met de houder "
            "vervalt bij verwijdering"
        ),
        "security": "Pseudoniem kenmerk; alleen privacyfunctionaris",
    }
    __table_args__ = (sa.UniqueConstraint("organisation_id", "reference"),)
    id = mapped_column(sa.Integer, primary_key=True)
    reference = mapped_column(sa.String(64), nullable=False)
    holder_id = mapped_column(
        sa.ForeignKey("holder.id", ondelete="SET NULL"), nullable=True, index=True)
    content_hash = mapped_column(sa.String(64), nullable=True)  # of the last record sent
    present = mapped_column(sa.Boolean, nullable=False, default=False)  # there now
    last_export_id = mapped_column(
        sa.ForeignKey("control_room_export.id", ondelete="SET NULL"), nullable=True)

    def __str__(self):
        return f"Meldkamer {self.reference[:8]}"
