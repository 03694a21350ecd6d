from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.helpdesk import schemas
from app.helpdesk.models import Feedback, HelpRequest, Match, Referral


class ReferralView(ScopedModelView):
    datamodel = ScopedInterface(Referral)
    list_title = "Doorverwijzingen"
    show_title = "Doorverwijzing"
    add_title = "Nieuwe doorverwijzing"
    edit_title = "Doorverwijzing wijzigen"
    list_columns = schemas.Referral.LIST
    show_columns = schemas.Referral.SHOW
    add_columns = edit_columns = schemas.Referral.EDIT
    search_columns = schemas.Referral.SEARCH
    label_columns = schemas.Referral.LABELS
    description_columns = schemas.Referral.DESCRIPTIONS
    base_order = ("referred_at", "desc")


class FeedbackView(ScopedModelView):
    datamodel = ScopedInterface(Feedback)
    list_title = "Feedback"
    show_title = "Feedback"
    add_title = "Nieuwe feedback"
    edit_title = "Feedback wijzigen"
    list_columns = schemas.Feedback.LIST
    show_columns = schemas.Feedback.SHOW
    add_columns = edit_columns = schemas.Feedback.EDIT
    search_columns = schemas.Feedback.SEARCH
    label_columns = schemas.Feedback.LABELS
    description_columns = schemas.Feedback.DESCRIPTIONS
    base_order = ("received_at", "desc")


class MatchView(ScopedModelView):
    datamodel = ScopedInterface(Match)
    list_title = "Koppelingen"
    show_title = "Koppeling"
    add_title = "Nieuwe koppeling"
    edit_title = "Koppeling wijzigen"
    list_columns = schemas.Match.LIST
    show_columns = schemas.Match.SHOW
    add_columns = edit_columns = schemas.Match.EDIT
    search_columns = schemas.Match.SEARCH
    label_columns = schemas.Match.LABELS
    description_columns = schemas.Match.DESCRIPTIONS
    related_views = [FeedbackView]
    base_order = ("matched_at", "desc")


class HelpRequestView(ScopedModelView):
    datamodel = ScopedInterface(HelpRequest)
    list_title = "Hulpvragen"
    show_title = "Hulpvraag"
    add_title = "Nieuwe hulpvraag"
    edit_title = "Hulpvraag wijzigen"
    list_columns = schemas.HelpRequest.LIST
    show_columns = schemas.HelpRequest.SHOW
    add_columns = edit_columns = schemas.HelpRequest.EDIT
    search_columns = schemas.HelpRequest.SEARCH
    label_columns = schemas.HelpRequest.LABELS
    description_columns = schemas.HelpRequest.DESCRIPTIONS
    related_views = [ReferralView, MatchView]
    base_order = ("received_at", "desc")
