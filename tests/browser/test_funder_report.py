"""Issue 9 in a real browser: the project leader opens his dashboard (charts and the demo's
stagnation signal), then downloads the funder report as a PDF that holds counts only."""

from __future__ import annotations

import subprocess

from tests.browser.test_card_flow import _login


def test_project_leader_dashboard_and_funder_pdf(live_app, browser, tmp_path):
    base = live_app.base_url
    page = browser.new_page(accept_downloads=True)
    _login(page, live_app, "projectleider")
    page.goto(base + "/")
    assert "Signalen van stagnatie" in page.content()

    page.goto(f"{base}/dashboard/projectleider")
    assert page.locator("h1").inner_text().startswith("Dashboard projectleider")
    assert page.locator("svg").count() >= 5  # months, quarters, years, per coach, coach load
    assert page.locator("#signalen .signal").count() >= 1
    assert "meer open kaarten dan het maximum" in page.locator("#signalen").inner_text()

    page.goto(f"{base}/rapportage/financiers?periode=jaar")
    assert page.locator("#rapportage tbody tr").count() >= 7
    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Rapportage Hulpkaart" in text and "Kaarten uitgereikt" in text
    page.close()
