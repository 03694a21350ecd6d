"""Session and response hardening, installed on the app by the security manager.

- CSRF on every form POST (Flask-WTF's CSRFProtect; FAB's APIs exempt themselves, they use JWT).
  With it installed FAB also refuses deletes and actions sent with GET.
- Inactivity time-out (``HULPREGIE_IDLE_MINUTES``) and absolute lifetime
  (``PERMANENT_SESSION_LIFETIME``): the session stores when it started and was last used.
- A session that should have passed the second factor but did not is sent back to it.
- Security headers on every response, with a per-request CSP nonce (FAB's templates put
  ``nonce="{{ csp_nonce() }}"`` on every inline script when ``csp_nonce`` exists).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from security.twofactor import ENROL, SECOND_FACTOR_DONE, start_pending

STARTED, SEEN, SECOND_FACTOR = "_hr_started", "_hr_seen", SECOND_FACTOR_DONE
SESSION_KEYS = (STARTED, SEEN, SECOND_FACTOR)

IDLE_MESSAGE = ("U bent automatisch uitgelogd omdat u {minutes} minuten niets hebt gedaan. "
                "Log opnieuw in.")
LIFETIME_MESSAGE = "Uw sessie duurde langer dan {hours} uur. Log opnieuw in."
RATE_LIMIT_MESSAGE = ("Te veel pogingen vanaf dit adres in korte tijd. Wacht een minuut en "
                      "probeer het dan opnieuw.")
CSRF_MESSAGE = ("Dit formulier is verlopen of niet vanaf deze website verstuurd "
                "(beveiligingscontrole). Ga terug, laad de pagina opnieuw en probeer het nog eens.")


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def start(second_factor: bool) -> None:
    """Mark a freshly logged-in session: its start, last use and whether 2FA was passed."""
    now = time.time()
    session.permanent = True
    session[STARTED] = now
    session[SEEN] = now
    session[SECOND_FACTOR] = second_factor


def clear() -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)


def _end(message: str):
    """Log out and send the browser (or an API call made with the cookie) back to login."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    logout_user()
    clear()
    if user is not None:
        current_app.appbuilder.sm.on_user_logout(user)
    if request.path.startswith("/api/"):
        return jsonify(message=message), 401
    flash(message, "warning")
    next_url = request.full_path if request.method == "GET" else None
    return redirect(current_app.appbuilder.get_url_for_login_with(next_url)
                    if next_url else current_app.appbuilder.get_url_for_login)


def guard():
    """before_request: end idle or too old sessions; finish an owed second factor first."""
    if request.endpoint is None or request.endpoint.endswith("static"):
        return None
    if "_user_id" not in session:  # not logged in with the cookie (JWT calls pass by)
        return None
    config = current_app.config
    now = time.time()
    idle = float(config.get("HULPREGIE_IDLE_MINUTES", 30)) * 60
    lifetime = _seconds(config.get("PERMANENT_SESSION_LIFETIME", 8 * 3600))
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None or now - started > lifetime:
        return _end(LIFETIME_MESSAGE.format(hours=round(lifetime / 3600)))
    if now - seen > idle:
        return _end(IDLE_MESSAGE.format(minutes=round(idle / 60)))
    if not session.get(SECOND_FACTOR) and current_user.is_authenticated:
        sm = current_app.appbuilder.sm
        state = sm.second_factor(current_user)
        if state is not None:  # e.g. the role became one that needs 2FA after this login
            user = current_user._get_current_object()
            logout_user()
            clear()
            start_pending(user, request.full_path if request.method == "GET" else "/")
            if request.path.startswith("/api/"):
                return jsonify(message="Tweestapsverificatie vereist: log opnieuw in."), 401
            return redirect(url_for("TwoFactorView.setup" if state == ENROL
                                    else "TwoFactorView.verify"))
    session[SEEN] = now
    return None


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def security_headers(response):
    nonce = g.get("csp_nonce")
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    policy = current_app.config.get("HULPREGIE_CSP") or (
        "default-src 'self'; "
        f"script-src {script}; "
        "style-src 'self' 'unsafe-inline'; "  # FAB's templates use style attributes
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    static = (request.endpoint or "").endswith("static")
    if not static and ("_user_id" in session or request.path.startswith("/api/")):
        headers.setdefault("Cache-Control", "no-store")  # personal data: not in any cache
    return response


def _rate_limited(exc):
    if request.path.startswith("/api/"):
        return jsonify(message=RATE_LIMIT_MESSAGE), 429
    return RATE_LIMIT_MESSAGE, 429, {"Content-Type": "text/plain; charset=utf-8"}


def _csrf_failed(exc):
    return CSRF_MESSAGE, 400, {"Content-Type": "text/plain; charset=utf-8"}


def _normalise(config) -> None:
    """Settings may come from the environment as text: make them numbers and a tuple, or stop
    start-up with one clear line."""
    from app.core.errors import ConfigError
    from security.roles import ROLES

    for name in ("HULPREGIE_IDLE_MINUTES", "HULPREGIE_LOCKOUT_ATTEMPTS",
                 "HULPREGIE_LOCKOUT_MINUTES", "HULPREGIE_PROXY_COUNT"):
        try:
            config[name] = int(config[name])
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number, got '{config.get(name)}'") from None
        if config[name] < 0 or (config[name] == 0 and name != "HULPREGIE_PROXY_COUNT"):
            raise ConfigError(f"{name} must be more than 0, got {config[name]}")
    roles = config.get("HULPREGIE_2FA_REQUIRED_ROLES") or ()
    if isinstance(roles, str):  # "Admin,PrivacyOfficer", or "none" for nobody
        roles = tuple(r.strip() for r in roles.split(",") if r.strip().lower() not in ("", "none"))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ConfigError(f"HULPREGIE_2FA_REQUIRED_ROLES has unknown roles: {', '.join(unknown)}")
    config["HULPREGIE_2FA_REQUIRED_ROLES"] = tuple(roles)


def install(app: Flask) -> None:
    _normalise(app.config)
    proxies = int(app.config.get("HULPREGIE_PROXY_COUNT") or 0)
    if proxies > 0:  # behind a reverse proxy: the client's address for rate limits and the log
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if "csrf" not in app.extensions:
        CSRFProtect(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(guard)
    app.after_request(security_headers)
    app.register_error_handler(429, _rate_limited)
    app.register_error_handler(CSRFError, _csrf_failed)
