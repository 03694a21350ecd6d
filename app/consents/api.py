from flask import g, request
from flask_appbuilder.api import expose, protect, safe
from marshmallow import ValidationError

from app.consents.checks import ConsentRules, NoticeRules
from app.consents.views import ConsentView, PrivacyNoticeView
from app.core.api import ScopedModelRestApi
from app.core.validation import FieldError, parse_form_date
from security.audit import actor_for
from security.roles import API_METHODS
from workflows import consents as wf
from app.core.errors import TransitionError


class ConsentApi(ConsentRules, ScopedModelRestApi):
    """Consents are given through the workflow (POST) and withdrawn (POST …/withdraw);
    PUT and DELETE are refused: a given consent is immutable."""

    view = ConsentView
    method_permission_name = {**API_METHODS, "withdraw": "write"}

    def post_headless(self):
        if not request.is_json:
            return self.response_400(message="Stuur de toestemming als JSON")
        try:
            item = self.add_model_schema.load(request.json)
        except ValidationError as err:
            return self.response_400(message=err.messages)
        return self._write(self._give, item)

    def _give(self, item):
        session = self.datamodel.session
        if item in session:
            session.expunge(item)
        try:
            with session.no_autoflush:
                consent = self.give_item(item)
            session.commit()
        except TransitionError as exc:
            session.rollback()
            return self.response_400(message=str(exc))
        return self.response(201, id=consent.id, result=self.add_model_schema.dump(consent))

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        """Withdraw a consent: ``{"method": "oral", "reason": "…", "on": "2026-01-31"}``.
        ---
        post:
          description: >-
            Withdraw a given consent (method: oral, written, email or portal; reason
            required; "on" optional, default today). Its effect for the purpose runs in
            the same transaction.
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    method: {type: string, enum: [oral, written, email, portal]}
                    reason: {type: string}
                    "on": {type: string, format: date}
          responses:
            200:
              description: The consent is withdrawn
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        session = self.datamodel.session
        consent = self.datamodel.get(pk, self._base_filters)
        if consent is None:
            return self.response_404()
        data = request.get_json(silent=True) or {}
        try:
            on = parse_form_date(data.get("on"), "Datum van intrekking", "on")
            wf.withdraw(session, consent, by=actor_for(g.user), method=data.get("method") or "",
                        reason=data.get("reason") or "", on=on)
            session.commit()
        except FieldError as exc:
            session.rollback()
            return self.response_400(message={exc.field: [str(exc)]})
        except TransitionError as exc:
            session.rollback()
            return self.response_400(message=str(exc))
        return self.response(200, id=consent.id, withdrawn_at=consent.withdrawn_at.isoformat(),
                             purpose=consent.purpose.name)


class PrivacyNoticeApi(NoticeRules, ScopedModelRestApi):
    view = PrivacyNoticeView
