"""Which fields of the access log each screen and the API show (read-only: nothing to edit)."""

LIST = ["at", "username", "roles", "action", "resource", "record_id", "holder_id", "channel"]
SHOW = [
    "at", "username", "user_id", "roles", "organisation_id", "action", "resource", "record_id",
    "holder_id", "fields", "purpose", "on_behalf_of", "ip", "channel", "request_id",
    "prev_hash", "hash",
]
EDIT: list[str] = []
SEARCH = ["at", "username", "action", "resource", "record_id", "holder_id", "channel",
          "request_id"]
LABELS = {
    "at": "Tijdstip",
    "username": "Gebruikersnaam",
    "user_id": "Gebruiker (nr.)",
    "roles": "Rollen",
    "organisation_id": "Organisatie (nr.)",
    "action": "Handeling",
    "resource": "Soort gegevens",
    "record_id": "Record (nr.)",
    "holder_id": "Hulpkaarthouder (nr.)",
    "fields": "Gewijzigde velden",
    "purpose": "Doel",
    "on_behalf_of": "Namens",
    "ip": "IP-adres",
    "channel": "Kanaal",
    "request_id": "Verzoek-id",
    "prev_hash": "Hash vorige gebeurtenis (oude keten)",
    "hash": "Hash (oude keten)",
}
DESCRIPTIONS = {
    "action": "read = bekeken, list = in een lijst getoond, create/update/delete = "
              "aangemaakt/gewijzigd/verwijderd, export, login, login_failed, logout, "
              "denied = geweigerd",
    "resource": "Het soort record (bijv. Holder, Consent); bij login/logout 'session', "
                "bij een weigering het scherm of de API-functie",
    "holder_id": "Over wiens gegevens het gaat, waar bekend",
    "fields": "Alleen de namen van de velden, nooit de waarden",
    "purpose": "Waarvoor (bij een export of verzoek)",
    "channel": "ui = scherm, api = REST API, cli = opdrachtregel, job = geplande taak",
    "request_id": "Ook meegestuurd als X-Request-ID-header van het antwoord",
    "on_behalf_of": "Voor wie de gebruiker handelde, als dat een ander was",
    "hash": "Alleen bij gebeurtenissen van voor de Merkle-boom; elke gebeurtenis wordt "
            "verzegeld in de boom (controle: flask --app run audit verify)",
}

# Dutch names of actions in the report screens.
ACTIONS = {
    "read": "bekeken",
    "list": "in een lijst getoond",
    "create": "aangemaakt",
    "update": "gewijzigd",
    "delete": "verwijderd",
    "export": "geëxporteerd",
    "print": "afgedrukt",
    "login": "ingelogd",
    "login_failed": "inloggen mislukt",
    "logout": "uitgelogd",
    "denied": "geweigerd",
    "rotate": "opnieuw versleuteld",
}
# Resources that are not a model (and so have no menu name).
RESOURCES = {"AccessReport": "Inzageoverzicht", "session": "Sessie"}
