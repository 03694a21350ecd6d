"""Which fields of the outbox each screen and the API show (read-only: nothing to edit)."""

LIST = ["subject", "status", "attempts", "created_at", "sent_at"]
# The body is left out on purpose; looking at the recipient is logged like any personal data.
SHOW = [
    "subject", "recipient", "channel", "template", "status", "attempts", "created_at",
    "send_after", "sent_at", "last_error", "organisation",
]
EDIT: list[str] = []
SEARCH = ["subject", "status", "channel", "template", "created_at", "sent_at"]
LABELS = {
    "subject": "Onderwerp",
    "recipient": "Ontvanger",
    "template": "Sjabloon",
    "attempts": "Pogingen",
    "created_at": "Aangemaakt",
    "send_after": "Versturen na",
    "sent_at": "Verzonden op",
    "last_error": "Laatste fout",
}
DESCRIPTIONS = {
    "attempts": "Hoe vaak het versturen is geprobeerd",
    "send_after": "Het bericht wordt niet eerder verstuurd",
    "last_error": "De foutmelding van de laatste mislukte poging",
}
