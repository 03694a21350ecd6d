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
