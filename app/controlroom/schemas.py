"""Which fields of the control room exports each screen and the API show (read-only: exports
are made by workflows/controlroom.py, never edited)."""

LIST = ["created_at", "created_by", "full", "upserts", "deletes", "checksum", "purpose"]
SHOW = ["export_id", "created_at", "created_by", "full", "previous", "upserts", "deletes",
        "checksum", "purpose", "organisation"]
EDIT: list[str] = []
SEARCH = ["created_at", "full", "purpose"]
LABELS = {
    "export_id": "Export-id",
    "created_at": "Gemaakt op",
    "created_by": "Door",
    "full": "Volledig",
    "previous": "Vorige export",
    "upserts": "Bijwerken",
    "deletes": "Verwijderen",
    "checksum": "Controlegetal (SHA-256)",
    "purpose": "Doel",
    "organisation": "Organisatie",
}
DESCRIPTIONS = {
    "full": "Volledig: alle hulpkaarthouders met toestemming; anders alleen de wijzigingen",
    "upserts": "Records 'bijwerken' (nieuw of gewijzigd)",
    "deletes": "Records 'verwijderen' (toestemming ingetrokken, kaart beëindigd, gewist)",
    "checksum": "SHA-256 van het beschermde bestand: de meldkamer kan ermee controleren",
}
