"""Toestemmingen: the recorded consents (AVG) and the versions of the privacy notice."""

# Overviews of the consent resource (menu entry → ConsentView endpoint); whoever may read
# consents sees them.
OVERVIEWS = {
    "Toestemmingen per persoon": ("ConsentView.per_person", "fa-id-card"),
    "Ontbrekende toestemmingen": ("ConsentView.missing", "fa-circle-exclamation"),
    "Onder een oude privacyverklaring": ("ConsentView.outdated", "fa-clock-rotate-left"),
}


def register(appbuilder):
    from sqlalchemy.orm import Session

    from app.consents import checks
    from app.consents.api import ConsentApi, PrivacyNoticeApi
    from app.consents.views import ConsentView, PrivacyNoticeView
    from app.core.registry import add_resource

    checks.install(Session)  # a given consent and a used notice stay as they are
    add_resource(appbuilder, ConsentView, ConsentApi, name="Toestemmingen",
                 category="Privacy", icon="fa-file-signature")
    for name, (endpoint, icon) in OVERVIEWS.items():
        appbuilder.add_link(name, href=endpoint, icon=icon, category="Privacy")
        appbuilder.resource_menus["Consent"].append(name)
    add_resource(appbuilder, PrivacyNoticeView, PrivacyNoticeApi, name="Privacyverklaringen",
                 category="Privacy", icon="fa-user-shield")
