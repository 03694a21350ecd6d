"""Unbound extensions; create_app() binds them. AppBuilder is created per app inside the factory."""


from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate


def _render_item(type_, obj, autogen_context):
    """Migrations store encrypted columns as plain TEXT: they hold ciphertext."""
    from security.crypto import _Encrypted

    if type_ == "type" and isinstance(obj, _Encrypted):
        return "sa.Text()"
    return False


def _compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    from sqlalchemy import Text

    from security.crypto import _Encrypted

    if isinstance(metadata_type, _Encrypted):
        return not isinstance(inspected_type, Text)
    return None  # Alembic's own comparison


# APScheduler's job store: created by our migration, shaped by APScheduler, not by our models.
SCHEDULER_JOBS_TABLE = "scheduler_jobs"


def _include_object(obj, name, type_, reflected, compare_to):
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) != SCHEDULER_JOBS_TABLE


# Share FAB's metadata, or Alembic sees no tables.
db = SQLA(metadata=Model.metadata)
migrate = Migrate(compare_type=_compare_type, render_as_batch=True, render_item=_render_item,
                  include_object=_include_object)


