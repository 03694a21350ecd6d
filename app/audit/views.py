"""The access log's screens: the whole log, per person (what a holder may ask for), per user.

All three read the resource AuditEvent (PrivacyOfficer and Admin). Reading the log is not
logged itself, except that opening a person's report is: it shows whose data was seen.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import flash, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.audit import schemas
from app.audit.models import AuditEvent
from app.core.interface import ScopedInterface
from app.core.registry import resource_menus
from app.core.views import ScopedModelView
from app.extensions import db
from app.holders.models import Holder
from security.audit import record
from security.filters import scope_query

LOCAL = ZoneInfo("Europe/Amsterdam")
PAGE_SIZE = 100


class AuditEventView(ScopedModelView):
    datamodel = ScopedInterface(AuditEvent)
    base_permissions = ["can_read"]  # append-only: not even Admin edits the log
    logs_reads = False  # reading the log does not log itself
    list_title = "Toegangslog"
    show_title = "Logregel"
    add_title = "Logregel"
    edit_title = "Logregel"
    list_columns = schemas.LIST
    show_columns = schemas.SHOW
    add_columns = edit_columns = schemas.EDIT
    search_columns = schemas.SEARCH
    label_columns = schemas.LABELS
    description_columns = schemas.DESCRIPTIONS
    base_order = ("at", "desc")


class _LogReport(BaseView):
    """A filtered, paged list of events; subclasses choose whose."""

    class_permission_name = "AuditEvent"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"
    template = "audit/report.html"
    title = ""
    newest_first = False

    def _period(self):
        """The chosen period as naive UTC bounds (dates are Dutch local dates, inclusive)."""
        bounds = []
        for name, days in (("van", 0), ("tot", 1)):
            text = request.args.get(name, "").strip()
            if not text:
                bounds.append(None)
                continue
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                flash(f"'{text}' is geen datum (jjjj-mm-dd); de periode is niet toegepast.",
                      "warning")
                return None, None
            local = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(), LOCAL)
            bounds.append(local.astimezone(dt.timezone.utc).replace(tzinfo=None))
        return bounds[0], bounds[1]

    def _page(self, query):
        start, end = self._period()
        if start is not None:
            query = query.filter(AuditEvent.at >= start)
        if end is not None:
            query = query.filter(AuditEvent.at < end)
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        total = query.count()
        order = (AuditEvent.at.desc(), AuditEvent.id.desc()) if self.newest_first \
            else (AuditEvent.at, AuditEvent.id)
        events = query.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
        return events, total, page

    def _render(self, **context):
        menus = resource_menus(self.appbuilder)
        return self.render_template(
            self.template, title=self.title, local=_local, action_name=_action_name,
            resource_name=lambda r: schemas.RESOURCES.get(r) or menus.get(r, [r])[0],
            page_url=lambda page: url_for(f"{type(self).__name__}.index",
                                          **{**request.args.to_dict(), "page": page}),
            page_size=PAGE_SIZE, args=request.args, **context)


class AccessReportView(_LogReport):
    """Inzage per persoon: every event about one holder, chronologically."""

    route_base = "/toegangslog/persoon"
    title = "Inzage per persoon"

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        choice = request.args.get("holder", "").strip()
        holder, events, total, page = None, [], 0, 1
        if choice:
            holder = _visible_holder(session, choice)
            if holder is None:
                flash("Geen hulpkaarthouder gevonden met dit nummer of kenmerk die u mag inzien.",
                      "warning")
        if holder is not None:
            events, total, page = self._page(
                session.query(AuditEvent).filter(AuditEvent.holder_id == holder.id))
            # A look at whose data was seen is itself a look at this person: log it.
            record(session, "read", "AccessReport", record_id=holder.id, holder_id=holder.id)
            session.commit()
        return self._render(kind="person", choice=choice, holder=holder, events=events,
                            total=total, page=page)


class UserLogView(_LogReport):
    """Toegangslog per gebruiker: everything one user did, newest first."""

    route_base = "/toegangslog/gebruiker"
    title = "Toegangslog per gebruiker"
    newest_first = True

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        model = self.appbuilder.sm.user_model
        users = scope_query(session.query(model), model, g.user).order_by(model.username).all()
        chosen = request.args.get("user", type=int)
        user = next((u for u in users if u.id == chosen), None)
        if chosen is not None and user is None:
            flash("Deze gebruiker bestaat niet of valt buiten uw organisatie.", "warning")
        events, total, page = [], 0, 1
        if user is not None:
            events, total, page = self._page(
                session.query(AuditEvent).filter(AuditEvent.user_id == user.id))
        return self._render(kind="user", users=users, user=user, events=events,
                            total=total, page=page)


def _visible_holder(session, choice: str):
    """The holder with this number or reference, if the user may see him (one match only)."""
    query = scope_query(session.query(Holder), Holder, g.user, resource="Holder")
    if choice.isdigit():
        found = query.filter(Holder.id == int(choice)).one_or_none()
        if found is not None:
            return found
    matches = query.filter(Holder.reference == choice).limit(2).all()
    return matches[0] if len(matches) == 1 else None


def _local(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL).strftime("%d-%m-%Y %H:%M:%S")


def _action_name(action: str) -> str:
    return schemas.ACTIONS.get(action, action)
