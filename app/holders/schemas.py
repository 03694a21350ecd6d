"""Which holder fields each screen and the API show (one place for both)."""

LIST = ["reference", "first_name", "last_name", "pc4", "town", "coach", "status"]
SHOW = [
    "reference", "first_name", "last_name", "birth_date", "address", "postcode", "town",
    "phone", "email", "coach", "status", "notes", "organisation", "created_at", "updated_at",
]
EDIT = [
    "reference", "first_name", "last_name", "birth_date", "address", "postcode", "town",
    "phone", "email", "coach", "status", "notes",
]
# Plus exact search on last name, phone, e-mail and postcode through the blind index
# (added by the base classes for every column in Holder.__blind_index__).
SEARCH = ["reference", "pc4", "town", "coach", "status", "created_at"]
LABELS = {"coach": "Hulpkaartcoach"}
DESCRIPTIONS = {
    "reference": "Eigen kenmerk, uniek binnen de organisatie (bijv. HK-2026-001)",
    "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
    "postcode": "Bijv. 1234 AB",
}
