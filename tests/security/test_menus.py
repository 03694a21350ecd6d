"""Each role sees exactly the menu entries of what it may read."""

from __future__ import annotations

import pytest

from app.core.registry import resource_menus
from security.roles import ROLES, allowed
from tests.conftest import api_headers
from tests.support.fixtures import username


def _menu_names(items):
    names = set()
    for item in items:
        names.add(item["name"])
        names |= _menu_names(item.get("childs", []))
    return names


@pytest.mark.parametrize("role", [r for r in ROLES if r != "Admin"])
def test_role_sees_only_its_menus(app, client, role):
    resp = client.get("/api/v1/menu/", headers=api_headers(client, username(role, "a")))
    assert resp.status_code == 200
    shown = _menu_names(resp.json["result"])
    menus = resource_menus(app.appbuilder)
    readable = {name for res, names in menus.items() if allowed(role, res, "read") for name in names}
    hidden = {name for names in menus.values() for name in names} - readable
    assert readable <= shown
    assert not (hidden & shown), f"{role} sees {hidden & shown}"
    assert "Security" not in shown and "List Users" not in shown
