"""Which fields each household screen and the API show (one place for both)."""


class Norm:
    LIST = ["activity", "minutes", "times_per_week", "active"]
    SHOW = ["activity", "minutes", "times_per_week", "active", "organisation", "updated_at"]
    EDIT = ["activity", "minutes", "times_per_week", "active"]
    SEARCH = ["activity", "active"]
    LABELS = {"activity": "Activiteit", "minutes": "Minuten per keer",
              "times_per_week": "Keer per week", "active": "Actief"}
    DESCRIPTIONS = {
        "activity": "Bijv. 'Licht schoonmaakwerk'; uniek binnen de organisatie",
        "minutes": "Normtijd per keer, in hele minuten (meer dan 0)",
        "times_per_week": "Bijv. 1, 2 of 0,5 (eens per twee weken)",
        "active": "Alleen actieve normen worden in een beoordeling gebruikt",
    }


class Surcharge:
    LIST = ["name", "percent", "active"]
    SHOW = ["name", "percent", "description", "active", "organisation", "updated_at"]
    EDIT = ["name", "percent", "description", "active"]
    SEARCH = ["name", "active"]
    LABELS = {"name": "Naam", "percent": "Percentage", "description": "Omschrijving",
              "active": "Actief"}
    DESCRIPTIONS = {
        "percent": "Toeslag op de normtijd, 1 tot en met 100 procent",
        "description": "Wanneer de toeslag geldt. In een beoordeling is per toeslag een "
                       "schriftelijke reden nodig.",
    }


class Assessment:
    LIST = ["holder", "help_request", "status", "advice", "hours_per_week", "started_on",
            "completed_on", "assessed_by"]
    SHOW = ["holder", "help_request", "status", "advice", "hours_per_week", "temporary_until",
            "started_on", "completed_on", "assessed_by", "organisation"]
    SEARCH = ["status", "advice", "started_on", "completed_on"]
    LABELS = {"holder": "Hulpkaarthouder", "help_request": "Hulpvraag", "status": "Status",
              "advice": "Advies", "hours_per_week": "Uren per week",
              "temporary_until": "Tijdelijk tot", "started_on": "Begonnen op",
              "completed_on": "Afgerond op", "assessed_by": "Beoordeeld door",
              "steps": "Antwoorden", "advice_reasons": "Redenen van het advies"}
