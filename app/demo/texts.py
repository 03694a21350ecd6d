"""Word lists and texts for the demo data set (fictional people, realistic Dutch wording)."""

from __future__ import annotations

FIRST_NAMES_F = (
    "Anna", "Emma", "Sophie", "Julia", "Lotte", "Sanne", "Fleur", "Lisa", "Eva", "Iris",
    "Femke", "Marieke", "Ingrid", "Willemijn", "Anouk", "Noor", "Yasmina", "Fatima", "Nadia",
    "Esther", "Karin", "Monique", "Ria", "Truus", "Gerda", "Els", "Joke", "Annelies", "Mirjam",
    "Hanneke", "Saskia", "Ilse", "Ayşe", "Elif", "Naima", "Samira", "Sharda", "Wendy", "Linda",
    "Marloes", "Roos", "Tessa", "Jolanda", "Bep", "Nel", "Dewi", "Chantal", "Petra",
)
FIRST_NAMES_M = (
    "Jan", "Pieter", "Kees", "Henk", "Gerrit", "Willem", "Bram", "Daan", "Thijs", "Lucas",
    "Sem", "Jesse", "Ruben", "Stijn", "Bas", "Joris", "Martijn", "Erik", "Hans", "Rob",
    "Mohamed", "Youssef", "Ahmed", "Mehmet", "Emre", "Rachid", "Kevin", "Dennis", "Wim",
    "Frank", "Ton", "Sjoerd", "Jeroen", "Koen", "Niels", "Teun", "Gijs", "Ravi", "Marco", "Arie",
)
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
    "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden",
    "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
    "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Kuipers",
    "El Amrani", "Yılmaz", "Kaya", "Bouzid", "Ramdin", "Biharie", "Kartosen", "Nguyen",
    "Öztürk", "Aydın", "Ouali", "Pinas", "van Wijk", "Timmermans", "Post", "Veenstra",
)

STREETS_UTRECHT = (
    "Oudegracht", "Biltstraat", "Amsterdamsestraatweg", "Kanaalweg", "Vleutenseweg",
    "Burgemeester Reigerstraat", "Croeselaan", "Hooghiemstraplein", "Marnixlaan",
    "Kardinaal de Jongweg", "Zamenhofdreef", "Einsteindreef", "Vasco da Gamalaan",
    "Columbuslaan", "Bernadottelaan", "Lessinglaan", "Twijnstraat", "Nachtegaalstraat",
    "Adelaarstraat", "Balijelaan", "Rivierenwijk", "Weerdsingel", "Laan van Nieuw-Guinea",
    "Cartesiusweg", "Majellapark", "Merelstraat", "Prins Hendriklaan", "Abstederdijk",
)
STREETS_GENERIC = (
    "Kerkstraat", "Dorpsstraat", "Julianalaan", "Wilhelminalaan", "Beatrixlaan", "Lindenlaan",
    "Eikenlaan", "Merelstraat", "Lijsterbeslaan", "Schoolstraat", "Molenweg", "Parkweg",
    "Stationsweg", "Slotlaan", "Bosweg", "Hoflaan", "Meidoornlaan", "Prinses Marijkelaan",
)

# Relations of a contact person to the holder: (relation, gender of the contact person,
# shares the holder's surname, fits a holder of this age range).
RELATIONS_FAMILY = (
    ("moeder", "f", True, (18, 60)), ("vader", "m", True, (18, 60)),
    ("zus", "f", True, (18, 90)), ("broer", "m", True, (18, 90)),
    ("dochter", "f", True, (45, 90)), ("zoon", "m", True, (45, 90)),
    ("partner", None, False, (18, 90)), ("buurvrouw", "f", False, (18, 90)),
    ("buurman", "m", False, (18, 90)), ("vriendin", "f", False, (18, 90)),
    ("vriend", "m", False, (18, 90)), ("tante", "f", False, (18, 45)),
    ("nicht", "f", False, (30, 90)), ("neef", "m", False, (30, 90)),
)
FAMILY_WORDS = tuple(r[0] for r in RELATIONS_FAMILY)
RELATIONS_PROFESSIONAL = (
    "persoonlijk begeleider", "ambulant begeleider", "mentor", "behandelaar GGZ",
    "casemanager", "wijkverpleegkundige",
)

# Help categories (CategoryGroup member name -> names).
CATEGORIES = {
    "practical": (
        "lamp ophangen", "formulieren invullen", "tuin", "meubels in elkaar zetten", "maaltijd",
        "verhuisdozen inpakken", "hond uitlaten",
    ),
    "social": ("bezoekje", "uitstapje", "taalondersteuning", "telefooncontact"),
    "transport": ("naar het ziekenhuis", "voedselpakket ophalen"),
}

REQUEST_TEXTS = {
    "lamp ophangen": (
        "Mevrouw heeft een nieuwe lamp voor de woonkamer gekocht en kan zelf niet meer op een trap staan.",
        "De lamp in de gang is kapot en moet vervangen worden; meneer heeft geen ladder.",
    ),
    "formulieren invullen": (
        "Hulp bij het invullen van de aanvraag huurtoeslag; meneer vindt de formulieren lastig.",
        "Mevrouw krijgt brieven van de Belastingdienst en begrijpt ze niet. Zoekt iemand die meekijkt.",
        "Hulp bij het aanvragen van een DigiD en het inloggen bij de gemeente.",
    ),
    "tuin": (
        "De achtertuin is overwoekerd; eenmalig hulp bij snoeien en onkruid wieden.",
        "Heg knippen voor de zomer; meneer kan na zijn operatie niet bukken.",
    ),
    "meubels in elkaar zetten": (
        "Na de verhuizing staan een kast en een bed nog in de dozen.",
        "Een nieuwe boekenkast in elkaar zetten en aan de muur vastmaken.",
    ),
    "maaltijd": (
        "Na ontslag uit het ziekenhuis twee weken lang één keer per week een warme maaltijd brengen.",
        "Mevrouw zou graag eens per week samen met iemand koken.",
    ),
    "verhuisdozen inpakken": (
        "Mevrouw gaat naar een kleinere woning en heeft hulp nodig bij het inpakken van boeken en servies.",
        "Meneer verhuist naar een aanleunwoning; hulp bij inpakken en uitzoeken wat weg kan.",
    ),
    "hond uitlaten": (
        "De hond (labrador) moet op werkdagen 's middags uitgelaten worden, zes weken na een heupoperatie.",
        "Kleine hond uitlaten in de ochtend; mevrouw loopt tijdelijk met krukken.",
    ),
    "bezoekje": (
        "Weduwnaar met weinig contacten zou graag elke week koffie drinken met iemand uit de buurt.",
        "Mevrouw is net verhuisd naar de wijk en kent nog niemand; zoekt een maatje voor een bezoekje.",
    ),
    "uitstapje": (
        "Zou graag een keer naar de markt of het park; kan niet alleen met de rollator.",
        "Meneer wil graag nog eens naar de Dom en het Museum Speelklok; zoekt iemand om mee te gaan.",
    ),
    "taalondersteuning": (
        "Oefenen met Nederlands praten, een uur per week, bij voorkeur overdag.",
        "Hulp bij het lezen van brieven van school in eenvoudig Nederlands.",
    ),
    "telefooncontact": (
        "Mevrouw wil graag twee keer per week gebeld worden voor een praatje.",
        "Meneer woont alleen en zou graag elke ochtend even gebeld worden.",
    ),
    "naar het ziekenhuis": (
        "Vervoer naar en begeleiding bij een afspraak in het UMC Utrecht.",
        "Rit naar het Diakonessenhuis voor een controle; heeft geen vervoer.",
        "Begeleiding naar het St. Antonius Ziekenhuis, afdeling cardiologie.",
    ),
    "voedselpakket ophalen": (
        "Voedselpakket ophalen bij de uitgifte op vrijdag; mevrouw heeft geen vervoer.",
        "Meneer kan het pakket van de voedselbank niet zelf dragen.",
    ),
}

# Requests that do not fit: (partner key, where to refer without such a partner,
# category or None, what was asked, the reason for the decision).
REJECT_REASONS = (
    ("care", "de thuiszorg in de wijk", "maaltijd",
     "Meneer heeft na een val elke ochtend hulp nodig bij wassen en aankleden, en bij het ontbijt.",
     "Persoonlijke verzorging is werk voor de thuiszorg, niet voor een vrijwilliger."),
    ("neighbourhood_team", "het sociaal team van de gemeente", "formulieren invullen",
     "Mevrouw heeft een stapel onbetaalde rekeningen, weet niet waar te beginnen en voelt zich alleen.",
     "Er spelen schulden en eenzaamheid; het buurtteam kan dit beter oppakken."),
    ("municipality", "het Wmo-loket van de gemeente", None,
     "Meneer kan de trap niet meer op en vraagt of iemand een traplift kan regelen.",
     "Een traplift valt onder de Wmo; doorverwezen naar het Wmo-loket van de gemeente."),
    ("welfare", "de formulierenbrigade", "formulieren invullen",
     "Zoekt iemand die elke maand de hele administratie bijhoudt.",
     "Structurele hulp bij de administratie; doorverwezen naar de formulierenbrigade."),
    (None, "een verhuisbedrijf", "verhuisdozen inpakken",
     "Hulp bij de verhuizing van een hele woning, met vervoer van de meubels in een bus.",
     "Het gaat om een verhuizing met groot vervoer; dat valt buiten de burenhulp."),
)

FEEDBACK_REQUESTER = (
    "Heel fijn geholpen, de klus is klaar.",
    "Erg aardige vrijwilliger; komt volgende maand nog eens langs.",
    "Goed geholpen, alleen iets later dan afgesproken.",
    "Ik ben er heel blij mee, dank jullie wel!",
)
FEEDBACK_VOLUNTEER = (
    "Leuk contact, mevrouw had de koffie al klaar.",
    "Klus was groter dan gedacht, maar het is gelukt.",
    "Prima verlopen; ik help graag nog eens in deze buurt.",
    "Meneer was wat onzeker, maar het ging goed.",
)

AVAILABILITY = (
    "maandag- en woensdagmiddag", "doordeweeks 's avonds", "zaterdagochtend", "flexibel",
    "dinsdag en donderdag overdag", "weekend", "vrijdagmiddag", "één keer per week",
)

PROFESSIONALS = (
    "Wijkverpleegkundige J. Bakker (Buurtzorg)",
    "Maatschappelijk werker S. Ouali (buurtteam)",
    "Praktijkondersteuner huisarts M. de Wit",
    "Casemanager dementie A. Hoekstra",
    "Ambulant begeleider R. Pinas",
)

# Card sections per profile: several sentences each; the builder picks a few that fit the
# panel limits of SECTION_LIMITS. Written in the holder's own voice.
PROFILES = {
    "autisme": {
        "loss_of_control_signs": (
            "Ik ga heen en weer wiegen en geef geen antwoord meer.",
            "Ik druk mijn handen tegen mijn oren.",
            "Ik praat snel en herhaal steeds dezelfde zin.",
            "Ik zoek een hoek op of loop weg van de drukte.",
        ),
        "how_to_help": (
            "Spreek mij rustig aan en gebruik korte zinnen.",
            "Breng mij naar een stille plek zonder fel licht.",
            "Geef mij tijd om te antwoorden; dat kan een minuut duren.",
            "Zeg wat u gaat doen voordat u het doet.",
            "Bel mijn eerste contactpersoon; die weet wat helpt.",
        ),
        "what_not_to_do": (
            "Raak mij niet aan zonder het te vragen.",
            "Stel niet veel vragen tegelijk.",
            "Praat niet hard en ga niet met meerdere mensen om mij heen staan.",
        ),
        "what_i_do_myself": (
            "Ik zet mijn koptelefoon op en tel tot honderd.",
            "Ik pak het kaartje met mijn stappenplan uit mijn portemonnee.",
        ),
        "medication_preferences": ("Ik gebruik geen vaste medicatie. Eerst rust en een stille ruimte.",),
        "medication_refused": ("Ik wil geen kalmeringsmiddel via een injectie.",),
        "other_info": (
            "Ik heb autisme. Ik neem dingen letterlijk; zeg precies wat u bedoelt.",
            "Ik kan slecht tegen harde geluiden en zwaailicht.",
        ),
    },
    "psychose": {
        "loss_of_control_signs": (
            "Ik hoor stemmen en reageer op dingen die u niet ziet.",
            "Ik ben achterdochtig en denk dat ik gevolgd word.",
            "Ik heb dagen slecht geslapen en loop onrustig rond.",
        ),
        "how_to_help": (
            "Blijf kalm en zeg wie u bent.",
            "Zeg dat ik veilig ben.",
            "Bel mijn contactpersoon of mijn behandelaar bij de GGZ.",
            "Vraag of ik water wil en laat mij zitten.",
        ),
        "what_not_to_do": (
            "Ga niet in discussie over wat ik hoor of zie.",
            "Pak mij niet vast; dan raak ik in paniek.",
            "Zet geen sirene of zwaailicht aan als het niet nodig is.",
        ),
        "what_i_do_myself": (
            "Ik neem mijn noodmedicatie en ga op bed liggen.",
            "Ik bel de crisisdienst van mijn behandelaar.",
        ),
        "medication_preferences": (
            "Noodmedicatie zit in mijn tas (voorgeschreven door mijn psychiater). Liever een tablet.",
        ),
        "medication_refused": ("Liever geen injectie; een tablet neem ik wel in.",),
        "other_info": ("Ik ben in behandeling bij de GGZ. Mijn signaleringsplan ligt bij mijn behandelaar.",),
    },
    "lvb": {
        "loss_of_control_signs": (
            "Ik word boos en ga schelden, ook als ik het niet zo bedoel.",
            "Ik begrijp niet meer wat er gezegd wordt en zeg maar ja.",
            "Ik ga huilen en wil naar huis.",
        ),
        "how_to_help": (
            "Gebruik makkelijke woorden en praat langzaam.",
            "Vraag of ik het begrepen heb en laat het mij in eigen woorden zeggen.",
            "Help mij om mijn begeleider te bellen.",
        ),
        "what_not_to_do": (
            "Geef mij geen papieren om te tekenen.",
            "Lach mij niet uit en praat niet over mij alsof ik er niet ben.",
        ),
        "what_i_do_myself": ("Ik laat deze kaart zien en zeg: ik heb hulp nodig.",),
        "medication_preferences": ("Mijn medicijnen staan op de lijst in mijn portemonnee.",),
        "medication_refused": (),
        "other_info": ("Ik woon begeleid zelfstandig. Mijn begeleider is overdag bereikbaar.",),
    },
    "nah": {
        "loss_of_control_signs": (
            "Ik word snel moe en reageer traag.",
            "Ik raak de weg kwijt en weet niet meer waar ik ben.",
            "Ik praat onduidelijk; ik ben niet dronken.",
        ),
        "how_to_help": (
            "Geef mij één ding tegelijk en herhaal het als dat nodig is.",
            "Help mij een rustige plek te vinden om te zitten.",
            "Bel mijn contactpersoon; die kan mij ophalen.",
        ),
        "what_not_to_do": (
            "Denk niet dat ik onder invloed ben.",
            "Zet mij niet onder tijdsdruk.",
        ),
        "what_i_do_myself": ("Ik neem pauze en drink water. Op mijn telefoon staat de route naar huis.",),
        "medication_preferences": ("Ik gebruik bloedverdunners; meld dat bij een val.",),
        "medication_refused": (),
        "other_info": ("Ik heb sinds een ongeluk niet-aangeboren hersenletsel.",),
    },
    "angst": {
        "loss_of_control_signs": (
            "Ik adem snel, tril en zweet.",
            "Ik bevries en kan niet meer praten.",
            "Ik denk dat ik doodga; het is een paniekaanval.",
        ),
        "how_to_help": (
            "Zeg rustig dat het een paniekaanval is en dat het overgaat.",
            "Adem met mij mee: vier tellen in, zes tellen uit.",
            "Blijf bij mij tot het zakt.",
        ),
        "what_not_to_do": (
            "Zeg niet dat ik mij aanstel.",
            "Kom niet te dichtbij en ga niet voor de uitgang staan.",
        ),
        "what_i_do_myself": ("Ik doe mijn ademhalingsoefening en pak iets kouds vast.",),
        "medication_preferences": ("Ik heb een kalmerend middel van de huisarts bij mij voor noodgevallen.",),
        "medication_refused": (),
        "other_info": ("Ik heb PTSS. Uniformen maken mij extra angstig; leg uit wat u doet.",),
    },
}

COACH_COMPETENCES = (
    "Ervaring met autisme en prikkelverwerking",
    "Achtergrond in de GGZ; crisissignalering",
    "Werkt met mensen met een licht verstandelijke beperking",
    "Kennis van niet-aangeboren hersenletsel",
    "Ervaringsdeskundige; traumasensitief werken",
)
TARGET_GROUPS = ("autisme", "GGZ", "LVB", "NAH", "ouderen", "jongvolwassenen")

INTERVISION_TOPICS = (
    "Contactpersonen die twijfelen om toestemming te geven",
    "Toestemming voor de meldkamer: hoe leg je het uit?",
    "Grenzen van de coachrol",
    "Houder wil de kaart alleen maken; wanneer bied je meer hulp?",
    "Jaarlijkse evaluatie: wat als er niets veranderd is?",
    "Teksten kort houden binnen de vakken van de kaart",
    "Samenwerking met het buurtteam",
)
