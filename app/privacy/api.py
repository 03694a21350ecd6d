import datetime as dt

from flask import g, request
from flask_appbuilder.api import expose, protect, safe
from marshmallow import ValidationError

from app.core.api import ScopedModelRestApi
from app.core.validation import FieldError
from app.privacy import schemas
from app.privacy.models import PrivacyRequestStatus
from app.privacy.views import PrivacyRequestView
from security.audit import actor_for
from security.roles import API_METHODS
from workflows import privacy as flow
from workflows.errors import TransitionError


class PrivacyRequestApi(ScopedModelRestApi):
    view = PrivacyRequestView
    method_permission_name = {**API_METHODS, "transition": "write"}

    def pre_add(self, item):
        item.status = PrivacyRequestStatus.received
        if isinstance(item.received_on, dt.date):
            item.due_on = flow.due_date(item.received_on)
        super().pre_add(item)

    def post_add(self, item):
        flow._audit(self.datamodel.session, "receive", item, actor_for(g.user))
        self.datamodel.session.commit()

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk):
        """One step of a data-subject request: ``{"action": "verify_identity", ...}``.
        ---
        post:
          description: >-
            Run one step of the request workflow: verify_identity (method, on), start,
            extend (months 1-2, reason), complete (response_channel, response_sent_on,
            outcome), refuse (reason).
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
                    action: {type: string}
                    method: {type: string}
                    "on": {type: string, format: date}
                    months: {type: integer}
                    reason: {type: string}
                    response_channel: {type: string}
                    response_sent_on: {type: string, format: date}
                    outcome: {type: string}
          responses:
            200:
              description: The step was taken; the request's new status and deadline
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        session = self.datamodel.session
        req = self.datamodel.get(pk, self._base_filters)
        if req is None:
            return self.response_404()
        try:
            data = schemas.TransitionInput().load(request.get_json(silent=True) or {})
            flow.perform(session, req, data.pop("action"), by=actor_for(g.user), **data)
            session.commit()
        except ValidationError as exc:
            session.rollback()
            return self.response_400(message=schemas.transition_message(exc.messages))
        except (TransitionError, FieldError) as exc:
            session.rollback()
            return self.response_400(message=str(exc))
        return self.response(200, id=req.id, status=req.status.name, status_label=str(req.status),
                             due_on=req.due_on.isoformat())
