"""The holder's portal pages (no staff login): ``/portaal/…`` and the contact person's
``/toestemming/<token>``.

Entry (``portal_entry``): the personal link (``/portaal/link/<token>``, checked on GET, used
on POST so that a mail scanner does not use it up) and the coach's code; both rate limited
on every method. Everything else (``portal``) needs the portal session (app/portal/access.py)
and only ever reads the holder of that session: ids in URLs (comments, consents) are looked
up under him, so another holder's ids answer 404. CSRF: the app-wide CSRFProtect and a token
in every form.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError

from app.cards import printing
from app.cards.models import SECTION_LIMITS
from app.consents.models import Consent
from app.core.validation import FieldError
from app.extensions import db
from app.portal import access
from app.portal.models import CardComment
from security.audit import record, record_read
from security.links import LinkError
from workflows import cards, consents
from workflows.privacy import access_export
from workflows import portal as wf
from app.core.errors import TransitionError

ENTRY_LIMIT = "10 per minute"

# One question per screen, in plain Dutch (the card questionnaire's questions), with an example.
QUESTIONS = {
    "loss_of_control_signs": (
        "Soms loop ik vast; ik verlies de controle. Hoe ziet dat er bij mij uit?",
        "Wat zien of horen anderen dan aan u? Bijvoorbeeld: ik ga snel praten, ik loop weg, "
        "ik hoor niet meer wat je zegt."),
    "how_to_help": (
        "Hoe kunnen anderen mij dan het beste helpen? Wat heb ik nodig?",
        "Bijvoorbeeld: praat rustig tegen mij, geef mij ruimte, bel mijn zus."),
    "what_not_to_do": (
        "Wat moeten anderen dan liever niet doen?",
        "Bijvoorbeeld: mij niet aanraken, niet hard praten, niet met veel mensen om mij heen."),
    "what_i_do_myself": (
        "Wat doe ik zelf om weer rustig te worden?",
        "Bijvoorbeeld: ik ga even zitten, ik luister muziek, ik adem rustig in en uit."),
    "medication_preferences": (
        "Heb ik wensen over medicijnen?",
        "Bijvoorbeeld: welke medicijnen u gebruikt, of: geef mij eerst tijd voordat je "
        "medicijnen geeft. Laat leeg als u niets wilt zeggen."),
    "medication_refused": (
        "Zijn er medicijnen die ik niet wil hebben?",
        "Schrijf op welke medicijnen u niet wilt. Laat leeg als dat niet zo is."),
    "other_info": (
        "Wat wil ik verder dat anderen over mij weten?",
        "Bijvoorbeeld: ik hoor slecht, of: er is thuis een hond die eten nodig heeft."),
}
SECTIONS = list(SECTION_LIMITS)
SHORT = {"loss_of_control_signs": "Zo merk je dat ik vastloop", "how_to_help": "Dit helpt mij",
         "what_not_to_do": "Dit helpt niet", "what_i_do_myself": "Dit doe ik zelf",
         "medication_preferences": "Wensen over medicijnen",
         "medication_refused": "Medicijnen die ik niet wil", "other_info": "Verder wil ik dat je weet"}
MEDICATION = dict(printing.MEDICATION)
STATES = {"agreed": "Heeft ja gezegd", "waiting": "Wacht op antwoord",
          "declined": "Heeft nee gezegd"}

entry = Blueprint("portal_entry", __name__, url_prefix="/portaal")
bp = Blueprint("portal", __name__, url_prefix="/portaal")
consent_bp = Blueprint("portal_consent", __name__, url_prefix="/toestemming")


def entry_limit() -> str:
    return current_app.config.get("HULPREGIE_PORTAL_ENTRY_LIMIT") or ENTRY_LIMIT


def _refused(message: str, status: int = 410):
    db.session.commit()  # the refusal's audit event
    return render_template("portal/refused.html", message=message), status


# -- entry ----------------------------------------------------------------------------------

@entry.route("/", methods=["GET"])
def start():
    user, _ = access.current()
    if user is not None:
        return redirect(url_for("portal.home"))
    return render_template("portal/code.html", error=None)


@entry.route("/code", methods=["POST"])
def code():
    try:
        link = wf.redeem_code(db.session, request.form.get("code", ""))
    except LinkError as exc:
        db.session.commit()
        return render_template("portal/code.html", error=str(exc)), 400
    db.session.commit()
    access.start(link)
    return redirect(url_for("portal.home"))


@entry.route("/link/<token>", methods=["GET", "POST"])
def link(token: str):
    try:
        if request.method == "GET":
            found = wf.check_link(db.session, token)
            db.session.rollback()
            return render_template("portal/welcome.html", helper=found.helper_name is not None)
        found = wf.open_link(db.session, token)
        db.session.commit()
    except LinkError as exc:
        return _refused(str(exc))
    except IntegrityError:
        db.session.rollback()
        return _refused(wf.REFUSED)
    access.start(found)
    return redirect(url_for("portal.home"))


@entry.route("/uitloggen", methods=["POST"])
def logout():
    access.end()
    return render_template("portal/ended.html", message="U bent uitgelogd. Tot ziens!",
                           logged_out=True)


@entry.errorhandler(429)
def too_many(exc):
    return render_template("portal/refused.html", message=(
        "U hebt het te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw.")), 429


# -- helpers ------------------------------------------------------------------------------------

def _holder():
    return g.portal.holder


def _draft_preview(card, version, current: str | None = None):
    """The printed card as the preview page shows it (the existing preview template)."""
    if card is None or version is None:
        return None
    context = printing.card_context(card, version, draft=True)
    return {"sheet": printing.render_html(context, for_pdf=False), "warnings": context["warnings"]}


def _page(template: str, status: int = 200, **context):
    card = context.pop("card", None) or wf.current_card(db.session, _holder())
    return render_template(template, holder=_holder(), portal=g.portal, card=card,
                           sections=SECTIONS, short=SHORT, **context), status


def _fail(exc) -> dict:
    db.session.rollback()
    field = getattr(exc, "field", "algemeen")
    return {field: str(exc)}


# -- the portal ---------------------------------------------------------------------------------

@bp.route("/start")
@access.required
def home():
    card = wf.current_card(db.session, _holder())
    return _page("portal/home.html", card=card, problems=wf.plain_problems(card))


@bp.route("/kaart")
@access.required
def card_overview():
    card = wf.current_card(db.session, _holder())
    version = wf.shown_version(card)
    if version is not None:
        record_read(db.session, "read", "HelpCardVersion", [version])
    comments = wf.comments_of(db.session, card)
    return _page("portal/card.html", card=card, version=version,
                 preview=_draft_preview(card, version),
                 open_comments=[c for c in comments if c.resolved_at is None])


@bp.route("/kaart/<section>", methods=["GET", "POST"])
@access.required
def section(section: str):
    if section not in QUESTIONS:
        abort(404)
    holder, errors = _holder(), {}
    text = None
    if request.method == "POST":
        text = request.form.get("text", "")
        try:
            wf.save_section(db.session, holder, section, text, by=g.portal.actor,
                            helper=g.portal.helper)
            db.session.commit()
            index = SECTIONS.index(section)
            if request.form.get("next") == "back" and index > 0:
                return redirect(url_for(".section", section=SECTIONS[index - 1]))
            if index + 1 < len(SECTIONS):
                return redirect(url_for(".section", section=SECTIONS[index + 1]))
            return redirect(url_for(".contacts"))
        except (FieldError, TransitionError) as exc:
            errors = _fail(exc)
            errors = {"text": next(iter(errors.values()))}
    card = wf.current_card(db.session, holder)
    version = wf.shown_version(card)
    if version is not None and text is None:
        record_read(db.session, "read", "HelpCardVersion", [version])
    if text is None:
        text = (getattr(version, section) or "") if version is not None else ""
    other = {name: (getattr(version, name) or "") if version is not None else ""
             for name in MEDICATION}
    comments = [c for c in wf.comments_of(db.session, card) if c.section == section]
    index = SECTIONS.index(section)
    return _page("portal/section.html", 400 if errors else 200, card=card, name=section,
                 question=QUESTIONS[section], limit=SECTION_LIMITS[section], text=text,
                 errors=errors, comments=comments, step=index + 1, steps=len(SECTIONS) + 1,
                 previous=SECTIONS[index - 1] if index else None,
                 preview=_draft_preview(card, version), medication=MEDICATION, other=other)


@bp.route("/kaart/meekijken", methods=["POST"])
@access.required
def ask_feedback():
    try:
        wf.request_feedback(db.session, _holder(), by=g.portal.actor)
        db.session.commit()
        flash("Uw coach krijgt bericht en kijkt mee. U ziet zijn opmerkingen bij elke vraag.",
              "success")
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for(".card_overview"))


@bp.route("/opmerking/<int:comment_id>/klaar", methods=["POST"])
@access.required
def resolve(comment_id: int):
    card = wf.current_card(db.session, _holder())
    comment = db.session.get(CardComment, comment_id)
    if comment is None or card is None or comment.card_id != card.id:
        abort(404)
    wf.resolve_comment(db.session, comment, by=g.portal.actor)
    db.session.commit()
    flash("De opmerking staat op klaar.", "success")
    return redirect(url_for(".section", section=comment.section)
                    if comment.section in QUESTIONS else url_for(".card_overview"))


@bp.route("/contactpersonen", methods=["GET", "POST"])
@access.required
def contacts():
    holder, errors, values = _holder(), {}, {}
    if request.method == "POST":
        values = request.form
        try:
            person = wf.add_contact(db.session, holder, by=g.portal.actor,
                                    name=values.get("name"), relation=values.get("relation"),
                                    phone=values.get("phone"), email=values.get("email"))
            db.session.commit()
            flash(f"{person.name} krijgt een e-mail met de vraag of hij of zij op uw kaart wil "
                  "staan.", "success")
            return redirect(url_for(".contacts"))
        except FieldError as exc:
            errors = _fail(exc)
    people = sorted(holder.contact_persons, key=lambda p: (p.priority, p.id))
    if people:
        record_read(db.session, "read", "ContactPerson", people)
    rows = [{"person": p, "state": STATES[wf.consent_state(db.session, p)]} for p in people]
    return _page("portal/contacts.html", 400 if errors else 200, rows=rows, errors=errors,
                 values=values, step=len(SECTIONS) + 1, steps=len(SECTIONS) + 1)


@bp.route("/goedkeuren", methods=["GET", "POST"])
@access.required
def approve():
    holder = _holder()
    if request.method == "POST":
        if request.form.get("confirm") != "1":
            flash("Zet eerst een vinkje: 'Ik ga akkoord met de tekst van mijn kaart'.", "danger")
            return redirect(url_for(".approve"))
        try:
            wf.approve(db.session, holder, by=g.portal.actor)
            db.session.commit()
            flash("Uw kaart is goedgekeurd.", "success")
            return redirect(url_for(".approve"))
        except (TransitionError, FieldError) as exc:
            db.session.rollback()
            flash(str(exc), "danger")
    card = wf.current_card(db.session, holder)
    version = wf.shown_version(card)
    approved = card is not None and cards.latest_approved(card) is not None and \
        cards.draft_version(card) is None
    return _page("portal/approve.html", card=card, version=version, approved=approved,
                 problems=[] if approved else wf.plain_problems(card),
                 preview=_draft_preview(card, version))


@bp.route("/opsturen", methods=["POST"])
@access.required
def send_card():
    try:
        wf.ask_to_send(db.session, _holder(), by=g.portal.actor)
        db.session.commit()
        flash("Wij drukken uw kaart af en sturen hem naar u op.", "success")
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for(".approve"))


@bp.route("/kaart.pdf")
@access.required
def pdf():
    card = wf.current_card(db.session, _holder())
    if card is None:
        abort(404)
    try:
        version = printing.version_to_print(card, cards.latest_approved(card))
        context = printing.card_context(card, version)
        data = printing.render_pdf(context)
    except printing.PrintError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".approve"))
    printing.record_print(db.session, card, version, by=g.portal.actor)
    db.session.commit()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="hulpkaart-v{version.version_no}.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/gegevens")
@access.required
def my_data():
    holder = _holder()
    data = access_export.collect(db.session, holder)
    log = [{k: v for k, v in row.items() if k != "username"}
           for row in access_export.log_summary(data.pop("toegangslog"))]
    record(db.session, "read", "Holder", holder.id, holder_id=holder.id,
           purpose="inzage in het portaal")
    db.session.commit()
    sections = [(heading, data[key]) for key, (heading, _) in access_export.SECTIONS.items()
                if key in data and data[key]]
    return _page("portal/data.html", held=sections, log=log,
                 labels=access_export.labels(),
                 own_consents=wf.own_consents(db.session, holder),
                 methods=consents.METHODS)


def _own_consent(consent_id: int) -> Consent:
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.holder_id != _holder().id:
        abort(404)
    return consent


@bp.route("/toestemming/<int:consent_id>/intrekken", methods=["GET", "POST"])
@access.required
def withdraw(consent_id: int):
    consent = _own_consent(consent_id)
    if consent.withdrawn_at is not None:
        flash("Deze toestemming is al ingetrokken.", "success")
        return redirect(url_for(".my_data") + "#toestemmingen")
    if request.method == "POST":
        if request.form.get("confirm") != "1":
            flash("Zet eerst een vinkje als u dit zeker weet.", "danger")
            return redirect(url_for(".withdraw", consent_id=consent.id))
        try:
            wf.withdraw_consent(db.session, _holder(), consent, by=g.portal.actor,
                                reason=request.form.get("reason"))
            db.session.commit()
            flash(f"U hebt uw toestemming '{consent.purpose}' ingetrokken.", "success")
            return redirect(url_for(".my_data") + "#toestemmingen")
        except (TransitionError, FieldError) as exc:
            db.session.rollback()
            flash(str(exc), "danger")
    return _page("portal/withdraw.html", consent=consent)


@bp.route("/verzoek", methods=["GET", "POST"])
@access.required
def privacy_request():
    errors, values = {}, {}
    if request.method == "POST":
        values = request.form
        try:
            wf.ask_privacy_request(db.session, _holder(), values.get("kind", ""),
                                   values.get("details", ""), by=g.portal.actor)
            db.session.commit()
            flash("Uw vraag is verstuurd naar de privacyfunctionaris. U krijgt binnen een "
                  "maand antwoord.", "success")
            return redirect(url_for(".my_data"))
        except (FieldError, TransitionError) as exc:
            errors = _fail(exc)
    return _page("portal/request.html", 400 if errors else 200, errors=errors, values=values,
                 kinds=wf.REQUEST_KINDS)


# -- the contact person's own link ----------------------------------------------------------------

@consent_bp.route("/<token>", methods=["GET", "POST"])
def contact_consent(token: str):
    session = db.session
    try:
        link = wf.check_consent_link(session, token)
    except LinkError as exc:
        return _refused(str(exc))
    person, holder = link.contact_person, link.holder
    if request.method == "POST":
        answer = request.form.get("answer")
        if answer in ("ja", "nee"):
            try:
                wf.answer_consent(session, link, answer == "ja")
                session.commit()
            except (FieldError, IntegrityError):
                session.rollback()
                return _refused(wf.CONSENT_REFUSED)
            return render_template("portal/consent_done.html", agreed=answer == "ja",
                                   holder_name=holder.full_name)
    session.rollback()
    return render_template("portal/consent.html", name=person.name,
                           holder_name=holder.full_name, phone=person.phone,
                           organisation=holder.organisation), 200


@consent_bp.errorhandler(429)
def consent_too_many(exc):
    return too_many(exc)


@bp.after_request
@entry.after_request
@consent_bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # personal data: not in any cache
    return response
