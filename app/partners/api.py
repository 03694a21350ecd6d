from app.core.api import ScopedModelRestApi
from app.partners.views import OutreachContactView, PartnerView


class PartnerApi(ScopedModelRestApi):
    view = PartnerView


class OutreachContactApi(ScopedModelRestApi):
    view = OutreachContactView
