"""Which privacy-request fields each screen and the API show (one place for both)."""

LIST = ["kind", "requester_name", "status", "received_on", "due_on", "completed_on"]
SHOW = [
    "kind", "status", "holder", "contact_person", "volunteer", "help_request", "requester_name",
    "details", "received_on", "due_on", "completed_on", "outcome", "organisation", "created_at",
    "updated_at",
]
EDIT = [
    "kind", "status", "holder", "contact_person", "volunteer", "help_request", "requester_name",
    "details", "received_on", "due_on", "completed_on", "outcome",
]
SEARCH = ["kind", "status", "holder", "received_on", "due_on", "completed_on"]
LABELS = {
    "kind": "Soort verzoek",
    "requester_name": "Naam verzoeker",
    "details": "Toelichting op het verzoek",
    "received_on": "Ontvangen op",
    "due_on": "Uiterste afhandeldatum",
    "completed_on": "Afgehandeld op",
    "outcome": "Uitkomst",
}
DESCRIPTIONS = {
    "holder": "De betrokkene, als het verzoek over een hulpkaarthouder gaat",
    "received_on": "De dag waarop het verzoek binnenkwam; de wettelijke termijn loopt vanaf hier",
    "due_on": "Wettelijke termijn (AVG): één maand na ontvangst. Bij een ingewikkeld verzoek "
              "mag die met twee maanden worden verlengd; meld dat binnen de eerste maand.",
    "outcome": "Wat er is gedaan en wat de verzoeker is geantwoord",
}
