"""The wallet card and the evaluation letter as HTML and PDF (pdfkit + Debian's wkhtmltopdf).

Templates (``templates/pdf/``) get a plain dictionary, never ORM objects, and are rendered by
an environment of their own with autoescape on. wkhtmltopdf runs with JavaScript and local
file access off; the templates load nothing (inline CSS, no images, no fonts from outside).
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pdfkit
from babel.dates import format_date

from app.cards.models import SECTION_LIMITS, CardPrint, CardStatus, HelpCardVersion
from app.core.validation import format_phone

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "pdf"
LOCAL = ZoneInfo("Europe/Amsterdam")

# The sheet: 2 columns x 4 rows of credit-card panels (ISO/IEC 7810 ID-1, 85.6 x 54 mm),
# centred on A4. Fold the sheet along the middle (back to back), then zigzag along the rows.
PANEL_W, PANEL_H = 85.6, 54.0
COLUMNS, ROWS = 2, 4
CARD_LEFT = round((210 - COLUMNS * PANEL_W) / 2, 2)
CARD_TOP = 34.0
# Debian's wkhtmltopdf (Qt without the wkhtmltopdf patches) prints CSS lengths at 0.7683 of
# their size and ignores --zoom; a CSS zoom on the PDF's body restores real millimetres.
PDF_ZOOM = 1.3055
# Body text of a panel: 8.5 pt. What fits on a panel (DejaVu Sans, measured in the PDF):
# about 55 characters a line, 12 lines under the heading.
CHARS_PER_LINE, LINES_PER_PANEL = 54, 12

# (key, heading) per panel after the front panel, in reading order; "contacts" is the list of
# contact persons, "medication" joins the two medication fields.
PANELS = [
    ("contacts", "Bel deze mensen"),
    ("loss_of_control_signs", "Zo merk je dat ik de controle verlies"),
    ("how_to_help", "Dit helpt mij / zo benader je mij"),
    ("what_not_to_do", "Dit helpt niet / doe dit liever niet"),
    ("what_i_do_myself", "Dit doe ik zelf"),
    ("medication", "Medicatie"),
    ("other_info", "Verder wil ik dat je weet"),
]
MEDICATION = [("medication_preferences", "Mijn voorkeuren"),
              ("medication_refused", "Deze medicatie wil ik niet")]

PDF_OPTIONS = {
    "page-size": "A4",
    "margin-top": "0", "margin-right": "0", "margin-bottom": "0", "margin-left": "0",
    "encoding": "UTF-8",
    "disable-javascript": None,
    "disable-local-file-access": None,
    # Ignored (with a warning) by Debian's unpatched-Qt build; the templates load nothing.
    "disable-external-links": None,
    "quiet": None,
}

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class PrintError(Exception):
    """Printing is not possible; the message says why, in Dutch."""


# -- what goes on paper -------------------------------------------------------------------


def is_approved(version: HelpCardVersion) -> bool:
    """Approved through the quality gate, or the version the card was issued with."""
    return version.approved_at is not None or version.card.issued_version_id == version.id


def approved_versions(card) -> list[HelpCardVersion]:
    return [v for v in card.versions if is_approved(v)]


def version_to_print(card, version: HelpCardVersion | None = None) -> HelpCardVersion:
    """The issued version by default (else the newest approved one); a given one if approved."""
    if card.status in (CardStatus.withdrawn, CardStatus.ended):
        raise PrintError(f"Deze hulpkaart is {str(card.status).lower()}: afdrukken kan niet meer.")
    if version is not None:
        if version.card_id != card.id:
            raise PrintError("Deze versie hoort niet bij deze hulpkaart.")
        if not is_approved(version):
            raise PrintError(f"Versie {version.version_no} is nog niet goedgekeurd: alleen een "
                             "goedgekeurde versie kan worden afgedrukt.")
        return version
    if card.issued_version is not None:
        return card.issued_version
    approved = approved_versions(card)
    if not approved:
        raise PrintError("Deze hulpkaart heeft nog geen goedgekeurde versie: keur eerst een "
                         "versie goed, daarna kunt u de kaart afdrukken.")
    return max(approved, key=lambda v: v.version_no)


def version_date(version: HelpCardVersion) -> dt.date | None:
    if version.approved_at is not None:  # naive UTC
        return version.approved_at.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL).date()
    return version.holder_approved_on


def format_day(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _lines(text: str) -> int:
    """Printed lines a text needs on a panel, estimated from its length and line breaks."""
    return sum(max(1, math.ceil(len(part) / CHARS_PER_LINE)) for part in text.split("\n"))


def card_context(card, version: HelpCardVersion | None = None, *, draft: bool = False) -> dict:
    """Everything the wallet card shows, as plain values (the version's text as approved).
    ``draft=True``: the given version as it stands, approved or not (a preview, never a print)."""
    version = version if draft and version is not None else version_to_print(card, version)
    holder, org = card.holder, card.organisation
    texts = {name: (getattr(version, name) or "").strip() for name in SECTION_LIMITS}
    contacts = [
        {"name": str(p.name), "relation": str(p.relation or ""), "phone": format_phone(p.phone)}
        for p in sorted(holder.contact_persons, key=lambda p: (p.priority, p.id or 0))
        if p.on_card
    ]
    panels, warnings = [], []
    for key, heading in PANELS:
        if key == "contacts":
            parts = []
            lines = sum(_lines(f"{c['name']} ({c['relation']}) {c['phone']}   ") for c in contacts)
        elif key == "medication":
            parts = [{"label": label, "text": texts[name]} for name, label in MEDICATION
                     if texts[name]]
            lines = sum(_lines(f"{p['label']}: {p['text']}") for p in parts)
        else:
            parts = [{"label": "", "text": texts[key]}] if texts[key] else []
            lines = sum(_lines(p["text"]) for p in parts)
        if lines > LINES_PER_PANEL:
            warnings.append(f"De tekst bij '{heading}' is lang: kijk in het voorbeeld of hij "
                            "op het paneel past, en maak hem zo nodig korter.")
        panels.append({"key": key, "heading": heading, "parts": parts, "lines": lines})
    return {
        "holder_name": holder.full_name,
        "holder_reference": holder.reference,
        "card_id": card.id,
        "version_id": version.id,
        "version_no": version.version_no,
        "version_date": format_day(version_date(version)),
        "organisation": {"name": org.name, "phone": format_phone(org.phone),
                         "email": org.email or ""},
        "contacts": contacts,
        "panels": panels,
        "warnings": warnings,
    }


def letter_context(evaluation, today: dt.date | None = None) -> dict:
    """The invitation for the yearly evaluation, as plain values."""
    card = evaluation.card
    holder, org = card.holder, card.organisation
    coach = evaluation.coach or card.coach or holder.coach
    postcode = " ".join(str(x) for x in (holder.postcode, holder.town) if x)
    return {
        "organisation": {"name": org.name, "phone": format_phone(org.phone),
                         "email": org.email or "", "town": org.town or ""},
        "holder": {"name": holder.full_name, "first_name": str(holder.first_name),
                   "address": str(holder.address or ""), "postcode_town": postcode},
        "coach_name": str(coach) if coach is not None else "",
        "coach_phone": format_phone(coach.phone) if coach is not None else "",
        "due_on": format_date(evaluation.due_on, "d MMMM y", locale="nl"),
        "issued_on": format_date(card.issued_on, "d MMMM y", locale="nl") if card.issued_on else "",
        "today": format_date(today or dt.date.today(), "d MMMM y", locale="nl"),
        "evaluation_id": evaluation.id,
    }


# -- HTML and PDF -------------------------------------------------------------------------


def _layout(for_pdf: bool) -> dict:
    return {"panel_w": PANEL_W, "panel_h": PANEL_H, "left": CARD_LEFT, "top": CARD_TOP,
            "columns": COLUMNS, "rows": ROWS, "zoom": PDF_ZOOM if for_pdf else 1,
            "standalone": for_pdf}


def render_html(context: dict, *, for_pdf: bool = True) -> str:
    """The wallet card; ``for_pdf=False`` gives the fragment the preview page embeds."""
    return _env.get_template("card.html").render(card=context, layout=_layout(for_pdf))


def render_letter_html(context: dict, *, for_pdf: bool = True) -> str:
    return _env.get_template("letter.html").render(letter=context, layout=_layout(for_pdf))


def wkhtmltopdf_path() -> str:
    path = shutil.which("wkhtmltopdf")
    if path is None:
        raise PrintError("wkhtmltopdf ontbreekt: installeer het Debian-pakket wkhtmltopdf")
    return path


def html_to_pdf(html: str) -> bytes:
    config = pdfkit.configuration(wkhtmltopdf=wkhtmltopdf_path())
    try:
        return pdfkit.from_string(html, False, options=PDF_OPTIONS, configuration=config)
    except OSError as exc:
        raise PrintError(f"Het maken van de PDF is mislukt: {exc}") from exc


def render_pdf(context: dict) -> bytes:
    return html_to_pdf(render_html(context))


def render_many_pdf(contexts: list[dict]) -> bytes:
    """Many cards, one sheet each, in one wkhtmltopdf run (its start-up is most of the cost)."""
    html = _env.get_template("cards.html").render(
        cards=contexts, layout=_layout(True), sheet_layout=_layout(False))
    return html_to_pdf(html)


def render_letter_pdf(context: dict) -> bytes:
    return html_to_pdf(render_letter_html(context))


def record_print(session, card, version: HelpCardVersion, *, by) -> CardPrint:
    """Note a download of the card (who, which version) in the caller's transaction."""
    from security.audit import record

    row = CardPrint(card_id=card.id, version_id=version.id, printed_by_id=by.user_id,
                    organisation_id=card.organisation_id)
    session.add(row)
    session.flush()
    record(session, "print", "HelpCard", card.id, holder_id=card.holder_id)
    return row
