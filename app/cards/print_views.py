"""Printing: the wallet card (preview and PDF), the record of prints, the evaluation letter."""

from __future__ import annotations

import re

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.cards import printing
from app.cards.models import CardPrint, Evaluation, HelpCard
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.extensions import db
from security.audit import actor_for, record, record_read
from security.filters import scope_query


def _visible(model, pk: int):
    """The record if this user may see it; 404 otherwise (also for other organisations)."""
    item = scope_query(db.session.query(model).filter(model.id == pk), model, g.user).one_or_none()
    if item is None:
        abort(404)
    return item


def _chosen_version(card):
    """The version asked for with ?versie=<id>, or None for the default."""
    wanted = request.args.get("versie", type=int)
    if wanted is None:
        return None
    version = next((v for v in card.versions if v.id == wanted), None)
    if version is None:
        raise printing.PrintError("Deze versie hoort niet bij deze hulpkaart.")
    return version


def _attachment(pdf: bytes, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"})


class CardPrintView(BaseView):
    """/hulpkaart/<id>/voorbeeld (HTML) and /hulpkaart/<id>/pdf (download, recorded)."""

    route_base = "/hulpkaart"
    class_permission_name = "HelpCard"
    method_permission_name = {"preview": "read", "pdf": "read"}
    base_permissions = ["can_read"]
    default_view = "preview"

    def _refused(self, card, error: printing.PrintError):
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(url_for("HelpCardView.show", pk=card.id))

    @expose("/<int:pk>/voorbeeld")
    @has_access
    def preview(self, pk):
        card = _visible(HelpCard, pk)
        try:
            context = printing.card_context(card, _chosen_version(card))
        except printing.PrintError as error:
            return self._refused(card, error)
        record_read(db.session, "read", "HelpCard", [card])  # commits
        versions = [{"id": v.id, "no": v.version_no,
                     "date": printing.format_day(printing.version_date(v))}
                    for v in printing.approved_versions(card)]
        return self.render_template(
            "cards/print_preview.html", card=context, versions=versions,
            sheet=printing.render_html(context, for_pdf=False),
            pdf_url=url_for("CardPrintView.pdf", pk=card.id, versie=context["version_id"]),
            back_url=url_for("HelpCardView.show", pk=card.id))

    @expose("/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        card = _visible(HelpCard, pk)
        try:
            version = printing.version_to_print(card, _chosen_version(card))
            context = printing.card_context(card, version)
            pdf = printing.render_pdf(context)
        except printing.PrintError as error:
            return self._refused(card, error)
        printing.record_print(db.session, card, version, by=actor_for(g.user))
        db.session.commit()
        return _attachment(pdf, f"hulpkaart-{context['holder_reference']}-v{version.version_no}.pdf")


class EvaluationLetterView(BaseView):
    """/evaluatie/<id>/brief: the invitation for the yearly evaluation as PDF."""

    route_base = "/evaluatie"
    class_permission_name = "Evaluation"
    method_permission_name = {"letter": "read"}
    base_permissions = ["can_read"]
    default_view = "letter"

    @expose("/<int:pk>/brief")
    @has_access
    def letter(self, pk):
        evaluation = _visible(Evaluation, pk)
        card = evaluation.card
        try:
            context = printing.letter_context(evaluation)
            pdf = printing.render_letter_pdf(context)
        except printing.PrintError as error:
            db.session.rollback()
            flash(str(error), "warning")
            return redirect(url_for("EvaluationView.show", pk=evaluation.id))
        record(db.session, "print", "Evaluation", evaluation.id, holder_id=card.holder_id)
        db.session.commit()
        return _attachment(
            pdf, f"evaluatie-{card.holder.reference}-{evaluation.due_on:%Y-%m-%d}.pdf")


class CardPrintModelView(ScopedModelView):
    """Afdrukken: every download of a wallet card (read-only)."""

    datamodel = ScopedInterface(CardPrint)
    base_permissions = ["can_read"]
    list_title = show_title = add_title = edit_title = "Afdrukken"
    list_columns = ["card", "version", "printed_at", "printed_by"]
    show_columns = ["card", "version", "printed_at", "printed_by", "organisation"]
    search_columns = ["card", "printed_at"]
    label_columns = {"card": "Hulpkaart", "version": "Versie", "printed_at": "Afgedrukt op",
                     "printed_by": "Door", "organisation": "Organisatie"}
    base_order = ("printed_at", "desc")
