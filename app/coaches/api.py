from app.core.interface import ScopedInterface

from app.coaches import schemas as s
from app.coaches.models import (
    Coach,
    IntervisionAttendance,
    IntervisionSession,
    PerformanceReview,
    Training,
)
from app.core.api import ScopedModelRestApi


class CoachApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Coach)
    resource_name = "coach"
    list_columns = ["id", *s.COACH_LIST]
    show_columns = ["id", *s.COACH_SHOW]
    add_columns = edit_columns = s.COACH_EDIT
    search_columns = s.COACH_SEARCH
    label_columns = s.LABELS


class TrainingApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Training)
    resource_name = "training"
    list_columns = ["id", *s.TRAINING_LIST]
    show_columns = ["id", *s.TRAINING_SHOW]
    add_columns = edit_columns = s.TRAINING_EDIT
    search_columns = s.TRAINING_SEARCH
    label_columns = s.LABELS


class IntervisionSessionApi(ScopedModelRestApi):
    datamodel = ScopedInterface(IntervisionSession)
    resource_name = "intervision_session"
    list_columns = ["id", *s.SESSION_LIST]
    show_columns = ["id", *s.SESSION_SHOW]
    add_columns = edit_columns = s.SESSION_EDIT
    search_columns = s.SESSION_SEARCH
    label_columns = s.LABELS


class IntervisionAttendanceApi(ScopedModelRestApi):
    datamodel = ScopedInterface(IntervisionAttendance)
    resource_name = "intervision_attendance"
    list_columns = ["id", *s.ATTENDANCE_LIST]
    show_columns = ["id", *s.ATTENDANCE_SHOW]
    add_columns = edit_columns = s.ATTENDANCE_EDIT
    search_columns = s.ATTENDANCE_SEARCH
    label_columns = s.LABELS


class PerformanceReviewApi(ScopedModelRestApi):
    datamodel = ScopedInterface(PerformanceReview)
    resource_name = "performance_review"
    list_columns = ["id", *s.REVIEW_LIST]
    show_columns = ["id", *s.REVIEW_SHOW]
    add_columns = edit_columns = s.REVIEW_EDIT
    search_columns = s.REVIEW_SEARCH
    label_columns = s.LABELS
