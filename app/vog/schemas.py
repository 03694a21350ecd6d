"""Which VOG fields each screen and the API show (one place for both)."""

LIST = ["volunteer", "status", "requested_on", "issued_on", "verified_on", "expires_on"]
SHOW = [
    "volunteer", "screening_profile", "free_vog", "status", "requested_on", "issued_on",
    "reference", "verified_on", "expires_on", "organisation", "created_at",
    "updated_at",
]
# Receipt, verification, expiry and status change only through the buttons on the VOG's page
# (workflows/volunteers.py), so the organisation's VOG policy always applies.
EDIT = ["volunteer", "screening_profile", "free_vog", "requested_on", "reference"]
SEARCH = ["volunteer", "status", "requested_on", "issued_on", "expires_on"]
LABELS = {
    "screening_profile": "Screeningsprofiel",
    "free_vog": "Gratis VOG-regeling",
    "requested_on": "Aangevraagd op",
    "issued_on": "Afgegeven op",
    "expires_on": "Geldig tot",
    "verified_on": "Gecontroleerd op",
    "reference": "Aanvraagnummer",
}
DESCRIPTIONS = {
    "screening_profile": "Het screeningsprofiel of de functieaspecten op de aanvraag bij Justis",
    "free_vog": "De aanvraag valt onder de regeling Gratis VOG voor vrijwilligers",
    "issued_on": "Datum op de VOG",
    "expires_on": "Afgiftedatum plus de vernieuwingstermijn; daarna is een nieuwe VOG nodig",
    "reference": "Kenmerk van de aanvraag bij Justis (optioneel)",
}
# The steps on the VOG's page: (label, inputs, needs confirmation).
ACTIONS = {
    "receive": ("VOG ontvangen", ("issued_on", "reference"), False),
    "verify": ("Gecontroleerd: VOG goedkeuren", (), False),
    "refuse": ("VOG geweigerd", ("confirm",), True),
}
INPUT_LABELS = {"issued_on": "Afgiftedatum (datum op de VOG)", "reference": "Aanvraagnummer"}
