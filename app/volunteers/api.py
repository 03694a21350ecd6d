from functools import partial

from app.core.api import ScopedModelRestApi
from app.core.validation import SchemaCheck
from app.volunteers.availability import normalise
from app.volunteers.views import HelpCategoryView, VolunteerView


class HelpCategoryApi(ScopedModelRestApi):
    view = HelpCategoryView


class VolunteerApi(ScopedModelRestApi):
    view = VolunteerView
    # Codes as "mon,wed" / "morning,evening"; unknown codes answer 400 naming the field.
    validators_columns = {field: SchemaCheck(partial(normalise, field))
                          for field in ("available_days", "available_parts")}
