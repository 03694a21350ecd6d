"""Staff pages for the portal: sending a holder his personal link or making a code
(``/portaalbeheer``, resource PortalLink) and a coach's comments on a holder's draft
(``/kaartopmerkingen``, resource CardComment)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.cards.models import SECTION_LIMITS, HelpCard
from app.core.validation import FieldError
from app.extensions import db
from app.holders.models import Holder
from app.portal.models import PortalLink
from security.audit import actor_for, record_read
from security.filters import scope_query, user_organisation_id
from workflows import cards
from workflows import portal as wf
from app.core.errors import TransitionError


def _visible(model, pk: int, resource: str):
    item = scope_query(db.session.query(model).filter(model.id == pk), model, g.user,
                       resource).one_or_none()
    if item is None:
        abort(404)
    return item


class PortalLinkView(BaseView):
    """Links and codes for the holder's portal."""

    route_base = "/portaalbeheer"
    class_permission_name = "PortalLink"
    method_permission_name = {"index": "read", "holder": "read", "send": "write", "code": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        reference = (request.args.get("kenmerk") or "").strip()
        if reference:
            query = db.session.query(Holder).filter(
                Holder.reference == reference,
                Holder.organisation_id == user_organisation_id(g.user))
            found = scope_query(query, Holder, g.user, "PortalLink").first()
            if found is not None:
                return redirect(url_for(".holder", pk=found.id))
            flash(f"Geen houder met kenmerk '{reference}' gevonden.", "warning")
        return self.render_template("portal/staff_index.html", reference=reference)

    @expose("/houder/<int:pk>")
    @has_access
    def holder(self, pk):
        holder = _visible(Holder, pk, "PortalLink")
        links = db.session.scalars(sa.select(PortalLink).where(PortalLink.holder_id == holder.id)
                                   .order_by(PortalLink.id.desc()).limit(20)).all()
        record_read(db.session, "read", "Holder", [holder])
        return self.render_template("portal/staff_holder.html", holder=holder, links=links,
                                    hours=current_app.config["HULPREGIE_PORTAL_LINK_HOURS"],
                                    code=None)

    @expose("/houder/<int:pk>/link", methods=["POST"])
    @has_access
    def send(self, pk):
        holder = _visible(Holder, pk, "PortalLink")
        try:
            wf.send_link(db.session, holder, by=actor_for(g.user),
                         helper_name=request.form.get("helper_name"),
                         helper_email=request.form.get("helper_email"))
            db.session.commit()
            flash("De link is verstuurd.", "success")
        except FieldError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".holder", pk=holder.id))

    @expose("/houder/<int:pk>/code", methods=["POST"])
    @has_access
    def code(self, pk):
        holder = _visible(Holder, pk, "PortalLink")
        _, code = wf.make_code(db.session, holder, by=actor_for(g.user))
        db.session.commit()
        links = db.session.scalars(sa.select(PortalLink).where(PortalLink.holder_id == holder.id)
                                   .order_by(PortalLink.id.desc()).limit(20)).all()
        return self.render_template("portal/staff_holder.html", holder=holder, links=links,
                                    hours=current_app.config["HULPREGIE_PORTAL_LINK_HOURS"],
                                    code=code)


class CardCommentView(BaseView):
    """A coach looks along with a holder who drafts his own card: comments per section."""

    route_base = "/kaartopmerkingen"
    class_permission_name = "CardComment"
    method_permission_name = {"comments": "read", "add": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "comments"

    @expose("/<int:pk>")
    @has_access
    def comments(self, pk):
        card = _visible(HelpCard, pk, "CardComment")
        version = cards.draft_version(card) or cards.latest_approved(card)
        if version is not None:
            record_read(db.session, "read", "HelpCardVersion", [version], commit=False)
        comments = wf.comments_of(db.session, card)
        record_read(db.session, "read", "CardComment", comments)
        from app.portal.views import QUESTIONS

        return self.render_template(
            "portal/staff_comments.html", card=card, version=version, questions=QUESTIONS,
            sections=list(SECTION_LIMITS), comments=comments)

    @expose("/<int:pk>/toevoegen", methods=["POST"])
    @has_access
    def add(self, pk):
        card = _visible(HelpCard, pk, "CardComment")
        try:
            wf.add_comment(db.session, card, request.form.get("section", ""),
                           request.form.get("body", ""), by=actor_for(g.user))
            db.session.commit()
            flash("Opmerking opgeslagen; de houder ziet hem in het portaal.", "success")
        except (FieldError, TransitionError) as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".comments", pk=card.id))
