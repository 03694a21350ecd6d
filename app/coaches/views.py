import datetime as dt

from sqlalchemy import func

from app.cards.models import Appointment, AppointmentStatus, HelpCard
from app.coaches import schemas as s
from app.coaches.models import (
    Coach,
    IntervisionAttendance,
    IntervisionSession,
    PerformanceReview,
    Training,
)
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from workflows.cards import IN_PROGRESS, format_minutes


def caseload(session, coach_ids) -> list[dict]:
    """Per coach: open cards (not issued, evaluated, ended or withdrawn) against his maximum,
    and the time of his held appointments this year."""
    if not coach_ids:
        return []
    year = dt.date.today().year
    open_cards = dict(session.query(HelpCard.coach_id, func.count(HelpCard.id)).filter(
        HelpCard.coach_id.in_(coach_ids), HelpCard.status.in_(IN_PROGRESS)).group_by(
        HelpCard.coach_id).all())
    minutes = dict(session.query(
        Appointment.coach_id, func.sum(Appointment.duration_minutes)).filter(
        Appointment.coach_id.in_(coach_ids), Appointment.status == AppointmentStatus.held,
        Appointment.starts_at >= dt.datetime(year, 1, 1),
        Appointment.starts_at < dt.datetime(year + 1, 1, 1)).group_by(
        Appointment.coach_id).all())
    coaches = session.query(Coach).filter(Coach.id.in_(coach_ids)).order_by(
        Coach.last_name, Coach.first_name).all()
    return [{
        "id": c.id, "name": str(c), "open": open_cards.get(c.id, 0), "max": c.max_caseload,
        "over": open_cards.get(c.id, 0) > c.max_caseload,
        "hours": format_minutes(minutes.get(c.id) or 0), "year": year,
    } for c in coaches]


class TrainingView(ScopedModelView):
    datamodel = ScopedInterface(Training)
    list_title = "Trainingen"
    show_title = "Training"
    add_title = "Nieuwe training"
    edit_title = "Training wijzigen"
    list_columns = s.TRAINING_LIST
    show_columns = s.TRAINING_SHOW
    add_columns = edit_columns = s.TRAINING_EDIT
    search_columns = s.TRAINING_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("completed_on", "desc")


class PerformanceReviewView(ScopedModelView):
    datamodel = ScopedInterface(PerformanceReview)
    list_title = "Functioneringsgesprekken"
    show_title = "Functioneringsgesprek"
    add_title = "Nieuw functioneringsgesprek"
    edit_title = "Functioneringsgesprek wijzigen"
    list_columns = s.REVIEW_LIST
    show_columns = s.REVIEW_SHOW
    add_columns = edit_columns = s.REVIEW_EDIT
    search_columns = s.REVIEW_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("planned_on", "desc")


class CoachView(ScopedModelView):
    datamodel = ScopedInterface(Coach)
    list_title = "Hulpkaartcoaches"
    show_title = "Hulpkaartcoach"
    add_title = "Nieuwe coach"
    edit_title = "Coach wijzigen"
    list_columns = s.COACH_LIST
    show_columns = s.COACH_SHOW
    add_columns = edit_columns = s.COACH_EDIT
    search_columns = s.COACH_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("last_name", "asc")
    related_views = [TrainingView, PerformanceReviewView]
    list_template = "cards/caseload_list.html"
    show_template = "cards/caseload_show.html"

    def render_template(self, template, **kwargs):
        """The list and the coach's page show his caseload ("Open kaarten") and hours."""
        ids = []
        if template == self.list_template and "list" in (kwargs.get("widgets") or {}):
            ids = kwargs["widgets"]["list"].template_args.get("pks") or []
        elif template == self.show_template and kwargs.get("pk") is not None:
            ids = [int(kwargs["pk"])]
        kwargs["caseload"] = caseload(self.datamodel.session, ids)
        return super().render_template(template, **kwargs)


class IntervisionAttendanceView(ScopedModelView):
    datamodel = ScopedInterface(IntervisionAttendance)
    list_title = "Aanwezigheid intervisie"
    show_title = "Aanwezigheid"
    add_title = "Aanwezigheid vastleggen"
    edit_title = "Aanwezigheid wijzigen"
    list_columns = s.ATTENDANCE_LIST
    show_columns = s.ATTENDANCE_SHOW
    add_columns = edit_columns = s.ATTENDANCE_EDIT
    search_columns = s.ATTENDANCE_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("session_id", "desc")


class IntervisionSessionView(ScopedModelView):
    datamodel = ScopedInterface(IntervisionSession)
    list_title = "Intervisiebijeenkomsten"
    show_title = "Intervisiebijeenkomst"
    add_title = "Nieuwe intervisiebijeenkomst"
    edit_title = "Intervisiebijeenkomst wijzigen"
    list_columns = s.SESSION_LIST
    show_columns = s.SESSION_SHOW
    add_columns = edit_columns = s.SESSION_EDIT
    search_columns = s.SESSION_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("held_on", "desc")
    related_views = [IntervisionAttendanceView]
