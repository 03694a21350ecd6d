from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.coaches import schemas as s
from app.coaches.checks import AttendeeCheck, StaffUserCheck, own_users
from app.coaches.models import (
    Coach,
    IntervisionAttendance,
    IntervisionSession,
    PerformanceReview,
    Training,
)
from app.core.api import ScopedModelRestApi


class CoachApi(StaffUserCheck, ScopedModelRestApi):
    datamodel = SQLAInterface(Coach)
    resource_name = "coach"
    list_columns = ["id", *s.COACH_LIST]
    show_columns = ["id", *s.COACH_SHOW]
    add_columns = edit_columns = s.COACH_EDIT
    search_columns = s.COACH_SEARCH
    label_columns = s.LABELS
    staff_user_fields = ("user",)
    add_query_rel_fields = edit_query_rel_fields = own_users("user")


class TrainingApi(ScopedModelRestApi):
    datamodel = SQLAInterface(Training)
    resource_name = "training"
    list_columns = ["id", *s.TRAINING_LIST]
    show_columns = ["id", *s.TRAINING_SHOW]
    add_columns = edit_columns = s.TRAINING_EDIT
    search_columns = s.TRAINING_SEARCH
    label_columns = s.LABELS


class IntervisionSessionApi(ScopedModelRestApi):
    datamodel = SQLAInterface(IntervisionSession)
    resource_name = "intervision_session"
    list_columns = ["id", *s.SESSION_LIST]
    show_columns = ["id", *s.SESSION_SHOW]
    add_columns = edit_columns = s.SESSION_EDIT
    search_columns = s.SESSION_SEARCH
    label_columns = s.LABELS


class IntervisionAttendanceApi(AttendeeCheck, ScopedModelRestApi):
    datamodel = SQLAInterface(IntervisionAttendance)
    resource_name = "intervision_attendance"
    list_columns = ["id", *s.ATTENDANCE_LIST]
    show_columns = ["id", *s.ATTENDANCE_SHOW]
    add_columns = edit_columns = s.ATTENDANCE_EDIT
    search_columns = s.ATTENDANCE_SEARCH
    label_columns = s.LABELS


class PerformanceReviewApi(StaffUserCheck, ScopedModelRestApi):
    datamodel = SQLAInterface(PerformanceReview)
    resource_name = "performance_review"
    list_columns = ["id", *s.REVIEW_LIST]
    show_columns = ["id", *s.REVIEW_SHOW]
    add_columns = edit_columns = s.REVIEW_EDIT
    search_columns = s.REVIEW_SEARCH
    label_columns = s.LABELS
    staff_user_fields = ("reviewer",)
    add_query_rel_fields = edit_query_rel_fields = own_users("reviewer")
