"""Alembic migrations build the whole schema from an empty database, with no drift."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model

from app.extensions import _compare_type, _include_object


def test_migrated_schema_matches_models(app, db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": _compare_type, "include_object": _include_object})
        diff = compare_metadata(ctx, Model.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_model_table_exists(app, db):
    import sqlalchemy as sa

    tables = set(sa.inspect(db.engine).get_table_names())
    expected = {
        "organisation", "staff_profile", "holder", "help_card", "help_card_version",
        "contact_person", "consent", "privacy_notice", "appointment", "evaluation", "coach",
        "training", "intervision_session", "intervision_attendance", "performance_review",
        "partner", "outreach_contact", "help_category", "volunteer", "volunteer_category",
        "vog_check", "help_request", "referral", "match", "feedback", "concern",
        "privacy_request", "audit_event", "notification", "card_print", "scheduler_jobs",
        "processing_restriction", "erasure_record", "control_room_export", "control_room_state",
    }
    assert expected <= tables


def test_help_request_codes_are_renamed_both_ways(tmp_path, monkeypatch):
    """'new' (before the eight steps) becomes 'received', and back on downgrade."""
    import flask_migrate
    import sqlalchemy as sa

    from app import create_app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(revision="3c1e0f2a9b7d")
        engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisation (id, name, kind, active, created_at, updated_at) "
                "VALUES (1, 'O', 'both', 1, '2026-01-01', '2026-01-01')"))
            conn.execute(sa.text(
                "INSERT INTO help_request (id, organisation_id, channel, status, description,"
                " requester_name, received_at, created_at, updated_at) VALUES (1, 1, 'phone',"
                " 'new', 'x', 'y', '2026-01-01', '2026-01-01', '2026-01-01')"))
        flask_migrate.upgrade(revision="0acfa5bf9b9e")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT status FROM help_request")) == "received"
        flask_migrate.downgrade(revision="3c1e0f2a9b7d")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT status FROM help_request")) == "new"
        engine.dispose()
