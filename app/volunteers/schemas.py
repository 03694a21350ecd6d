"""Which help-category and volunteer fields each screen and the API show (one place for both)."""


class HelpCategory:
    LIST = ["name", "group"]
    SHOW = ["name", "group"]
    EDIT = ["name", "group"]
    SEARCH = ["name", "group"]
    LABELS = {"group": "Groep"}
    DESCRIPTIONS = {
        "name": "Wat er gevraagd of geboden wordt, bijv. 'Lamp ophangen'; geldt voor alle organisaties",
    }


class Volunteer:
    LIST = ["first_name", "last_name", "pc4", "partner", "status", "approved_on"]
    SHOW = [
        "first_name", "last_name", "email", "phone", "address", "pc4", "categories",
        "available_days", "available_parts", "availability", "max_per_month", "max_distance_km",
        "partner", "status", "intake_on", "approved_on", "notes", "organisation", "created_at",
        "updated_at",
    ]
    # Status, intake and approval change only through the buttons on the volunteer's page
    # (workflows/volunteers.py), never by editing the record.
    EDIT = [
        "first_name", "last_name", "email", "phone", "address", "pc4", "categories",
        "available_days", "available_parts", "availability", "max_per_month", "max_distance_km",
        "partner", "notes",
    ]
    # Plus exact search on last name, phone and e-mail (blind index, added by the base classes).
    SEARCH = ["pc4", "partner", "status", "categories", "approved_on", "created_at"]
    LABELS = {
        "availability": "Opmerking beschikbaarheid",
        "available_days": "Beschikbare dagen",
        "available_parts": "Beschikbare dagdelen",
        "max_per_month": "Maximaal aantal hulpvragen per maand",
        "max_distance_km": "Maximale afstand (km)",
        "intake_on": "Intake op",
        "approved_on": "Goedgekeurd op",
        "categories": "Biedt hulp bij",
    }
    DESCRIPTIONS = {
        "pc4": "De vier cijfers van de postcode (bijv. 1234); gebruikt om op afstand te koppelen",
        "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
        "available_days": "Niets aangevinkt: elke dag",
        "available_parts": "Niets aangevinkt: elk dagdeel",
        "availability": "Bijv. 'niet in de schoolvakanties'",
        "max_per_month": "1 tot en met 31",
        "max_distance_km": "Hoe ver de vrijwilliger wil reizen: 1 tot en met 100 km",
        "partner": "De kerk of partnerorganisatie waar de vrijwilliger via komt (optioneel); "
                   "zonder partner is een intakegesprek nodig",
    }


# The steps on the volunteer's page: (label, inputs, needs confirmation).
ACTIONS = {
    "intake": ("Intake vastleggen", ("on", "notes"), False),
    "approve": ("Goedkeuren", (), False),
    "reject": ("Afwijzen", ("reason", "confirm"), True),
    "deactivate": ("Op inactief zetten", ("reason",), False),
    "reactivate": ("Weer actief maken", (), False),
}
INPUT_LABELS = {"on": "Datum", "notes": "Notities", "reason": "Reden",
                "screening_profile": "Screeningsprofiel", "free_vog": "Gratis VOG-regeling"}
