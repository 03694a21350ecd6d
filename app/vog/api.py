from app.core.api import ScopedModelRestApi
from app.vog.views import VogCheckView


class VogCheckApi(ScopedModelRestApi):
    view = VogCheckView
