"""`make bench`: every benchmark of Hulpregie, one table of figures, goals and ratios.

The data generator (bench/generate.py) fills the bench database once (100,000 holders twice,
100,000 volunteers, 1,000,000 cards, 100,000 control room holders, 500 wallet cards, times
``BENCH_SCALE``); later runs reuse it. Then each bench (one module each) measures its figure
and a baseline in the same run: the holder list page and search (bench/list_page.py,
bench/search.py), matching, the wallet card PDF, the access export, the control room export,
the evaluation scan, and API throughput under gunicorn on PostgreSQL against a bare
Flask-AppBuilder app (bench/load.py). The table is printed and written as JSON to
``bench/results/<UTC timestamp>.json``. Goals are reported, never enforced: the exit code is
1 only when a bench could not run.

Usage: ``python -m bench.run [--only a,b] [--skip a,b] [--fresh]``; the database is the SQLite
file ``/tmp/hulpregie-bench.db`` unless ``BENCH_DATABASE_URL`` names another (e.g. a
PostgreSQL database made for the bench). The bench uses its own fixed keys: never point it at
a real installation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field

from bench import common, generate

BENCHES = ("list_page", "search", "matching", "pdf", "access_export", "control_room",
           "evaluations", "load")
RESULTS = common.ROOT / "bench" / "results"


@dataclass
class Context:
    url: str
    size: dict
    orgs: dict = field(default_factory=dict)
    requests: int = 200  # list pages per variant
    lookups: int = 300  # index searches
    scans: int = 5  # decrypt-and-scan searches
    access_exports: int = 5
    repeats_eval: int = 7
    load_seconds: float = 20.0


def write_json(results: list[common.Result], ctx: Context, errors: dict, started: float) -> str:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT,
                            capture_output=True, text=True).stdout.strip() or None
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps({
        "at": stamp, "commit": commit, "database": ctx.url.split(":", 1)[0],
        "scale": common.scale(), "sizes": ctx.size, "cpus": os.cpu_count(),
        "python": platform.python_version(), "seconds": round(time.time() - started),
        "results": [r.as_dict() for r in results], "errors": errors,
    }, indent=2, ensure_ascii=False) + "\n")
    return str(path.relative_to(common.ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(BENCHES)}")
    parser.add_argument("--skip", default="", help="comma-separated benches to leave out")
    parser.add_argument("--fresh", action="store_true", help="generate the data again")
    parser.add_argument("--requests", type=int, default=200, help="list pages per variant")
    parser.add_argument("--lookups", type=int, default=300, help="index searches")
    args = parser.parse_args(argv)
    chosen = [b for b in (args.only.split(",") if args.only else BENCHES)
              if b and b not in args.skip.split(",")]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"onbekende bench: {', '.join(sorted(unknown))}")

    started = time.time()
    url = common.configure_environment()
    ctx = Context(url=url, size=generate.sizes(), requests=args.requests, lookups=args.lookups,
                  load_seconds=float(os.environ.get("BENCH_LOAD_SECONDS", "20")))
    print(f"Bench-gegevens ({url}, BENCH_SCALE={common.scale():g}): "
          + ", ".join(f"{k} {v:,}" for k, v in ctx.size.items()))
    generate.ensure(url, ctx.size, args.fresh)
    app = common.make_app(url)
    ctx.orgs = generate.org_ids(app)

    import importlib

    results, errors = [], {}
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        try:
            results += importlib.import_module(f"bench.{name}").run(app, ctx)
        except (Exception, SystemExit) as exc:  # the others still run
            traceback.print_exc()
            errors[name] = str(exc) or type(exc).__name__
    print("\n" + common.table(results))
    for name, message in errors.items():
        print(f"FOUT in {name}: {message}")
    print(f"\nGeschreven: {write_json(results, ctx, errors, started)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
