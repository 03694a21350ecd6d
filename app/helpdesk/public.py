"""The public help-request form (no login): ``/hulp-vragen/?org=<id>``.

Anyone may ask for help, for himself or as a professional for a client. The form serves one
organisation: ``?org=<id>``, or the only active organisation when there is exactly one; an
unknown or inactive one is a 404. Posts are CSRF-protected (app-wide CSRFProtect and the
FlaskForm token) and rate limited per client address (``HULPREGIE_PUBLIC_FORM_LIMIT``,
default ``PUBLIC_FORM_LIMIT``). A filled honeypot field gets the same thank-you page and
stores nothing. A stored request goes through workflows.helpdesk.receive(), which queues the
confirmation mail; the thank-you page echoes nothing of what was sent.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, StopValidation

from app.core.validation import (
    FieldError,
    FormCheck,
    normalise_email,
    normalise_pc4,
    normalise_phone,
)
from app.extensions import db
from app.helpdesk.models import PartOfDay, RequestChannel
from app.organisations.models import Organisation
from app.volunteers.models import CategoryGroup, HelpCategory
from security.audit import Actor
from workflows import helpdesk as wf

PUBLIC_FORM_LIMIT = "5 per hour"
HONEYPOT = "website"
FOR_SELF, FOR_CLIENT = "zelf", "client"
NO_CONTACT = ("Vul een telefoonnummer of een e-mailadres in, zodat we contact met u kunnen "
              "opnemen")

bp = Blueprint("public_request", __name__, url_prefix="/hulp-vragen")


def _required(message: str):
    def check(form, field):
        if not (field.data or "").strip():
            raise StopValidation(message)
    return check


def _for_client(form) -> bool:
    return form.for_whom.data == FOR_CLIENT


def _required_for_client(message: str):
    def check(form, field):
        if _for_client(form) and not (field.data or "").strip():
            raise StopValidation(message)
    return check


def _not_in_past(form, field):
    if field.data and field.data < dt.date.today():
        raise StopValidation("Gewenste datum kan niet in het verleden liggen")


class RequestForm(FlaskForm):
    """What the public form asks; the labels are the ones on the page."""

    for_whom = RadioField(
        "Voor wie vraagt u hulp?", default=FOR_SELF,
        choices=[(FOR_SELF, "Voor mijzelf"), (FOR_CLIENT, "Als professional voor een cliënt")],
        validate_choice=True)
    professional_name = StringField("Uw naam (professional)", validators=[
        _required_for_client("Uw naam (professional) is verplicht als u voor een cliënt vraagt"),
        Length(max=80)])
    professional_organisation = StringField("Uw organisatie", validators=[
        _required_for_client("Uw organisatie is verplicht als u voor een cliënt vraagt"),
        Length(max=80)])
    professional_contact = StringField("Uw telefoonnummer of e-mailadres", validators=[
        Optional(), Length(max=60)])
    name = StringField("Naam", validators=[_required("Naam is verplicht"), Length(max=160)])
    phone = StringField("Telefoonnummer", validators=[Optional(), FormCheck(normalise_phone)])
    email = EmailField("E-mailadres", validators=[Optional(), FormCheck(normalise_email)])
    postcode = StringField("Postcode", validators=[
        _required("Postcode is verplicht"), FormCheck(normalise_pc4)])
    description = TextAreaField("Waarmee wilt u geholpen worden?", validators=[
        _required("Omschrijf waarmee u geholpen wilt worden"), Length(max=2000)])
    category = SelectField("Soort hulp", validators=[Optional()], validate_choice=False)
    wanted_on = DateField("Op welke dag?", validators=[Optional(), _not_in_past])
    wanted_part = RadioField("Welk deel van de dag?", validators=[Optional()], choices=[
        ("", "Maakt niet uit")] + [(p.name, p.value) for p in PartOfDay], default="")
    website = StringField("Laat dit veld leeg")  # the honeypot

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors = list(self.phone.errors) + [NO_CONTACT]  # one way to reach them
            return False
        return valid

    def validate_category(self, field):
        if field.data and field.data not in {str(c.id) for c in _categories()}:
            raise StopValidation("Kies een soort hulp uit de lijst")


def _categories() -> list[HelpCategory]:
    return db.session.query(HelpCategory).order_by(HelpCategory.name).all()


def _category_choices() -> dict:
    """Grouped choices for the select (an optgroup per group)."""
    groups: dict = {"": [("", "Weet ik niet / iets anders")]}
    for group in CategoryGroup:
        items = [(str(c.id), c.name) for c in _categories() if c.group is group]
        if items:
            groups[group.value] = items
    return groups


def _organisation() -> Organisation:
    raw = request.args.get("org")
    if raw is not None:
        org = db.session.get(Organisation, int(raw)) if raw.isdigit() else None
    else:
        active = db.session.query(Organisation).filter_by(active=True).limit(2).all()
        org = active[0] if len(active) == 1 else None
    if org is None or not org.active:
        abort(404)
    return org


def _data(form: RequestForm) -> dict:
    professional = None
    if _for_client(form):
        parts = [form.professional_name.data.strip(), form.professional_organisation.data.strip()]
        contact = (form.professional_contact.data or "").strip()
        professional = ", ".join(parts) + (f" ({contact})" if contact else "")
    return {
        "requester_name": form.name.data, "requester_phone": form.phone.data,
        "requester_email": form.email.data, "pc4": form.postcode.data,
        "description": form.description.data, "professional": professional,
        "category_id": int(form.category.data) if form.category.data else None,
        "wanted_on": form.wanted_on.data,
        "wanted_part": PartOfDay[form.wanted_part.data] if form.wanted_part.data else None,
    }


# Model fields (a FieldError from the workflow) → the form field that shows the message.
MODEL_FIELDS = {"requester_name": "name", "requester_phone": "phone", "requester_email": "email",
                "pc4": "postcode", "description": "description", "category_id": "category",
                "wanted_on": "wanted_on", "professional": "professional_name"}


def _errors(form: RequestForm) -> dict:
    """field name → first message, in the order of the form (for the error summary)."""
    return {f.name: f.errors[0] for f in form if f.errors}


@bp.route("/", methods=["GET", "POST"])
def form():
    if request.method == "GET" and request.args.get("org") is None:
        active = db.session.query(Organisation).filter_by(active=True).order_by(Organisation.name).all()
        if len(active) > 1:  # several organisations share this installation: ask which one
            return render_template("helpdesk/public/choose.html", organisations=active)
    org = _organisation()
    form = RequestForm()
    form.category.choices = _category_choices()
    if request.method == "POST" and (request.form.get(HONEYPOT) or "").strip():
        return redirect(url_for(".thanks", org=org.id))  # a bot: same answer, nothing stored
    if form.validate_on_submit():
        try:
            wf.receive(db.session, organisation=org,
                       channel=RequestChannel.professional if _for_client(form)
                       else RequestChannel.web,
                       data=_data(form), by=Actor(None, "webformulier", org.id))
            db.session.commit()
            return redirect(url_for(".thanks", org=org.id))
        except FieldError as exc:
            db.session.rollback()
            field = getattr(form, MODEL_FIELDS.get(exc.field, "description"))
            field.errors = list(field.errors) + [str(exc)]
    errors = _errors(form)
    status = 400 if request.method == "POST" else 200
    return render_template("helpdesk/public/form.html", form=form, errors=errors, org=org,
                           honeypot=HONEYPOT, for_client=FOR_CLIENT), status


@bp.route("/bedankt")
def thanks():
    org = _organisation()
    return render_template("helpdesk/public/thanks.html", org=org)


@bp.errorhandler(429)
def too_many(exc):
    return render_template("helpdesk/public/too_many.html"), 429


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # what was typed stays out of caches
    return response


def public_form_limit() -> str:
    return current_app.config.get("HULPREGIE_PUBLIC_FORM_LIMIT") or PUBLIC_FORM_LIMIT


def register(appbuilder) -> None:
    current_app.register_blueprint(bp)
    appbuilder.sm.limiter.limit(public_form_limit, methods=["POST"])(bp)
