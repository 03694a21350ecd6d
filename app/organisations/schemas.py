"""Which fields of organisations and staff profiles each screen and the API show."""

ORG_LIST = ["name", "kind", "town", "email", "phone", "active"]
ORG_SHOW = ["name", "kind", "pc4", "town", "email", "phone", "active", "registers_holders",
            "created_at", "updated_at"]
ORG_EDIT = ["name", "kind", "pc4", "town", "email", "phone", "active", "registers_holders"]
ORG_SEARCH = ["name", "kind", "pc4", "town", "active"]

# Only Admin manages staff profiles, so he picks the organisation himself.
STAFF_LIST = ["user", "organisation", "partner", "updated_at"]
STAFF_SHOW = ["user", "organisation", "partner", "created_at", "updated_at"]
STAFF_EDIT = ["user", "organisation", "partner"]
STAFF_SEARCH = ["user", "organisation", "partner"]

LABELS = {"user": "Gebruiker (inlog)", "registers_holders": "Registreert hulpkaarthouders"}
DESCRIPTIONS = {
    "name": "Unieke naam van de organisatie of burenhulplocatie",
    "pc4": "De vier cijfers van de postcode (bijv. 1234)",
    "phone": "Bijv. 020 1234567; wordt opgeslagen als +31201234567",
    "registers_holders": (
        "Uit: de anonieme telmodus. Er worden geen houders vastgelegd; de organisatie telt haar "
        "kaarten bij Hulpkaarten > Kaarten tellen (anoniem)"),
    "user": "Elke gebruiker hoort bij precies één organisatie",
    "partner": "Alleen voor partnercontactpersonen: de partner van wie zij de vrijwilligers zien",
}
