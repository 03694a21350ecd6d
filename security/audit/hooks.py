"""Request hooks: request ids, and logins, logouts and permission denials in the access log."""

from __future__ import annotations

import uuid

from flask import g, has_request_context, request

from security.audit.events import ANONYMOUS, Actor, actor_for, values
from security.audit.writer import keep


def _auth_event(action: str, resource: str, actor: Actor, record_id=None) -> None:
    """Log an authentication event in its own commit (the request has nothing pending)."""
    from app.extensions import db

    keep(db.session, [values(action, resource, record_id, actor=actor)])
    db.session.commit()


def log_login(action: str, user=None, username: str | None = None) -> None:
    """Log ``login``, ``login_failed`` (the username tried, never the password),
    ``login_locked`` (refused: the account is locked) or ``logout``, resource "session".

    The security manager calls this where it decides; the request hooks of :func:`init_app`
    cover the same moments for FAB's own login. One login event and one logout event per
    request at most, whoever reports it first."""
    kind = "logout" if action == "logout" else "login"
    if has_request_context():
        done = request.environ.setdefault("hulpregie.audit_auth_logged", set())  # per request
        if kind in done:
            return
        done.add(kind)
    if user is not None:
        actor = actor_for(user)
        if username and action != "login":
            actor = Actor(actor.user_id, username, actor.organisation_id, actor.roles)
    else:
        actor = Actor(None, (username or "").strip() or "(leeg)")
    _auth_event(action, "session", actor)


def log_denied(resource: str, record_id=None) -> None:
    """Log a refused request (403) of the current user on ``resource`` (the endpoint)."""
    from app.extensions import db

    db.session.rollback()  # a refused request changes nothing
    user = _requesting_user()
    _auth_event("denied", resource, actor_for(user) if user is not None else ANONYMOUS, record_id)


def _requesting_user():
    """The logged-in user, or the API token's user where FAB refused before reading it."""
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    if request.path.startswith("/api/"):
        from flask_jwt_extended import verify_jwt_in_request

        try:
            verify_jwt_in_request(optional=True)  # sets g.user (FAB's user lookup)
        except Exception:  # an expired or forged token: anonymous
            return None
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
    return None


# -- request hooks ------------------------------------------------------------------------------

def _login_endpoints(app) -> tuple[str, str]:
    sm = app.appbuilder.sm
    return f"{type(sm.auth_view).__name__}.login", f"{sm.security_api.__name__}.login"


def _attempted_username() -> str:
    if request.is_json:
        return str((request.get_json(silent=True) or {}).get("username") or "")
    return request.form.get("username", "")


def _known_user(app, name: str):
    """The login a username (or e-mail address, as FAB accepts) belongs to, if any."""
    if not name:
        return None
    sm = app.appbuilder.sm
    return sm.find_user(username=name) or sm.find_user(email=name)


def _log_login_request(app, response) -> None:
    """A login POST that nobody logged yet: API logins, and failed logins (the page sends
    the browser back to the login form). Browser logins come with Flask-Login's signal."""
    if request.method != "POST" or "login" in request.environ.get("hulpregie.audit_auth_logged", ()):
        return
    ui_login, api_login = _login_endpoints(app)
    if request.endpoint == api_login and response.status_code in (200, 401):
        name = _attempted_username()
        log_login("login" if response.status_code == 200 else "login_failed",
                  _known_user(app, name), name)
    elif request.endpoint == ui_login:
        from flask_login import current_user

        back_to_form = response.status_code in (302, 303) \
            and "/login" in response.headers.get("Location", "")
        if back_to_form and not current_user.is_authenticated:
            name = _attempted_username()
            log_login("login_failed", _known_user(app, name), name)


def init_app(app) -> None:
    """Request ids, and logins, logouts and denials in the access log."""
    from flask_login import user_logged_in, user_logged_out

    @app.before_request
    def _set_request_id():
        g.request_id = str(uuid.uuid4())

    @app.after_request
    def _after_request(response):
        if response.status_code == 403:
            view_args = request.view_args or {}
            log_denied(request.endpoint or request.path, view_args.get("pk"))
        _log_login_request(app, response)
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    def _logged_in(sender, user, **kwargs):
        log_login("login", user)

    def _logged_out(sender, user, **kwargs):
        if user is not None and getattr(user, "is_authenticated", False):
            log_login("logout", user)

    user_logged_in.connect(_logged_in, app, weak=False)
    user_logged_out.connect(_logged_out, app, weak=False)
