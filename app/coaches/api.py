from app.coaches.views import (
    CoachView,
    IntervisionAttendanceView,
    IntervisionSessionView,
    PerformanceReviewView,
    TrainingView,
)
from app.core.api import ScopedModelRestApi


class CoachApi(ScopedModelRestApi):
    view = CoachView


class TrainingApi(ScopedModelRestApi):
    view = TrainingView


class IntervisionSessionApi(ScopedModelRestApi):
    view = IntervisionSessionView


class IntervisionAttendanceApi(ScopedModelRestApi):
    view = IntervisionAttendanceView


class PerformanceReviewApi(ScopedModelRestApi):
    view = PerformanceReviewView
