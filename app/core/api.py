"""Base class for every domain's REST API under /api/v1/."""

from __future__ import annotations

import jsonschema
from flask import g, request
from flask_appbuilder import ModelRestApi
from flask_appbuilder import api as fab_api
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from marshmallow_sqlalchemy.fields import Related
from sqlalchemy import inspect
from sqlalchemy.exc import NoResultFound

from app.core.scoping import ScopedMixin
from app.core.validation import FieldError, SchemaCheck, model_field_checks
from security.audit import actor_for, record_ids
from security.crypto import EncryptedDate
from security.roles import API_METHODS


def _dutch_messages() -> None:
    """The API's own field messages in Dutch, like those of the forms and the validators."""
    from marshmallow import validate

    ma_fields.Field.default_error_messages.update(
        {
            "required": "Dit veld is verplicht.",
            "null": "Dit veld mag niet leeg zijn.",
            "validator_failed": "Ongeldige waarde.",
        }
    )
    for cls, messages in (
        (ma_fields.String, {"invalid": "Geen geldige tekst."}),
        (ma_fields.Integer, {"invalid": "Geen geldig geheel getal."}),
        (ma_fields.Number, {"invalid": "Geen geldig getal."}),
        (ma_fields.Date, {"invalid": "Geen geldige datum (JJJJ-MM-DD)."}),
        (ma_fields.DateTime, {"invalid": "Geen geldig tijdstip (JJJJ-MM-DDTUU:MM)."}),
        (ma_fields.Boolean, {"invalid": "Geen geldige ja/nee-waarde."}),
        (ma_fields.Enum, {"unknown": "Kies een van: {choices}."}),
    ):
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    validate.Length.message_max = "Langer dan {max} tekens."
    validate.Length.message_min = "Korter dan {min} tekens."
    validate.OneOf.default_message = "Kies een van: {choices}."


_dutch_messages()

# Hulpregie answers bad input with 400 and either one sentence or the messages per field
# (FAB's spec says a string only).
BAD_REQUEST = {
    "description": "Ongeldige invoer: één zin, of de meldingen per veld",
    "content": {"application/json": {"schema": {"type": "object", "properties": {
        "message": {"oneOf": [{"type": "string"}, {"type": "object"}]}}}}},
}


class _CachedRisonSchemas:
    """Stands in for the ``jsonschema`` module in FAB's ``@rison`` decorator.

    FAB validates every request's ``?q=`` with ``jsonschema.validate()``, which first checks
    the schema itself against the JSON Schema metaschema: on every request, a third of the time
    of an API list call (bench/load.py). FAB's schemas are constants, so each is checked once
    and its validator kept; the validation of the request and its errors stay the same."""

    ValidationError = jsonschema.ValidationError
    _validators: dict = {}

    @classmethod
    def validate(cls, instance, schema) -> None:
        validator = cls._validators.get(id(schema))
        if validator is None or validator.schema is not schema:
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            validator = cls._validators[id(schema)] = validator_class(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


fab_api.jsonschema = _CachedRisonSchemas


class ScopedModelRestApi(ScopedMixin, ModelRestApi):
    """A ModelRestApi with row scoping, Dutch field validation (400 naming the field),
    and every look at a record written to the access log."""

    method_permission_name = API_METHODS

    def run_step(self, pk, input_schema, perform, describe, integrity_message=None):
        """POST <pk>/transition of a workflow: load ``{"action": …, …}`` with ``input_schema``
        and run ``perform(session, item, action, by=…, **data)`` on a record the user may see,
        in one transaction. Returns (item, None), or (None, the 404 or 400 response)."""
        from sqlalchemy.exc import IntegrityError

        from app.core.errors import TransitionError

        session = self.datamodel.session
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return None, self.response_404()
        try:
            data = input_schema().load(request.get_json(silent=True) or {})
            perform(session, item, data.pop("action"), by=actor_for(g.user), **data)
            session.commit()
        except ValidationError as exc:
            session.rollback()
            return None, self.response_400(message=describe(exc.messages))
        except (TransitionError, FieldError) as exc:
            session.rollback()
            return None, self.response_400(message=str(exc))
        except IntegrityError:
            if integrity_message is None:
                raise
            session.rollback()
            return None, self.response_400(message=integrity_message)
        return item, None
    allow_browser_login = True
    page_size = 25
    view = None  # the domain's admin view: the API shows and takes the same fields

    def __init__(self):
        if self.view is not None:
            self._mirror(self.view)
        self._init_scope()
        self.resource_name = self.resource_name or _snake(self.datamodel.obj.__name__)
        # Relations as their id only: FAB would dump every column of the related row
        # (decrypted personal data, a login's password hash) without an access-log entry.
        relations = set(inspect(self.datamodel.obj).relationships.keys())
        for attr in ("list_columns", "show_columns"):
            columns = getattr(self, attr) or self.datamodel.get_user_columns_list()
            setattr(self, attr, [f"{c}.id" if c in relations else c for c in columns])
        # FAB's API takes one validator per column.
        self.validators_columns = {
            **{
                f: SchemaCheck(fn)
                for f, fn in model_field_checks(self.datamodel.obj).items()
            },
            **(self.validators_columns or {}),
        }
        super().__init__()

    def add_apispec_components(self, api_spec) -> None:
        super().add_apispec_components(api_spec)
        api_spec.components.responses["400"] = BAD_REQUEST

    def add_api_spec(self, api_spec) -> None:
        """FAB's generated spec, corrected where it says otherwise than FAB answers."""
        super().add_api_spec(api_spec)
        for path, operations in api_spec._paths.items():
            if path.startswith(self.route_base + "/"):
                for operation in operations.values():
                    _fix_operation(operation)

    def _get_field_info(self, field, *args, **kwargs):
        info = super()._get_field_info(field, *args, **kwargs)
        # gettext("") is the catalogue's header ("Project-Id-Version: …"), not an empty text.
        for key, texts in (("label", self.label_columns), ("description", self.description_columns)):
            if not texts.get(field.name):
                info[key] = ""
        return info

    def _mirror(self, view) -> None:
        self.datamodel = type(view.datamodel)(view.datamodel.obj)
        for attr in (
            "list_columns",
            "show_columns",
            "add_columns",
            "edit_columns",
            "search_columns",
        ):
            if not getattr(self, attr) and getattr(view, attr, None):
                columns = list(getattr(view, attr))
                setattr(
                    self,
                    attr,
                    ["id", *columns]
                    if attr in ("list_columns", "show_columns")
                    else columns,
                )
        self.label_columns = {
            **(view.label_columns or {}),
            **(self.label_columns or {}),
        }

    def _init_model_schemas(self):
        super()._init_model_schemas()
        # FAB marks every NOT NULL enum as required, even with a default: relax that.
        columns = self.datamodel.list_columns
        for name, field in self.add_model_schema.fields.items():
            column = columns.get(name)
            if column is not None and getattr(column, "default", None) is not None:
                field.required = False
        _existing_only(self.add_model_schema)
        _existing_only(self.edit_model_schema)
        # An encrypted date is TEXT in the database; in the API it is an ISO date.
        for schema in (
            self.list_model_schema,
            self.show_model_schema,
            self.add_model_schema,
            self.edit_model_schema,
        ):
            for name, field in list(schema.fields.items()):
                if isinstance(getattr(columns.get(name), "type", None), EncryptedDate):
                    _replace_field(
                        schema,
                        name,
                        ma_fields.Date(
                            required=field.required,
                            allow_none=field.allow_none,
                            validate=field.validators,
                            metadata=field.metadata,
                        ),
                    )

    # -- validation: 400 with the field named, nothing written -------------------------

    def response_422(self, message=None):
        """FAB answers bad input with 422; Hulpregie's API promises 400 naming the field."""
        return self.response_400(message=message)

    def _write(self, handler, *args):
        try:
            return handler(*args)
        except FieldError as err:
            self.datamodel.session.rollback()
            return self.response_400(message={err.field: [str(err)]})

    def post_headless(self):
        return self._write(super().post_headless)

    def put_headless(self, pk):
        return self._write(super().put_headless, pk)

    def delete_headless(self, pk):
        return self._write(super().delete_headless, pk)

    def pre_add(self, item):
        self.prepare_write(item, is_new=True)

    def pre_update(self, item):
        self.prepare_write(item, is_new=False)

    # -- access log -----------------------------------------------------------------------

    def pre_get(self, data):
        if self.logs_reads and data.get("id") is not None:
            record_ids(self.datamodel.session, "read", self.resource, [data["id"]])

    def pre_get_list(self, data):
        if self.logs_reads and data.get("ids"):
            record_ids(self.datamodel.session, "list", self.resource, data["ids"])


class _ExistingOnly(Related):
    """A link given by the id of an existing record. marshmallow-sqlalchemy would turn an
    unknown id, or an object, into a new related row (a server error, or a stray record)."""

    def _deserialize(self, value, *args, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Geef het id van een bestaand record (een geheel getal).")
        if not 0 < value < 2**31:  # ids are 32-bit; a database refuses anything beyond
            raise ValidationError(f"Er is geen record met id {value}.")
        try:
            return self._get_existing_instance(self.related_model, {self.related_keys[0].key: value})
        except (NoResultFound, ValidationError):
            raise ValidationError(f"Er is geen record met id {value}.") from None


_ExistingOnly.__name__ = "Related"  # what _info tells clients (FAB: the field's class name)


def _fix_operation(operation: dict) -> None:
    """FAB's docstrings say POST answers a string id (it is an integer) and _info's
    add_columns/edit_columns are an object (they are a list of field descriptions)."""
    for status, response in (operation.get("responses") or {}).items():
        if not isinstance(response, dict):
            continue
        for content in (response.get("content") or {}).values():
            properties = (content.get("schema") or {}).get("properties") or {}
            if str(status) == "201" and properties.get("id") == {"type": "string"}:
                properties["id"] = {"type": "integer"}
            for name in ("add_columns", "edit_columns"):
                if properties.get(name) == {"type": "object"}:
                    properties[name] = {"type": "array", "items": {"type": "object"}}


def _existing_only(schema) -> None:
    for field in schema.fields.values():
        inner = getattr(field, "inner", None)
        for candidate in (field, inner):
            if type(candidate) is Related and len(candidate.related_keys) == 1:
                candidate.__class__ = _ExistingOnly


def _replace_field(schema, name: str, field) -> None:
    field._bind_to_schema(name, schema)
    for fields in (schema.fields, schema.load_fields, schema.dump_fields):
        if name in fields:
            fields[name] = field


def _snake(name: str) -> str:
    return "".join(
        f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name)
    )
