from flask import g

from app.concerns.views import ConcernView
from app.core.api import ScopedModelRestApi


class ConcernApi(ScopedModelRestApi):
    view = ConcernView

    def pre_add(self, item):
        super().pre_add(item)
        item.raised_by_id = item.raised_by_id or g.user.id
