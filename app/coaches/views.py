import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from sqlalchemy import func

from app.cards.models import Appointment, AppointmentStatus, Evaluation, HelpCard
from app.coaches import schemas as s
from app.coaches.models import (
    Coach,
    IntervisionAttendance,
    IntervisionSession,
    PerformanceReview,
    Training,
)
from app.core.interface import ScopedInterface
from app.core.validation import FieldError
from app.core.views import ScopedModelView
from security.audit import actor_for, record, record_ids, record_read
from security.filters import user_organisation_id
from security.roles import VIEW_METHODS
from workflows.coaches import intervision
from workflows.coaches import reviews
from workflows.cards import IN_PROGRESS, format_minutes
from app.core.errors import TransitionError


def caseload(session, coach_ids) -> list[dict]:
    """Per coach: open cards (not issued, evaluated, ended or withdrawn) against his maximum,
    and the time of his held appointments this year."""
    if not coach_ids:
        return []
    year = dt.date.today().year
    open_cards = dict(session.query(HelpCard.coach_id, func.count(HelpCard.id)).filter(
        HelpCard.coach_id.in_(coach_ids), HelpCard.status.in_(IN_PROGRESS)).group_by(
        HelpCard.coach_id).all())
    minutes = dict(session.query(
        Appointment.coach_id, func.sum(Appointment.duration_minutes)).filter(
        Appointment.coach_id.in_(coach_ids), Appointment.status == AppointmentStatus.held,
        Appointment.starts_at >= dt.datetime(year, 1, 1),
        Appointment.starts_at < dt.datetime(year + 1, 1, 1)).group_by(
        Appointment.coach_id).all())
    today = dt.date.today()
    evaluations = session.query(Evaluation.coach_id, Evaluation.due_on).filter(
        Evaluation.coach_id.in_(coach_ids), Evaluation.held_on.is_(None)).all()
    due, overdue = {}, {}
    for coach_id, due_on in evaluations:
        due[coach_id] = due.get(coach_id, 0) + 1
        overdue[coach_id] = overdue.get(coach_id, 0) + (due_on < today)
    coaches = session.query(Coach).filter(Coach.id.in_(coach_ids)).order_by(
        Coach.last_name, Coach.first_name).all()
    return [{
        "id": c.id, "name": str(c), "open": open_cards.get(c.id, 0), "max": c.max_caseload,
        "over": open_cards.get(c.id, 0) > c.max_caseload,
        "hours": format_minutes(minutes.get(c.id) or 0), "year": year,
        "evaluations_due": due.get(c.id, 0), "evaluations_overdue": overdue.get(c.id, 0),
    } for c in coaches]


def trainings_of(coach: Coach, today: dt.date | None = None) -> list[dict]:
    """The coach's trainings and certificates, newest first, with whether each is still valid."""
    today = today or dt.date.today()
    rows = sorted(coach.trainings, key=lambda t: t.completed_on or dt.date.min, reverse=True)
    return [{"id": t.id, "name": t.name, "kind": str(t.kind) if t.kind else "",
             "completed_on": t.completed_on, "certificate": t.certificate,
             "valid_until": t.valid_until,
             "expired": t.valid_until is not None and t.valid_until < today} for t in rows]


class TrainingView(ScopedModelView):
    datamodel = ScopedInterface(Training)
    list_title = "Trainingen"
    show_title = "Training"
    add_title = "Nieuwe training"
    edit_title = "Training wijzigen"
    list_columns = s.TRAINING_LIST
    show_columns = s.TRAINING_SHOW
    add_columns = edit_columns = s.TRAINING_EDIT
    search_columns = s.TRAINING_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("completed_on", "desc")


class PerformanceReviewView(ScopedModelView):
    datamodel = ScopedInterface(PerformanceReview)
    list_title = "Functioneringsgesprekken"
    show_title = "Functioneringsgesprek"
    add_title = "Nieuw functioneringsgesprek"
    edit_title = "Functioneringsgesprek wijzigen"
    list_columns = s.REVIEW_LIST
    show_columns = s.REVIEW_SHOW
    add_columns = edit_columns = s.REVIEW_EDIT
    search_columns = s.REVIEW_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("planned_on", "desc")
    method_permission_name = {**VIEW_METHODS, "hold": "write"}
    show_template = "coaches/review_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """A coach sees only his own reviews; a look at another's is refused and logged."""
        if self.datamodel.get(pk, self._base_filters) is None:
            log_hidden_review(self.datamodel.session, pk)
            abort(404)
        return super().show(pk)

    @expose("/gesprek/<int:pk>", methods=["GET", "POST"])
    @has_access
    def hold(self, pk):
        """Record that the review took place, with the outcome notes (encrypted)."""
        session = self.datamodel.session
        review = self.datamodel.get(pk, self._base_filters)
        if review is None:
            abort(404)
        if request.method == "POST":
            try:
                on = _date(request.form.get("held_on"), "held_on", "Gehouden op")
                reviews.hold(session, review, request.form.get("notes"), by=actor_for(g.user), on=on)
                session.commit()
                flash("Het functioneringsgesprek is vastgelegd.", "success")
                return redirect(url_for("PerformanceReviewView.show", pk=pk))
            except (FieldError, TransitionError) as exc:
                session.rollback()
                flash(str(exc), "danger")
                review = self.datamodel.get(pk, self._base_filters)
        record_read(session, "read", "PerformanceReview", [review])
        return self.render_template("coaches/review_hold.html", review=review, form=request.form,
                                    today=dt.date.today(), title="Functioneringsgesprek vastleggen")


def log_hidden_review(session, pk) -> None:
    """An attempt to open a review the user may not see: logged when the review exists."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return
    if not 0 < pk < 2**31:  # ids are 32-bit; SQLite overflows on anything beyond
        return
    exists = session.get(PerformanceReview, pk) is not None
    if exists:
        record(session, "denied", "PerformanceReview", pk)
        session.commit()


def _date(value, field: str, label: str) -> dt.date | None:
    if not (value or "").strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(field, f"{label}: geen geldige datum (JJJJ-MM-DD)") from None


class CoachView(ScopedModelView):
    datamodel = ScopedInterface(Coach)
    list_title = "Hulpkaartcoaches"
    show_title = "Hulpkaartcoach"
    add_title = "Nieuwe coach"
    edit_title = "Coach wijzigen"
    list_columns = s.COACH_LIST
    show_columns = s.COACH_SHOW
    add_columns = edit_columns = s.COACH_EDIT
    search_columns = s.COACH_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("last_name", "asc")
    related_views = [TrainingView, PerformanceReviewView]
    list_template = "cards/caseload_list.html"
    show_template = "cards/caseload_show.html"

    def render_template(self, template, **kwargs):
        """The list and the coach's page show his caseload ("Open kaarten") and hours."""
        ids = []
        if template == self.list_template and "list" in (kwargs.get("widgets") or {}):
            ids = kwargs["widgets"]["list"].template_args.get("pks") or []
        elif template == self.show_template and kwargs.get("pk") is not None:
            ids = [int(kwargs["pk"])]
            coach = self.datamodel.get(kwargs["pk"], self._base_filters)
            kwargs["trainings"] = trainings_of(coach) if coach is not None else []
        kwargs["caseload"] = caseload(self.datamodel.session, ids)
        return super().render_template(template, **kwargs)


class IntervisionAttendanceView(ScopedModelView):
    datamodel = ScopedInterface(IntervisionAttendance)
    list_title = "Aanwezigheid intervisie"
    show_title = "Aanwezigheid"
    add_title = "Aanwezigheid vastleggen"
    edit_title = "Aanwezigheid wijzigen"
    list_columns = s.ATTENDANCE_LIST
    show_columns = s.ATTENDANCE_SHOW
    add_columns = edit_columns = s.ATTENDANCE_EDIT
    search_columns = s.ATTENDANCE_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("session_id", "desc")


class IntervisionSessionView(ScopedModelView):
    datamodel = ScopedInterface(IntervisionSession)
    list_title = "Intervisiebijeenkomsten"
    show_title = "Intervisiebijeenkomst"
    add_title = "Nieuwe intervisiebijeenkomst"
    edit_title = "Intervisiebijeenkomst wijzigen"
    list_columns = s.SESSION_LIST
    show_columns = s.SESSION_SHOW
    add_columns = edit_columns = s.SESSION_EDIT
    search_columns = s.SESSION_SEARCH
    label_columns = s.LABELS
    description_columns = s.DESCRIPTIONS
    base_order = ("held_on", "desc")
    related_views = [IntervisionAttendanceView]
    list_template = "coaches/intervision_list.html"
    show_template = "coaches/intervision_show.html"
    method_permission_name = {
        **VIEW_METHODS, "plan": "write", "attendance": "write",
        "hold": "write", "cancel": "write", "per_coach": "read", "meeting": "read",
    }

    def _organisation_id(self) -> int:
        org_id = user_organisation_id(g.user)
        if org_id is None:
            raise FieldError("organisation", "Uw account is niet aan een organisatie gekoppeld")
        return org_id

    def _session_or_404(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    def _step(self, pk, fn, message: str):
        """Run one workflow step on the session ``pk``; the result as a message."""
        item = self._session_or_404(pk)
        self.run_step(lambda: fn(self.datamodel.session, item, actor_for(g.user)), message)
        return redirect(url_for("IntervisionSessionView.meeting", pk=pk))

    @expose("/plannen", methods=["GET", "POST"])
    @has_access
    def plan(self):
        """Plan the next session: the proposed date filled in, every active coach invited."""
        session = self.datamodel.session
        try:
            org_id = self._organisation_id()
        except FieldError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("IntervisionSessionView.list"))
        if request.method == "POST":
            form = request.form
            try:
                held_on = _date(form.get("held_on"), "held_on", "Datum")
                if held_on is None:
                    raise FieldError("held_on", "Datum: vul een datum in")
                item = intervision.plan(
                    session, organisation_id=org_id, held_on=held_on,
                    location=form.get("location"), facilitator=form.get("facilitator"),
                    topics=form.get("topics"), invite_coaches=form.get("invite") == "1",
                    by=actor_for(g.user))
                session.commit()
                flash(f"Intervisie gepland op {item.held_on:%d-%m-%Y}.", "success")
                return redirect(url_for("IntervisionSessionView.meeting", pk=item.id))
            except (FieldError, TransitionError) as exc:
                session.rollback()
                flash(str(exc), "danger")
        last = intervision.last_session(session, org_id)
        return self.render_template(
            "coaches/intervision_plan.html", title="Intervisie plannen", form=request.form,
            proposed=intervision.propose_next(session, org_id), last=last,
            weeks=intervision._policy("HULPREGIE_INTERVISION_WEEKS"),
            coaches=intervision.active_coaches(session, org_id))

    @expose("/sessie/<int:pk>")
    @has_access
    def meeting(self, pk):
        """The session: details, attendance checklist with guests, hold or cancel."""
        item = self._session_or_404(pk)
        db_session = self.datamodel.session
        record_read(db_session, "read", "IntervisionSession", [item])
        coaches = {c.id: c for c in intervision.active_coaches(db_session, item.organisation_id)}
        rows = sorted([a for a in item.attendance if a.coach_id is not None],
                      key=lambda a: (a.coach.last_name, a.coach.first_name))
        for a in rows:
            coaches.pop(a.coach_id, None)
        guests = [a for a in item.attendance if a.coach_id is None]
        return self.render_template(
            "coaches/intervision_session.html", title=str(item), item=item, rows=rows,
            others=list(coaches.values()), guests=guests,
            can_write=self.appbuilder.sm.has_access("can_write", "IntervisionSession"))

    @expose("/aanwezigheid/<int:pk>", methods=["POST"])
    @has_access
    def attendance(self, pk):
        form = request.form
        guests = list(zip(form.getlist("guest_name"), form.getlist("guest_organisation")))
        present = [int(i) for i in form.getlist("present") if i.isdigit()]
        return self._step(pk, lambda session, item, by: intervision.record_attendance(
            session, item, present, guests, by=by), "Aanwezigheid vastgelegd.")

    @expose("/houden/<int:pk>", methods=["POST"])
    @has_access
    def hold(self, pk):
        def step(session, item, by):
            on = _date(request.form.get("held_on"), "held_on", "Datum")
            intervision.hold(session, item, request.form.get("notes"), by=by, on=on)
        return self._step(pk, step, "De bijeenkomst is vastgelegd als gehouden.")

    @expose("/afgelasten/<int:pk>", methods=["POST"])
    @has_access
    def cancel(self, pk):
        def step(session, item, by):
            if request.form.get("confirm") != "1":
                raise FieldError("confirm", "Vink aan dat u de bijeenkomst wilt afgelasten")
            intervision.cancel(session, item, by=by, reason=request.form.get("reason"))
        return self._step(pk, step, "De bijeenkomst is afgelast.")

    @expose("/aanwezigheid-per-coach/")
    @has_access
    def per_coach(self):
        """Per coach: sessions held in a year, attended and missed."""
        session = self.datamodel.session
        try:
            org_id = self._organisation_id()
        except FieldError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("IntervisionSessionView.list"))
        year = request.args.get("jaar", type=int) or dt.date.today().year
        rows = intervision.attendance_per_coach(session, org_id, year)
        if rows:
            record_ids(session, "list", "Coach", [r["coach_id"] for r in rows])
        return self.render_template("coaches/intervision_per_coach.html", rows=rows, year=year,
                                    title="Aanwezigheid per coach")
