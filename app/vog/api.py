from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck
from app.vog.views import VogCheckView, _check_profiles


class VogCheckApi(ScopedModelRestApi):
    view = VogCheckView
    validators_columns = {"screening_profile": SchemaCheck(_check_profiles)}
