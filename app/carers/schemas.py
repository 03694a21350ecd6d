"""Which carer fields each screen and the API show."""

LABELS = {
    "holder": "Hulpkaarthouder",
    "help_request": "Hulpvraag",
    "name": "Naam mantelzorger",
    "relation": "Relatie tot de cliënt",
    "phone": "Telefoon",
    "email": "E-mail",
    "may_do": "Wat mag de mantelzorger doen?",
    "can_do": "Wat kan de mantelzorger?",
    "wants_to_do": "Wat wil de mantelzorger doen?",
    "support_needed": "Welke steun heeft de mantelzorger nodig?",
    "agreed_on": "Afspraken gemaakt op",
    "review_on": "Afspraken opnieuw bekijken op",
    "reserved_act": "Voorbehouden handeling (bijv. injecties)",
    "reserved_act_description": "Welke voorbehouden handeling?",
    "both_want": "Cliënt en mantelzorger willen dit allebei",
    "competent": "Mantelzorger is bekwaam",
    "professional_agreements": "Afspraken met professionals",
    "active": "Actief",
    "reserved_act_warning": "Let op",
    "carer": "Mantelzorger",
    "signalled_on": "Gesignaleerd op",
    "description": "Omschrijving",
    "respite_option": "Respijtzorg",
    "follow_up_on": "Opvolgen op",
    "resolved_on": "Afgesloten op",
    "outcome": "Opvolging en uitkomst",
}
DESCRIPTIONS = {
    "holder": "Kies de hulpkaarthouder óf de hulpvraag bij wie de mantelzorger hoort.",
    "review_on": "Leeg: over het aantal maanden van het beleid (standaard 6).",
    "reserved_act": "Een voorbehouden handeling mag alleen als beiden het willen, de mantelzorger "
                    "bekwaam is en er afspraken met de professionals zijn.",
    "professional_agreements": "Bijv. instructie door de wijkverpleegkundige; wie is aanspreekpunt.",
}

LIST = ["name", "relation", "holder", "help_request", "review_on", "reserved_act_warning", "active"]
API_LIST = ["name", "relation", "holder", "help_request", "review_on", "reserved_act", "active"]
SHOW = ["name", "relation", "phone", "email", "holder", "help_request", "may_do", "can_do",
        "wants_to_do", "support_needed", "agreed_on", "review_on", "reserved_act",
        "reserved_act_description", "both_want", "competent", "professional_agreements", "active",
        "organisation", "created_at", "updated_at"]
ADD = ["holder", "help_request", "name", "relation", "phone", "email", "may_do", "can_do",
       "wants_to_do", "support_needed", "agreed_on", "review_on", "reserved_act",
       "reserved_act_description", "both_want", "competent", "professional_agreements"]
EDIT = [c for c in ADD if c not in ("holder", "help_request")] + ["active"]
SEARCH = ["holder", "help_request", "review_on", "reserved_act", "active"]

OVERLOAD_LIST = ["carer", "signalled_on", "respite_option", "follow_up_on", "resolved_on"]
OVERLOAD_SHOW = ["carer", "signalled_on", "description", "respite_option", "follow_up_on",
                 "resolved_on", "outcome", "created_at"]
OVERLOAD_ADD = ["carer", "description", "respite_option", "follow_up_on"]
OVERLOAD_EDIT = ["description", "respite_option"]
OVERLOAD_SEARCH = ["carer", "signalled_on", "respite_option", "follow_up_on", "resolved_on"]
