"""Registering a domain's view and API, and remembering which menu entries show what."""

from __future__ import annotations


def add_resource(appbuilder, view, api=None, *, name: str, category: str, icon: str = "fa-folder"):
    """Add an admin view under a menu category, and its REST API.

    The menu entry and category are noted per resource so that `roles sync` can give
    each role exactly the menu entries of what it may read.
    """
    from security.roles import MATRIX

    if name in MATRIX or category in MATRIX:
        # FAB keeps menu and view permissions in one namespace: a clash loses one of them.
        raise ValueError(f"menu name '{name}' / '{category}' is also a resource name")
    menus = appbuilder.__dict__.setdefault("resource_menus", {})
    resource = view.datamodel.obj.__name__
    appbuilder.add_view(view, name, icon=icon, category=category)
    menus.setdefault(resource, [])
    for entry in (name, category):
        if entry not in menus[resource]:
            menus[resource].append(entry)
    if api is not None:
        appbuilder.add_api(api)


def resource_menus(appbuilder) -> dict[str, list[str]]:
    return appbuilder.__dict__.get("resource_menus", {})
