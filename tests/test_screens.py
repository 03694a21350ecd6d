"""Every screen of every domain renders with realistic data: list, a record, the add form."""

from __future__ import annotations

import pytest

from app.core.views import ScopedModelView
from tests.conftest import login


@pytest.fixture(scope="module")
def demo_screens(database_url, request, tmp_path_factory):
    import flask_migrate

    from app import create_app
    from app.core.registry import resource_menus
    from security.sync import sync_roles
    from tests.support.fixtures import seed

    folder = tmp_path_factory.mktemp("screens")
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{folder / 'screens.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database("hulpregie_screens")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = str(folder)
    with app.app_context():
        flask_migrate.upgrade()
        sync_roles(app.appbuilder, resource_menus(app.appbuilder))
        seed(app)
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    yield app
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_every_screen_renders_with_demo_data(demo_screens):
    from app.extensions import db
    from tests.support.fixtures import read_every_support_plan

    read_every_support_plan(demo_screens, "admin_a")
    client = login(demo_screens.test_client(), "admin_a")
    views = [v for v in demo_screens.appbuilder.baseviews if isinstance(v, ScopedModelView)]
    assert len(views) >= 25
    problems = []
    for view in views:
        base = view.route_base
        with demo_screens.app_context():
            first = db.session.query(view.datamodel.obj.id).order_by(view.datamodel.obj.id).first()
        urls = [f"{base}/list/"]
        urls += [f"{base}/show/{first[0]}"] if first else []
        urls += [f"{base}/add"] if "can_write" in view.base_permissions else []
        urls += [f"{base}/edit/{first[0]}"] if first and "can_write" in view.base_permissions else []
        for url in urls:
            resp = client.get(url)
            if resp.status_code != 200:
                problems.append(f"{url}: {resp.status_code}")
    assert not problems, problems
