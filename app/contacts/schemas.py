"""Which contact person fields the screens and the API show (one place for both)."""

LIST = ["holder", "name", "relation", "phone", "priority", "on_card"]
SHOW = [
    "holder", "name", "relation", "phone", "email", "priority", "on_card", "organisation",
    "created_at", "updated_at",
]
EDIT = ["holder", "name", "relation", "phone", "email", "priority", "on_card"]
# Name, relation, phone and e-mail are encrypted: only the phone number (which has a blind
# index) is searchable, exactly; the base classes add it (security/search.py).
SEARCH = ["holder", "priority", "on_card", "created_at"]
LABELS = {}
DESCRIPTIONS = {
    "relation": "Bijv. zus, buurman, begeleider",
    "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
    "priority": "1 = als eerste bellen (1 tot en met 9)",
    "on_card": "Staat op de hulpkaart; de contactpersoon moet daarvoor toestemming geven",
}
