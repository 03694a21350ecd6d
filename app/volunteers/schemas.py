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
        "first_name", "last_name", "email", "phone", "address", "pc4", "availability",
        "max_distance_km", "categories", "partner", "status", "approved_on", "notes",
        "organisation", "created_at", "updated_at",
    ]
    EDIT = [
        "first_name", "last_name", "email", "phone", "address", "pc4", "availability",
        "max_distance_km", "categories", "partner", "status", "approved_on", "notes",
    ]
    # Plus exact search on last name, phone and e-mail (blind index, added by the base classes).
    SEARCH = ["pc4", "partner", "status", "categories", "approved_on", "created_at"]
    LABELS = {
        "availability": "Beschikbaarheid",
        "max_distance_km": "Maximale afstand (km)",
        "approved_on": "Goedgekeurd op",
        "categories": "Biedt hulp bij",
    }
    DESCRIPTIONS = {
        "pc4": "De vier cijfers van de postcode (bijv. 1234); gebruikt om op afstand te koppelen",
        "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
        "availability": "Bijv. 'doordeweeks overdag' of 'zaterdagochtend'",
        "max_distance_km": "Hoe ver de vrijwilliger wil reizen: 1 tot en met 100 km",
        "partner": "De kerk of partnerorganisatie waar de vrijwilliger via komt (optioneel)",
        "approved_on": "Alleen goedkeuren met een geldige VOG",
    }
