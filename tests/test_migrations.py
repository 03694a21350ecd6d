"""Alembic migrations build the whole schema from an empty database, with no drift."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model

from app.extensions import _compare_type


def test_migrated_schema_matches_models(app, db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": _compare_type})
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
        "privacy_request", "audit_event", "notification",
    }
    assert expected <= tables
