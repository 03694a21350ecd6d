"""Which support-plan fields each screen and the API show, and the conversation guide."""

# The open conversation (Generiek kompas), in plain Dutch: (field, question, hint).
QUESTIONS = [
    ("important", "Wat vindt u het belangrijkst in uw leven?",
     "Noem de drie dingen die u het belangrijkst vindt (uw top 3)."),
    ("can_do_self", "Wat kunt u zelf?", "Wat lukt u zonder hulp?"),
    ("wants_to_do_self", "Wat wilt u zelf blijven doen?", "Ook als het wat moeite kost."),
    ("goes_well", "Wat gaat goed?", ""),
    ("goes_less_well", "Wat gaat minder goed?", "Waar loopt u tegenaan?"),
    ("network_who", "Wie om u heen kan helpen?", "Familie, vrienden, buren, de kerk of de club."),
    ("network_help", "Welke hulp krijgt u van hen?", "Wie doet wat, en hoe vaak?"),
    ("professional_help", "Waarvoor heeft u hulp van een professional nodig?",
     "Bijvoorbeeld thuiszorg, het wijkteam of de huisarts."),
    ("technology_aids", "Kunnen techniek of hulpmiddelen helpen?",
     "Bijvoorbeeld een alarmknop, een app, een rollator of boodschappen laten bezorgen."),
    ("help_frequency", "Hoe vaak en wanneer is hulp nodig?", "Welke dagen en tijden?"),
    ("goals", "Wat wilt u bereiken?", "Uw doelen: wat is er over een paar maanden anders?"),
]
FIELDS = [name for name, _, _ in QUESTIONS]

LABELS = {
    "title": "Titel",
    "holder": "Hulpkaarthouder",
    "help_request": "Hulpvraag",
    "coach": "Hulpkaartcoach",
    "status": "Status",
    "next_conversation_on": "Volgend gesprek",
    "readers": "Lezers (de cliënt kiest)",
    "created_by": "Gestart door",
    "plan": "Ondersteuningsplan",
    "version_no": "Versie",
    "conversation_on": "Datum gesprek",
    "agreed_on": "Akkoord cliënt op",
    **{name: question for name, question, _ in QUESTIONS},
}
DESCRIPTIONS = {
    "readers": "Alleen deze medewerkers kunnen het plan openen; u staat er zelf altijd op.",
    "holder": "Kies de hulpkaarthouder óf de hulpvraag van wie het plan is.",
    "next_conversation_on": "De coach krijgt een week van tevoren een herinnering.",
}

LIST = ["title", "holder", "help_request", "coach", "status", "next_conversation_on"]
SHOW = ["title", "holder", "help_request", "coach", "status", "next_conversation_on",
        "readers", "created_by", "organisation", "created_at", "updated_at"]
ADD = ["holder", "help_request", "title", "coach", "next_conversation_on", "readers"]
EDIT = ["title", "coach"]
SEARCH = ["title", "holder", "help_request", "coach", "status", "next_conversation_on"]

VERSION_LIST = ["plan", "version_no", "conversation_on", "agreed_on", "created_by"]
VERSION_SHOW = ["plan", "version_no", "conversation_on", "agreed_on", *FIELDS, "created_by",
                "created_at"]
VERSION_SEARCH = ["plan", "version_no", "conversation_on", "agreed_on"]
