"""The wallet card as PDF (real wkhtmltopdf, read back with poppler's pdfinfo/pdftotext),
the print record, the preview, and the evaluation letter. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from app.cards import printing
from app.cards.models import (
    SECTION_LIMITS,
    CardPrint,
    CardStatus,
    Evaluation,
    HelpCard,
    HelpCardVersion,
    MakingChoice,
)
from app.contacts.models import ContactPerson
from security.audit import AuditEvent
from tests.conftest import login
from tests.support import factories
from tests.support.fixtures import coach_of

TEXTS = {
    "loss_of_control_signs": "Ik ga heel snel praten en loop heen en weer.",
    "how_to_help": "Praat rustig tegen mij en geef mij de tijd.",
    "what_not_to_do": "Niet aanraken en niet hard praten.",
    "what_i_do_myself": "Ik zoek een rustige plek op.",
    "medication_preferences": "Liever geen prik; een tablet gaat beter.",
    "medication_refused": "Geen haloperidol.",
    "other_info": "Ik heb een hond die Bobbie heet.",
}
CONTACTS = [("Piet Jansen", "broer", "0612345678", True),
            ("Karin Smit", "buurvrouw", "0301234567", True),
            ("Niet Opdekaart", "oom", "0687654321", False)]


def _flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pdf_text(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def make_card(db, *, org="a", coach="coach_a", texts=None, status=CardStatus.issued,
              approved=True, contacts=CONTACTS) -> HelpCard:
    holder = factories.holder(org, coach_login=coach)
    for priority, (name, relation, phone, on_card) in enumerate(contacts, 1):
        db.session.add(ContactPerson(holder_id=holder.id, organisation_id=holder.organisation_id,
                                     name=name, relation=relation, phone=phone,
                                     priority=priority, on_card=on_card))
    card = HelpCard(holder_id=holder.id, organisation_id=holder.organisation_id,
                    coach_id=coach_of(coach).id, making_choice=MakingChoice.with_coach,
                    status=CardStatus.approved if status == CardStatus.issued else status)
    version = HelpCardVersion(card=card, organisation_id=holder.organisation_id, version_no=1,
                              **(TEXTS if texts is None else texts))
    if approved:
        version.holder_approved_on = dt.date(2026, 3, 12)
        version.approved_at = dt.datetime(2026, 3, 12, 10, 0)
    db.session.add_all([card, version])
    db.session.commit()
    if status == CardStatus.issued:  # the database wants the version before the state
        card.issued_version, card.issued_on = version, dt.date(2026, 3, 13)
        db.session.commit()
        card.status = CardStatus.issued
        db.session.commit()
    return card


def events(db, action, resource, record_id):
    return db.session.query(AuditEvent).filter_by(
        action=action, resource=resource, record_id=str(record_id)).all()


def test_pdf_download_is_one_page_with_approved_text_and_phones(app, db, client, tmp_path):
    card = make_card(db)
    version, holder = card.issued_version, card.holder
    login(client, "coach_a")
    resp = client.get(f"/hulpkaart/{card.id}/pdf")
    assert resp.status_code == 200, resp.text[:500]
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == \
        f'attachment; filename="hulpkaart-{holder.reference}-v1.pdf"'
    pdf = resp.data
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf, tmp_path) == 1
    text = _flat(pdf_text(pdf, tmp_path))
    for value in TEXTS.values():
        assert value in text
    for heading in ("Zo merk je dat ik de controle verlies", "Dit helpt mij / zo benader je mij",
                    "Dit helpt niet / doe dit liever niet", "Dit doe ik zelf", "Medicatie",
                    "Bel deze mensen", "Verder wil ik dat je weet"):
        assert heading in text
    assert "06 12345678" in text and "030 123 4567" in text  # Dutch-readable phones
    assert "Piet Jansen (broer)" in text and "Niet Opdekaart" not in text
    assert text.index("Piet Jansen") < text.index("Karin Smit")  # by priority
    assert "Organisatie A" in text and "versie van 12-03-2026" in text
    assert holder.full_name in text

    # Recorded: who, which version; audited as a print.
    coach_user = app.appbuilder.sm.find_user(username="coach_a")
    prints = db.session.query(CardPrint).filter_by(card_id=card.id).all()
    assert [(p.version_id, p.printed_by_id) for p in prints] == [(version.id, coach_user.id)]
    printed = events(db, "print", "HelpCard", card.id)
    assert len(printed) == 1 and printed[0].holder_id == holder.id
    assert printed[0].user_id == coach_user.id


def test_text_is_escaped_in_preview_and_pdf(app, db, client, tmp_path):
    nasty = '<script>alert("x")</script> <meta name="pdfkit-enable-local-file-access" content="">'
    card = make_card(db, texts={**TEXTS, "other_info": nasty})
    login(client, "coach_a")
    preview = client.get(f"/hulpkaart/{card.id}/voorbeeld")
    assert preview.status_code == 200
    assert "<script>alert" not in preview.text and "&lt;script&gt;alert" in preview.text
    assert '<meta name="pdfkit' not in preview.text
    assert events(db, "read", "HelpCard", card.id)  # the preview is a logged read
    html = printing.render_html(printing.card_context(card))
    assert "<script" not in html and "&lt;meta name=" in html
    pdf = client.get(f"/hulpkaart/{card.id}/pdf").data
    assert '<script>alert("x")</script>' in pdf_text(pdf, tmp_path)


def _longest(limit: int, marker: str) -> str:
    words = ("Als ik overprikkeld raak, wil ik even alleen zijn op een rustige plek. Spreek mij "
             "aan met mijn voornaam, vertel wat je gaat doen en geef mij de tijd om te reageren. "
             ).split()
    text, i = [], 0
    while len(" ".join([*text, words[i % len(words)], marker])) <= limit:
        text.append(words[i % len(words)])
        i += 1
    body = " ".join(text)
    return body + "." * (limit - len(body) - len(marker) - 1) + " " + marker


def test_longest_allowed_texts_stay_on_their_panels_on_one_page(app, db, tmp_path):
    texts = {name: _longest(limit, f"EINDE{i}")
             for i, (name, limit) in enumerate(SECTION_LIMITS.items())}
    assert all(len(texts[n]) == limit for n, limit in SECTION_LIMITS.items())
    card = make_card(db, texts=texts, contacts=[
        (f"Contactpersoon{i} Jansen", "familie", "0612345678", True) for i in range(1, 8)])
    context = printing.card_context(card)
    assert context["warnings"] == []  # the estimate agrees that it fits
    pdf = printing.render_pdf(context)
    assert pdf_pages(pdf, tmp_path) == 1
    flat = _flat(pdf_text(pdf, tmp_path))
    for text in texts.values():
        assert _flat(text) in flat  # nothing cut off
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', pdf_text(pdf, tmp_path, "-bbox"))
    where = {w[4]: tuple(map(float, w[:4])) for w in words}
    pt = 72 / 25.4
    panel_of = {key: i for i, (key, _) in enumerate(printing.PANELS, 1)}
    panel_of.update(medication_preferences=panel_of["medication"],
                    medication_refused=panel_of["medication"])
    tolerance = 2.0  # pt: wkhtmltopdf places on whole pixels
    for i, name in enumerate(SECTION_LIMITS):
        n = panel_of[name]
        left = (printing.CARD_LEFT + (n % printing.COLUMNS) * printing.PANEL_W) * pt
        top = (printing.CARD_TOP + (n // printing.COLUMNS) * printing.PANEL_H) * pt
        x0, y0, x1, y1 = where[f"EINDE{i}"]
        assert left - tolerance <= x0 and x1 <= left + printing.PANEL_W * pt + tolerance, name
        assert top - tolerance <= y0 and y1 <= top + printing.PANEL_H * pt + tolerance, name
    # Panels are credit-card sized: headings of neighbouring panels 85.6 mm / 54 mm apart.
    assert abs(where["Bel"][0] - where["Zo"][0] - printing.PANEL_W * pt) < tolerance
    assert abs(where["Medicatie"][1] - where["Zo"][1] - 2 * printing.PANEL_H * pt) < tolerance
    # Readable type: no word smaller than 7.5 pt (DejaVu Sans boxes are 1.164 em high).
    assert min(y1 - y0 for _, y0, _, y1 in where.values()) / 1.164 >= 7.45


def test_other_organisations_and_other_coaches_get_404(app, db, client):
    card = make_card(db)
    evaluation = Evaluation(card_id=card.id, organisation_id=card.organisation_id,
                            due_on=dt.date(2027, 3, 13))
    db.session.add(evaluation)
    db.session.commit()
    login(client, "coach_b")
    assert client.get(f"/hulpkaart/{card.id}/pdf").status_code == 404
    assert client.get(f"/hulpkaart/{card.id}/voorbeeld").status_code == 404
    assert client.get(f"/evaluatie/{evaluation.id}/brief").status_code == 404
    assert db.session.query(CardPrint).filter_by(card_id=card.id).count() == 0


def test_same_organisation_coach_of_other_holders_gets_404(app, db, client):
    card = make_card(db)
    login(client, "coach2_a")
    assert client.get(f"/hulpkaart/{card.id}/pdf").status_code == 404


def test_draft_only_card_is_refused_clearly(app, db, client):
    card = make_card(db, status=CardStatus.drafting, approved=False)
    with pytest.raises(printing.PrintError, match="nog geen goedgekeurde versie"):
        printing.card_context(card)
    login(client, "coach_a")
    resp = client.get(f"/hulpkaart/{card.id}/pdf")
    assert resp.status_code == 302 and f"/show/{card.id}" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).text
    assert "nog geen goedgekeurde versie" in page
    assert db.session.query(CardPrint).filter_by(card_id=card.id).count() == 0
    assert not events(db, "print", "HelpCard", card.id)


def test_reprint_of_older_approved_version_and_draft_version_refused(app, db, client, tmp_path):
    card = make_card(db)
    v1 = card.issued_version
    v2 = HelpCardVersion(card=card, organisation_id=card.organisation_id, version_no=2,
                         **{**TEXTS, "how_to_help": "Nieuwe tekst van versie twee."})
    db.session.add(v2)
    db.session.commit()
    login(client, "coach_a")
    resp = client.get(f"/hulpkaart/{card.id}/pdf?versie={v2.id}")  # a draft
    assert resp.status_code == 302
    assert "Versie 2 is nog niet goedgekeurd" in client.get(resp.headers["Location"]).text
    v2.approved_at = dt.datetime(2026, 6, 1, 9, 0)
    db.session.commit()
    # Default: the issued version (v1), also now that v2 is approved; v2 on request.
    assert "Praat rustig tegen mij" in pdf_text(client.get(f"/hulpkaart/{card.id}/pdf").data,
                                                tmp_path)
    text = pdf_text(client.get(f"/hulpkaart/{card.id}/pdf?versie={v2.id}").data, tmp_path)
    assert "Nieuwe tekst van versie twee." in text and "versie van 01-06-2026" in text
    prints = db.session.query(CardPrint).filter_by(card_id=card.id).order_by(CardPrint.id).all()
    assert [p.version_id for p in prints] == [v1.id, v2.id]


def test_preview_lists_versions_and_links_pdf(app, db, client):
    card = make_card(db)
    login(client, "projectleader_a")
    page = client.get(f"/hulpkaart/{card.id}/voorbeeld").text
    assert "PDF downloaden" in page and f"/hulpkaart/{card.id}/pdf?versie=" in page
    assert "Bel deze mensen" in page and "06 12345678" in page
    assert client.get("/cardprintmodelview/list/").status_code == 200


def test_missing_wkhtmltopdf_gives_a_dutch_message(app, db, client, monkeypatch):
    card = make_card(db)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(printing.PrintError, match="wkhtmltopdf ontbreekt: installeer het "
                                                  "Debian-pakket wkhtmltopdf"):
        printing.render_pdf(printing.card_context(card))
    login(client, "coach_a")
    resp = client.get(f"/hulpkaart/{card.id}/pdf")
    assert resp.status_code == 302
    assert "wkhtmltopdf ontbreekt" in client.get(resp.headers["Location"]).text


def test_evaluation_letter_pdf_contains_due_date(app, db, client, tmp_path):
    card = make_card(db)
    evaluation = Evaluation(card_id=card.id, organisation_id=card.organisation_id,
                            coach_id=card.coach_id, due_on=dt.date(2027, 3, 13))
    db.session.add(evaluation)
    db.session.commit()
    login(client, "coach_a")
    resp = client.get(f"/evaluatie/{evaluation.id}/brief")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert pdf_pages(resp.data, tmp_path) == 1
    text = _flat(pdf_text(resp.data, tmp_path))
    assert "13 maart 2027" in text and card.holder.full_name in text
    assert "Organisatie A" in text and str(card.coach) in text
    assert events(db, "print", "Evaluation", evaluation.id)


def test_many_cards_print_as_one_pdf_with_a_sheet_each(app, db, client, tmp_path):
    """The list's bulk action: one wkhtmltopdf run, one page per card, each print recorded."""
    cards = [make_card(db, texts={**TEXTS, "other_info": f"Bulkkaart{i}"}) for i in range(3)]
    before = db.session.query(CardPrint).count()
    login(client, "coach_a")
    resp = client.post("/helpcardview/action_post", data={
        "action": "print_cards", "rowid": [str(c.id) for c in cards]})
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert pdf_pages(resp.data, tmp_path) == 3
    text = _flat(pdf_text(resp.data, tmp_path))
    assert all(f"Bulkkaart{i}" in text for i in range(3))
    assert db.session.query(CardPrint).count() == before + 3


def test_many_cards_refuse_a_card_without_an_approved_version(app, db, client):
    ready, draft = make_card(db), make_card(db, status=CardStatus.drafting, approved=False)
    before = db.session.query(CardPrint).count()
    login(client, "coach_a")
    resp = client.post("/helpcardview/action_post", follow_redirects=True, data={
        "action": "print_cards", "rowid": [str(ready.id), str(draft.id)]})
    assert "Niets afgedrukt" in resp.text and draft.holder.reference in resp.text
    assert db.session.query(CardPrint).count() == before
