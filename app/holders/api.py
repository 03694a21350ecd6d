from app.core.api import ScopedModelRestApi
from app.holders.views import HolderView


class HolderApi(ScopedModelRestApi):
    view = HolderView
