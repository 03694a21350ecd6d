"""Which help-request, referral, match and feedback fields each screen and the API show."""


class HelpRequest:
    LIST = ["received_at", "requester_name", "category", "pc4", "channel", "status"]
    SHOW = [
        "channel", "status", "category", "description", "requester_name", "requester_phone",
        "requester_email", "requester_address", "pc4", "professional", "received_at",
        "wanted_on", "intake_at", "decision_reason", "organisation", "created_at", "updated_at",
    ]
    EDIT = [
        "channel", "category", "description", "requester_name", "requester_phone",
        "requester_email", "requester_address", "pc4", "professional", "wanted_on", "status",
        "decision_reason",
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
    }
    DESCRIPTIONS = {
        "pc4": "De vier cijfers van de postcode van de hulpvrager (bijv. 1234); nodig om te koppelen",
        "requester_phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
        "professional": "Naam en organisatie, als een professional de vraag namens een cliënt stelt",
        "decision_reason": "Waarom de vraag is geaccepteerd, afgewezen of doorverwezen",
    }


class Referral:
    LIST = ["help_request", "partner", "organisation_name", "referred_at"]
    SHOW = [
        "help_request", "partner", "organisation_name", "reason", "notes", "referred_at",
        "organisation", "created_at", "updated_at",
    ]
    EDIT = ["help_request", "partner", "organisation_name", "reason", "notes"]
    SEARCH = ["help_request", "partner", "organisation_name", "referred_at"]
    LABELS = {
        "organisation_name": "Doorverwezen naar (andere organisatie)",
        "reason": "Reden",
        "referred_at": "Doorverwezen op",
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
