"""The load test's baseline: a bare Flask-AppBuilder app serving Hulpregie's holder table.

A plain ``ModelRestApi`` (and a plain ``ModelView`` for the list page) on the same table of
the same PostgreSQL database, with FAB's own JWT and session login and permission checks, but
none of Hulpregie's additions: no decryption (the client gets ciphertext), no row scoping
beyond one fixed organisation filter (so both return the same rows), no access log, no
validation rules. FAB's security tables live in a schema of their own (``bare``, first and
only on the search path), so they never touch Hulpregie's; the holder table is
``public.holder``.

``python -m bench.bare_app init`` makes the schema, the permissions and the user (once, before
gunicorn starts: workers must not race to create them); gunicorn serves
``bench.bare_app:create_app()``. Environment: ``BARE_DATABASE_URL`` (PostgreSQL), ``BARE_ORG_ID``.
"""

from __future__ import annotations

import os
import sys

import sqlalchemy as sa
from flask import Flask
from flask_appbuilder import AppBuilder, Model, ModelRestApi, ModelView
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import mapped_column

from bench.common import BARE_PASSWORD, BARE_USER

SCHEMA = "bare"
LIST = ["id", "reference", "first_name", "last_name", "pc4", "town", "coach_id", "status"]
SHOW = LIST + ["birth_date", "address", "postcode", "phone", "email", "notes",
               "organisation_id", "created_at", "updated_at"]


class BareHolder(Model):
    __tablename__ = "holder"
    __table_args__ = {"schema": "public"}
    id = mapped_column(sa.Integer, primary_key=True)
    organisation_id = mapped_column(sa.Integer)
    reference = mapped_column(sa.String(20))
    first_name = mapped_column(sa.Text)
    last_name = mapped_column(sa.Text)
    last_name_index = mapped_column(sa.String(64))
    birth_date = mapped_column(sa.Text)
    address = mapped_column(sa.Text)
    postcode = mapped_column(sa.Text)
    pc4 = mapped_column(sa.String(4))
    town = mapped_column(sa.String(80))
    phone = mapped_column(sa.Text)
    email = mapped_column(sa.Text)
    notes = mapped_column(sa.Text)
    status = mapped_column(sa.String(20))
    coach_id = mapped_column(sa.Integer)
    created_at = mapped_column(sa.DateTime)
    updated_at = mapped_column(sa.DateTime)


def _org_filter():
    return [["organisation_id", FilterEqual, int(os.environ.get("BARE_ORG_ID", "0"))]]


class BareHolderApi(ModelRestApi):
    resource_name = "holder"
    datamodel = SQLAInterface(BareHolder)
    list_columns = LIST
    show_columns = SHOW
    search_columns = ["last_name_index", "reference", "pc4"]
    page_size = 25
    base_filters = _org_filter()


class BareHolderView(ModelView):
    datamodel = SQLAInterface(BareHolder)
    list_columns = LIST[1:]
    show_columns = SHOW
    search_columns = ["last_name_index", "reference", "pc4"]
    base_order = ("reference", "asc")
    page_size = 25
    base_filters = _org_filter()


def database_url() -> str:
    url = sa.make_url(os.environ["BARE_DATABASE_URL"])
    return url.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(
        hide_password=False)


def create_app(update_perms: bool = False) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "bare-secret-key-" + "x" * 32),
        SQLALCHEMY_DATABASE_URI=database_url(),
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        FAB_UPDATE_PERMS=update_perms,
        FAB_CREATE_DB=update_perms,
        FAB_ADD_SECURITY_API=False,
        FAB_API_MAX_PAGE_SIZE=100,
        AUTH_ROLE_ADMIN="Admin",
        AUTH_ROLE_PUBLIC="Public",
        JWT_ACCESS_TOKEN_EXPIRES=3600,
    )
    db = SQLA(metadata=Model.metadata)
    db.init_app(app)
    with app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        appbuilder.add_api(BareHolderApi)
        appbuilder.add_view(BareHolderView, "Houders")
    return app


def init() -> None:
    """The bare schema, FAB's tables and permissions, and the one Admin user."""
    engine = sa.create_engine(os.environ["BARE_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    app = create_app(update_perms=True)
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(BARE_USER, "Bare", "Admin", "bare@bench.invalid",
                           sm.find_role("Admin"), password=BARE_PASSWORD)
        if not user:
            raise SystemExit("bench: de gebruiker van de kale app is niet gemaakt")


if __name__ == "__main__" and sys.argv[1:] == ["init"]:
    init()
