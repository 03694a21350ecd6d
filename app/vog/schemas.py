"""Which VOG fields each screen and the API show (one place for both)."""

LIST = ["volunteer", "status", "requested_on", "issued_on", "expires_on"]
SHOW = [
    "volunteer", "screening_profile", "status", "requested_on", "issued_on", "expires_on",
    "reference", "organisation", "created_at", "updated_at",
]
EDIT = [
    "volunteer", "screening_profile", "status", "requested_on", "issued_on", "expires_on",
    "reference",
]
SEARCH = ["volunteer", "status", "requested_on", "issued_on", "expires_on"]
LABELS = {
    "screening_profile": "Screeningsprofiel",
    "requested_on": "Aangevraagd op",
    "issued_on": "Afgegeven op",
    "expires_on": "Geldig tot",
    "reference": "Aanvraagnummer",
}
DESCRIPTIONS = {
    "screening_profile": "Het screeningsprofiel of de functieaspecten op de aanvraag",
    "issued_on": "Datum op de VOG",
    "expires_on": "Na de afgiftedatum; daarna is een nieuwe VOG nodig",
    "reference": "Kenmerk van de aanvraag bij Justis (optioneel)",
}
