"""Hulpregie's FAB security manager: authentication hardening.

- Lock-out: ``HULPREGIE_LOCKOUT_ATTEMPTS`` wrong passwords or codes in a row lock the account for
  ``HULPREGIE_LOCKOUT_MINUTES`` (counters on StaffProfile; reset by a complete login), for the
  login page and the API alike.
- Rate limiting (Flask-Limiter, ``AUTH_RATE_LIMIT`` per client address) on every login POST:
  the page, the two-factor pages and the JWT login.
- Two-factor login (security/twofactor.py) for ``HULPREGIE_2FA_REQUIRED_ROLES`` and for whoever
  enabled it; read from the config on every request.
- Session time-outs, CSRF and security headers: security/session.py, installed from here.
- Roles come from security/roles.py (see sync_roles); the password policy is security/passwords.py.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, g, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.utils import is_null_password
from flask_login import login_user
from werkzeug.security import check_password_hash

from app.core.models import utcnow
from security import session as session_hardening
from security.audit import log_login
from security.authviews import AuthDBView, SecurityApi
from security.twofactor import ENROL, PENDING, VERIFY, TwoFactorView

LOCKED_MESSAGE = ("Dit account is tijdelijk geblokkeerd na {attempts} mislukte inlogpogingen. "
                  "Probeer het over {minutes} minuten opnieuw, of vraag de beheerder om het "
                  "account te deblokkeren.")


def _audit_login(action: str, user=None, username: str | None = None) -> None:
    """login, login_failed, login_locked and logout in the access log (security/audit.py
    keeps one login and one logout event per request, whoever reports it first)."""
    log_login(action, user=user, username=username)


class HulpregieSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager with lock-out, rate limits, 2FA and session rules."""

    authdbview = AuthDBView
    security_api = SecurityApi

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        session_hardening.install(current_app._get_current_object())

    # -- permission checks -----------------------------------------------------------------

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        """FAB asks this for every menu entry of every page, one query each: load the user's
        permissions once per request instead (per user: a login changes who asks)."""
        if not has_request_context():
            return super()._has_view_access(user, permission_name, view_name)
        cache = g.setdefault("hr_permissions", {})
        key = getattr(user, "id", None)
        if key not in cache:
            roles = self.get_user_roles(user)
            if not roles:  # a user without roles: FAB's own answer
                return super()._has_view_access(user, permission_name, view_name)
            cache[key] = self._permission_pairs(roles)
        return (permission_name, view_name) in cache[key]

    def _permission_pairs(self, roles) -> set[tuple[str, str]]:
        """{(permission, view)} of these roles, what FAB's get_user_roles_permissions gives, as
        plain rows: FAB builds an object per permission and role (a third of an API call)."""
        import sqlalchemy as sa
        from flask_appbuilder.security.sqla.models import (
            Permission,
            PermissionView,
            ViewMenu,
            assoc_permissionview_role,
        )

        pairs, role_ids = set(), []
        for role in roles:
            if role.name in self.builtin_roles:
                pairs.update((p[1], p[0]) for p in self.builtin_roles[role.name])
            else:
                role_ids.append(role.id)
        if role_ids:
            link = assoc_permissionview_role
            pairs.update(self.session.execute(
                sa.select(Permission.name, ViewMenu.name).distinct()
                .join_from(PermissionView, Permission,
                           PermissionView.permission_id == Permission.id)
                .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
                .join(link, link.c.permission_view_id == PermissionView.id)
                .where(link.c.role_id.in_(role_ids))).tuples())
        return pairs

    # -- rate limiting -------------------------------------------------------------------

    @property
    def auth_rate_limit(self):
        """A callable, so the limit is read from the config on every request."""
        return lambda: current_app.config["AUTH_RATE_LIMIT"]

    def register_views(self):
        super().register_views()  # FAB limits the login page itself when AUTH_RATE_LIMITED
        self.appbuilder.add_view_no_menu(TwoFactorView())
        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, (TwoFactorView, SecurityApi)):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)

    # -- password check and lock-out -----------------------------------------------------

    def profile_of(self, user):
        from app.organisations.models import StaffProfile

        if user is None or getattr(user, "id", None) is None:
            return None
        return self.session.query(StaffProfile).filter_by(user_id=user.id).one_or_none()

    def lock_message(self, user) -> str | None:
        profile = self.profile_of(user)
        if profile is None or profile.locked_until is None or profile.locked_until <= utcnow():
            return None
        minutes = max(1, -(-int((profile.locked_until - utcnow()).total_seconds()) // 60))
        return LOCKED_MESSAGE.format(attempts=current_app.config["HULPREGIE_LOCKOUT_ATTEMPTS"],
                                     minutes=minutes)

    def refusal_message(self) -> str | None:
        """Why the last auth_user_db in this request refused, when it is more than 'wrong'."""
        return g.get("hr_login_refusal")

    def auth_user_db(self, username, password):
        """FAB's password check, refusing locked accounts. A correct password alone does not
        log in: the caller finishes with complete_login() / login_succeeded(), after the
        second factor where one is owed."""
        g.hr_login_refusal = None
        if not username or is_null_password(password):
            return None
        user = self.find_user(username=username) or self.find_user(email=username)
        fake_hash = current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
        if user is None or not user.is_active:
            check_password_hash(fake_hash, "password")  # same time as a real check
            _audit_login("login_failed", username=username)
            return None
        locked = self.lock_message(user)
        if locked:
            check_password_hash(fake_hash, "password")
            g.hr_login_refusal = locked
            _audit_login("login_locked", user=user)
            return None
        if not check_password_hash(user.password, password):
            self.login_failed(user)
            return None
        return user

    def login_failed(self, user) -> str | None:
        """Count a wrong password or code; lock the account at the limit. Returns the lock
        message when this attempt locked it."""
        profile = self.profile_of(user)
        user.fail_login_count = (user.fail_login_count or 0) + 1
        locked = None
        if profile is not None:
            now = utcnow()
            if profile.locked_until is not None and profile.locked_until <= now:
                profile.failed_logins, profile.locked_until = 0, None  # the lock has expired
            profile.failed_logins = (profile.failed_logins or 0) + 1
            if profile.failed_logins >= current_app.config["HULPREGIE_LOCKOUT_ATTEMPTS"]:
                minutes = current_app.config["HULPREGIE_LOCKOUT_MINUTES"]
                profile.locked_until = now + dt.timedelta(minutes=minutes)
                locked = self.lock_message(user)
        self.session.commit()
        g.hr_login_refusal = locked
        self.on_user_login_failed(user)
        return locked

    def login_succeeded(self, user) -> None:
        """The whole login (password and any second factor) succeeded: reset the counters."""
        profile = self.profile_of(user)
        if profile is not None:
            profile.failed_logins, profile.locked_until = 0, None
        self.update_user_auth_stat(user, True)  # FAB: login_count, last_login; commits

    def unlock(self, user) -> None:
        profile = self.profile_of(user)
        if profile is not None:
            profile.failed_logins, profile.locked_until = 0, None
            self.session.commit()

    # -- two-factor ----------------------------------------------------------------------

    def requires_second_factor(self, user) -> bool:
        required = set(current_app.config.get("HULPREGIE_2FA_REQUIRED_ROLES") or ())
        return any(role.name in required for role in user.roles)

    def second_factor(self, user) -> str | None:
        """VERIFY (has TOTP), ENROL (must get it first) or None (password suffices)."""
        profile = self.profile_of(user)
        if profile is not None and profile.totp_enabled and profile.totp_secret:
            return VERIFY
        return ENROL if self.requires_second_factor(user) else None

    def totp_secret(self, user) -> str | None:
        profile = self.profile_of(user)
        return profile.totp_secret if profile is not None else None

    def set_totp(self, user, secret: str | None, enabled: bool) -> None:
        profile = self.profile_of(user)
        profile.totp_secret, profile.totp_enabled = secret, enabled
        self.session.commit()

    # -- sessions ------------------------------------------------------------------------

    def complete_login(self, user, second_factor: bool) -> None:
        """Log the browser session in (after the password and, where owed, the code)."""
        session_hardening.clear()
        session.pop(PENDING, None)
        login_user(user, remember=False)
        session_hardening.start(second_factor)
        self.login_succeeded(user)

    def clear_session(self) -> None:
        session_hardening.clear()

    # -- passwords -----------------------------------------------------------------------

    def reset_password(self, userid, password):
        super().reset_password(userid, password)
        profile = self.profile_of(self.get_user_by_id(userid))
        if profile is not None:
            profile.password_changed_at = utcnow()
            self.session.commit()

    # -- the access log ------------------------------------------------------------------

    def on_user_login(self, user) -> None:
        _audit_login("login", user=user)

    def on_user_login_failed(self, user) -> None:
        _audit_login("login_failed", user=user)

    def on_user_logout(self, user) -> None:
        _audit_login("logout", user=user)
