from app.consents.checks import ConsentRules, NoticeRules
from app.consents.views import ConsentView, PrivacyNoticeView
from app.core.api import ScopedModelRestApi


class ConsentApi(ConsentRules, ScopedModelRestApi):
    view = ConsentView


class PrivacyNoticeApi(NoticeRules, ScopedModelRestApi):
    view = PrivacyNoticeView
