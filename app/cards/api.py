from flask_appbuilder.api import expose, protect, safe

from app.cards import schemas
from app.cards.checks import VersionRules
from app.cards.views import (
    AppointmentView,
    EvaluationView,
    HelpCardVersionView,
    HelpCardView,
)
from app.core.api import ScopedModelRestApi
from security.roles import API_METHODS
from workflows import cards as flow


class HelpCardApi(ScopedModelRestApi):
    view = HelpCardView
    method_permission_name = {**API_METHODS, "transition": "write"}

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk):
        """One workflow step: ``{"action": "approve", ...}``.
        ---
        post:
          description: >-
            Run one step of the card workflow (hold_intro, start_drafting,
            submit_for_approval, record_holder_approval, reopen, approve, issue,
            record_evaluation, mark_evaluation_due, new_draft, withdraw, end).
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
                    choice: {type: string}
                    method: {type: string}
                    outcome: {type: string}
                    "on": {type: string, format: date}
                    reason: {type: string}
          responses:
            200:
              description: The step was taken; the card's new status
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        card, error = self.run_step(
            pk, schemas.TransitionInput, flow.perform, schemas.transition_message,
            "Deze stap past niet bij de gegevens van de kaart; er is niets gewijzigd.")
        if error is not None:
            return error
        return self.response(200, id=card.id, status=card.status.name,
                             status_label=str(card.status))


class HelpCardVersionApi(VersionRules, ScopedModelRestApi):
    view = HelpCardVersionView


class AppointmentApi(ScopedModelRestApi):
    view = AppointmentView


class EvaluationApi(ScopedModelRestApi):
    view = EvaluationView
