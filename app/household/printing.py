"""The advice of a household-help assessment as a printable PDF (pdfkit + wkhtmltopdf with
the safe options of app/cards/printing.py: no JavaScript, no local files, nothing loaded)."""

from __future__ import annotations

import re

from babel.dates import format_date
from flask import Response

from app.cards.printing import PrintError, _env, html_to_pdf  # noqa: F401 (PrintError re-exported)
from workflows import household as flow


def _day(value) -> str:
    return format_date(value, "d MMMM y", locale="nl") if value else ""


def advice_context(assessment, client: str) -> dict:
    """Everything the advice shows, as plain values."""
    org = assessment.organisation
    hours = assessment.hours_per_week
    return {
        "organisation": org.name if org is not None else "",
        "client": client,
        "advice": str(assessment.advice) if assessment.advice else "",
        "advice_code": assessment.advice.name if assessment.advice else "",
        "hours": flow._nl(hours) if hours is not None else "",
        "temporary_until": _day(assessment.temporary_until),
        "started_on": _day(assessment.started_on),
        "completed_on": _day(assessment.completed_on),
        "assessed_by": str(assessment.assessed_by) if assessment.assessed_by else "",
        "answers": flow.summary(assessment),
        "reasons": flow.reasons(assessment),
        "note": flow.ADVICE_NOTE,
        "id": assessment.id,
    }


def render_html(context: dict) -> str:
    return _env.get_template("household_advice.html").render(advice=context)


def render_pdf(context: dict) -> bytes:
    return html_to_pdf(render_html(context))


def attachment(pdf: bytes, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"})
