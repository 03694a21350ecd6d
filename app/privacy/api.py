import datetime as dt

from flask import g
from flask_appbuilder.api import expose, protect, safe

from app.core.api import ScopedModelRestApi
from app.privacy import schemas
from app.privacy.models import PrivacyRequestStatus
from app.privacy.views import PrivacyRequestView
from security.audit import actor_for
from security.roles import API_METHODS
from workflows import privacy as flow


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
        req, error = self.run_step(
            pk, schemas.TransitionInput, flow.perform, schemas.transition_message)
        if error is not None:
            return error
        return self.response(200, id=req.id, status=req.status.name, status_label=str(req.status),
                             due_on=req.due_on.isoformat())
