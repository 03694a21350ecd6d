"""The household-help assessment (workflows/household.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from app.core.validation import FieldError
from app.household.models import (
    AssessmentStatus,
    HouseholdAdvice,
    HouseholdNorm,
    HouseholdSurcharge,
)
from app.organisations.models import Organisation
from security.audit import Actor, AuditEvent
from tests.support import factories
from tests.support.fixtures import org_id
from workflows import household as hh
from app.core.errors import TransitionError

_seq = itertools.count(1)
TODAY = dt.date(2026, 3, 2)
REASON = "Besproken met de cliënt"


@pytest.fixture
def by(app):
    user = app.appbuilder.sm.find_user(username="helpdesk_a")
    return Actor(user.id, user.username, org_id("a"), "Helpdesk")


def new_org(db) -> Organisation:
    org = Organisation(name=f"Huishoudtest {next(_seq)} {id(db)}", pc4="3511")
    db.session.add(org)
    db.session.commit()
    return org


def norm(db, organisation_id, minutes, times, activity=None, active=True) -> HouseholdNorm:
    item = HouseholdNorm(organisation_id=organisation_id, minutes=minutes,
                         times_per_week=Decimal(str(times)), active=active,
                         activity=activity or f"Taak {next(_seq)}")
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def tasks(db):
    """Three norms in organisation A: 60 x 1, 30 x 2, 45 x 1.5 (hours: 1, 1, 1.125)."""
    org = org_id("a")
    return [norm(db, org, 60, 1), norm(db, org, 30, 2), norm(db, org, 45, "1.5")]


def begin(db, by):
    holder = factories.holder("a")
    assessment = hh.start(db.session, holder=holder, by=by, today=TODAY)
    db.session.commit()
    return assessment


def walk(db, by, assessment, answers):
    """Answer (step, value) pairs in order, each with a reason."""
    result = None
    for step, value in answers:
        result = hh.answer(db.session, assessment, step, value, f"{REASON} ({step})", by=by)
    db.session.commit()
    return result


def head(ids):
    """The answers up to and with the task choice."""
    return [("dysfunction", "yes"), ("residence", "independent"), ("guidance", "household"),
            ("tasks", ids)]


def full(ids, *, housemates="none", provisions="no", instruction="no", rehabilitation="no",
         dust="no", surcharges=(), extra=()):
    answers = head(ids) + [("housemates", housemates)]
    answers += [a for a in extra if a[0] == "housemate_tasks"]
    answers.append(("provisions", provisions))
    answers += [a for a in extra if a[0] == "provision_tasks"]
    answers += [("instruction", instruction), ("rehabilitation", rehabilitation),
                ("dust_mite", dust)]
    answers += [a for a in extra if a[0] == "dust_hours"]
    answers.append(("surcharges", list(surcharges)))
    return answers


# -- the decision frame, branch by branch ---------------------------------------------------------

BRANCHES = [
    # (name, answers (ids = the tasks fixture's ids by index), outcome, stopped at / temporary)
    ("no threat of dysfunction", [("dysfunction", "no")], "none", "dysfunction"),
    ("holiday home, hotel or rented room", [("dysfunction", "yes"), ("residence", "holiday")],
     "none", "residence"),
    ("guidance, not household help", [("dysfunction", "yes"), ("residence", "independent"),
                                      ("guidance", "guidance")], "none", "guidance"),
    ("client does every task himself", head([]), "none", "tasks"),
    ("able housemate does all the tasks",
     head([0, 1]) + [("housemates", "able"), ("housemate_tasks", [0, 1])], "none",
     "housemate_tasks"),
    ("provisions solve all the tasks",
     head([0]) + [("housemates", "none"), ("provisions", "yes"), ("provision_tasks", [0])],
     "none", "provision_tasks"),
    ("plain indication", full([0, 1]), "indication", []),
    ("housemate away for work 7 days or more", full([0], housemates="away"), "indication", []),
    ("overloaded housemate", full([0], housemates="overloaded"), "temporary", ["housemates"]),
    ("instruction", full([0], instruction="yes"), "temporary", ["instruction"]),
    ("rehabilitation", full([0], rehabilitation="yes"), "temporary", ["rehabilitation"]),
    ("dust mite not remediated", full([0], dust="not_remediated"), "indication", []),
]


@pytest.mark.parametrize("name,answers,outcome,detail", BRANCHES, ids=[b[0] for b in BRANCHES])
def test_every_branch_of_the_frame_records_its_reasons(db, by, tasks, name, answers, outcome, detail):
    ids = [t.id for t in tasks]
    answers = [(s, [ids[i] for i in v] if isinstance(v, list) and s != "surcharges" else v)
               for s, v in answers]
    assessment = begin(db, by)
    result = walk(db, by, assessment, answers)
    assert result.current is None and result.outcome == (hh.NONE if outcome == "none" else hh.DONE)
    if outcome == "none":
        assert result.stopped_at == detail
    else:
        assert result.temporary == detail
    stored = hh.entries(assessment)
    assert [e["step"] for e in stored] == [s for s, _ in answers]
    assert all(e["reason"] == f"{REASON} ({e['step']})" for e in stored)
    until = TODAY + dt.timedelta(days=90) if outcome == "temporary" else None
    hh.complete(db.session, assessment, by=by, temporary_until=until, today=TODAY)
    db.session.commit()
    assert assessment.status is AssessmentStatus.completed
    assert assessment.advice is HouseholdAdvice[outcome]
    assert assessment.completed_on == TODAY
    reasons = hh.reasons(assessment)
    for step, _ in answers:  # every step is in the advice, with its reason
        assert any(f"{REASON} ({step})" in line for line in reasons), step
    if outcome == "none":
        assert assessment.hours_per_week is None and assessment.temporary_until is None
    else:
        assert assessment.hours_per_week > 0
        assert assessment.temporary_until == until
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(
        resource="HouseholdAssessment", record_id=str(assessment.id))]
    assert {"start", "answer", "complete"} <= set(actions)


def test_shared_living_counts_a_share_of_the_norm_time(db, by, tasks):
    assessment = begin(db, by)
    answers = [("dysfunction", "yes"), ("residence", "shared"), ("shared_part", "50")]
    answers += full([tasks[0].id, tasks[1].id])[2:]
    walk(db, by, assessment, answers)
    hh.complete(db.session, assessment, by=by, today=TODAY)
    # (60 x 1 + 30 x 2) minutes = 2 hours; half of it in shared living
    assert assessment.hours_per_week == Decimal("1.00")
    assert any("50%" in line for line in hh.reasons(assessment))


# -- hours --------------------------------------------------------------------------------------------

def test_hours_against_hand_computed_values(db, by, tasks):
    low = HouseholdSurcharge(organisation_id=org_id("a"), name=f"Grote woning {next(_seq)}", percent=10)
    high = HouseholdSurcharge(organisation_id=org_id("a"), name=f"Huisdieren {next(_seq)}", percent=15)
    db.session.add_all([low, high])
    db.session.commit()
    ids = [t.id for t in tasks]
    assessment = begin(db, by)
    answers = full(ids, housemates="able", dust="remediated",
                   extra=[("housemate_tasks", [ids[1]]), ("dust_hours", "1,5")],
                   surcharges=[{"id": low.id, "reason": "Vijf kamers"},
                               {"id": high.id, "reason": "Twee honden"}])
    walk(db, by, assessment, answers)
    hh.complete(db.session, assessment, by=by, today=TODAY)
    db.session.commit()
    # left: 60 x 1 + 45 x 1.5 = 127.5 minutes = 2.125 h; +25% = 2.65625 h; +1.5 h = 4.15625
    assert assessment.advice is HouseholdAdvice.indication
    assert assessment.hours_per_week == Decimal("4.16")
    reasons = "\n".join(hh.reasons(assessment))
    assert "Vijf kamers" in reasons and "Twee honden" in reasons
    assert "127,5 minuten" in reasons and "Totaal: 4,16 uur per week" in reasons


def test_compute_hours_alone():
    walk_ = hh.Walk(tasks=[{"id": 1, "activity": "Stofzuigen", "minutes": 40, "times_per_week": "2"},
                           {"id": 2, "activity": "Bed verschonen", "minutes": 20, "times_per_week": "0.5"}],
                    remaining=[1, 2], share=100)
    assert hh.compute_hours(walk_)[0] == Decimal("1.50")  # 80 + 10 minutes
    walk_.surcharges = [{"percent": 20}]
    walk_.extra_hours = Decimal(2)
    assert hh.compute_hours(walk_)[0] == Decimal("3.80")  # 1.5 x 1.2 + 2


def test_a_surcharge_needs_its_own_reason(db, by, tasks):
    extra = HouseholdSurcharge(organisation_id=org_id("a"), name=f"Trap {next(_seq)}", percent=5)
    db.session.add(extra)
    db.session.commit()
    assessment = begin(db, by)
    walk(db, by, assessment, full([tasks[0].id])[:-1])
    with pytest.raises(FieldError, match="schriftelijke reden"):
        hh.answer(db.session, assessment, "surcharges", [{"id": extra.id, "reason": " "}],
                  "Toeslag nodig", by=by)
    db.session.rollback()
    assert hh.replay(hh.entries(assessment)).current == "surcharges"


def test_dust_mite_extra_is_at_most_two_hours(db, by, tasks):
    assessment = begin(db, by)
    answers = full([tasks[0].id], dust="remediated")
    walk(db, by, assessment, answers[:answers.index(("dust_mite", "remediated")) + 1])
    with pytest.raises(FieldError, match="ten hoogste 2"):
        hh.answer(db.session, assessment, "dust_hours", "2,5", "Advies longarts", by=by)
    db.session.rollback()


# -- reasons, order, back, complete, reopen ----------------------------------------------------------

def test_an_answer_without_a_reason_is_refused(db, by):
    assessment = begin(db, by)
    for reason in ("", "   ", None):
        with pytest.raises(FieldError, match="Reden is verplicht bij 'Dreigende ontregeling'"):
            hh.answer(db.session, assessment, "dysfunction", "yes", reason, by=by)
    db.session.rollback()
    assert hh.entries(assessment) == []


def test_answers_follow_the_frame(db, by):
    assessment = begin(db, by)
    with pytest.raises(TransitionError, match="niet aan de beurt"):
        hh.answer(db.session, assessment, "residence", "independent", REASON, by=by)
    with pytest.raises(FieldError, match="een van de antwoorden"):
        hh.answer(db.session, assessment, "dysfunction", "misschien", REASON, by=by)
    db.session.rollback()


def test_back_drops_the_later_answers(db, by, tasks):
    assessment = begin(db, by)
    walk(db, by, assessment, full([tasks[0].id])[:6])  # up to provisions
    result = hh.back(db.session, assessment, "guidance", by=by)
    db.session.commit()
    assert result.current == "guidance"
    assert [e["step"] for e in hh.entries(assessment)] == ["dysfunction", "residence"]
    walk(db, by, assessment, [("guidance", "guidance")])
    assert hh.replay(hh.entries(assessment)).outcome == hh.NONE
    with pytest.raises(TransitionError, match="nog niet beantwoord"):
        hh.back(db.session, assessment, "tasks", by=by)
    db.session.rollback()


def test_complete_needs_an_outcome_and_a_valid_end_date(db, by, tasks):
    assessment = begin(db, by)
    walk(db, by, assessment, [("dysfunction", "yes")])
    with pytest.raises(TransitionError, match="Nog niet alle vragen"):
        hh.complete(db.session, assessment, by=by, today=TODAY)
    walk(db, by, assessment, full([tasks[0].id], instruction="yes")[1:])
    with pytest.raises(FieldError, match="Einddatum is verplicht"):
        hh.complete(db.session, assessment, by=by, today=TODAY)
    with pytest.raises(FieldError, match="ten hoogste 6 maanden"):
        hh.complete(db.session, assessment, by=by, today=TODAY,
                    temporary_until=dt.date(2026, 9, 3))
    hh.complete(db.session, assessment, by=by, today=TODAY, temporary_until=dt.date(2026, 9, 2))
    db.session.commit()
    assert assessment.advice is HouseholdAdvice.temporary
    with pytest.raises(TransitionError, match="afgerond"):
        hh.answer(db.session, assessment, "dysfunction", "no", REASON, by=by)
    hh.reopen(db.session, assessment, by=by)
    db.session.commit()
    assert assessment.status is AssessmentStatus.in_progress and assessment.advice is None
    assert len(hh.entries(assessment)) == len(full([0]))


def test_start_needs_one_client_and_no_running_assessment(db, by):
    with pytest.raises(FieldError, match="één van beide"):
        hh.start(db.session, by=by)
    assessment = begin(db, by)
    with pytest.raises(TransitionError, match="loopt al een beoordeling"):
        hh.start(db.session, holder=assessment.holder, by=by)
    db.session.rollback()


def test_no_active_norm_no_task_step(db, by):
    org = new_org(db)
    holder = factories.holder("a")
    holder.organisation_id = org.id
    db.session.commit()
    norm(db, org.id, 30, 1, active=False)
    assessment = hh.start(db.session, holder=holder, by=by, today=TODAY)
    walk(db, by, assessment, head([])[:3])
    with pytest.raises(TransitionError, match="geen actieve norm"):
        hh.answer(db.session, assessment, "tasks", [], REASON, by=by)
    db.session.rollback()


# -- the norm table -------------------------------------------------------------------------------------

def test_validate_norms_lists_every_problem(db):
    org = new_org(db)
    assert "geen actieve norm" in " ".join(hh.validate_norms(db.session, org.id))
    norm(db, org.id, 30, 1, activity="Stofzuigen")
    norm(db, org.id, 20, 1, activity="stofzuigen ")  # the same, other spelling
    problems = hh.validate_norms(db.session, org.id)
    assert len(problems) == 1 and "meer dan eens" in problems[0]


def test_model_refuses_bad_norms_and_surcharges(db):
    with pytest.raises(FieldError, match="Minuten"):
        HouseholdNorm(activity="Ramen", minutes=0, times_per_week=1)
    with pytest.raises(FieldError, match="Keer per week"):
        HouseholdNorm(activity="Ramen", minutes=10, times_per_week=0)
    with pytest.raises(FieldError, match="Activiteit is verplicht"):
        HouseholdNorm(activity=" ", minutes=10, times_per_week=1)
    with pytest.raises(FieldError, match="tussen 1 en 100"):
        HouseholdSurcharge(name="Groot huis", percent=101)
    with pytest.raises(FieldError, match="tussen 1 en 100"):
        HouseholdSurcharge(name="Groot huis", percent=0)


def test_csv_load_writes_nothing_when_one_row_is_bad(db):
    org = new_org(db)
    text = ("activiteit;minuten;keer per week\n"
            "Stofzuigen;40;2\n"
            "Ramen;-5;1\n"
            "Bed verschonen;20;0,5\n"
            "Stofzuigen;30;1\n"
            "Koken;20\n")
    added, updated, errors = hh.load_norms(db.session, org.id, text)
    db.session.commit()
    assert (added, updated) == (0, 0)
    assert [e.split(":")[0] for e in errors] == ["Regel 3", "Regel 5", "Regel 6"]
    assert "Minuten" in errors[0] and "regel 2" in errors[1]
    assert db.session.query(HouseholdNorm).filter_by(organisation_id=org.id).count() == 0


def test_csv_load_adds_and_updates(db):
    org = new_org(db)
    norm(db, org.id, 10, 1, activity="Ramen", active=False)
    added, updated, errors = hh.load_norms(
        db.session, org.id, "Stofzuigen;40;2\nRamen;30;0,25\n")
    db.session.commit()
    assert (added, updated, errors) == (1, 1, [])
    ramen = db.session.query(HouseholdNorm).filter_by(organisation_id=org.id, activity="Ramen").one()
    assert (ramen.minutes, ramen.times_per_week, ramen.active) == (30, Decimal("0.25"), True)
    assert hh.validate_norms(db.session, org.id) == []


def test_cli_load(app, db, tmp_path):
    org = new_org(db)
    good, bad = tmp_path / "goed.csv", tmp_path / "fout.csv"
    good.write_text("activity;minutes;times_per_week\nStofzuigen;40;2\n", encoding="utf-8")
    bad.write_text("Ramen;0;1\nKoken;x;1\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["household", "norms", "load", str(bad), "--organisation", org.name])
    assert result.exit_code != 0 and "Regel 1" in result.output and "Regel 2" in result.output
    result = runner.invoke(args=["household", "norms", "load", str(good), "--organisation", org.name])
    assert result.exit_code == 0, result.output
    assert "1 toegevoegd" in result.output
    db.session.expire_all()
    assert db.session.query(HouseholdNorm).filter_by(organisation_id=org.id).count() == 1


# -- erasure and access -------------------------------------------------------------------------------

def _completed(db, by, tasks, **client):
    assessment = hh.start(db.session, by=by, today=TODAY, **client)
    walk(db, by, assessment, full([tasks[0].id]))
    hh.complete(db.session, assessment, by=by, today=TODAY)
    db.session.commit()
    return assessment.id


def test_erasure_deletes_the_assessments_and_the_export_lists_them(app, db, by, tasks):
    from app.household.models import HouseholdAssessment
    from workflows import helpdesk
    from workflows.privacy import access_export
    from workflows.privacy.erasure import erase_subject

    officer = app.appbuilder.sm.find_user(username="privacyofficer_a")
    po = Actor(officer.id, officer.username, org_id("a"), "PrivacyOfficer")
    holder = factories.holder("a")
    holder_assessment = _completed(db, by, tasks, holder=holder)
    req = helpdesk.receive(db.session, organisation=org_id("a"), channel="phone", by=by, data={
        "requester_name": "Huishouden Vrager", "requester_phone": "0655507890",
        "description": "Hulp bij het huishouden", "pc4": "3511"})
    db.session.commit()
    request_assessment = _completed(db, by, tasks, help_request=req)

    for subject, own in ((holder, holder_assessment), (req, request_assessment)):
        exported = access_export.collect(db.session, subject)["huishouden"]
        assert [a["id"] for a in exported] == [own]
        assert "Besproken met de cliënt" in exported[0]["steps"]

    for subject, own in ((holder, holder_assessment), (req, request_assessment)):
        journal = erase_subject(db.session, subject, by=po, reason="retention")
        db.session.commit()
        assert journal.counts["household_assessments"] == 1
        assert db.session.get(HouseholdAssessment, own) is None


# -- the pages (wizard, advice, PDF) -----------------------------------------------------------------------

def _text_of_pdf(data: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "advies.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pages_walk_to_an_advice_and_its_pdf(app, db, by, tasks, tmp_path):
    from tests.conftest import login
    from workflows import helpdesk

    req = helpdesk.receive(db.session, organisation=org_id("a"), channel="phone", by=by, data={
        "requester_name": "Paula Pagina", "requester_phone": "0655501234",
        "description": "Huishouden lukt niet meer", "pc4": "3511"})
    db.session.commit()
    client = login(app.test_client(), "helpdesk_a")
    resp = client.post("/householdassessmentview/start/", data={"help_request_id": req.id})
    assert resp.status_code == 302 and "/walk/" in resp.headers["Location"]
    pk = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client.get(f"/householdassessmentview/walk/{pk}").get_data(as_text=True)
    assert "Paula Pagina" in page and "Dreigende ontregeling" in page and "advies" in page
    url = f"/householdassessmentview/answer/{pk}"
    resp = client.post(url, data={"step": "dysfunction", "answer": "yes", "reason": ""},
                       follow_redirects=True)
    assert "Reden is verplicht bij" in resp.get_data(as_text=True)
    for step, answer in (("dysfunction", "yes"), ("residence", "independent"),
                         ("guidance", "household")):
        client.post(url, data={"step": step, "answer": answer, "reason": f"Reden {step}"})
    page = client.get(f"/householdassessmentview/walk/{pk}").get_data(as_text=True)
    assert tasks[0].activity in page
    client.post(url, data={"step": "tasks", "task": [str(tasks[0].id), str(tasks[1].id)],
                           "reason": "Kan niet bukken"})
    for step, answer in (("housemates", "none"), ("provisions", "no"), ("instruction", "no"),
                         ("rehabilitation", "no"), ("dust_mite", "no")):
        client.post(url, data={"step": step, "answer": answer, "reason": f"Reden {step}"})
    client.post(url, data={"step": "surcharges", "reason": "Geen bijzonderheden"})
    resp = client.post(f"/householdassessmentview/complete/{pk}", data={"confirm": "1"})
    assert resp.status_code == 302 and "/advice/" in resp.headers["Location"]
    page = client.get(f"/householdassessmentview/advice/{pk}").get_data(as_text=True)
    assert "Indicatie" in page and "2 uur per week" in page and "Kan niet bukken" in page
    assert "Het besluit" in page
    resp = client.get(f"/householdassessmentview/pdf/{pk}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(_text_of_pdf(resp.data, tmp_path).split())
    assert "ADVIES hulp bij het huishouden" in text and "geen besluit" in text
    assert "Kan niet bukken" in text and "2 uur per week" in text
    assert db.session.query(AuditEvent).filter_by(
        resource="HouseholdAssessment", record_id=str(pk), action="print").count() == 1

    # Back from the advice: reopen, change an earlier answer, the later ones go.
    client.post(f"/householdassessmentview/reopen/{pk}")
    client.post(f"/householdassessmentview/back/{pk}", data={"step": "housemates"})
    db.session.expire_all()
    from app.household.models import HouseholdAssessment

    item = db.session.get(HouseholdAssessment, pk)
    assert item.status is AssessmentStatus.in_progress
    assert [e["step"] for e in hh.entries(item)][-1] == "tasks"


def test_a_coach_sees_only_his_own_holders_assessments(app, db, by, tasks):
    from tests.conftest import login

    own = factories.holder("a", coach_login="coach_a")
    other = factories.holder("a", coach_login="coach2_a")
    mine = hh.start(db.session, holder=own, by=by)
    theirs = hh.start(db.session, holder=other, by=by)
    db.session.commit()
    client = login(app.test_client(), "coach_a")
    assert client.get(f"/householdassessmentview/walk/{mine.id}").status_code == 200
    assert client.get(f"/householdassessmentview/walk/{theirs.id}").status_code == 404
    resp = client.post(f"/householdassessmentview/answer/{theirs.id}",
                       data={"step": "dysfunction", "answer": "no", "reason": "Niet van mij"})
    assert resp.status_code == 404


def test_a_project_leader_reads_but_does_not_answer(app, db, by):
    from tests.conftest import login

    assessment = hh.start(db.session, holder=factories.holder("a"), by=by)
    db.session.commit()
    leader = login(app.test_client(), "projectleader_a")  # one login per test (pytest-flask g)
    page = leader.get(f"/householdassessmentview/walk/{assessment.id}").get_data(as_text=True)
    assert "step-form" not in page
    resp = leader.post(f"/householdassessmentview/answer/{assessment.id}",
                       data={"step": "dysfunction", "answer": "no", "reason": "Mag niet"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"] or resp.status_code == 403


def test_another_organisation_sees_nothing(app, db, by):
    from tests.conftest import login

    assessment = hh.start(db.session, holder=factories.holder("a"), by=by)
    db.session.commit()
    other = login(app.test_client(), "helpdesk_b")
    assert other.get(f"/householdassessmentview/walk/{assessment.id}").status_code == 404


def test_the_api_reads_but_never_writes_an_assessment(app, db, by):
    from tests.conftest import api_headers

    assessment = hh.start(db.session, holder=factories.holder("a"), by=by)
    hh.answer(db.session, assessment, "dysfunction", "no", "Huis is op orde", by=by)
    db.session.commit()
    client = app.test_client()
    headers = api_headers(client, "helpdesk_a")
    resp = client.get(f"/api/v1/household_assessment/{assessment.id}", headers=headers)
    assert resp.status_code == 200, resp.json
    assert "Huis is op orde" in resp.json["result"]["steps"]
    resp = client.put(f"/api/v1/household_assessment/{assessment.id}", headers=headers,
                      json={"advice": "indication"})
    assert resp.status_code in (401, 403)
    norms = client.get("/api/v1/household_norm/", headers=headers)
    assert norms.status_code == 200
    refused = client.post("/api/v1/household_norm/", headers=headers,
                          json={"activity": "Ramen", "minutes": 10, "times_per_week": 1})
    assert refused.status_code in (401, 403)  # Helpdesk reads the norm table only


def test_a_project_leader_keeps_the_norm_table(app, db):
    from tests.conftest import api_headers, login

    client = login(app.test_client(), "projectleader_a")
    headers = api_headers(client, "projectleader_a")
    name = f"Ramen zemen {next(_seq)}"
    bad = client.post("/api/v1/household_norm/", headers=headers,
                      json={"activity": name, "minutes": 0, "times_per_week": 1})
    assert bad.status_code == 400 and "minutes" in bad.json["message"]
    good = client.post("/api/v1/household_norm/", headers=headers,
                       json={"activity": name, "minutes": 30, "times_per_week": 0.5})
    assert good.status_code == 201, good.json
    twice = client.post("/api/v1/household_norm/", headers=headers,
                        json={"activity": name, "minutes": 20, "times_per_week": 1})
    assert twice.status_code == 400
    surcharge = client.post("/api/v1/household_surcharge/", headers=headers,
                            json={"name": f"Te groot {next(_seq)}", "percent": 150})
    assert surcharge.status_code == 400 and "percent" in surcharge.json["message"]
