"""Write the roles of security/roles.py into FAB's permission tables."""

from __future__ import annotations

from security.roles import ROLES, permissions_for


def sync_roles(appbuilder, menu_names: dict[str, list[str]]) -> dict[str, int]:
    """Create every role with exactly its permissions (menu entries included).

    ``menu_names`` maps a resource to the menu entries (item and category) that show it.
    Returns the number of permissions per role. Admin gets everything, as FAB does.
    """
    sm = appbuilder.sm
    for role_name in (*ROLES, sm.auth_role_public):
        sm.find_role(role_name) or sm.add_role(role_name)
    appbuilder.add_permissions(update_perms=True)  # every view's permissions, all to Admin
    counts = {}
    for role_name in ROLES:
        role = sm.find_role(role_name)
        if role_name == "Admin":  # FAB gives the admin role every permission it adds
            counts[role_name] = len(role.permissions)
            continue
        wanted = []
        for perm, view in permissions_for(role_name):
            wanted.append((perm, view))
            if perm == "can_read":
                wanted += [("menu_access", name) for name in menu_names.get(view, [])]
        pvms = []
        for perm, view in dict.fromkeys(wanted):
            pvm = sm.add_permission_view_menu(perm, view)
            if pvm is not None:
                pvms.append(pvm)
        role.permissions = pvms
        sm.session.commit()
        counts[role_name] = len(pvms)
    return counts
