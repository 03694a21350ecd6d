"""Which help-request, referral, match and feedback fields each screen and the API show."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.consents.models import ConsentForm
from app.core.validation import describe_errors


class HelpRequest:
    LIST = ["received_at", "requester_name", "category", "pc4", "channel", "status"]
    SHOW = [
        "channel", "status", "category", "description", "requester_name", "requester_phone",
        "requester_email", "requester_address", "pc4", "professional", "received_at",
        "wanted_on", "wanted_part", "scope", "target_group_ok", "intake_at", "decision_reason",
        "put_out_at", "matched_at", "done_at", "closed_at", "organisation", "created_at",
        "updated_at",
    ]
    # The status and the decision change only through the steps (workflows/helpdesk.py).
    EDIT = [
        "channel", "category", "description", "requester_name", "requester_phone",
        "requester_email", "requester_address", "pc4", "professional", "wanted_on",
        "wanted_part", "scope",
    ]
    # Plus exact search on the requester's name, phone and e-mail (blind index, added by the
    # base classes), so the helpdesk finds a request by the caller's phone number.
    SEARCH = ["channel", "status", "category", "pc4", "received_at", "wanted_on"]
    LABELS = {
        "description": "Hulpvraag",
        "requester_name": "Naam hulpvrager",
        "requester_phone": "Telefoon hulpvrager",
        "requester_email": "E-mail hulpvrager",
        "requester_address": "Adres hulpvrager",
        "professional": "Aangemeld door (professional)",
        "received_at": "Ontvangen",
        "wanted_on": "Gewenst op",
        "intake_at": "Intake op",
        "decision_reason": "Reden van het besluit",
        "wanted_part": "Dagdeel",
        "scope": "Omvang van de hulp",
        "target_group_ok": "Hoort tot de doelgroep",
        "put_out_at": "Uitgezet op",
        "matched_at": "Gekoppeld op",
        "done_at": "Hulp gegeven op",
        "closed_at": "Afgesloten op",
    }
    # The inputs of the steps on the request's page and in the API's transition call.
    INPUT_LABELS = {
        "category_id": "Categorie",
        "scope": "Omvang van de hulp (hoeveel, hoe vaak)",
        "target_group_ok": "Hoort de hulpvrager tot de doelgroep?",
        "reason": "Reden",
        "partner_id": "Partner (sociale kaart)",
        "organisation_name": "Of: andere organisatie",
        "consent_form": "Toestemming hulpvrager om gegevens te delen",
        "follow_up_on": "Opvolgen op",
    }
    DESCRIPTIONS = {
        "pc4": "De vier cijfers van de postcode van de hulpvrager (bijv. 1234); nodig om te koppelen",
        "requester_phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
        "professional": "Naam en organisatie, als een professional de vraag namens een cliënt stelt",
        "decision_reason": "Waarom de vraag is geaccepteerd, afgewezen of doorverwezen",
        "scope": "Hoeveel hulp en hoe vaak, bijv. 'eenmalig, 2 uur'",
    }


class Referral:
    LIST = ["help_request", "partner", "organisation_name", "referred_at", "follow_up_on",
            "outcome"]
    SHOW = [
        "help_request", "partner", "organisation_name", "reason", "notes", "referred_at",
        "follow_up_on", "outcome", "organisation", "created_at", "updated_at",
    ]
    EDIT = ["help_request", "partner", "organisation_name", "reason", "follow_up_on", "outcome",
            "notes"]
    SEARCH = ["help_request", "partner", "organisation_name", "referred_at", "follow_up_on",
              "outcome"]
    LABELS = {
        "organisation_name": "Doorverwezen naar (andere organisatie)",
        "reason": "Reden",
        "referred_at": "Doorverwezen op",
        "follow_up_on": "Opvolgen op",
        "outcome": "Uitkomst",
        "notes": "Notities",
    }
    DESCRIPTIONS = {
        "partner": "Een partner van de sociale kaart, of vul hieronder een andere organisatie in",
        "organisation_name": "Alleen als de organisatie niet op de sociale kaart staat",
    }


class Match:
    LIST = ["help_request", "volunteer", "status", "distance_km", "matched_at", "feedback_due_on"]
    SHOW = [
        "help_request", "volunteer", "status", "distance_km", "matched_at", "feedback_due_on",
        "organisation", "created_at", "updated_at",
    ]
    EDIT = ["help_request", "volunteer", "status", "distance_km", "feedback_due_on"]
    SEARCH = ["help_request", "volunteer", "status", "matched_at", "feedback_due_on"]
    LABELS = {
        "distance_km": "Afstand (km)",
        "matched_at": "Gekoppeld op",
        "feedback_due_on": "Feedback vragen op",
    }
    DESCRIPTIONS = {
        "distance_km": "Afstand tussen hulpvrager en vrijwilliger (0 of meer)",
        "feedback_due_on": "Wanneer de hulpvrager en de vrijwilliger om feedback worden gevraagd",
    }


class Feedback:
    LIST = ["match", "respondent", "rating", "received_at"]
    SHOW = ["match", "respondent", "rating", "comment", "received_at", "organisation",
            "created_at", "updated_at"]
    EDIT = ["match", "respondent", "rating", "comment"]
    SEARCH = ["match", "respondent", "rating", "received_at"]
    LABELS = {
        "match": "Koppeling",
        "respondent": "Gegeven door",
        "rating": "Waardering",
        "comment": "Toelichting",
        "received_at": "Ontvangen",
    }
    DESCRIPTIONS = {"rating": "Van 1 (slecht) tot en met 5 (uitstekend)"}


class TransitionInput(Schema):
    """``POST /api/v1/helprequest/<pk>/transition``: the action and its inputs
    (workflows.helpdesk.ACTIONS); empty values count as not given."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True)
    category_id = fields.Integer()
    scope = fields.String(validate=validate.Length(max=200))
    target_group_ok = fields.Boolean(allow_none=True)
    reason = fields.String(validate=validate.Length(max=1000))
    partner_id = fields.Integer()
    organisation_name = fields.String(validate=validate.Length(max=160))
    consent_form = fields.Enum(ConsentForm)
    follow_up_on = fields.Date()

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in dict(data).items() if v not in ("", None)}


def transition_message(errors: dict) -> str:
    return describe_errors(errors, {"action": "Actie", **HelpRequest.INPUT_LABELS})
