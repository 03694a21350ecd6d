"""Which fields of cards, card versions, appointments and evaluations the screens and API show."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.cards.models import SECTION_LIMITS, ApprovalMethod, EvaluationOutcome, MakingChoice
from app.core.validation import describe_errors

# -- HelpCard ---------------------------------------------------------------------------
CARD_LIST = ["holder", "status", "coach", "requested_on", "issued_on", "next_evaluation_on"]
CARD_SHOW = [
    "holder", "status", "making_choice", "coach", "requested_on", "issued_on", "issued_version",
    "next_evaluation_on", "ended_on", "control_room_sections", "organisation", "created_at",
    "updated_at",
]
# Status, dates of issue and evaluation, and the intro choice change only through the
# workflow (the buttons on the card's page, POST /api/v1/help_card/<pk>/transition).
CARD_EDIT = ["holder", "coach", "requested_on", "control_room_sections"]
CARD_SEARCH = [
    "holder", "status", "making_choice", "coach", "requested_on", "issued_on",
    "next_evaluation_on", "ended_on",
]

# -- HelpCardVersion (the sections are encrypted: shown and edited, never searched) -------
SECTIONS = list(SECTION_LIMITS)
VERSION_LIST = ["card", "version_no", "holder_approved_on", "holder_approval_method", "created_at"]
VERSION_SHOW = [
    "card", "version_no", *SECTIONS, "holder_approved_on", "holder_approval_method",
    "organisation", "created_at", "updated_at",
]
# The holder's approval is recorded through the workflow; a version stays with its card.
VERSION_ADD = ["card", *SECTIONS]
VERSION_EDIT = SECTIONS
VERSION_SEARCH = [
    "card", "version_no", "holder_approved_on", "holder_approval_method", "created_at",
]

# -- Appointment ------------------------------------------------------------------------
APPOINTMENT_LIST = ["starts_at", "kind", "holder", "coach", "duration_minutes", "status"]
APPOINTMENT_SHOW = [
    "starts_at", "duration_minutes", "kind", "status", "holder", "card", "coach",
    "making_choice", "attendees", "notes", "organisation", "created_at", "updated_at",
]
APPOINTMENT_EDIT = [
    "holder", "card", "coach", "kind", "status", "starts_at", "duration_minutes",
    "making_choice", "attendees", "notes",
]
APPOINTMENT_SEARCH = ["holder", "card", "coach", "kind", "status", "starts_at", "making_choice"]

# -- Evaluation -------------------------------------------------------------------------
EVALUATION_LIST = ["card", "due_on", "invited_on", "held_on", "coach", "outcome"]
EVALUATION_SHOW = [
    "card", "coach", "due_on", "invited_on", "held_on", "method", "outcome", "notes",
    "organisation", "created_at", "updated_at",
]
EVALUATION_EDIT = ["card", "coach", "due_on", "invited_on", "held_on", "method", "outcome", "notes"]
EVALUATION_SEARCH = ["card", "coach", "due_on", "invited_on", "held_on", "method", "outcome"]

LABELS = {
    "coach": "Hulpkaartcoach",
    "making_choice": "Manier van opmaken",
    "requested_on": "Aangevraagd op",
    "issued_on": "Uitgereikt op",
    "issued_version": "Uitgereikte versie",
    "next_evaluation_on": "Volgende evaluatie",
    "ended_on": "Beëindigd op",
    "control_room_sections": "Onderdelen voor de meldkamer",
    "version_no": "Versie",
    "loss_of_control_signs": "Signalen dat ik de controle verlies",
    "how_to_help": "Zo kunt u mij helpen",
    "what_not_to_do": "Wat u beter niet kunt doen",
    "what_i_do_myself": "Wat ik zelf doe",
    "medication_preferences": "Medicatie: voorkeuren",
    "medication_refused": "Medicatie die ik niet wil",
    "other_info": "Overige informatie",
    "holder_approved_on": "Akkoord houder op",
    "holder_approval_method": "Wijze van akkoord",
    "starts_at": "Datum en tijd",
    "duration_minutes": "Duur (minuten)",
    "attendees": "Aanwezigen",
    "due_on": "Uiterlijk op",
    "invited_on": "Uitgenodigd op",
    "held_on": "Gehouden op",
    "method": "Werkwijze",
    "outcome": "Uitkomst",
}
DESCRIPTIONS = {
    **{name: f"max. {limit} tekens" for name, limit in SECTION_LIMITS.items()},
    "holder_approved_on": "Vastgelegd met de knop 'Akkoord houder vastleggen' op de kaart",
    "control_room_sections": "Alleen met expliciete toestemming van de houder voor de meldkamer",
    "duration_minutes": "1 tot en met 600 minuten",
    "attendees": "Wie er bij het gesprek zijn, bijv. een naaste",
    "method": "Bijv. huisbezoek of telefonisch",
}


# -- a workflow step, from the card's page or the API ------------------------------------

class TransitionInput(Schema):
    """What a workflow step may take; empty form fields count as not given."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True)
    choice = fields.Enum(MakingChoice)
    method = fields.Enum(ApprovalMethod)
    outcome = fields.Enum(EvaluationOutcome)
    on = fields.Date()
    reason = fields.String(validate=validate.Length(max=1000))
    contacts_ok = fields.Boolean(allow_none=True)
    wishes_changed = fields.Boolean(allow_none=True)
    medication_changed = fields.Boolean(allow_none=True)
    still_carried = fields.Boolean(allow_none=True)

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in dict(data).items()
                if k != "csrf_token" and v not in ("", None)}


TRANSITION_LABELS = {
    "action": "Actie", "choice": "Manier van opmaken", "method": "Wijze van akkoord",
    "outcome": "Uitkomst", "on": "Datum", "reason": "Reden",
    "contacts_ok": "Kloppen de contactpersonen nog?", "wishes_changed": "Wensen veranderd?",
    "medication_changed": "Medicatie veranderd?", "still_carried": "Draagt de houder de kaart?",
}


def transition_message(errors: dict) -> str:
    return describe_errors(errors, TRANSITION_LABELS)
