"""The holder list page (50 rows) through the Flask test client, as a project leader.

Measured interleaved in one run: the page of the encrypted organisation; the same page of the
plaintext organisation with decryption switched off (same table, query, scoping, access log
and template: what encryption costs); and the page's own query alone (50 holders, every
column loaded and decrypted: what the page costs around its query).
Goals (issue 4): p95 ≤ 50 ms; encrypted ≤ 1.25× plaintext.
"""

from __future__ import annotations

from bench.common import PAGE_SIZE, Result, login, median, p95, pct, timed

GOALS = {"page_ratio": 1.25, "page_p95_ms": 50.0}


class PassThroughRing:
    """Stands in for the key ring while the plaintext organisation is read: no decryption."""

    def __init__(self, ring):
        self._ring = ring

    def decrypt(self, stored: str) -> str:
        return stored

    def __getattr__(self, name):
        return getattr(self._ring, name)


def measure(app, org_ids: dict[str, int], requests: int) -> dict:
    import sqlalchemy as sa

    from app.extensions import db
    from app.holders.models import Holder
    from security import crypto

    real_ring = crypto.key_ring()
    plain_ring = PassThroughRing(real_ring)
    clients = {key: login(app, f"bench_{key}") for key in org_ids}
    times = {"encrypted": [], "plain": [], "query": []}

    def page(key: str, number: int):
        url = f"/holderview/list/?psize_HolderView={PAGE_SIZE}&page_HolderView={number}"
        resp = clients[key].get(url)
        if resp.status_code != 200 or resp.text.count("/holderview/show/") < PAGE_SIZE:
            raise SystemExit(f"bench: de lijst van {key} gaf {resp.status_code}")
        if key == "encrypted" and "niet te ontsleutelen" in resp.text:
            raise SystemExit("bench: de versleutelde lijst toont niet te ontsleutelen waarden")

    def query(number: int):
        with app.app_context():
            rows = db.session.execute(
                sa.select(Holder).where(Holder.organisation_id == org_ids["encrypted"])
                .order_by(Holder.reference).offset(number * PAGE_SIZE).limit(PAGE_SIZE))
            items = rows.scalars().all()
            assert len(items) == PAGE_SIZE and all(h.last_name for h in items)
            db.session.rollback()

    for i in range(requests + 5):  # the first five warm up
        order = ("encrypted", "plain", "query") if i % 2 else ("query", "plain", "encrypted")
        for key in order:
            crypto.install_key_ring(plain_ring if key == "plain" else real_ring)
            try:
                ms = timed(lambda: query(i % 10) if key == "query" else page(key, i % 10))
            finally:
                crypto.install_key_ring(real_ring)
            if i >= 5:
                times[key].append(ms)
    return times


def run(app, ctx) -> list[Result]:
    times = measure(app, ctx.orgs, ctx.requests)
    enc, plain, query = times["encrypted"], times["plain"], times["query"]
    print(f"Lijstpagina: versleuteld p50 {median(enc):.1f} ms, p95 {p95(enc):.1f} ms, "
          f"p99 {pct(enc, 99):.1f} ms; platte tekst p50 {median(plain):.1f} ms; "
          f"kale query p50 {median(query):.1f} ms")
    return [
        Result("lijstpagina", "houders p. 1, 50 rijen (p50)", median(enc), "ms",
               baseline="kale query (p50)", base_value=median(query)),
        Result("lijstpagina", "houders p. 1, 50 rijen (p95)", p95(enc), "ms",
               most=GOALS["page_p95_ms"], baseline="kale query (p95)", base_value=p95(query)),
        Result("lijstpagina", "versleuteld t.o.v. platte tekst (p50)", median(enc), "ms",
               baseline="platte-tekstpagina (p50)", base_value=median(plain),
               ratio_most=GOALS["page_ratio"]),
    ]
