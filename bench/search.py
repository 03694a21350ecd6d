"""Exact search on last name (encrypted) through the blind index.

Measured in one run: (a) the search on the holder list page through the Flask test client
(filter "Is gelijk aan" on last name), against the bare index query; (b) the bare index query
against decrypting and scanning every row of the organisation (same names, same results,
checked). Goals (issue 4): the index query p95 ≤ 10 ms and ≥ 100× faster than the scan.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from bench.common import Result, fake_people, login, median, p95, timed

GOALS = {"search_speedup": 100.0, "search_p95_ms": 10.0, "page_p95_ms": 50.0}


def measure(app, org_id: int, n: int, lookups: int, scans: int) -> dict:
    import sqlalchemy as sa

    from app.extensions import db
    from app.holders.models import Holder
    from security.crypto import normalise_for_index
    from security.search import exact_clause

    rng = random.Random(7)
    people = [p["last_name"] for p in fake_people(n, seed=org_id)]
    client = login(app, "bench_encrypted")
    times = {"page": [], "index": [], "scan": []}

    def by_index(name: str):
        with app.app_context():
            found = sorted(db.session.execute(sa.select(Holder.id).where(
                Holder.organisation_id == org_id,
                exact_clause(Holder, "last_name", name))).scalars())
            db.session.rollback()
        return found

    def by_scan(name: str):
        wanted = normalise_for_index(name)
        with app.app_context():
            rows = db.session.execute(sa.select(Holder.id, Holder.last_name).where(
                Holder.organisation_id == org_id))
            found = sorted(i for i, last in rows if normalise_for_index(last) == wanted)
            db.session.rollback()
        return found

    def by_page(name: str):
        resp = client.get(f"/holderview/list/?_flt_0_last_name={quote(name)}")
        if resp.status_code != 200 or "/holderview/show/" not in resp.text:
            raise SystemExit(f"bench: zoeken op '{name}' op de lijstpagina gaf niets "
                             f"({resp.status_code})")

    for i in range(lookups + 5):  # the first five warm up
        name = rng.choice(people).upper()
        result = []
        ms_index = timed(lambda: result.append(by_index(name)))
        ms_page = timed(lambda: by_page(name))
        if not result[0]:
            raise SystemExit(f"bench: de blinde index vond '{name}' niet")
        if i >= 5:
            times["index"].append(ms_index)
            times["page"].append(ms_page)
    for _ in range(scans):
        name = rng.choice(people)
        found = {}
        times["scan"].append(timed(lambda: found.setdefault("scan", by_scan(name))))
        if found["scan"] != by_index(name):
            raise SystemExit("bench: index en volledige scan vinden iets anders")
    return times


def run(app, ctx) -> list[Result]:
    times = measure(app, ctx.orgs["encrypted"], ctx.size["holders"], ctx.lookups, ctx.scans)
    page, index, scan = times["page"], times["index"], times["scan"]
    print(f"Zoeken: lijstpagina p50 {median(page):.1f} ms, p95 {p95(page):.1f} ms; "
          f"index p50 {median(index):.2f} ms, p95 {p95(index):.2f} ms; "
          f"scan p50 {median(scan):.0f} ms ({len(scan)}x)")
    return [
        Result("zoeken", "achternaam op de lijstpagina (p50)", median(page), "ms",
               baseline="kale indexquery (p50)", base_value=median(index)),
        Result("zoeken", "achternaam op de lijstpagina (p95)", p95(page), "ms",
               most=GOALS["page_p95_ms"], baseline="kale indexquery (p95)",
               base_value=p95(index)),
        Result("zoeken", "blinde index, query (p95)", p95(index), "ms",
               most=GOALS["search_p95_ms"]),
        Result("zoeken", "blinde index, query (p50)", median(index), "ms",
               baseline="ontsleutelen + scannen (p50)", base_value=median(scan),
               ratio=median(scan) / median(index), ratio_least=GOALS["search_speedup"],
               note="verhouding = hoeveel keer sneller dan de scan"),
    ]
