"""Which fields of partners and outreach contacts each screen and the API show."""

PARTNER_LIST = ["name", "kind", "contact_name", "phone", "pc4", "accepts_referrals", "active"]
PARTNER_SHOW = [
    "name", "kind", "contact_name", "email", "phone", "pc4", "website", "accepts_referrals",
    "notes", "active", "organisation", "created_at", "updated_at",
]
PARTNER_EDIT = [
    "name", "kind", "contact_name", "email", "phone", "pc4", "website", "accepts_referrals",
    "notes", "active",
]
PARTNER_SEARCH = ["name", "kind", "contact_name", "pc4", "accepts_referrals", "active"]

OUTREACH_LIST = [
    "organisation_name", "person", "channel", "status", "last_contact_on", "next_contact_on",
    "owner",
]
OUTREACH_DUE = [
    "next_contact_on", "organisation_name", "person", "channel", "status", "next_step", "owner",
]
OUTREACH_SHOW = [
    "organisation_name", "partner", "person", "person_role", "channel", "frequency", "purpose",
    "status", "last_contact_on", "next_contact_on", "next_step", "owner", "notes",
    "organisation", "created_at", "updated_at",
]
OUTREACH_EDIT = [
    "organisation_name", "partner", "person", "person_role", "channel", "frequency", "purpose",
    "status", "last_contact_on", "next_contact_on", "next_step", "owner", "notes",
]
OUTREACH_SEARCH = [
    "organisation_name", "partner", "person", "channel", "status", "next_contact_on", "owner",
]

LABELS = {
    "accepts_referrals": "Neemt doorverwijzingen aan",
    "organisation_name": "Naam organisatie",
    "person": "Persoon",
    "person_role": "Functie",
    "frequency": "Frequentie",
    "last_contact_on": "Laatste contact",
    "next_contact_on": "Volgend contact",
    "next_step": "Volgende stap",
    "owner": "Wie benadert",
}
DESCRIPTIONS = {
    "name": "Uniek binnen uw organisatie",
    "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
    "pc4": "De vier cijfers van de postcode (bijv. 1234)",
    "website": "Bijv. https://www.voorbeeld.nl",
    "accepts_referrals": "Kan de helpdesk hulpvragen naar deze partner doorverwijzen?",
    "organisation_name": "Wie u wilt benaderen (ook als die nog geen partner is)",
    "partner": "Alleen als de organisatie al partner is",
    "frequency": "Bijv. elk kwartaal",
    "owner": "Wie van uw organisatie dit contact onderhoudt; krijgt bericht als het zover is",
}
