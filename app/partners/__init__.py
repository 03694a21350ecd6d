"""Netwerk: partner organisations (the sociale kaart) and the communication table."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.partners.api import OutreachContactApi, PartnerApi
    from app.partners.views import OutreachContactView, PartnerView

    add_resource(appbuilder, PartnerView, PartnerApi, name="Partners",
                 category="Netwerk", icon="fa-handshake")
    add_resource(appbuilder, OutreachContactView, OutreachContactApi, name="Communicatietabel",
                 category="Netwerk", icon="fa-comments")
