"""Toestemmingen: the recorded consents (AVG) and the versions of the privacy notice."""


def register(appbuilder):
    from app.consents.api import ConsentApi, PrivacyNoticeApi
    from app.consents.views import ConsentView, PrivacyNoticeView
    from app.core.registry import add_resource

    add_resource(appbuilder, ConsentView, ConsentApi, name="Toestemmingen",
                 category="Privacy", icon="fa-file-signature")
    add_resource(appbuilder, PrivacyNoticeView, PrivacyNoticeApi, name="Privacyverklaringen",
                 category="Privacy", icon="fa-user-shield")
