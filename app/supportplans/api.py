from flask_appbuilder.api import expose, protect, safe
from marshmallow import Schema, fields, validate

from app.core.api import ScopedModelRestApi
from app.core.validation import FieldError, describe_errors
from app.supportplans import schemas
from app.supportplans.access import REFUSED, ReaderFilter, refused
from app.supportplans.views import SupportPlanVersionView, SupportPlanView
from security.roles import API_METHODS
from workflows import supportplans as flow
from app.core.errors import TransitionError

ACTIONS = ("new_version", "agree", "next_conversation", "readers", "end")


class StepInput(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    on = fields.Date(allow_none=True)
    conversation_on = fields.Date(allow_none=True)
    readers = fields.List(fields.Integer())
    answers = fields.Dict(keys=fields.String(validate=validate.OneOf(schemas.FIELDS)),
                          values=fields.String(allow_none=True))


def perform(session, plan, action, *, by, on=None, conversation_on=None, readers=None,
            answers=None):
    if action == "new_version":
        flow.new_version(session, plan, answers or {}, by=by, conversation_on=conversation_on)
    elif action == "agree":
        flow.agree(session, plan, by=by, on=on)
    elif action == "next_conversation":
        flow.plan_next_conversation(session, plan, on, by=by)
    elif action == "readers":
        if readers is None:
            raise FieldError("readers", "Geef de lezers op (gebruikersnummers)")
        flow.set_readers(session, plan, readers, by=by)
    elif action == "end":
        flow.end(session, plan, by=by)
    else:  # pragma: no cover - the schema allows only ACTIONS
        raise TransitionError("Onbekende stap.")


class ReaderGuardApi:
    """A plan one is not a reader of: 403 with the reason, and the refusal in the access log."""

    def _refusal(self, pk):
        if refused(self.datamodel.obj, pk):
            return self.response(403, message=REFUSED)
        return None

    def get_headless(self, pk, **kwargs):
        return self._refusal(pk) or super().get_headless(pk, **kwargs)

    def put_headless(self, pk):
        return self._refusal(pk) or super().put_headless(pk)

    def delete_headless(self, pk):
        return self._refusal(pk) or super().delete_headless(pk)


class SupportPlanApi(ReaderGuardApi, ScopedModelRestApi):
    view = SupportPlanView
    base_filters = [["id", ReaderFilter, None]]
    add_query_rel_fields = {"readers": SupportPlanView.add_query_rel_fields["readers"]}
    method_permission_name = {**API_METHODS, "transition": "write"}

    def pre_add(self, item):
        from flask import g

        from security.audit import actor_for

        super().pre_add(item)
        flow.start(self.datamodel.session, plan=item, by=actor_for(g.user))

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk):
        """One step of the plan: ``{"action": "new_version", "answers": {...}}``.
        ---
        post:
          description: >-
            Run one step of a support plan (new_version, agree, next_conversation,
            readers, end). Only the plan's readers may.
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
                    "on": {type: string, format: date}
                    conversation_on: {type: string, format: date}
                    readers: {type: array, items: {type: integer}}
                    answers: {type: object}
          responses:
            200:
              description: The step was taken; the plan's status
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        refusal = self._refusal(pk)
        if refusal:
            return refusal
        plan, error = self.run_step(pk, StepInput, perform,
                                    lambda errors: describe_errors(errors, schemas.LABELS))
        if error is not None:
            return error
        latest = flow.latest_version(plan)
        return self.response(200, id=plan.id, status=plan.status.name,
                             version_no=latest.version_no if latest else None)


class SupportPlanVersionApi(ReaderGuardApi, ScopedModelRestApi):
    view = SupportPlanVersionView
    base_filters = [["id", ReaderFilter, None]]
    base_permissions = ["can_read"]
