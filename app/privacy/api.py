from app.core.api import ScopedModelRestApi
from app.privacy.views import PrivacyRequestView


class PrivacyRequestApi(ScopedModelRestApi):
    view = PrivacyRequestView
