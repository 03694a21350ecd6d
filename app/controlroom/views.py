"""Screens of the control room export (ProjectLeader, PrivacyOfficer; resource
ControlRoomExport) and the holder's choice of sections per card (resource HelpCard, write)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.cards.models import HelpCard
from app.controlroom import schemas
from app.controlroom.models import ControlRoomExport
from app.core.interface import ScopedInterface
from app.core.views import ScopedModelView
from app.extensions import db
from app.organisations.models import Organisation
from security.audit import actor_for, record, record_read
from security.filters import role_names, scope_query, user_organisation_id
from security.roles import VIEW_METHODS
from workflows import controlroom as wf


def export_dir() -> Path:
    return Path(current_app.config["HULPREGIE_MELDKAMER_DIR"])


def export_file(export: ControlRoomExport) -> Path:
    return export_dir() / f"{export.export_id}.hmk"


class ControlRoomExportView(ScopedModelView):
    """Past exports: who, when, full or delta, counts, checksum; the protected file."""

    datamodel = ScopedInterface(ControlRoomExport)
    base_permissions = ["can_read"]  # made by the export page / CLI, never edited
    method_permission_name = {**VIEW_METHODS, "file": "read"}
    list_title = "Meldkamerexports"
    show_title = "Meldkamerexport"
    add_title = edit_title = "Meldkamerexport"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("created_at", "desc")

    @expose("/bestand/<int:pk>")
    @has_access
    def file(self, pk):
        """The protected file (encrypted for the control room, signed): only ciphertext."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        path = export_file(item)
        if not path.is_file():
            flash("Het bestand van deze export is niet (meer) aanwezig op de server.", "warning")
            return redirect(url_for("ControlRoomView.index"))
        record(db.session, "cr.download", "ControlRoomExport", item.id,
               purpose="Download beschermd meldkamerbestand")
        db.session.commit()
        return send_file(path, mimetype="application/octet-stream", as_attachment=True,
                         download_name=f"meldkamer-{item.export_id}.hmk")


class ControlRoomView(BaseView):
    """Preview (counts and pseudonymous references only) and run an export."""

    route_base = "/meldkamer"
    class_permission_name = "ControlRoomExport"
    method_permission_name = {"index": "read", "run": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "index"

    def _organisation(self):
        own = user_organisation_id(g.user)
        if own is None and "Admin" in role_names(g.user):
            wanted = request.values.get("organisatie", type=int)
            query = db.session.query(Organisation).order_by(Organisation.name)
            return (query.filter_by(id=wanted).one_or_none() if wanted else None) or query.first()
        return db.session.get(Organisation, own) if own else None

    @expose("/")
    @has_access
    def index(self):
        organisation = self._organisation()
        full = request.args.get("volledig") == "1"
        preview, problem, key_problem = None, None, None
        if organisation is not None:
            try:
                preview = wf.preview(db.session, organisation.id, full=full)
            except wf.ExportError as exc:
                problem = str(exc)
            try:
                wf.configured_keys()
            except wf.ExportError as exc:
                key_problem = str(exc)
        db.session.rollback()  # the preview only read
        recent = (db.session.query(ControlRoomExport)
                  .filter_by(organisation_id=organisation.id).order_by(ControlRoomExport.id.desc())
                  .limit(10).all()) if organisation else []
        return self.render_template(
            "controlroom/run.html", organisation=organisation, preview=preview, full=full,
            problem=problem, key_problem=key_problem, recent=recent,
            sections=wf.SECTIONS, defaults=wf.DEFAULT_SECTIONS, title="Meldkamerexport")

    @expose("/export", methods=["POST"])
    @has_access
    def run(self):
        organisation = self._organisation()
        full = request.form.get("full") == "1"
        back = url_for("ControlRoomView.index", **({"volledig": "1"} if full else {}))
        if organisation is None:
            flash("Er is geen organisatie om te exporteren.", "danger")
            return redirect(back)
        if request.form.get("confirm") != "yes":
            flash("Bevestig: vink aan dat deze gegevens naar de meldkamer mogen.", "danger")
            return redirect(back)
        folder = export_dir()
        partial = folder / f".{uuid.uuid4()}.deel"
        final = None
        try:
            keys = wf.configured_keys()
            folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as fh:
                export = wf.run_export(db.session, organisation.id, fh, by=actor_for(g.user),
                                       purpose=request.form.get("purpose", ""), full=full,
                                       keys=keys)
            final = export_file(export)
            os.replace(partial, final)
            db.session.commit()
        except wf.ExportError as exc:
            db.session.rollback()
            partial.unlink(missing_ok=True)
            flash(str(exc), "danger")
            return redirect(back)
        except BaseException:
            db.session.rollback()
            partial.unlink(missing_ok=True)
            if final is not None:
                final.unlink(missing_ok=True)
            raise
        flash(f"Export gemaakt: {export.upserts} bijwerken, {export.deletes} verwijderen. "
              "Download het beschermde bestand hieronder.", "success")
        return redirect(url_for("ControlRoomView.index"))


class ControlRoomSectionsView(BaseView):
    """The holder's choice of what the control room gets from his card."""

    route_base = "/meldkamer/kaart"
    class_permission_name = "HelpCard"
    method_permission_name = {"sections": "write"}
    base_permissions = ["can_read", "can_write"]

    @expose("/<int:pk>/secties", methods=["GET", "POST"])
    @has_access
    def sections(self, pk):
        card = scope_query(db.session.query(HelpCard), HelpCard, g.user).filter(
            HelpCard.id == pk).one_or_none()
        if card is None:
            abort(404)
        if request.method == "POST":
            try:
                wf.set_sections(db.session, card, request.form.getlist("section"),
                                by=actor_for(g.user))
                db.session.commit()
                flash("De keuze voor de meldkamer is opgeslagen.", "success")
                return redirect(url_for("ControlRoomSectionsView.sections", pk=pk))
            except wf.ExportError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
                card = db.session.get(HelpCard, pk)
        record_read(db.session, "read", "HelpCard", [card])
        return self.render_template(
            "controlroom/sections.html", card=card, sections=wf.SECTIONS,
            chosen=wf.parse_sections(card.control_room_sections), title="Keuze voor de meldkamer")
