"""The household-help assessment (Protocol hulp bij het huishouden): the decision frame as data.

``STEPS`` is the frame: an ordered table of questions, each with its allowed answers and a
function that, given the answer, names the next step or an outcome (no indication, or done:
compute the hours). An assessment stores only the answers (``steps``: step, answer, reason);
:func:`replay` walks them through the table again, so the state is never stored twice.

Every answer needs a written reason. Hours come from the organisation's norm table (minutes x
times per week for the tasks the client cannot do and nobody usual does), then the share in
shared living, the surcharges (each with its own reason) and at most 2 hours for a house-dust-
mite allergy after remediation. The outcome is an ADVICE; a person takes the decision.

One function per state change (start, answer, back, complete, reopen): check, change, audit.
The caller commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.models import utcnow
from app.core.validation import FieldError
from app.household.models import (
    AssessmentStatus,
    HouseholdAdvice,
    HouseholdAssessment,
    HouseholdNorm,
    HouseholdSurcharge,
)
from security.audit import Actor, record
from infra.dates import add_months
from app.core.errors import TransitionError

NONE, DONE = "none", "done"  # outcomes of a step: no indication / compute the advice
INSTRUCTION_MONTHS = 6  # instruction: a temporary indication of at most 6 months
DUST_MITE_MAX_HOURS = Decimal(2)  # house-dust-mite allergy: at most 2 hours extra per week
MAX_MINUTES, MAX_TIMES = 1440, Decimal("99.99")
ADVICE_NOTE = ("Dit is een advies volgens het protocol hulp bij het huishouden. Het besluit "
               "neemt een medewerker, niet de software.")


# -- the walk: what the answers so far add up to --------------------------------------------------

@dataclass
class Walk:
    current: str | None = "dysfunction"  # the next question, None once there is an outcome
    outcome: str | None = None  # NONE or DONE
    stopped_at: str | None = None  # the step that gave no indication
    tasks: list[dict] = field(default_factory=list)  # norm snapshot: id, activity, minutes, times
    remaining: list[int] = field(default_factory=list)  # tasks nobody usual does
    share: int = 100  # percent of the norm time in shared living
    extra_hours: Decimal = Decimal(0)
    surcharges: list[dict] = field(default_factory=list)  # id, name, percent, reason
    temporary: list[str] = field(default_factory=list)  # steps that make the advice temporary
    instruction: bool = False

    def task(self, task_id: int) -> dict:
        return next(t for t in self.tasks if t["id"] == task_id)


def _drop(walk: Walk, entry: dict, then: str) -> str:
    """Tasks taken over (by a housemate, a provision): nobody needs to be indicated for them."""
    walk.remaining = [t for t in walk.remaining if t not in entry["answer"]]
    return then if walk.remaining else NONE


def _temporary(walk: Walk, key: str, then: str) -> str:
    walk.temporary.append(key)
    return then


def _residence(entry, walk):
    return {"holiday": NONE, "shared": "shared_part"}.get(entry["answer"], "guidance")


def _share(entry, walk):
    walk.share = int(entry["answer"])
    return "guidance"


def _tasks(entry, walk):
    walk.tasks = entry["norms"]
    walk.remaining = list(entry["answer"])
    return "housemates" if walk.remaining else NONE


def _housemates(entry, walk):
    answer = entry["answer"]
    if answer == "able":
        return "housemate_tasks"
    if answer == "overloaded":
        return _temporary(walk, "housemates", "provisions")
    return "provisions"  # none; away for work in unbroken periods of 7 days or more


def _instruction(entry, walk):
    if entry["answer"] == "yes":
        walk.instruction = True
        return _temporary(walk, "instruction", "rehabilitation")
    return "rehabilitation"


def _extra_hours(entry, walk):
    walk.extra_hours = Decimal(str(entry["answer"]))
    return "surcharges"


def _surcharges(entry, walk):
    walk.surcharges = list(entry["answer"])
    return DONE


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    question: str
    help: str
    kind: str  # choice | tasks | percent | hours | surcharges
    next: Callable[[dict, Walk], str]
    answers: dict[str, str] = field(default_factory=dict)  # code -> Dutch label (choice)


YES_NO = {"yes": "Ja", "no": "Nee"}
STEP_LIST = [
    Step("dysfunction", "Dreigende ontregeling",
         "Dreigt het huishouden ontregeld te raken: vervuiling, verwaarlozing of ontregeling?",
         "Is er geen dreiging van vervuiling, verwaarlozing of ontregeling, dan is er geen "
         "indicatie voor hulp bij het huishouden.", "choice",
         lambda e, w: "residence" if e["answer"] == "yes" else NONE,
         {"yes": "Ja, er dreigt ontregeling", "no": "Nee, er dreigt geen ontregeling"}),
    Step("residence", "Woonsituatie", "Waar woont de cliënt?",
         "Voor een vakantiewoning, tweede woning, hotel of gehuurde kamer is er in beginsel geen "
         "indicatie. Bij gedeelde woonruimte tellen alleen de eigen kamers en een redelijk deel "
         "van de gemeenschappelijke ruimten.", "choice", _residence,
         {"independent": "Zelfstandige woning",
          "shared": "Gedeelde woonruimte (woongroep, gedeeld huis)",
          "holiday": "Vakantiewoning, tweede woning, hotel of gehuurde kamer"}),
    Step("shared_part", "Deel van de woning",
         "Welk deel van de normtijd geldt: de eigen kamers plus een redelijk deel van de "
         "gemeenschappelijke ruimten (in procenten, 1 tot en met 100)?",
         "Bijvoorbeeld: eigen kamer en een derde van keuken en badkamer gedeeld met drie "
         "anderen.", "percent", _share),
    Step("guidance", "Begeleiding of huishouden",
         "Gaat de vraag om hulp bij het huishouden, of vooral om begeleiding (regie, structuur, "
         "plannen)?",
         "Is het vooral begeleiding, dan is er geen indicatie voor hulp bij het huishouden; "
         "verwijs naar begeleiding.", "choice",
         lambda e, w: NONE if e["answer"] == "guidance" else "tasks",
         {"household": "Hulp bij het huishouden (taken uitvoeren)",
          "both": "Beide: hulp bij het huishouden en begeleiding",
          "guidance": "Vooral begeleiding"}),
    Step("tasks", "Wat de cliënt nog kan",
         "Welke taken kan de cliënt niet meer zelf doen? Vink ze aan; wat niet is aangevinkt "
         "doet de cliënt zelf.",
         "De taken en normtijden komen uit de normtabel van uw organisatie.", "tasks", _tasks),
    Step("housemates", "Gebruikelijke hulp van huisgenoten",
         "Zijn er huisgenoten die gebruikelijke hulp kunnen geven?",
         "Een huisgenoot die het kan, doet het huishouden (geen indicatie voor die taken). Is hij "
         "voor zijn werk aaneengesloten 7 dagen of langer weg, dan geldt dat niet. Een overbelaste "
         "huisgenoot geeft een tijdelijke indicatie.", "choice", _housemates,
         {"none": "Geen huisgenoot",
          "able": "Een huisgenoot die het huishouden kan doen",
          "away": "Huisgenoot is voor zijn werk aaneengesloten 7 dagen of langer afwezig",
          "overloaded": "Huisgenoot is overbelast"}),
    Step("housemate_tasks", "Taken van de huisgenoot",
         "Welke van deze taken kan de huisgenoot doen? Daarvoor is er geen indicatie.",
         "Niet aangevinkt: de huisgenoot kan die taak niet doen.", "tasks",
         lambda e, w: _drop(w, e, "provisions")),
    Step("provisions", "Voorliggende voorzieningen en hulpmiddelen",
         "Lossen voorliggende voorzieningen of algemeen gebruikelijke hulpmiddelen taken op "
         "(boodschappendienst, maaltijdservice of diepvriesmaaltijden, vaatwasser, wasdroger)?",
         "Die gaan voor: voor taken die zo worden opgelost is er geen indicatie.", "choice",
         lambda e, w: "provision_tasks" if e["answer"] == "yes" else "instruction",
         {"yes": "Ja, voor een of meer taken", "no": "Nee"}),
    Step("provision_tasks", "Taken opgelost met voorzieningen",
         "Welke van deze taken worden opgelost met een voorliggende voorziening of een gewoon "
         "hulpmiddel?", "Noem in de reden welke voorziening of welk hulpmiddel.", "tasks",
         lambda e, w: _drop(w, e, "instruction")),
    Step("instruction", "Instructie",
         "Kan de cliënt of een huisgenoot het huishouden leren doen met instructie?",
         f"Instructie duurt ten hoogste {INSTRUCTION_MONTHS} maanden: de indicatie is dan "
         "tijdelijk.", "choice", _instruction,
         {"yes": f"Ja, met instructie (tijdelijk, ten hoogste {INSTRUCTION_MONTHS} maanden)",
          "no": "Nee"}),
    Step("rehabilitation", "Herstel (revalidatie)",
         "Is herstel te verwachten, bijvoorbeeld na revalidatie?",
         "Bij herstel is de indicatie tijdelijk.", "choice",
         lambda e, w: _temporary(w, "rehabilitation", "dust_mite") if e["answer"] == "yes"
         else "dust_mite",
         {"yes": "Ja, herstel verwacht (tijdelijke indicatie)", "no": "Nee"}),
    Step("dust_mite", "Huisstofmijtallergie",
         "Heeft de cliënt een huisstofmijtallergie?",
         "Pas na sanering van de woning: ten hoogste 2 uur extra per week.", "choice",
         lambda e, w: "dust_hours" if e["answer"] == "remediated" else "surcharges",
         {"no": "Nee", "remediated": "Ja, en de woning is gesaneerd",
          "not_remediated": "Ja, maar de woning is nog niet gesaneerd (eerst saneren)"}),
    Step("dust_hours", "Extra tijd huisstofmijt",
         "Hoeveel uur extra per week is nodig na de sanering (ten hoogste 2)?",
         "Bijvoorbeeld 1,5.", "hours", _extra_hours),
    Step("surcharges", "Toeslagen",
         "Geldt er een toeslag op de normtijd? Vink hem aan en schrijf per toeslag de reden op.",
         "Geen toeslag: vink niets aan.", "surcharges", _surcharges),
]
STEPS = {step.key: step for step in STEP_LIST}


# -- reading the stored answers --------------------------------------------------------------------

def entries(assessment: HouseholdAssessment) -> list[dict]:
    return json.loads(assessment.steps) if assessment.steps else []


def reasons(assessment: HouseholdAssessment) -> list[str]:
    return json.loads(assessment.advice_reasons) if assessment.advice_reasons else []


def replay(items: list[dict]) -> Walk:
    """Walk the stored answers through the frame."""
    walk = Walk()
    for entry in items:
        if entry["step"] != walk.current:
            raise TransitionError(f"De opgeslagen antwoorden passen niet bij de vragenlijst "
                                  f"(stap '{entry['step']}').")
        result = STEPS[entry["step"]].next(entry, walk)
        if result in (NONE, DONE):
            walk.current, walk.outcome = None, result
            walk.stopped_at = entry["step"] if result == NONE else None
        else:
            walk.current = result
    return walk


def options(session: Session, assessment: HouseholdAssessment, walk: Walk) -> list[dict]:
    """The tasks to choose from at the current (tasks) step."""
    if walk.current == "tasks":
        return active_norms(session, assessment.organisation_id)
    return [walk.task(t) for t in walk.remaining]


def answer_label(entry: dict, tasks: list[dict] | None = None) -> str:
    """An answer in words, for the summary, the advice page and the PDF."""
    step, value = STEPS[entry["step"]], entry["answer"]
    if step.kind == "choice":
        return step.answers.get(value, value)
    if step.kind == "tasks":
        names = {t["id"]: t["activity"] for t in (entry.get("norms") or tasks or [])}
        return ", ".join(names.get(i, f"taak {i}") for i in value) or "Geen"
    if step.kind == "percent":
        return f"{value}%"
    if step.kind == "hours":
        return f"{_nl(Decimal(str(value)))} uur per week"
    return "; ".join(f"{s['name']} (+{s['percent']}%)" for s in value) or "Geen toeslag"


def summary(assessment: HouseholdAssessment) -> list[dict]:
    """The answers so far: step title, question, answer in words, reason."""
    items, walk = entries(assessment), Walk()
    rows = []
    for entry in items:
        step = STEPS[entry["step"]]
        rows.append({"step": step.key, "title": step.title, "question": step.question,
                     "answer": answer_label(entry, walk.tasks), "reason": entry["reason"]})
        if step.key == "tasks":
            walk.tasks = entry["norms"]
    return rows


# -- the norm table -------------------------------------------------------------------------------

def active_norms(session: Session, organisation_id: int) -> list[dict]:
    norms = session.scalars(sa.select(HouseholdNorm).where(
        HouseholdNorm.organisation_id == organisation_id, HouseholdNorm.active.is_(True))
        .order_by(HouseholdNorm.activity)).all()
    return [{"id": n.id, "activity": n.activity, "minutes": n.minutes,
             "times_per_week": str(Decimal(n.times_per_week).normalize())} for n in norms]


def check_norm(activity, minutes, times_per_week) -> list[str]:
    """What is wrong with one norm (empty: nothing), in Dutch."""
    problems = []
    if not str(activity or "").strip():
        problems.append("Activiteit is verplicht")
    elif len(str(activity).strip()) > 120:
        problems.append("Activiteit is langer dan 120 tekens")
    try:
        if minutes is None or int(minutes) != Decimal(str(minutes)) or not 0 < int(minutes) <= MAX_MINUTES:
            raise ValueError
    except (ValueError, TypeError, InvalidOperation):
        problems.append(f"Minuten moet een heel getal groter dan 0 zijn (ten hoogste "
                        f"{MAX_MINUTES}), niet '{minutes}'")
    try:
        times = Decimal(str(times_per_week).replace(",", "."))
        if not 0 < times <= MAX_TIMES or times != times.quantize(Decimal("0.01")):
            raise ValueError
    except (ValueError, TypeError, InvalidOperation):
        problems.append(f"Keer per week moet een getal groter dan 0 zijn (ten hoogste 99,99, "
                        f"twee decimalen), niet '{times_per_week}'")
    return problems


def validate_norms(session: Session, organisation_id: int) -> list[str]:
    """Every problem of the organisation's norm table and surcharges (empty list: all good)."""
    problems, seen = [], {}
    norms = session.scalars(sa.select(HouseholdNorm).where(
        HouseholdNorm.organisation_id == organisation_id).order_by(HouseholdNorm.id)).all()
    for norm in norms:
        problems += [f"Norm '{norm.activity}': {p}" for p in check_norm(
            norm.activity, norm.minutes, norm.times_per_week)]
        name = str(norm.activity or "").strip().casefold()
        if name in seen:
            problems.append(f"Activiteit '{norm.activity}' staat meer dan eens in de normtabel")
        seen[name] = norm
    if not any(n.active for n in norms):
        problems.append("De normtabel heeft geen actieve norm: voeg er een toe voordat u uren "
                        "laat berekenen")
    names = set()
    for surcharge in session.scalars(sa.select(HouseholdSurcharge).where(
            HouseholdSurcharge.organisation_id == organisation_id)):
        if surcharge.percent is None or not 1 <= surcharge.percent <= 100:
            problems.append(f"Toeslag '{surcharge.name}': het percentage moet tussen 1 en 100 "
                            f"liggen, niet '{surcharge.percent}'")
        key = str(surcharge.name or "").strip().casefold()
        if key in names:
            problems.append(f"Toeslag '{surcharge.name}' staat meer dan eens in de lijst")
        names.add(key)
    return problems


def parse_norms_csv(text: str) -> tuple[list[dict], list[str]]:
    """Rows of ``activity;minutes;times_per_week`` (a header line is allowed): the norms, and
    every bad row named by its line number."""
    import csv
    import io

    rows, errors, seen = [], [], {}
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in ("activity", "activiteit"):
            continue
        if len(cells) != 3:
            errors.append(f"Regel {number}: verwacht 3 kolommen (activiteit;minuten;keer per "
                          f"week), gevonden {len(cells)}")
            continue
        activity, minutes, times = cells
        problems = check_norm(activity, minutes, times)
        key = activity.casefold()
        if activity and key in seen:
            problems.append(f"activiteit staat ook op regel {seen[key]}")
        seen.setdefault(key, number)
        if problems:
            errors.append(f"Regel {number}: " + "; ".join(problems))
            continue
        rows.append({"activity": activity, "minutes": int(minutes),
                     "times_per_week": Decimal(times.replace(",", "."))})
    if not rows and not errors:
        errors.append("Het bestand bevat geen normen")
    return rows, errors


def load_norms(session: Session, organisation_id: int, text: str) -> tuple[int, int, list[str]]:
    """Add or update the organisation's norms from CSV text. All or nothing: with one bad row
    nothing is written and every bad row is listed. Returns (added, updated, errors)."""
    rows, errors = parse_norms_csv(text)
    if errors:
        return 0, 0, errors
    existing = {n.activity.strip().casefold(): n for n in session.scalars(
        sa.select(HouseholdNorm).where(HouseholdNorm.organisation_id == organisation_id))}
    added = updated = 0
    for row in rows:
        norm = existing.get(row["activity"].casefold())
        if norm is None:
            session.add(HouseholdNorm(organisation_id=organisation_id, active=True, **row))
            added += 1
        else:
            norm.minutes, norm.times_per_week, norm.active = row["minutes"], row["times_per_week"], True
            updated += 1
    session.flush()
    return added, updated, []


# -- hours ------------------------------------------------------------------------------------------

def _nl(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def compute_hours(walk: Walk) -> tuple[Decimal, list[str]]:
    """Hours per week and how they were computed, line by line (Dutch)."""
    lines, minutes = [], Decimal(0)
    for task_id in walk.remaining:
        task = walk.task(task_id)
        times = Decimal(str(task["times_per_week"]))
        task_minutes = task["minutes"] * times
        minutes += task_minutes
        lines.append(f"{task['activity']}: {task['minutes']} minuten x {_nl(times)} per week = "
                     f"{_nl(task_minutes)} minuten")
    hours = minutes / 60
    lines.append(f"Normtijd: {_nl(minutes)} minuten = {_nl(hours)} uur per week")
    if walk.share != 100:
        hours = hours * walk.share / 100
        lines.append(f"Gedeelde woonruimte: {walk.share}% van de normtijd = {_nl(hours)} uur")
    percent = sum(s["percent"] for s in walk.surcharges)
    if percent:
        hours = hours * (100 + percent) / 100
        lines.append(f"Toeslagen samen +{percent}%: {_nl(hours)} uur")
    if walk.extra_hours:
        hours += walk.extra_hours
        lines.append(f"Huisstofmijtallergie na sanering: +{_nl(walk.extra_hours)} uur")
    hours = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    lines.append(f"Totaal: {_nl(hours)} uur per week")
    return hours, lines


# -- the state changes -----------------------------------------------------------------------------

def _today() -> dt.date:
    return utcnow().date()


def _save(assessment: HouseholdAssessment, items: list[dict]) -> None:
    assessment.steps = json.dumps(items, ensure_ascii=False)


def _audit(session: Session, action: str, assessment: HouseholdAssessment) -> None:
    record(session, action, "HouseholdAssessment", assessment.id, holder_id=assessment.holder_id)


def _in_progress(assessment: HouseholdAssessment) -> None:
    if assessment.status is not AssessmentStatus.in_progress:
        raise TransitionError("Deze beoordeling is afgerond. Heropen haar eerst om iets te "
                              "wijzigen.")


def start(session: Session, *, by: Actor, holder=None, help_request=None,
          today: dt.date | None = None) -> HouseholdAssessment:
    """A new assessment for one client: a card holder or the requester of a help request."""
    if (holder is None) == (help_request is None):
        raise FieldError("holder", "Kies een hulpkaarthouder of een hulpvraag (één van beide)")
    client = holder if holder is not None else help_request
    column = HouseholdAssessment.holder_id if holder is not None else HouseholdAssessment.help_request_id
    running = session.scalar(sa.select(HouseholdAssessment.id).where(
        column == client.id, HouseholdAssessment.status == AssessmentStatus.in_progress))
    if running is not None:
        raise TransitionError(f"Voor deze cliënt loopt al een beoordeling (nummer {running}): "
                              "ga daarmee verder.")
    assessment = HouseholdAssessment(
        holder=holder, help_request=help_request, organisation_id=client.organisation_id,
        status=AssessmentStatus.in_progress, started_on=today or _today(), steps="[]",
        assessed_by_id=by.user_id)
    session.add(assessment)
    session.flush()
    _audit(session, "start", assessment)
    return assessment


def _reason(step: Step, reason) -> str:
    text = str(reason or "").strip()
    if len(text) < 3:
        raise FieldError("reason", f"Reden is verplicht bij '{step.title}': schrijf op waarom u "
                                   "dit antwoord kiest.")
    return text


def _parse(session, assessment, walk: Walk, step: Step, value) -> dict:
    """The answer checked against the step; the extra values the entry keeps."""
    if step.kind == "choice":
        if value not in step.answers:
            raise FieldError("answer", f"Kies bij '{step.title}' een van de antwoorden.")
        return {"answer": value}
    if step.kind == "tasks":
        choices = options(session, assessment, walk)
        if step.key == "tasks" and not choices:
            raise TransitionError("De normtabel heeft geen actieve norm: vraag de projectleider "
                                  "de normtabel in te vullen (Ondersteuning > Normtabel).")
        allowed = [t["id"] for t in choices]
        try:
            chosen = sorted({int(v) for v in (value or [])})
        except (TypeError, ValueError):
            raise FieldError("answer", f"Ongeldige taak bij '{step.title}'.") from None
        if any(v not in allowed for v in chosen):
            raise FieldError("answer", f"Kies bij '{step.title}' alleen taken uit de lijst.")
        if step.key != "tasks" and not chosen:
            raise FieldError("answer", f"Vink bij '{step.title}' minstens één taak aan, of ga "
                                       "terug en kies 'Nee'.")
        return {"answer": chosen, **({"norms": choices} if step.key == "tasks" else {})}
    if step.kind == "percent":
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 100:
            raise FieldError("answer", "Deel van de normtijd: vul een heel getal van 1 tot en met "
                                       "100 in.")
        return {"answer": number}
    if step.kind == "hours":
        try:
            hours = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, TypeError):
            hours = Decimal(-1)
        if not 0 < hours <= DUST_MITE_MAX_HOURS or hours != hours.quantize(Decimal("0.01")):
            raise FieldError("answer", "Extra tijd huisstofmijt: vul een aantal uren in, meer "
                                       "dan 0 en ten hoogste 2 (bijv. 1,5).")
        return {"answer": str(hours)}
    return {"answer": _parse_surcharges(session, assessment, value)}


def _parse_surcharges(session, assessment, value) -> list[dict]:
    """[{id, reason}] -> [{id, name, percent, reason}]; every surcharge needs its own reason."""
    chosen = []
    for item in value or []:
        surcharge = session.get(HouseholdSurcharge, int(item["id"]))
        if surcharge is None or surcharge.organisation_id != assessment.organisation_id \
                or not surcharge.active:
            raise FieldError("answer", "Deze toeslag bestaat niet (meer).")
        reason = str(item.get("reason") or "").strip()
        if len(reason) < 3:
            raise FieldError("answer", f"Toeslag '{surcharge.name}': een toeslag geldt alleen "
                                       "met een schriftelijke reden. Schrijf de reden op.")
        if any(c["id"] == surcharge.id for c in chosen):
            continue
        chosen.append({"id": surcharge.id, "name": surcharge.name,
                       "percent": surcharge.percent, "reason": reason})
    return chosen


def answer(session: Session, assessment: HouseholdAssessment, step: str, value, reason: str, *,
           by: Actor) -> Walk:
    """Answer the current question with a written reason; returns the walk after it.

    ``value``: an answer code (choice), a list of task ids (tasks), a whole percentage
    (percent), hours (hours) or a list of ``{"id": …, "reason": …}`` (surcharges)."""
    _in_progress(assessment)
    items = entries(assessment)
    walk = replay(items)
    if step not in STEPS:
        raise TransitionError(f"Onbekende vraag: '{step}'.")
    if walk.current is None:
        raise TransitionError("Deze beoordeling heeft al een uitkomst. Ga terug naar een eerdere "
                              "vraag om een antwoord te wijzigen.")
    if step != walk.current:
        raise TransitionError(f"Deze vraag is nu niet aan de beurt: beantwoord eerst "
                              f"'{STEPS[walk.current].title}'.")
    definition = STEPS[step]
    entry = {"step": step, **_parse(session, assessment, walk, definition, value),
             "reason": _reason(definition, reason)}
    items.append(entry)
    _save(assessment, items)
    session.flush()
    _audit(session, "answer", assessment)
    return replay(items)


def back(session: Session, assessment: HouseholdAssessment, step: str, *, by: Actor) -> Walk:
    """Go back to an earlier question to change its answer: it and every later answer go."""
    _in_progress(assessment)
    items = entries(assessment)
    keys = [e["step"] for e in items]
    if step not in keys:
        raise TransitionError("Deze vraag is nog niet beantwoord: u kunt er niet naar terug.")
    items = items[:keys.index(step)]
    _save(assessment, items)
    session.flush()
    _audit(session, "back", assessment)
    return replay(items)


def advice_of(walk: Walk) -> HouseholdAdvice:
    if walk.outcome == NONE:
        return HouseholdAdvice.none
    return HouseholdAdvice.temporary if walk.temporary else HouseholdAdvice.indication


def complete(session: Session, assessment: HouseholdAssessment, *, by: Actor,
             temporary_until: dt.date | None = None, today: dt.date | None = None) -> None:
    """Write the advice: no indication, temporary (until a date) or N hours per week, with
    every reason. Only when the walk has an outcome."""
    _in_progress(assessment)
    items = entries(assessment)
    walk = replay(items)
    if walk.outcome is None:
        raise TransitionError(f"Nog niet alle vragen zijn beantwoord: ga verder met "
                              f"'{STEPS[walk.current].title}'.")
    today = today or _today()
    advice = advice_of(walk)
    lines = [f"{row['title']}: {row['answer']}. Reden: {row['reason']}"
             for row in summary(assessment)]
    hours = None
    if advice is HouseholdAdvice.none:
        lines.append(f"Uitkomst: geen indicatie (bij '{STEPS[walk.stopped_at].title}').")
        temporary_until = None
    else:
        hours, computation = compute_hours(walk)
        for surcharge in walk.surcharges:
            lines.append(f"Toeslag {surcharge['name']} (+{surcharge['percent']}%): "
                         f"{surcharge['reason']}")
        lines += computation
        if advice is HouseholdAdvice.temporary:
            if temporary_until is None:
                raise FieldError("temporary_until", "Einddatum is verplicht bij een tijdelijke "
                                                    "indicatie.")
            if temporary_until <= today:
                raise FieldError("temporary_until", "Einddatum moet na vandaag liggen.")
            limit = add_months(today, INSTRUCTION_MONTHS)
            if walk.instruction and temporary_until > limit:
                raise FieldError("temporary_until", f"Einddatum: instructie duurt ten hoogste "
                                                    f"{INSTRUCTION_MONTHS} maanden (uiterlijk "
                                                    f"{limit:%d-%m-%Y}).")
            why = ", ".join(STEPS[k].title.lower() for k in walk.temporary)
            lines.append(f"Tijdelijk tot {temporary_until:%d-%m-%Y} ({why}).")
        else:
            temporary_until = None
    assessment.advice = advice
    assessment.hours_per_week = hours
    assessment.temporary_until = temporary_until
    assessment.advice_reasons = json.dumps(lines, ensure_ascii=False)
    assessment.status = AssessmentStatus.completed
    assessment.completed_on = today
    assessment.assessed_by_id = by.user_id
    session.flush()
    _audit(session, "complete", assessment)


def reopen(session: Session, assessment: HouseholdAssessment, *, by: Actor) -> None:
    """Back to in progress: the advice goes, the answers stay (change them with back)."""
    if assessment.status is not AssessmentStatus.completed:
        raise TransitionError("Alleen een afgeronde beoordeling kan worden heropend.")
    assessment.status = AssessmentStatus.in_progress
    assessment.advice = assessment.hours_per_week = assessment.temporary_until = None
    assessment.advice_reasons = assessment.completed_on = None
    session.flush()
    _audit(session, "reopen", assessment)
