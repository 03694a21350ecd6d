"""Burenhulp helpdesk: help requests, their referrals, matches to volunteers and feedback."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.helpdesk.api import FeedbackApi, HelpRequestApi, MatchApi, ReferralApi
    from app.helpdesk.views import FeedbackView, HelpRequestView, MatchView, ReferralView

    add_resource(appbuilder, HelpRequestView, HelpRequestApi, name="Hulpvragen",
                 category="Burenhulp", icon="fa-question-circle")
    add_resource(appbuilder, ReferralView, ReferralApi, name="Doorverwijzingen",
                 category="Burenhulp", icon="fa-share-square")
    # Referrals whose follow-up date has come: shown to whoever may read referrals.
    appbuilder.add_link("Doorverwijzingen opvolgen", href="ReferralView.follow_up",
                        icon="fa-phone", category="Burenhulp")
    appbuilder.resource_menus["Referral"].append("Doorverwijzingen opvolgen")
    add_resource(appbuilder, MatchView, MatchApi, name="Koppelingen",
                 category="Burenhulp", icon="fa-handshake")
    add_resource(appbuilder, FeedbackView, FeedbackApi, name="Terugkoppelingen",
                 category="Burenhulp", icon="fa-comments")
    from app.helpdesk import feedback_views  # the public feedback form (/feedback/<token>)

    feedback_views.register(appbuilder)
    from app.helpdesk import public  # the public help-request form (/hulp-vragen/)

    public.register(appbuilder)
    from app.helpdesk import matching_views  # Vrijwilliger zoeken; the accept link /koppeling/…

    matching_views.register(appbuilder)
