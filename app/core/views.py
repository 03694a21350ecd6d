"""Base classes for every domain's admin views: scoping, permissions, validation, audit."""

from __future__ import annotations

from flask import flash, g, request, session
from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.core.scoping import ScopedMixin
from app.core.validation import FieldError, FormCheck, format_phone, model_field_checks
from security.audit import record_ids, record_read
from security.roles import VIEW_METHODS
from security.search import blind_index_columns


class ScopedModelView(ScopedMixin, ModelView):
    """A ModelView that shows only the rows the user may see and logs every look.

    Subclasses set ``datamodel``; the resource (permission name) is the model's class name.
    """

    method_permission_name = VIEW_METHODS
    page_size = 25
    list_template = "appbuilder/general/model/list.html"

    def run_step(self, perform, success: str | None = None) -> bool:
        """Run one workflow step in one transaction: commit and flash ``success``, or roll
        back and flash why it was refused (the views' twin of ScopedModelRestApi.run_step)."""
        from app.core.errors import TransitionError

        db_session = self.datamodel.session
        try:
            perform()
            db_session.commit()
        except (FieldError, TransitionError) as exc:
            db_session.rollback()
            flash(str(exc), "danger")
            return False
        if success:
            flash(success, "success")
        return True

    def __init__(self, **kwargs):
        self._init_scope()
        checks = model_field_checks(self.datamodel.obj)
        validators = dict(self.validators_columns or {})
        for field, fn in checks.items():
            validators.setdefault(field, []).append(FormCheck(fn))
        self.validators_columns = validators
        for attr, columns in (("add_form_extra_fields", self.add_columns),
                              ("edit_form_extra_fields", self.edit_columns)):
            optional = self._optional_choice_fields(columns or [])
            setattr(self, attr, {**optional, **(getattr(self, attr) or {})})
        self.formatters_columns = {**display_formatters(self.datamodel.obj),
                                   **(self.formatters_columns or {})}
        # Exact search on encrypted columns (security/search.py): a one-line text box.
        self.search_form_extra_fields = {
            **{c: StringField(self.label_columns.get(c, c), widget=BS3TextFieldWidget())
               for c in blind_index_columns(self.datamodel.obj)},
            **(self.search_form_extra_fields or {}),
        }
        super().__init__(**kwargs)
        for form in (self.add_form, self.edit_form):
            _name_the_empty_choice(form)

    def _optional_choice_fields(self, columns) -> dict:
        """FAB's enum field has no empty choice: an optional choice would always get the
        first value. Offer '—' for every nullable enum column in the form."""
        fields = {}
        for column in self.datamodel.obj.__table__.columns:
            enum_cls = getattr(column.type, "enum_class", None)
            if column.key in columns and column.nullable and enum_cls is not None:
                fields[column.key] = optional_choice(
                    enum_cls, self.label_columns.get(column.key, column.key),
                    (self.description_columns or {}).get(column.key, ""))
        return fields

    def _get_show_widget(self, pk, item, **kwargs):
        if self.logs_reads:
            record_read(self.datamodel.session, "read", self.resource, [item])
        return super()._get_show_widget(pk, item, **kwargs)

    def _get_list_widget(self, filters, **kwargs):
        widgets = super()._get_list_widget(filters, **kwargs)
        pks = widgets["list"].template_args.get("pks") or []
        if self.logs_reads and pks:
            record_ids(self.datamodel.session, "list", self.resource, pks)
        return widgets

    def pre_add(self, item):
        self.prepare_write(item, is_new=True)

    def pre_update(self, item):
        self.prepare_write(item, is_new=False)

    # A refused save (FieldError from the checks, the rules or the database) shows the form
    # again with what was typed and the message at its field; FAB would flash and redirect.

    def _add(self):
        return super()._add() or self._form_again(self.add_form, self._get_add_widget)

    def _edit(self, pk):
        return super()._edit(pk) or self._form_again(self.edit_form, self._get_edit_widget)

    def _form_again(self, form_class, get_widget):
        error = g.pop("field_error", None)
        if error is None or request.method != "POST":
            return None
        self.datamodel.session.rollback()  # drop whatever the refused save had changed
        form = form_class.refresh(request.form)
        exclude_cols = self._filters.get_relation_cols()
        self._fill_form_exclude_cols(exclude_cols, form)
        form.validate()
        field = getattr(form, error.field, None)
        if field is None:
            return None  # no such field on the form: FAB's flashed message says it
        field.errors = [*field.errors, str(error)]
        _drop_flash(str(error))
        return get_widget(form=form, exclude_cols=exclude_cols)


def _name_the_empty_choice(form_class) -> None:
    """An optional link shows '—' when empty (FAB's empty text shows up as '__None')."""
    for value in vars(form_class).values():
        kwargs = getattr(value, "kwargs", None)
        if isinstance(kwargs, dict) and kwargs.get("allow_blank") and not kwargs.get("blank_text"):
            kwargs["blank_text"] = "—"


def _drop_flash(message: str) -> None:
    """FAB has flashed the refusal already; it now stands at its field instead."""
    flashes = session.get("_flashes", [])
    session["_flashes"] = [f for f in flashes if f[1] != message]


def display_formatters(model) -> dict:
    """Dutch display: dates as 23-11-2026, times without seconds, phone numbers as dialled
    (06 12345678), and an empty cell instead of 'None'."""
    import datetime as dt

    def show(fn):
        return lambda value: "" if value is None else fn(value)

    def when(value):
        if isinstance(value, dt.datetime):
            return value.strftime("%d-%m-%Y %H:%M")
        return value.strftime("%d-%m-%Y") if isinstance(value, dt.date) else value

    from sqlalchemy import inspect

    formatters = {rel.key: show(str) for rel in inspect(model).relationships if not rel.uselist}
    for column in model.__table__.columns:
        formatters[column.key] = show(format_phone if column.key.endswith("phone") else when)
    return formatters


def optional_choice(enum_cls, label: str, description: str = "") -> SelectField:
    def coerce(value):
        if value is None or isinstance(value, enum_cls):
            return value
        return enum_cls[value] if value else None

    return SelectField(label, description=description, coerce=coerce, validators=[Optional()],
                       choices=[("", "—"), *((m.name, str(m.value)) for m in enum_cls)],
                       widget=Select2Widget())
