"""Which fields of concerns (early signals) each screen and the API show."""

LIST = ["raised_at", "kind", "status", "follow_up_on", "help_request", "holder", "coach"]
SHOW = [
    "kind", "status", "help_request", "holder", "coach", "raised_at", "follow_up_on",
    "description", "resolution", "resolved_at", "organisation", "created_at", "updated_at",
]
EDIT = ["kind", "status", "help_request", "holder", "coach", "follow_up_on", "description",
        "resolution", "resolved_at"]
SEARCH = ["kind", "status", "help_request", "holder", "coach", "raised_at", "follow_up_on",
          "resolved_at"]
LABELS = {
    "kind": "Soort signaal",
    "raised_at": "Gemeld op",
    "help_request": "Hulpvraag",
    "follow_up_on": "Opvolgen op",
    "resolution": "Opvolging",
    "resolved_at": "Opgelost op",
}
DESCRIPTIONS = {
    "help_request": "Alleen als het signaal over een hulpvraag (burenhulp) gaat",
    "holder": "Alleen als het signaal over één hulpkaarthouder gaat",
    "coach": "De coach om wie het gaat, of die het signaal meldt",
    "follow_up_on": "Wanneer kijkt iemand er weer naar? Leeg: over een week",
    "description": "Wat is er gesignaleerd? Wordt versleuteld opgeslagen",
    "resolution": "Wat is er afgesproken of gedaan?",
}
