from app.coaches.views import (
    CoachView,
    IntervisionAttendanceView,
    IntervisionSessionView,
    PerformanceReviewView,
    TrainingView,
    log_hidden_review,
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

    def get_headless(self, pk, **kwargs):
        """A coach gets only his own reviews; asking for another's is logged."""
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 404:
            log_hidden_review(self.datamodel.session, pk)
        return response
