"""Burenhulp helpdesk: help requests, their referrals, matches to volunteers and feedback."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.helpdesk.api import FeedbackApi, HelpRequestApi, MatchApi, ReferralApi
    from app.helpdesk.views import FeedbackView, HelpRequestView, MatchView, ReferralView

    add_resource(appbuilder, HelpRequestView, HelpRequestApi, name="Hulpvragen",
                 category="Burenhulp", icon="fa-question-circle")
    add_resource(appbuilder, ReferralView, ReferralApi, name="Doorverwijzingen",
                 category="Burenhulp", icon="fa-share-square")
    add_resource(appbuilder, MatchView, MatchApi, name="Koppelingen",
                 category="Burenhulp", icon="fa-handshake")
    add_resource(appbuilder, FeedbackView, FeedbackApi, name="Terugkoppelingen",
                 category="Burenhulp", icon="fa-comments")
