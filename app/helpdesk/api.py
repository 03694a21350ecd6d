from app.core.api import ScopedModelRestApi
from app.helpdesk.views import FeedbackView, HelpRequestView, MatchView, ReferralView


class HelpRequestApi(ScopedModelRestApi):
    view = HelpRequestView


class ReferralApi(ScopedModelRestApi):
    view = ReferralView


class MatchApi(ScopedModelRestApi):
    view = MatchView


class FeedbackApi(ScopedModelRestApi):
    view = FeedbackView
