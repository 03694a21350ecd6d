from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.partners import schemas as s
from app.partners.models import OutreachContact, Partner


class PartnerView(ScopedModelView):
    datamodel = ScopedInterface(Partner)
    list_title = "Partners"
    show_title = "Partner"
    add_title = "Nieuwe partner"
    edit_title = "Partner wijzigen"
    list_columns = s.PARTNER_LIST
    show_columns = s.PARTNER_SHOW
    add_columns = edit_columns = s.PARTNER_EDIT
    search_columns = s.PARTNER_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("name", "asc")


class OutreachContactView(ScopedModelView):
    datamodel = ScopedInterface(OutreachContact)
    list_title = "Communicatietabel"
    show_title = "Contactmoment"
    add_title = "Nieuw contactmoment"
    edit_title = "Contactmoment wijzigen"
    list_columns = s.OUTREACH_LIST
    show_columns = s.OUTREACH_SHOW
    add_columns = edit_columns = s.OUTREACH_EDIT
    search_columns = s.OUTREACH_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("next_contact_on", "asc")
