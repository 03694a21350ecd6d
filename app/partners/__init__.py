"""Netwerk: partner organisations (the sociale kaart) and the communication table."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.partners.api import OutreachContactApi, PartnerApi
    from app.partners.views import OutreachContactView, OutreachDueView, PartnerView

    add_resource(appbuilder, PartnerView, PartnerApi, name="Partners",
                 category="Netwerk", icon="fa-handshake")
    add_resource(appbuilder, OutreachContactView, OutreachContactApi, name="Communicatietabel",
                 category="Netwerk", icon="fa-comments")
    # The due list: rows whose next contact has (nearly) come (same resource).
    add_resource(appbuilder, OutreachDueView, name="Te benaderen",
                 category="Netwerk", icon="fa-phone")
