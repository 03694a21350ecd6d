"""AVG data-subject requests (workflows/privacy.py), their legal deadline, and the
restriction of processing (workflows/privacy/restrictions.py) shown on every restricted record."""


def register(appbuilder):
    from app.core.registry import add_resource
    from app.privacy.api import PrivacyRequestApi
    from app.privacy.views import PrivacyRequestView

    add_resource(appbuilder, PrivacyRequestView, PrivacyRequestApi, name="Privacyverzoeken",
                 category="Privacy", icon="fa-user-shield")
    from flask import current_app

    app = current_app._get_current_object()
    app.jinja_env.globals["processing_restriction"] = _restriction
    app.before_request(lambda: _flash_restriction(appbuilder))


def _restriction(item):
    """Jinja: the active restriction covering ``item`` (for privacy/_restriction.html)."""
    from app.extensions import db
    from workflows.privacy.restrictions import restriction_of

    return restriction_of(db.session, item)


def _flash_restriction(appbuilder) -> None:
    """Opening (or editing) a restricted record shows why it may not be changed."""
    from flask import flash, g, request

    from workflows.privacy.restrictions import RestrictedError, _GUARDED

    endpoint = request.endpoint or ""
    view_name, _, method = endpoint.rpartition(".")
    pk = (request.view_args or {}).get("pk")
    if request.method != "GET" or method not in ("show", "edit") or pk is None:
        return
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return
    view = next((v for v in appbuilder.baseviews if type(v).__name__ == view_name), None)
    datamodel = getattr(view, "datamodel", None)
    if datamodel is None or datamodel.obj.__name__ not in _GUARDED:
        return
    item = datamodel.get(pk, view._base_filters)
    found = _restriction(item) if item is not None else None
    if found is not None:
        flash(str(RestrictedError("_schema", found.reason)), "warning")
