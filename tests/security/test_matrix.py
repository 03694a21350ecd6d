"""The role x endpoint matrix: every route of the app and the API, for every role.

Each endpoint is classified from security/roles.py (MATRIX and COMMON), from the explicit
lists below (FAB's own admin-only security screens, public pages), or the test fails:
a new endpoint must be given its place in the matrix before it can land.
"""

from __future__ import annotations

import pytest

from security.roles import COMMON, MATRIX, ROLES, allowed
from tests.conftest import api_headers, login
from tests.support.fixtures import username

# FAB's user, role and permission management: Admin only.
ADMIN_ONLY = {
    "UserDBModelView", "RoleModelView", "PermissionModelView", "ViewMenuModelView",
    "PermissionViewModelView", "UserGroupModelView", "UserStatsChartView", "ResetPasswordView",
    "User", "Role", "Permission", "ViewMenu", "PermissionViewMenu", "Group",
}
# Reachable without logging in.
PUBLIC = {
    "static", "appbuilder.static", "AuthDBView.login", "AuthDBView.logout", "HomeView.index",
    "LocaleView.index", "UtilView.back", "SecurityApi.login", "SecurityApi.refresh",
    # The second login step works on a half-logged-in session (security/twofactor.py).
    "TwoFactorView.verify", "TwoFactorView.setup", "TwoFactorView.disable",
    # The one-month feedback form, opened by a signed link (app/helpdesk/feedback_views.py).
    "feedback.form",
    # Accepting a request put out to a volunteer, by signed link (app/helpdesk/matching_views.py).
    "matching_link.accept",
    # The public help-request form and its thank-you page (app/helpdesk/public.py).
    "public_request.form", "public_request.thanks",
    # The holder's portal: entry by signed link or code, pages behind the portal session,
    # and the contact person's own consent link (app/portal/views.py).
    "portal_entry.start", "portal_entry.code", "portal_entry.link", "portal_entry.logout",
    "portal.home", "portal.card_overview", "portal.section", "portal.ask_feedback",
    "portal.resolve", "portal.contacts", "portal.approve", "portal.send_card", "portal.pdf",
    "portal.my_data", "portal.withdraw", "portal.privacy_request",
    "portal_consent.contact_consent",
    # The health check for load balancers (app/ops/health.py): GET only, no personal data.
    "health.index",
}
# FAB's bulk-action routes check the permission of the chosen action themselves.
ACTION_ROUTES = {"action", "action_post"}
ARGS = {"pk": 999999, "role_id": 999999, "version": "v1", "filename": "x_sep_x.txt", "name": "x",
        "locale": "nl", "group_by": "0"}


def _endpoints(app):
    """(endpoint, rule, view, method name) for every route except the public ones."""
    views = {type(v).__name__: v for v in app.appbuilder.baseviews}
    seen, found = set(), []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in seen:
            continue
        seen.add(rule.endpoint)
        if rule.endpoint in PUBLIC:
            continue
        view_name, _, method = rule.endpoint.partition(".")
        if method in ACTION_ROUTES:
            continue  # see test_actions_are_in_the_matrix
        found.append((rule.endpoint, rule, views.get(view_name), method))
    return found


def _permission(view, method):
    func = getattr(view, method, None)
    if view is None or func is None or not hasattr(func, "_permission_name"):
        return None
    return "can_" + view.get_method_permission(method), view.class_permission_name, view


def expected(role: str | None, permission: str, view_menu: str, view=None) -> bool:
    if role is None:
        return False
    if view is not None and permission not in view.base_permissions:
        return False  # a read-only resource (the access log): nobody writes, Admin neither
    if view_menu in MATRIX:
        return allowed(role, view_menu, permission.removeprefix("can_"))
    if (permission, view_menu) in COMMON:
        return True
    if view_menu in ADMIN_ONLY:
        return role == "Admin"
    raise AssertionError(f"{permission} on {view_menu} is not in the role matrix")


def test_every_endpoint_is_classified(app):
    unclassified = []
    for endpoint, rule, view, method in _endpoints(app):
        perm = _permission(view, method)
        if perm is None:
            unclassified.append(f"{endpoint} ({rule.rule}) is public but not in PUBLIC")
            continue
        permission, view_menu, _ = perm
        if view_menu not in MATRIX and (permission, view_menu) not in COMMON \
                and view_menu not in ADMIN_ONLY:
            unclassified.append(f"{endpoint}: {permission} on {view_menu}")
    assert not unclassified, "add these to security/roles.py or this test:\n" + "\n".join(unclassified)


def test_actions_are_in_the_matrix(app):
    """Bulk actions, where a view has them, need a permission the matrix knows."""
    for view in app.appbuilder.baseviews:
        for name in getattr(view, "actions", {}) or {}:
            perm = "can_" + view.get_action_permission_name(name)
            expected("Admin", perm, view.class_permission_name)  # raises when unknown


def _request(client, rule, headers):
    url = rule.build({a: ARGS.get(a, "x") for a in rule.arguments}, append_unknown=False)[1]
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    kwargs = {"headers": headers}
    if url.startswith("/api/") and method in ("POST", "PUT"):
        kwargs["json"] = {}
    return client.open(url, method=method, **kwargs), f"{method} {url}"


def _denied(resp, is_api: bool) -> bool:
    if resp.status_code in (401, 403):
        return True
    return not is_api and resp.status_code == 302 and "/login" in resp.headers.get("Location", "")


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_role_endpoint_matrix(app, role):
    client = app.test_client()
    headers = {}
    if role is not None:
        login(client, username(role, "a"))
        headers = api_headers(client, username(role, "a"))
    wrong = []
    for endpoint, rule, view, method in _endpoints(app):
        perm = _permission(view, method)
        if perm is None:
            continue
        is_api = rule.rule.startswith("/api/")
        resp, what = _request(client, rule, headers if is_api else {})
        want = expected(role, *perm)
        got = not _denied(resp, is_api)
        if want != got:
            wrong.append(f"{what}: expected {'allowed' if want else 'denied'}, got {resp.status_code}")
        elif got and resp.status_code >= 500:
            wrong.append(f"{what}: server error {resp.status_code}")
    assert not wrong, f"{role or 'anonymous'}:\n" + "\n".join(wrong)
