"""The register of processing (AVG art. 30) is generated from the models and cannot drift."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask_appbuilder import Model

from app.privacy.processing_register import (
    EXTERNAL, HEADERS, KEYS, NOT_PERSONAL, entries, markdown,
)
from security.crypto import encrypted_columns

ROOT = Path(__file__).resolve().parents[1]
# Plain (not encrypted) columns that hold personal data wherever they occur.
PERSONAL_NAMES = {"first_name", "last_name", "email", "phone", "address", "postcode",
                  "birth_date", "username", "ip", "guest_name", "person", "contact_name",
                  "holder_id", "volunteer_id", "help_request_id", "contact_person_id"}


def test_every_model_with_personal_data_declares_it(app):
    missing = []
    for mapper in Model.registry.mappers:
        cls = mapper.class_
        columns = {c.key for c in cls.__table__.columns}
        personal = encrypted_columns(cls) or columns & PERSONAL_NAMES
        declared = "__privacy__" in vars(cls) or cls.__name__ in EXTERNAL
        if personal and not declared and cls.__name__ not in NOT_PERSONAL:
            missing.append(f"{cls.__name__} ({', '.join(sorted(personal))})")
        if declared:
            meta = vars(cls).get("__privacy__") or EXTERNAL[cls.__name__]
            assert set(meta) == set(KEYS), cls.__name__
            assert all(meta[k] for k in KEYS), cls.__name__
    assert not missing, "add __privacy__ next to the fields of: " + "; ".join(missing)


def test_the_register_names_the_control_room_where_it_applies(app):
    with app.app_context():
        rows = {row["model"]: row for row in entries()}
    for model in ("Holder", "HelpCard", "HelpCardVersion", "ContactPerson"):
        assert "meldkamer politie" in rows[model]["recipients"], model
    assert rows["Holder"]["retention"].startswith("24 maanden")  # the policy filled in
    assert "first_name" in rows["Holder"]["encrypted"]


def test_docs_hold_the_generated_register(app):
    with app.app_context():
        table = markdown()
    text = (ROOT / "docs" / "privacy-register.md").read_text()
    generated = text.split("<!-- register -->")[1].split("<!-- /register -->")[0].strip()
    assert generated == table, "run `flask --app run privacy register` into docs/privacy-register.md"


def test_cli_prints_markdown_and_csv(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "register"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert result.output.strip() == markdown()
    result = runner.invoke(args=["privacy", "register", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == list(HEADERS.values())
    assert {r[0] for r in rows[1:]} >= {"Holder", "Volunteer", "HelpRequest", "AuditEvent", "User"}
