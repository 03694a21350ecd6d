"""`make bench`, part 2: the daily scan for due card evaluations at 1,000,000 cards.

The scheduler's evaluation job starts with one query: active cards (issued, or evaluated
before) whose evaluation falls within the invitation window (``workflows.evaluations.
due_cards``); the job moves each card it finds to ``evaluation_due``. This bench fills N cards
(default 1,000,000) as a running installation has them -- active cards due in the coming year,
a few due today, cards under evaluation and ended cards -- and times the job's query (fetching
the due cards) against a bare indexed count of the same range, interleaved in the same run.
Goal (issue 5): ≤ 1 s and ≤ 2× the bare count.

Usage: ``python bench/evaluations.py [--cards N] [--repeats N] [--fresh]``. SQLite file
``/tmp/hulpregie-bench-eval.db`` unless ``BENCH_EVAL_DATABASE_URL`` names another database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import configure_environment  # noqa: E402  (the bench's fixed keys and settings)

DEFAULT_URL = "sqlite:////tmp/hulpregie-bench-eval.db"
TODAY = dt.date(2027, 6, 1)
GOALS = {"scan_s": 1.0, "ratio": 2.0}


def prepare(app, n: int, fresh: bool) -> None:
    import flask_migrate
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        flask_migrate.upgrade()
        engine = db.engine
        with engine.begin() as conn:
            have = conn.scalar(sa.text("SELECT count(*) FROM help_card"))
            if have == n and not fresh:
                return
            conn.execute(sa.text("UPDATE help_card SET issued_version_id = NULL, status = 'ended'"))
            for table in ("evaluation", "help_card_version", "help_card", "holder",
                          "organisation"):
                conn.execute(sa.text(f"DELETE FROM {table}"))
            now = dt.datetime(2027, 1, 1)
            conn.execute(sa.text(
                "INSERT INTO organisation (id, name, kind, active, created_at, updated_at) "
                "VALUES (1, 'Bench kaarten', 'both', :t, :now, :now)"), {"t": True, "now": now})
            holders = [{"id": i + 1, "ref": f"B-{i + 1}", "now": now} for i in range(1000)]
            conn.execute(sa.text(
                "INSERT INTO holder (id, organisation_id, reference, first_name, last_name, "
                "status, created_at, updated_at) VALUES (:id, 1, :ref, 'x', 'x', 'active', "
                ":now, :now)"), holders)
        statuses = ["issued"] * 6 + ["evaluated"] * 2 + ["evaluation_due", "ended"]
        batch, cards, tasks = 50_000, [], []
        with engine.begin() as conn:
            for i in range(n):
                status = statuses[i % len(statuses)]
                spread = (i * 7919) % 365
                # Earlier runs took what entered the window before today: active cards are due
                # from the window's last day on (1 in 365 of them enters it today).
                due = {"issued": TODAY + dt.timedelta(weeks=4, days=spread),
                       "evaluated": TODAY + dt.timedelta(weeks=4, days=spread),
                       "evaluation_due": TODAY + dt.timedelta(days=spread % 60 - 30),
                       "ended": TODAY - dt.timedelta(days=spread + 30)}[status]
                cards.append({"id": i + 1, "holder": i % 1000 + 1, "due": due, "now": now})
                if status == "evaluation_due":  # earlier runs made its task
                    tasks.append({"card": i + 1, "due": due, "now": now})
                if len(cards) >= batch or i == n - 1:
                    conn.execute(sa.text(
                        "INSERT INTO help_card (id, organisation_id, holder_id, status, "
                        "making_choice, requested_on, issued_on, next_evaluation_on, "
                        "created_at, updated_at) VALUES (:id, 1, :holder, 'approved', "
                        "'with_coach', '2025-01-01', '2025-02-01', :due, :now, :now)"), cards)
                    conn.execute(sa.text(
                        "INSERT INTO help_card_version (id, organisation_id, card_id, version_no, "
                        "created_at, updated_at) VALUES (:id, 1, :id, 1, :now, :now)"), cards)
                    if tasks:
                        conn.execute(sa.text(
                            "INSERT INTO evaluation (organisation_id, card_id, due_on, "
                            "created_at, updated_at) VALUES (1, :card, :due, :now, :now)"), tasks)
                    cards, tasks = [], []
            # Issued cards point at their version (made after both rows exist, as in the app).
            case = " ".join(f"WHEN {k} THEN '{st}'" for k, st in enumerate(statuses))
            conn.execute(sa.text(
                f"UPDATE help_card SET issued_version_id = id, "
                f"status = CASE (id - 1) % {len(statuses)} {case} END"))
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("ANALYZE help_card; ANALYZE evaluation"))
            else:
                conn.execute(sa.text("ANALYZE"))


def measure(app, repeats: int) -> dict:
    import sqlalchemy as sa

    from app.cards.models import HelpCard
    from app.extensions import db
    from workflows.evaluations import ACTIVE, due_cards

    # Yesterday's run took everything up to yesterday's window; today one more day is due.
    until = TODAY + dt.timedelta(weeks=4)
    # The job's query, counted in SQL: its plan against the bare count of the same range.
    scan = sa.select(sa.func.count()).select_from(due_cards(until).subquery())
    bare = sa.select(sa.func.count()).select_from(HelpCard).where(
        HelpCard.status.in_(ACTIVE), HelpCard.next_evaluation_on <= until)
    times = {"scan": [], "bare": [], "orm": []}
    counts = {}
    with app.app_context():
        for _ in range(repeats):
            for name, query in (("scan", scan), ("bare", bare)):
                started = time.perf_counter()
                counts[name] = db.session.execute(query).scalar()
                times[name].append(time.perf_counter() - started)
                db.session.rollback()
            started = time.perf_counter()
            counts["loaded"] = len(db.session.scalars(due_cards(until)).all())  # as the job does
            times["orm"].append(time.perf_counter() - started)
            db.session.rollback()
    return {"counts": counts, "median": {k: statistics.median(v) for k, v in times.items()},
            "max": {k: max(v) for k, v in times.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    os.environ["BENCH_DATABASE_URL"] = os.environ.get("BENCH_EVAL_DATABASE_URL", DEFAULT_URL)
    url = configure_environment()
    import logging
    import warnings

    from app import create_app

    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    print(f"Voorbereiden: {args.cards:,} kaarten ({url})…")
    prepare(app, args.cards, args.fresh)
    result = measure(app, args.repeats)
    scan, bare = result["median"]["scan"], result["median"]["bare"]
    ratio = scan / bare if bare else float("inf")
    ok = lambda good: "gehaald" if good else "NIET gehaald"  # noqa: E731
    load = result["median"]["orm"]
    print(f"\nScan op te plannen evaluaties bij {args.cards:,} kaarten "
          f"({result['counts']['loaded']:,} vandaag aan de beurt; mediaan van {args.repeats})")
    print(f"  de scan en de kaarten laden zoals de taak: {load * 1000:8.1f} ms   "
          f"doel ≤ {GOALS['scan_s'] * 1000:.0f} ms: {ok(load <= GOALS['scan_s'])}")
    print(f"  de query van de taak, geteld in SQL:        {scan * 1000:8.1f} ms")
    print(f"  kale geïndexeerde telling (basislijn):      {bare * 1000:8.1f} ms")
    print(f"  verhouding query / telling:                 {ratio:8.2f}×    "
          f"doel ≤ {GOALS['ratio']:.0f}×: {ok(ratio <= GOALS['ratio'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
