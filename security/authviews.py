"""The two ways in — the login page and the JWT login of the API — with lock-out and 2FA.

The classes keep FAB's names (``AuthDBView``, ``SecurityApi``) so their endpoints stay
``AuthDBView.login`` and ``SecurityApi.login``, as every FAB template and client expects.
"""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder.api import safe
from flask_appbuilder.const import API_SECURITY_ACCESS_TOKEN_KEY, API_SECURITY_REFRESH_TOKEN_KEY
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_appbuilder.views import expose
from flask_jwt_extended import create_access_token, create_refresh_token
from marshmallow import ValidationError

from security.twofactor import ENROL, login_refusal_for_api, start_pending

INVALID_LOGIN = "Onjuiste gebruikersnaam of wachtwoord."


class AuthDBView(FabAuthDBView):
    """FAB's database login page; a correct password may still owe a second factor."""

    invalid_login_message = INVALID_LOGIN

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            sm = self.appbuilder.sm
            next_url = get_safe_redirect(request.args.get("next", ""))
            user = sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                flash(sm.refusal_message() or INVALID_LOGIN, "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            state = sm.second_factor(user)
            if state is None:
                sm.complete_login(user, second_factor=False)
                return redirect(next_url)
            start_pending(user, next_url)
            return redirect(url_for("TwoFactorView.setup" if state == ENROL
                                    else "TwoFactorView.verify"))
        return self.render_template(self.login_template, title=self.title, form=form,
                                    appbuilder=self.appbuilder)

    @expose("/logout/")
    def logout(self):
        response = super().logout()
        self.appbuilder.sm.clear_session()
        return response


class SecurityApi(FabSecurityApi):
    """``POST /api/v1/security/login``: FAB's JWT login plus lock-out and ``"totp"``."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Login endpoint for the API: returns a JWT access (and optionally refresh) token
        ---
        post:
          description: >-
            Authenticate and get a JWT. Users with two-factor login also send "totp", the
            6-digit code of their authenticator app. A locked account is refused (401).
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    username: {type: string}
                    password: {type: string}
                    provider: {type: string, enum: [db]}
                    refresh: {type: boolean}
                    totp: {type: string, description: 6-digit code, for two-factor users}
          responses:
            200:
              description: Authentication Successful
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            500:
              $ref: '#/components/responses/500'
        """
        if not request.is_json or not isinstance(request.json, dict):
            return self.response_400(message="Request payload is not JSON")
        payload = dict(request.json)
        code = payload.pop("totp", None)
        try:
            login_payload = login_post.load(payload)
        except ValidationError as error:
            return self.response_400(message=error.messages)
        sm = self.appbuilder.sm
        user = sm.auth_user_db(login_payload["username"], login_payload["password"])
        if not user:
            return self.response(401, message=sm.refusal_message() or INVALID_LOGIN)
        refusal = login_refusal_for_api(sm, user, code)
        if refusal:
            return self.response(401, message=refusal)
        sm.login_succeeded(user)
        resp = {API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(identity=str(user.id),
                                                                   fresh=True)}
        if login_payload.get("refresh"):
            resp[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(identity=str(user.id))
        return self.response(200, **resp)
