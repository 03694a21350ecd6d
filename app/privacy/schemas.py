"""Which privacy-request fields each screen and the API show (one place for both), and the
input of a workflow step (workflows/privacy.py)."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.core.validation import describe_errors
from app.privacy.models import ResponseChannel

LIST = ["kind", "requester_name", "status", "received_on", "due_on", "completed_on"]
SHOW = [
    "kind", "status", "holder", "contact_person", "volunteer", "help_request", "requester_name",
    "details", "channel", "received_on", "due_on", "identity_checked_on", "identity_method",
    "extended_on", "extension_reason", "completed_on", "refusal_reason", "response_sent_on",
    "response_channel", "outcome", "organisation", "created_at", "updated_at",
]
# The steps (status, dates, outcome) go through the workflow only (the page's forms, the API's
# transition endpoint); the forms take what the request is and whom it is about.
ADD = [
    "kind", "holder", "contact_person", "volunteer", "help_request", "requester_name",
    "details", "channel", "received_on",
]
EDIT = ["holder", "contact_person", "volunteer", "help_request", "requester_name", "details",
        "channel"]
SEARCH = ["kind", "status", "holder", "received_on", "due_on", "completed_on"]
LABELS = {
    "kind": "Soort verzoek",
    "requester_name": "Naam verzoeker",
    "details": "Toelichting op het verzoek",
    "channel": "Ontvangen via",
    "received_on": "Ontvangen op",
    "due_on": "Uiterste afhandeldatum",
    "identity_checked_on": "Identiteit gecontroleerd op",
    "identity_method": "Manier van identiteitscontrole",
    "extended_on": "Termijn verlengd op",
    "extension_reason": "Reden van verlenging",
    "completed_on": "Afgehandeld op",
    "refusal_reason": "Reden van weigering",
    "response_sent_on": "Antwoord verstuurd op",
    "response_channel": "Antwoord verstuurd",
    "outcome": "Uitkomst",
}
DESCRIPTIONS = {
    "holder": "De betrokkene, als het verzoek over een hulpkaarthouder gaat",
    "contact_person": "De betrokkene, als het verzoek over een contactpersoon gaat",
    "volunteer": "De betrokkene, als het verzoek over een vrijwilliger gaat",
    "help_request": "De hulpvraag van de betrokkene, als die hulpvrager is",
    "received_on": "De dag waarop het verzoek binnenkwam; de wettelijke termijn loopt vanaf hier",
    "due_on": "Wettelijke termijn (AVG): één maand na ontvangst. Bij een ingewikkeld verzoek "
              "mag die met twee maanden worden verlengd; meld dat binnen de eerste maand.",
    "outcome": "Wat er is gedaan en wat de verzoeker is geantwoord",
}


class TransitionInput(Schema):
    """What a workflow step may take; empty form fields count as not given."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True)
    method = fields.String(validate=validate.Length(max=120))
    on = fields.Date()
    reason = fields.String(validate=validate.Length(max=2000))
    months = fields.Integer(validate=validate.Range(1, 2))
    response_channel = fields.Enum(ResponseChannel)
    response_sent_on = fields.Date()
    outcome = fields.String(validate=validate.Length(max=4000))

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in dict(data).items()
                if k not in ("csrf_token", "submit", "confirm") and v not in ("", None)}


TRANSITION_LABELS = {
    "action": "Actie", "method": "Manier van controleren", "on": "Datum",
    "reason": "Reden", "months": "Verlengen met (maanden)", "response_channel": "Antwoord verstuurd",
    "response_sent_on": "Antwoord verstuurd op", "outcome": "Uitkomst",
}


def transition_message(errors: dict) -> str:
    return describe_errors(errors, TRANSITION_LABELS)
