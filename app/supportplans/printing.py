"""The support plan and the preparation sheet as PDF (pdfkit + wkhtmltopdf, the safe options
and template environment of app/cards/printing.py: autoescape, no JavaScript, nothing loaded)."""

from __future__ import annotations

from babel.dates import format_date

from app.cards.printing import _env, html_to_pdf
from app.core.validation import format_phone
from app.supportplans.schemas import QUESTIONS
from workflows.supportplans import latest_version


def _organisation(org) -> dict:
    return {"name": org.name, "phone": format_phone(org.phone), "email": org.email or ""}


def _day(value) -> str:
    return format_date(value, "d MMMM y", locale="nl") if value else ""


def plan_context(plan) -> dict:
    """The newest version of the plan as plain values, marked agreed or draft."""
    version = latest_version(plan)
    client = plan.holder
    name = client.full_name if client is not None else str(plan.help_request.requester_name)
    answers = []
    for field, question, _ in QUESTIONS:
        text = (getattr(version, field) or "").strip() if version is not None else ""
        answers.append({"question": question, "text": text})
    return {
        "title": plan.title,
        "client_name": name,
        "reference": client.reference if client is not None else f"Hulpvraag {plan.help_request_id}",
        "coach": str(plan.coach) if plan.coach is not None else "",
        "version_no": version.version_no if version is not None else None,
        "conversation_on": _day(version.conversation_on) if version is not None else "",
        "agreed_on": _day(version.agreed_on) if version is not None else "",
        "next_conversation_on": _day(plan.next_conversation_on),
        "status": str(plan.status),
        "answers": answers,
        "organisation": _organisation(plan.organisation),
    }


def render_plan_pdf(plan) -> bytes:
    return html_to_pdf(_env.get_template("support_plan.html").render(plan=plan_context(plan)))


def render_preparation_pdf(org) -> bytes:
    """The client's preparation sheet: not personal, the same for everyone."""
    return html_to_pdf(_env.get_template("support_plan_preparation.html").render(
        organisation=_organisation(org) if org is not None else None))
