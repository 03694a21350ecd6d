"""Which consent and privacy notice fields the screens and the API show."""

# -- Consent (given through workflows/consents.give, withdrawn by its withdraw; never edited) --
SUBJECTS = ["holder", "contact_person", "help_request", "volunteer"]
CONSENT_LIST = [
    "purpose", "holder", "contact_person", "volunteer", "form", "given_at", "withdrawn_at",
]
CONSENT_SHOW = [
    "purpose", *SUBJECTS, "given_at", "form", "recorded_by", "evidence_note", "evidence_file",
    "notice", "withdrawn_at", "withdrawal_method", "withdrawal_reason", "organisation",
    "created_at", "updated_at",
]
CONSENT_ADD = ["purpose", *SUBJECTS, "form", "given_at", "evidence_note", "notice"]
CONSENT_EDIT = CONSENT_ADD  # FAB builds an edit form; the edit page only explains why not
# The evidence note and the withdrawal reason are encrypted and cannot be searched.
CONSENT_SEARCH = ["purpose", *SUBJECTS, "form", "given_at", "notice", "withdrawn_at"]

# -- PrivacyNotice ----------------------------------------------------------------------
NOTICE_LIST = ["version", "title", "effective_from", "updated_at"]
NOTICE_SHOW = [
    "version", "title", "body", "effective_from", "organisation", "created_at", "updated_at",
]
NOTICE_EDIT = ["version", "title", "body", "effective_from"]
NOTICE_SEARCH = ["version", "title", "effective_from"]

LABELS = {
    "recorded_by": "Vastgelegd door",
    "evidence_note": "Toelichting bewijs",
    "evidence_file": "Bewijsstuk",
    "evidence_upload": "Scan van het formulier",
    "notice": "Privacyverklaring",
    "withdrawal_method": "Wijze van intrekking",
    "withdrawal_reason": "Reden van intrekking",
    "version": "Versie",
    "title": "Titel",
    "body": "Tekst",
    "effective_from": "Geldig vanaf",
}
_ONE_SUBJECT = "Vul precies één in: hulpkaarthouder, contactpersoon, hulpvraag of vrijwilliger"
DESCRIPTIONS = {
    **{name: _ONE_SUBJECT for name in SUBJECTS},
    "purpose": "Meldkamer politie vraagt altijd een aparte, uitdrukkelijke toestemming",
    "evidence_note": "Bijv. waar het getekende formulier ligt, of wie de mondelinge "
                     "toestemming hoorde",
    "notice": "De versie van de privacyverklaring die de betrokkene kreeg; leeg: de nieuwste "
              "die geldt",
    "given_at": "Leeg: nu",
    "evidence_upload": "PDF, JPEG of PNG, hoogstens 5 MB; wordt versleuteld bewaard",
    "version": "Bijv. 2026-1; uniek binnen de organisatie",
    "effective_from": "Een versie waar toestemmingen naar verwijzen wordt niet meer gewijzigd",
}
