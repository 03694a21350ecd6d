"""The report for funders: counts only, per period, as CSV and as an A4 PDF.

No names, addresses, phone numbers or anything else about a person: registered cards and
anonymous tallies are counted (app/reports/leader_figures.period_counts), coaches are
numbered, never named. The PDF is made by wkhtmltopdf with the safe options of the card
printing (JavaScript and local file access off; the template loads nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import jinja2

from app.cards.printing import PDF_ZOOM, html_to_pdf
from app.reports.leader_figures import hours, period_counts

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"
PRESETS = {
    "kwartaal": "Dit kwartaal",
    "vorig-kwartaal": "Vorig kwartaal",
    "jaar": "Dit jaar",
    "vorig-jaar": "Vorig jaar",
}
EVENT_LABELS = {
    "requested": "Kaarten aangevraagd",
    "issued": "Kaarten uitgereikt (gemaakt)",
    "evaluated": "Kaarten geëvalueerd (jaarlijkse evaluatie)",
    "withdrawn": "Kaarten ingetrokken",
}
CSV_HEADER = ["Onderdeel", "Omschrijving", "Geregistreerd", "Geteld (anoniem)", "Totaal"]

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                          undefined=jinja2.StrictUndefined)


class PeriodError(ValueError):
    """The period asked for is not valid; the message says why, in Dutch."""


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def preset_period(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if name == "jaar":
        return dt.date(today.year, 1, 1), today
    if name == "vorig-jaar":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    start = _quarter_start(today)
    if name == "kwartaal":
        return start, today
    if name == "vorig-kwartaal":
        previous = _quarter_start(start - dt.timedelta(days=1))
        return previous, start - dt.timedelta(days=1)
    raise PeriodError(f"Onbekende periode '{name}'.")


def parse_period(args, today: dt.date) -> tuple[dt.date, dt.date]:
    """From ``van``/``tot`` (JJJJ-MM-DD) or a preset ``periode``; default: this quarter."""
    if args.get("van") or args.get("tot"):
        try:
            start = dt.date.fromisoformat(args.get("van") or "")
        except ValueError:
            raise PeriodError("Vul bij 'Van' een geldige datum in (JJJJ-MM-DD).") from None
        try:
            end = dt.date.fromisoformat(args.get("tot") or "")
        except ValueError:
            raise PeriodError("Vul bij 'Tot en met' een geldige datum in (JJJJ-MM-DD).") from None
        if end < start:
            raise PeriodError("'Tot en met' ligt voor 'Van': kies een latere einddatum.")
        if (end - start).days > 10 * 366:
            raise PeriodError("Kies een periode van hoogstens tien jaar.")
        return start, end
    return preset_period(args.get("periode") or "kwartaal", today)


def day(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def report(session, organisation, start: dt.date, end: dt.date) -> dict:
    counts = period_counts(session, organisation.id, start, end)
    return {**counts, "organisation": organisation.name, "period": (start, end),
            "start": day(start), "end": day(end)}


def rows(rep: dict) -> list[list[str]]:
    """The CSV rows (after the header): the same figures as the PDF, plus cards per coach."""
    out = [["Periode", f"{rep['start']} t/m {rep['end']}", "", "", ""]]
    for event, registered, counted, total in rep["events"]:
        out.append(["Kaarten", EVENT_LABELS[event.name], str(registered), str(counted), str(total)])
    minutes = rep["minutes"]
    out.append(["Tijd", "Bestede uren (gehouden afspraken)",
                *(str(hours(m)).replace(".", ",") for m in minutes)])
    out.append(["Onderzoek", "Houders die deelnemen aan onderzoek", *map(str, rep["research"])])
    out.append(["Coaches", "Actieve coaches", "", "", str(rep["active_coaches"])])
    for n, count in enumerate(rep["per_coach"], start=1):
        out.append(["Kaarten per coach", f"Coach {n}", "", "", str(count)])
    if rep["without_coach"]:
        out.append(["Kaarten per coach", "Zonder coach", "", "", str(rep["without_coach"])])
    return out


def to_csv(rep: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows(rep))
    return "\ufeff" + buffer.getvalue()


def render_html(rep: dict, made_on: dt.date) -> str:
    return _env.get_template("funder_report.html").render(
        rep=rep, labels=EVENT_LABELS, hours=hours, made_on=day(made_on), zoom=PDF_ZOOM)


def to_pdf(rep: dict, made_on: dt.date) -> bytes:
    return html_to_pdf(render_html(rep, made_on))


def filename(organisation, start: dt.date, end: dt.date, ext: str) -> str:
    return f"rapportage-financiers-{organisation.id}-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"
