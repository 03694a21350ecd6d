"""Which fields of concerns (early signals) each screen and the API show."""

LIST = ["raised_at", "kind", "status", "holder", "coach"]
SHOW = [
    "kind", "status", "holder", "coach", "raised_at", "description", "resolution",
    "resolved_at", "organisation", "created_at", "updated_at",
]
EDIT = ["kind", "status", "holder", "coach", "description", "resolution", "resolved_at"]
SEARCH = ["kind", "status", "holder", "coach", "raised_at", "resolved_at"]
LABELS = {
    "kind": "Soort signaal",
    "raised_at": "Gemeld op",
    "resolution": "Opvolging",
    "resolved_at": "Opgelost op",
}
DESCRIPTIONS = {
    "holder": "Alleen als het signaal over één hulpkaarthouder gaat",
    "coach": "De coach om wie het gaat, of die het signaal meldt",
    "description": "Wat is er gesignaleerd? Wordt versleuteld opgeslagen",
    "resolution": "Wat is er afgesproken of gedaan?",
}
