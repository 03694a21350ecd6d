from app.core.interface import ScopedInterface

from app.core.api import ScopedModelRestApi
from app.helpdesk import schemas
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral


class HelpRequestApi(ScopedModelRestApi):
    datamodel = ScopedInterface(HelpRequest)
    resource_name = "help_request"
    list_columns = ["id", *schemas.HelpRequest.LIST]
    show_columns = ["id", *schemas.HelpRequest.SHOW]
    add_columns = edit_columns = schemas.HelpRequest.EDIT
    search_columns = schemas.HelpRequest.SEARCH
    label_columns = schemas.HelpRequest.LABELS


class ReferralApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Referral)
    resource_name = "referral"
    list_columns = ["id", *schemas.Referral.LIST]
    show_columns = ["id", *schemas.Referral.SHOW]
    add_columns = edit_columns = schemas.Referral.EDIT
    search_columns = schemas.Referral.SEARCH
    label_columns = schemas.Referral.LABELS



class MatchApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Match)
    resource_name = "match"
    list_columns = ["id", *schemas.Match.LIST]
    show_columns = ["id", *schemas.Match.SHOW]
    add_columns = edit_columns = schemas.Match.EDIT
    search_columns = schemas.Match.SEARCH
    label_columns = schemas.Match.LABELS


class FeedbackApi(ScopedModelRestApi):
    datamodel = ScopedInterface(Feedback)
    resource_name = "feedback"
    list_columns = ["id", *schemas.Feedback.LIST]
    show_columns = ["id", *schemas.Feedback.SHOW]
    add_columns = edit_columns = schemas.Feedback.EDIT
    search_columns = schemas.Feedback.SEARCH
    label_columns = schemas.Feedback.LABELS
