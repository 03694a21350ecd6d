"""Signalen: early warnings (stagnation, dissatisfaction, worry about a holder, loneliness,
poverty, neglect, more help needed) and their follow-up."""


def register(appbuilder):
    from app.concerns.api import ConcernApi
    from app.concerns.views import ConcernFollowUpView, ConcernView
    from app.core.registry import add_resource

    add_resource(appbuilder, ConcernView, ConcernApi, name="Signalen",
                 category="Coaches", icon="fa-triangle-exclamation")
    # The helpdesk's task list: concerns whose follow-up date has come (same resource).
    add_resource(appbuilder, ConcernFollowUpView, name="Signalen opvolgen",
                 category="Burenhulp", icon="fa-list-check")
