"""The register of processing (AVG art. 30), built from the models themselves.

Every model that holds personal data declares, next to its fields::

    __privacy__ = {"categories": [...], "purpose": "...", "legal_basis": "...",
                   "recipients": [...], "retention": "...", "security": "..."}

(Dutch texts; ``{HULPREGIE_…}`` in ``retention`` is filled in from the policy settings.)
Classes whose source is not ours (Flask-AppBuilder's logins, the access log) are described
in ``EXTERNAL``. ``flask --app run privacy register`` prints the register; docs/
privacy-register.md holds it, and tests/test_register.py keeps both, and the models, in step.
"""

from __future__ import annotations

import csv
import io

from flask import current_app, has_app_context
from flask_appbuilder import Model

from security.crypto import encrypted_columns

KEYS = ("categories", "purpose", "legal_basis", "recipients", "retention", "security")

# Classes defined outside app/*/models.py, keyed by class name.
EXTERNAL = {
    "User": {
        "categories": ["naam", "e-mailadres", "gebruikersnaam", "wachtwoord-hash",
                       "laatste aanmelding"],
        "purpose": "Aanmelden van medewerkers en vrijwillige coaches in Hulpregie",
        "legal_basis": "Uitvoering van de (vrijwilligers)overeenkomst (AVG art. 6 lid 1 sub b)",
        "recipients": ["beheerder"],
        "retention": "Zolang de medewerker toegang nodig heeft; daarna deactiveren en verwijderen "
                     "door de beheerder",
        "security": "Wachtwoorden alleen als hash; blokkade na mislukte pogingen; "
                    "tweestapsverificatie voor beheer en privacy",
    },
    "AuditEvent": {
        "categories": ["gebruikersnaam", "IP-adres", "tijdstip", "rol", "veldnamen en record-id's "
                       "(nooit waarden)"],
        "purpose": "Toegangslog: wie welke gegevens wanneer inzag of wijzigde (in de geest van "
                   "NEN 7513), verantwoording en inzageverzoeken",
        "legal_basis": "Wettelijke plicht tot beveiliging (AVG art. 32, art. 6 lid 1 sub c)",
        "recipients": ["privacyfunctionaris", "de betrokkene (inzageverzoek)"],
        "retention": "Blijvend: een hash-keten bewijst dat niets is gewijzigd of verwijderd; bevat "
                     "geen waarden van betrokkenen, ook niet na verwijdering",
        "security": "Hash-keten (flask --app run audit verify); alleen lezen voor de "
                    "privacyfunctionaris",
    },
}

# Mapped classes without personal data, and why (the completeness test reads this).
NOT_PERSONAL = {
    "Organisation": "contactgegevens van de organisatie zelf",
    "HelpCategory": "soorten hulp",
    "PrivacyNotice": "tekst van de privacyverklaring",
    "ControlRoomExport": "verslag van een export: aantallen en controlegetal",
    "Training": "via de coach (zie Coach)",
    "Permission": "rechtentabel", "PermissionView": "rechtentabel", "Role": "rollen",
    "ViewMenu": "rechtentabel", "Group": "niet gebruikt", "ApiKey": "niet gebruikt",
    "RegisterUser": "zelfregistratie staat uit (AUTH_USER_REGISTRATION = False)",
}


def _settings() -> dict:
    from config import POLICY

    if has_app_context():
        return {name: current_app.config.get(name, default) for name, default in POLICY.items()}
    return dict(POLICY)


def personal_data_classes() -> list[type]:
    """Mapped classes that declare ``__privacy__`` or are described in EXTERNAL."""
    classes = [m.class_ for m in Model.registry.mappers
               if "__privacy__" in vars(m.class_) or m.class_.__name__ in EXTERNAL]
    return sorted(classes, key=lambda c: (c.__module__, c.__name__))


def entries() -> list[dict]:
    """One row per record kind: the declared metadata, filled in, plus the encrypted fields."""
    settings = _settings()
    rows = []
    for cls in personal_data_classes():
        meta = vars(cls).get("__privacy__") or EXTERNAL[cls.__name__]
        encrypted = sorted(encrypted_columns(cls))
        rows.append({
            "model": cls.__name__,
            "table": cls.__tablename__,
            "categories": ", ".join(meta["categories"]),
            "purpose": meta["purpose"],
            "legal_basis": meta["legal_basis"],
            "recipients": ", ".join(meta["recipients"]),
            "retention": meta["retention"].format(**settings),
            "security": meta["security"],
            "encrypted": ", ".join(encrypted) or "-",
        })
    return rows


HEADERS = {
    "model": "Soort gegevens", "table": "Tabel", "categories": "Categorieën persoonsgegevens",
    "purpose": "Doel", "legal_basis": "Grondslag", "recipients": "Ontvangers",
    "retention": "Bewaartermijn", "security": "Beveiliging",
    "encrypted": "Versleuteld opgeslagen (AES-256-GCM)",
}


def markdown() -> str:
    """The register as one Markdown table."""
    def cell(value: str) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(HEADERS.values()) + " |",
             "|" + "---|" * len(HEADERS)]
    for row in entries():
        lines.append("| " + " | ".join(cell(row[k]) for k in HEADERS) + " |")
    return "\n".join(lines)


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS.values())
    for row in entries():
        writer.writerow(row[k] for k in HEADERS)
    return out.getvalue()
