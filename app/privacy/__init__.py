"""AVG privacy requests (access, rectification, erasure, withdrawal) and their legal deadline."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.privacy.api import PrivacyRequestApi
    from app.privacy.views import PrivacyRequestView

    add_resource(appbuilder, PrivacyRequestView, PrivacyRequestApi, name="Privacyverzoeken",
                 category="Privacy", icon="fa-user-shield")
