"""Rapportage financiers: counts of a period against hand-computed values on the fixed data
set (tests/support/leader_data.py), the CSV and the PDF (read back with pdftotext) hold no
name or phone number of anybody in it, periods and presets, and downloads are audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

import pytest

from app.reports import funder
from security.audit import AuditEvent
from tests.conftest import login
from tests.support import leader_data as ld

Q1 = "van=2026-01-01&tot=2026-03-31"
EXPECTED = [
    ["Periode", "01-01-2026 t/m 31-03-2026", "", "", ""],
    ["Kaarten", "Kaarten aangevraagd", "1", "4", "5"],
    ["Kaarten", "Kaarten uitgereikt (gemaakt)", "1", "2", "3"],
    ["Kaarten", "Kaarten geëvalueerd (jaarlijkse evaluatie)", "0", "1", "1"],
    ["Kaarten", "Kaarten ingetrokken", "1", "1", "2"],
    ["Tijd", "Bestede uren (gehouden afspraken)", "2,5", "0,5", "3,0"],
    ["Onderzoek", "Houders die deelnemen aan onderzoek", "2", "1", "3"],
    ["Coaches", "Actieve coaches", "", "", "2"],
    ["Kaarten per coach", "Coach 1", "", "", "1"],
    ["Kaarten per coach", "Zonder coach", "", "", "2"],
]
# Coach names are staff, but the funder report names nobody.
COACHES = ["Anna", "Aalders", "Bert", "Bakker", "Cor Claes"]


@pytest.fixture
def org(app, db):
    return ld.dataset(db)


def test_counts_of_a_quarter(app, db, org):
    rep = funder.report(db.session, org, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert funder.rows(rep) == EXPECTED


def test_presets():
    today = dt.date(2026, 5, 20)
    assert funder.preset_period("kwartaal", today) == (dt.date(2026, 4, 1), today)
    assert funder.preset_period("vorig-kwartaal", today) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert funder.preset_period("jaar", today) == (dt.date(2026, 1, 1), today)
    assert funder.preset_period("vorig-jaar", today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert funder.preset_period("vorig-kwartaal", dt.date(2026, 2, 1)) == (
        dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    with pytest.raises(funder.PeriodError, match="ligt voor 'Van'"):
        funder.parse_period({"van": "2026-03-01", "tot": "2026-01-01"}, today)
    with pytest.raises(funder.PeriodError, match="geldige datum"):
        funder.parse_period({"van": "1-3-2026", "tot": "2026-04-01"}, today)


def _csv(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == funder.CSV_HEADER
    return rows[1:]


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_csv_and_pdf_hold_counts_only_and_are_audited(app, db, org, tmp_path):
    client = login(app.test_client(), ld.LEADER)
    before = db.session.query(AuditEvent).filter_by(resource="FunderReport").count()
    rows = _csv(client.get(f"/rapportage/financiers.csv?{Q1}"))
    assert rows == EXPECTED
    pdf = client.get(f"/rapportage/financiers.pdf?{Q1}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "rapportage-financiers-" in pdf.headers["Content-Disposition"]
    text = _pdf_text(pdf.data, tmp_path)
    assert "Rapportage Hulpkaart" in text and "01-01-2026 t/m 31-03-2026" in text
    assert "Kaarten aangevraagd" in text and "3,0" in text
    flat = " ".join(text.split())
    csv_text = "\n".join(";".join(r) for r in rows)
    for word in ld.personal_data() + COACHES:
        assert word not in flat, f"PDF holds {word}"
        assert word not in csv_text, f"CSV holds {word}"
    page = client.get(f"/rapportage/financiers?{Q1}")
    assert page.status_code == 200 and 'id="download-pdf"' in page.text
    for word in ld.personal_data():
        assert word not in page.text, word
    events = db.session.query(AuditEvent).filter_by(resource="FunderReport", action="export").order_by(
        AuditEvent.id).all()
    assert len(events) == before + 2
    assert {e.record_id for e in events[-2:]} == {str(org.id)}


def test_a_bad_period_is_named_in_dutch(app, db, org):
    client = login(app.test_client(), ld.LEADER)
    page = client.get("/rapportage/financiers?van=2026-03-01&tot=2026-01-01",
                      follow_redirects=True)
    assert page.status_code == 200 and "ligt voor" in page.text
    resp = client.get("/rapportage/financiers.csv?van=2026-03-01&tot=2026-01-01")
    assert resp.status_code == 302


def test_the_coach_may_not_download(app):
    client = login(app.test_client(), "coach_a")
    assert client.get("/rapportage/financiers.csv").status_code in (302, 403)
