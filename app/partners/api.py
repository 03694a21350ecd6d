from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.partners import schemas as s
from app.partners.models import OutreachContact, Partner


class PartnerApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Partner)
    resource_name = "partner"
    list_columns = ["id", *s.PARTNER_LIST]
    show_columns = ["id", *s.PARTNER_SHOW]
    add_columns = edit_columns = s.PARTNER_EDIT
    search_columns = s.PARTNER_SEARCH
    label_columns = s.LABELS


class OutreachContactApi(ScopedModelRestApi):
    datamodel = ScopedInterface(OutreachContact)
    resource_name = "outreach_contact"
    list_columns = ["id", *s.OUTREACH_LIST]
    show_columns = ["id", *s.OUTREACH_SHOW]
    add_columns = edit_columns = s.OUTREACH_EDIT
    search_columns = s.OUTREACH_SEARCH
    label_columns = s.LABELS
