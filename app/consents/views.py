"""Toestemmingen: recorded through workflows/consents.py (give, withdraw), never edited.

Besides the list and the record: withdrawing ("Intrekken"), the evidence scan (download,
access-checked and logged), and three overviews — consents per person, missing consents and
consents given under an outdated privacy notice.
"""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import DateTimePickerWidget
from flask_wtf.file import FileField
from sqlalchemy.orm import Session
from wtforms import DateTimeField
from wtforms.validators import Optional

from app.cards.models import CardStatus, HelpCard
from app.consents import schemas
from app.consents.checks import IMMUTABLE, ConsentRules, NoticeRules
from app.consents.models import Consent, ConsentPurpose, PrivacyNotice
from app.contacts.models import ContactPerson
from app.core.interface import ScopedInterface
from app.core.validation import FieldError, parse_form_date
from app.core.views import ScopedModelView
from app.holders.models import Holder
from security.audit import actor_for, record, record_read
from security.filters import scope_query
from security.roles import VIEW_METHODS
from workflows import cards as card_flow
from workflows import consents as wf
from app.core.errors import TransitionError

PAGE_SIZE = 50
SUBJECT_LIMIT = 500  # choices on the per-person page; beyond that, open the person's record
# Cards whose contact persons must each have an active 'on the card' consent.
CARD_OUT = (CardStatus.approved, CardStatus.issued, CardStatus.evaluation_due,
            CardStatus.evaluated)
FORM_FIELDS = {"evidence_file": "evidence_upload"}  # a refusal's field → the form's field


def _visible(model, user):
    from app.extensions import db

    return scope_query(db.session.query(model), model, user)


class ConsentView(ConsentRules, ScopedModelView):
    datamodel = ScopedInterface(Consent)
    list_title = "Toestemmingen"
    show_title = "Toestemming"
    add_title = "Nieuwe toestemming"
    edit_title = "Toestemming wijzigen"
    show_template = "consents/show.html"
    list_columns = schemas.CONSENT_LIST
    show_columns = schemas.CONSENT_SHOW
    add_columns = schemas.CONSENT_ADD
    edit_columns = schemas.CONSENT_EDIT
    search_columns = schemas.CONSENT_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    add_form_extra_fields = {
        "given_at": DateTimeField(schemas.LABELS.get("given_at", "Gegeven op"),
                                  format="%Y-%m-%d %H:%M:%S", validators=[Optional()],
                                  widget=DateTimePickerWidget(),
                                  description=schemas.DESCRIPTIONS["given_at"]),
        "evidence_upload": FileField(schemas.LABELS["evidence_upload"],
                                     description=schemas.DESCRIPTIONS["evidence_upload"]),
    }
    formatters_columns = {"withdrawal_method": wf.method_label}
    base_order = ("given_at", "desc")
    method_permission_name = {**VIEW_METHODS, "withdraw": "write", "evidence": "read",
                              "per_person": "read", "missing": "read", "outdated": "read"}

    def __init__(self, **kwargs):
        self.add_columns = [*schemas.CONSENT_ADD, "evidence_upload"]
        super().__init__(**kwargs)

    # -- giving: the add form goes through the workflow --------------------------------------

    def _add(self):
        if request.method != "POST":
            return super()._add()
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self._fill_form_exclude_cols(exclude_cols, form)
        if form.validate():
            session = self.datamodel.session
            item = Consent()
            for name in schemas.CONSENT_ADD:
                setattr(item, name, form[name].data)
            upload = form.evidence_upload.data or None
            try:
                with session.no_autoflush:
                    self.give_item(item, upload)
                session.commit()
                flash("De toestemming is vastgelegd.", "success")
                return None
            except (FieldError, TransitionError) as exc:
                session.rollback()
                name = FORM_FIELDS.get(getattr(exc, "field", ""), getattr(exc, "field", ""))
                field = getattr(form, name, None) or form.purpose
                field.errors = [*field.errors, str(exc)]
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """A given consent is not edited: say so, and offer the withdrawal."""
        consent = self._get_or_404(pk)
        return self.render_template("consents/immutable.html", consent=consent,
                                    message=IMMUTABLE, title="Toestemming wijzigen")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 unless the user may see it; logs the read
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, consent=self._get_or_404(pk),
            may_withdraw=self.appbuilder.sm.has_access("can_write", "Consent"))

    def _get_or_404(self, pk) -> Consent:
        consent = self.datamodel.get(pk, self._base_filters)
        if consent is None:
            abort(404)
        return consent

    # -- withdrawing ---------------------------------------------------------------------------

    @expose("/intrekken/<int:pk>", methods=["GET", "POST"])
    @has_access
    def withdraw(self, pk):
        session: Session = self.datamodel.session
        consent = self._get_or_404(pk)
        errors = {}
        if request.method == "POST":
            try:
                if request.form.get("confirm") != "yes":
                    raise FieldError("confirm", "Bevestig dat de betrokkene zijn toestemming "
                                                "intrekt (dit kan niet ongedaan worden gemaakt)")
                on = parse_form_date(request.form.get("on"), "Datum van intrekking", "on")
                wf.withdraw(session, consent, by=actor_for(g.user),
                            method=request.form.get("method", ""),
                            reason=request.form.get("reason", ""), on=on)
                session.commit()
                flash(_withdrawn_message(consent), "success")
                return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
            except TransitionError as exc:
                session.rollback()
                flash(str(exc), "danger")
                return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
            except FieldError as exc:
                session.rollback()
                errors[exc.field] = str(exc)
                consent = self._get_or_404(pk)
        record_read(session, "read", "Consent", [consent])
        return self.render_template(
            "consents/withdraw.html", consent=consent, subject=wf.subject_of(consent),
            effect=EFFECT_TEXT.get(consent.purpose), methods=wf.METHODS, form=request.form,
            errors=errors, title="Toestemming intrekken")

    # -- the evidence scan -----------------------------------------------------------------------

    @expose("/bewijs/<int:pk>")
    @has_access
    def evidence(self, pk):
        session = self.datamodel.session
        consent = self._get_or_404(pk)
        try:
            data, mime, ext = wf.read_evidence(consent)
        except FileNotFoundError:
            abort(404)
        record(session, "download", "Consent", consent.id, holder_id=_holder_id(consent),
               fields="evidence_file")
        session.commit()
        return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True,
                         download_name=f"toestemming-{consent.id}-bewijs.{ext}")

    # -- overviews -------------------------------------------------------------------------------

    @expose("/per-persoon/")
    @has_access
    def per_person(self):
        """Choose the kind of person, then the person: all his consents with their state."""
        kinds = {k: label for k, label in PERSON_KINDS.items()
                 if self.appbuilder.sm.has_access("can_read", wf.SUBJECTS[k].__name__)}
        kind = request.args.get("kind") if request.args.get("kind") in kinds else None
        choices, person, consents = [], None, []
        session = self.datamodel.session
        if kind:
            model = wf.SUBJECTS[kind]
            query = _visible(model, g.user)
            person_id = request.args.get("id", type=int)
            if person_id:
                person = query.filter(model.id == person_id).first()
                if person is None:
                    abort(404)
                consents = (_visible(Consent, g.user)
                            .filter(getattr(Consent, f"{kind}_id") == person.id)
                            .order_by(Consent.given_at.desc()).all())
                record_read(session, "read", model.__name__, [person], commit=False)
                record_read(session, "list", "Consent", consents)
            else:
                rows = query.order_by(model.id.desc()).limit(SUBJECT_LIMIT).all()
                choices = sorted(((r.id, str(r)) for r in rows), key=lambda c: c[1].lower())
                if rows:
                    record_read(session, "list", model.__name__, rows)
        return self.render_template(
            "consents/per_person.html", kinds=kinds, kind=kind, choices=choices, person=person,
            consents=consents, limit=SUBJECT_LIMIT, title="Toestemmingen per persoon")

    @expose("/ontbrekend/")
    @has_access
    def missing(self):
        """Contact persons on an approved/issued card without an active 'on the card' consent;
        holders with an open card without an active registration consent. Newest first,
        PAGE_SIZE a page (``?page=``)."""
        session = self.datamodel.session
        page = max(request.args.get("page", 1, type=int), 1)
        skip = (page - 1) * PAGE_SIZE
        contacts = (_visible(ContactPerson, g.user)
                    .join(HelpCard, HelpCard.holder_id == ContactPerson.holder_id)
                    .filter(ContactPerson.on_card.is_(True), HelpCard.status.in_(CARD_OUT),
                            ~_has_active(Consent.contact_person_id == ContactPerson.id,
                                         ConsentPurpose.on_card))
                    .distinct().order_by(ContactPerson.holder_id.desc(), ContactPerson.priority)
                    .offset(skip).limit(PAGE_SIZE + 1).all())
        holders = (_visible(Holder, g.user)
                   .filter(Holder.cards.any(HelpCard.status.in_(card_flow.OPEN)),
                           ~_has_active(Consent.holder_id == Holder.id,
                                        ConsentPurpose.registration))
                   .order_by(Holder.id.desc()).offset(skip).limit(PAGE_SIZE + 1).all())
        if contacts:
            record_read(session, "list", "ContactPerson", contacts[:PAGE_SIZE], commit=False)
        if holders:
            record_read(session, "list", "Holder", holders[:PAGE_SIZE], commit=False)
        session.commit()
        return self.render_template(
            "consents/missing.html", contacts=contacts[:PAGE_SIZE], holders=holders[:PAGE_SIZE],
            more_contacts=len(contacts) > PAGE_SIZE, more_holders=len(holders) > PAGE_SIZE,
            page=page, title="Ontbrekende toestemmingen")

    @expose("/oude-verklaring/")
    @has_access
    def outdated(self):
        """Active consents given under a privacy notice that is not the organisation's newest."""
        session = self.datamodel.session
        newest = _newest_notice_ids(session)
        page = max(request.args.get("page", 1, type=int), 1)
        query = (_visible(Consent, g.user)
                 .filter(Consent.withdrawn_at.is_(None),
                         Consent.organisation_id.in_(list(newest)),
                         sa.or_(Consent.notice_id.is_(None),
                                Consent.notice_id.not_in(list(newest.values())))))
        total = query.count()
        shown = (query.order_by(Consent.given_at, Consent.id)
                 .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all())
        if shown:
            record_read(session, "list", "Consent", shown)
        notices = {n.id: n for n in session.query(PrivacyNotice).filter(
            PrivacyNotice.id.in_(list(newest.values())))} if newest else {}
        return self.render_template(
            "consents/outdated.html", consents=shown, total=total, page=page,
            pages=max(1, -(-total // PAGE_SIZE)), newest=newest, notices=notices,
            title="Toestemmingen onder een oude privacyverklaring")


PERSON_KINDS = {"holder": "Hulpkaarthouder", "contact_person": "Contactpersoon",
                "help_request": "Hulpvraag (hulpvrager)", "volunteer": "Vrijwilliger"}
EFFECT_TEXT = {
    ConsentPurpose.control_room: "Er komt een privacytaak: de volgende export naar de meldkamer "
                                 "bevat een verwijdering; controleer dat de meldkamer die verwerkt.",
    ConsentPurpose.on_card: "De contactpersoon gaat van de kaart. Een goedgekeurde of uitgereikte "
                            "kaart gaat terug naar de opmaak (nieuwe versie); de coach krijgt "
                            "bericht.",
    ConsentPurpose.registration: "Er wordt een verwijderverzoek geopend voor de "
                                 "privacyfunctionaris (termijn één maand).",
    ConsentPurpose.research: "De houder valt vanaf nu buiten onderzoeksexports.",
}


def _withdrawn_message(consent: Consent) -> str:
    extra = EFFECT_TEXT.get(consent.purpose)
    return "De toestemming is ingetrokken." + (f" {extra}" if extra else "")


def _holder_id(consent: Consent):
    from security.audit import holder_of

    return holder_of(consent)


def _has_active(link, purpose):
    return sa.exists().where(link, Consent.purpose == purpose, Consent.withdrawn_at.is_(None))


def _newest_notice_ids(session: Session) -> dict[int, int]:
    """organisation id → id of its privacy notice in force today."""
    today = dt.date.today()
    result = {}
    for notice in (session.query(PrivacyNotice).filter(PrivacyNotice.effective_from <= today)
                   .order_by(PrivacyNotice.effective_from, PrivacyNotice.id)):
        result[notice.organisation_id] = notice.id
    return result


class PrivacyNoticeView(NoticeRules, ScopedModelView):
    datamodel = ScopedInterface(PrivacyNotice)
    list_title = "Privacyverklaringen"
    show_title = "Privacyverklaring"
    add_title = "Nieuwe versie van de privacyverklaring"
    edit_title = "Privacyverklaring wijzigen"
    list_columns = schemas.NOTICE_LIST
    show_columns = schemas.NOTICE_SHOW
    add_columns = edit_columns = schemas.NOTICE_EDIT
    search_columns = schemas.NOTICE_SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("effective_from", "desc")
