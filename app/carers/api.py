from flask import g

from app.carers import schemas
from app.carers.views import CarerOverloadView, CarerScopeFilter, InformalCarerView
from app.core.api import ScopedModelRestApi
from security.audit import actor_for
from workflows import carers as flow


class InformalCarerApi(ScopedModelRestApi):
    view = InformalCarerView
    list_columns = ["id", *schemas.API_LIST]

    def pre_add(self, item):
        super().pre_add(item)
        flow.record(self.datamodel.session, carer=item, by=actor_for(g.user))


class CarerOverloadApi(ScopedModelRestApi):
    view = CarerOverloadView
    base_filters = [["id", CarerScopeFilter, None]]

    def pre_add(self, item):
        super().pre_add(item)
        flow.signal_overload(self.datamodel.session, signal=item, by=actor_for(g.user))
