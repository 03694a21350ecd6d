"""Which fields of the access log each screen and the API show (read-only: nothing to edit)."""

LIST = ["at", "username", "action", "resource", "record_id", "holder_id", "channel"]
SHOW = [
    "at", "username", "user_id", "organisation_id", "action", "resource", "record_id",
    "holder_id", "fields", "ip", "channel",
]
EDIT: list[str] = []
SEARCH = ["at", "username", "action", "resource", "record_id", "holder_id", "channel"]
LABELS = {
    "at": "Tijdstip",
    "username": "Gebruikersnaam",
    "user_id": "Gebruiker (nr.)",
    "organisation_id": "Organisatie (nr.)",
    "action": "Handeling",
    "resource": "Soort gegevens",
    "record_id": "Record (nr.)",
    "holder_id": "Hulpkaarthouder (nr.)",
    "fields": "Gewijzigde velden",
    "ip": "IP-adres",
}
DESCRIPTIONS = {
    "action": "read = bekeken, list = in een lijst getoond, create/update/delete = "
              "aangemaakt/gewijzigd/verwijderd, export, login …",
    "resource": "Het soort record (bijv. Holder, Consent)",
    "holder_id": "Over wiens gegevens het gaat, waar bekend",
    "fields": "Alleen de namen van de velden, nooit de waarden",
    "channel": "ui = scherm, api = REST API, cli = opdrachtregel, job = geplande taak",
}
