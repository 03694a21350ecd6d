"""Which fields of coaches, trainings, intervision and reviews each screen and the API show."""

COACH_LIST = ["first_name", "last_name", "phone", "email", "max_caseload", "active"]
COACH_SHOW = [
    "first_name", "last_name", "user", "email", "phone", "competences", "target_groups",
    "max_caseload", "started_on", "active", "organisation", "created_at", "updated_at",
]
COACH_EDIT = [
    "first_name", "last_name", "user", "email", "phone", "competences", "target_groups",
    "max_caseload", "started_on", "active",
]
COACH_SEARCH = ["first_name", "last_name", "email", "target_groups", "started_on", "active"]

TRAINING_LIST = ["coach", "kind", "name", "completed_on", "valid_until"]
TRAINING_SHOW = [
    "coach", "kind", "name", "completed_on", "certificate", "valid_until",
    "organisation", "created_at", "updated_at",
]
TRAINING_EDIT = ["coach", "kind", "name", "completed_on", "certificate", "valid_until"]
TRAINING_SEARCH = ["coach", "kind", "name", "completed_on", "valid_until"]

SESSION_LIST = ["held_on", "status", "location", "facilitator", "topics"]
SESSION_SHOW = [
    "held_on", "status", "location", "facilitator", "topics", "notes",
    "organisation", "created_at", "updated_at",
]
SESSION_EDIT = ["held_on", "location", "facilitator", "topics", "notes"]  # status: workflow only
SESSION_SEARCH = ["held_on", "status", "location", "facilitator", "topics"]

ATTENDANCE_LIST = ["session", "coach", "guest_name", "guest_organisation", "present"]
ATTENDANCE_SHOW = [*ATTENDANCE_LIST, "organisation", "created_at", "updated_at"]
ATTENDANCE_EDIT = ["session", "coach", "guest_name", "guest_organisation", "present"]
ATTENDANCE_SEARCH = ["session", "coach", "guest_name", "present"]

REVIEW_LIST = ["coach", "planned_on", "held_on", "reviewer"]
REVIEW_SHOW = [
    "coach", "planned_on", "held_on", "reviewer", "outcome_notes",
    "organisation", "created_at", "updated_at",
]
REVIEW_EDIT = ["coach", "planned_on", "held_on", "reviewer", "outcome_notes"]
REVIEW_SEARCH = ["coach", "planned_on", "held_on", "reviewer"]

LABELS = {
    "user": "Inlogaccount",
    "competences": "Competenties",
    "target_groups": "Doelgroepen",
    "max_caseload": "Maximaal aantal houders",
    "started_on": "Gestart op",
    "name": "Training",
    "completed_on": "Afgerond op",
    "certificate": "Certificaat",
    "valid_until": "Geldig tot",
    "held_on": "Datum",
    "location": "Plaats",
    "facilitator": "Gespreksleider",
    "topics": "Onderwerpen",
    "notes": "Verslag",
    "session": "Intervisiebijeenkomst",
    "guest_name": "Gast",
    "guest_organisation": "Organisatie van de gast",
    "present": "Aanwezig",
    "planned_on": "Gepland op",
    "reviewer": "Gespreksvoerder",
    "outcome_notes": "Verslag en afspraken",
}
DESCRIPTIONS = {
    "user": "Het inlogaccount van de coach (een medewerker van uw organisatie)",
    "phone": "Bijv. 06 12345678; wordt opgeslagen als +31612345678",
    "max_caseload": "Hoeveel hulpkaarthouders deze coach tegelijk kan begeleiden",
    "target_groups": "Bijv. licht verstandelijke beperking, autisme, dementie",
    "valid_until": "Leeg laten als het certificaat niet verloopt",
    "notes": "Wordt versleuteld opgeslagen; noem geen namen van houders",
    "guest_name": "Alleen invullen voor een gast die geen coach van uw organisatie is",
    "reviewer": "De medewerker die het gesprek voert",
    "outcome_notes": "Alleen zichtbaar voor de projectleider en de coach zelf",
}
