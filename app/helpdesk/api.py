from flask import g
from flask_appbuilder.api import expose, protect, safe

from app.core.api import ScopedModelRestApi
from app.helpdesk import schemas
from app.helpdesk.views import (
    FeedbackView,
    HelpRequestView,
    MatchView,
    ReferralView,
    check_sharing_consent,
)
from security.audit import actor_for
from security.roles import API_METHODS
from workflows import helpdesk as flow


class HelpRequestApi(ScopedModelRestApi):
    view = HelpRequestView
    method_permission_name = {**API_METHODS, "transition": "write"}

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk):
        """One step of the method: ``{"action": "accept", ...}``.
        ---
        post:
          description: >-
            Run one step of a help request (start_intake, record_intake, accept, reject,
            refer, mark_done, close). record_intake takes category_id, scope,
            target_group_ok; accept an optional reason; reject a reason; refer partner_id
            or organisation_name, reason, consent_form (oral, written; required for a
            partner) and follow_up_on.
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
                    category_id: {type: integer}
                    scope: {type: string}
                    target_group_ok: {type: boolean}
                    reason: {type: string}
                    partner_id: {type: integer}
                    organisation_name: {type: string}
                    consent_form: {type: string, enum: [oral, written]}
                    follow_up_on: {type: string, format: date}
          responses:
            200:
              description: The step was taken; the request's new status
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
        return self.response(200, id=req.id, status=req.status.name,
                             status_label=str(req.status))

    def post_add(self, item):
        flow.confirm_received(self.datamodel.session, item, by=actor_for(g.user))
        self.datamodel.session.commit()


class ReferralApi(ScopedModelRestApi):
    view = ReferralView

    def pre_add(self, item):
        super().pre_add(item)
        check_sharing_consent(self.datamodel.session, item)


class MatchApi(ScopedModelRestApi):
    view = MatchView


class FeedbackApi(ScopedModelRestApi):
    view = FeedbackView
