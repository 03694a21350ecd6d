"""Kaarten tellen (anoniem): the count screen and its API (resource ``CardTally``).

For organisations that do not register holders (Organisation.registers_holders is False), and
for cards made before an organisation used Hulpregie: how many cards reached which step on a
day, the time spent and how many take part in research. No person is named.
"""

from app.core.api import ScopedModelRestApi
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.reports.models import CardTally

MENU = "Kaarten tellen (anoniem)"

LIST = ["counted_on", "event", "number", "minutes_spent", "research_participants", "coach"]
SHOW = [*LIST, "note", "organisation", "created_at", "updated_at"]
EDIT = ["counted_on", "event", "number", "minutes_spent", "research_participants", "coach", "note"]
SEARCH = ["counted_on", "event", "coach"]
LABELS = {
    "counted_on": "Datum",
    "event": "Gebeurtenis",
    "number": "Aantal kaarten",
    "minutes_spent": "Bestede tijd (minuten)",
    "research_participants": "Waarvan deelname onderzoek",
    "coach": "Coach",
    "note": "Toelichting",
    "organisation": "Organisatie",
    "created_at": "Vastgelegd op",
    "updated_at": "Gewijzigd op",
}
DESCRIPTIONS = {
    "counted_on": "De dag waarop de kaarten werden aangevraagd, uitgereikt, geëvalueerd of ingetrokken",
    "event": "Wat er met deze kaarten gebeurde",
    "number": "Hoeveel kaarten (minstens 1)",
    "minutes_spent": "De tijd voor al deze kaarten samen, in minuten; leeg als onbekend",
    "research_participants": "Hoeveel van deze houders meedoen aan onderzoek (niet meer dan het aantal)",
    "note": "Alleen een toelichting op de telling: noem geen namen of andere persoonsgegevens",
}


class CardTallyView(ScopedModelView):
    datamodel = ScopedInterface(CardTally)
    list_title = "Kaarten tellen (anoniem)"
    show_title = "Telling"
    add_title = "Nieuwe telling"
    edit_title = "Telling wijzigen"
    list_columns = LIST
    show_columns = SHOW
    add_columns = edit_columns = EDIT
    search_columns = SEARCH
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    base_order = ("counted_on", "desc")


class CardTallyApi(ScopedModelRestApi):
    view = CardTallyView
