"""`make bench`, the daily scan for due card evaluations at 1,000,000 cards.

The scheduler's evaluation job starts with one query: active cards (issued, or evaluated
before) whose evaluation falls within the invitation window (``workflows.cards.evaluations.
due_cards``); the job moves each card it finds to ``evaluation_due``. The generator
(bench/generate.py) fills N cards (default 1,000,000) as a running installation has them --
active cards due in the coming year, a few due today, cards under evaluation and ended cards --
and this bench times the job's query (fetching the due cards) against a bare indexed count of
the same range, interleaved in the same run. Goal (issue 5): ≤ 1 s and ≤ 2× the bare count.

Usage: ``python -m bench.evaluations [--repeats N]`` (the bench database and ``BENCH_SCALE``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from bench.generate import TODAY

GOALS = {"scan_s": 1.0, "ratio": 2.0}


def measure(app, repeats: int) -> dict:
    import sqlalchemy as sa

    from app.cards.models import HelpCard
    from app.extensions import db
    from workflows.cards.evaluations import ACTIVE, due_cards

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


def run(app, ctx) -> list:
    from bench.common import Result

    result = measure(app, ctx.repeats_eval)
    med = result["median"]
    print(f"Evaluatiescan bij {ctx.size['cards']:,} kaarten: {result['counts']['loaded']:,} "
          f"vandaag aan de beurt; laden {med['orm'] * 1000:.1f} ms, query {med['scan'] * 1000:.1f}"
          f" ms, kale telling {med['bare'] * 1000:.1f} ms")
    return [
        Result("evaluaties", f"herinneringsscan, {ctx.size['cards']:,} kaarten (laden)",
               med["orm"] * 1000, "ms", most=GOALS["scan_s"] * 1000),
        Result("evaluaties", "query van de taak, geteld in SQL", med["scan"] * 1000, "ms",
               baseline="kale geïndexeerde telling", base_value=med["bare"] * 1000,
               ratio_most=GOALS["ratio"]),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    from bench import common, generate

    url = common.configure_environment()
    generate.ensure(url)
    app = common.make_app(url)
    result = measure(app, args.repeats)
    print({k: f"{v * 1000:.1f} ms" for k, v in result["median"].items()}, result["counts"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
