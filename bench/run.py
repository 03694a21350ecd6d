"""`make bench`: what field encryption costs, and what the blind index saves.

At N holders (default 100,000) in each of two bench organisations -- one stored as the
application stores it (AES-256-GCM ciphertext plus blind index), one with the same kind of
values in plaintext in the same columns -- it measures:

(a) the holder list page (50 rows) through the Flask test client, logged in as a project
    leader: the encrypted organisation against the plaintext one, where decryption is
    switched off (the same table, query, scoping, access log and template);
(b) exact search on last name: the blind index against decrypting and scanning every row.

Both baselines are measured in the same run, interleaved, so the ratios hold on a noisy
machine. The goals of issue 4 are reported, never enforced (the exit code is 0).

Usage: ``python bench/run.py [--holders N] [--requests N] [--fresh]``. The database is the
SQLite file ``/tmp/hulpregie-bench.db`` unless ``BENCH_DATABASE_URL`` names another (e.g. a
PostgreSQL database made for the bench); data of an earlier run is reused when it fits.
The bench uses its own fixed keys: never point it at a real installation.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "sqlite:////tmp/hulpregie-bench.db"
ORGS = {"encrypted": "Bench versleuteld", "plain": "Bench platte tekst"}
PASSWORD = "Bench-wachtwoord-2026"
PAGE_SIZE = 50
GOALS = {"page_ratio": 1.25, "page_p95_ms": 50.0, "search_speedup": 100.0, "search_p95_ms": 10.0}

SURNAMES = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "van Dijk", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Jong", "van Beek", "Schouten", "Willems", "van Vliet", "Hoekstra", "Maas",
    "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters",
    "de Lange", "Kuipers", "van Wijk", "Postma", "Kuiper", "Veenstra", "Kramer", "van den Brink",
    "Scholten", "Martens", "Vink", "de Ruiter", "Öztürk", "Yılmaz", "Şahin", "El Amrani",
    "Boukhari", "Pinas", "Doğan", "Çelik", "Müller", "Nguyễn", "Gómez", "Kowalczyk",
    "Łukasik",
]
FIRST_NAMES = ["Anna", "Bram", "Chantal", "Daan", "Eva", "Fatima", "Gert", "Hanneke", "Ibrahim",
               "Joke", "Karel", "Lotte", "Mohamed", "Noor", "Otto", "Petra", "Quinten", "Rosa",
               "Sander", "Tessa", "Umut", "Vera", "Willem", "Yasmina", "Zeynep", "Émile", "Loïs"]
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRTUVWXZ"  # no S: SA, SD and SS are not used


def configure_environment() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    os.environ["HULPREGIE_ENV"] = "test"
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "b" * 32)
    # Fixed bench-only keys, so that a later run can reuse the rows.
    os.environ["HULPREGIE_FIELD_KEYS"] = "bench:" + base64.b64encode(b"B" * 32).decode()
    os.environ["HULPREGIE_INDEX_KEY"] = base64.b64encode(b"I" * 32).decode()
    os.environ["DATABASE_URL"] = url
    return url


# -- data ---------------------------------------------------------------------------------


def fake_people(n: int, seed: int):
    """n realistic-looking Dutch people; last names are surname pairs (few duplicates)."""
    rng = random.Random(seed)
    for i in range(n):
        last = f"{rng.choice(SURNAMES)}-{rng.choice(SURNAMES)}"
        yield {
            "reference": f"B-{i + 1:06d}",
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": last,
            "birth_date": dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30000)),
            "address": f"Dorpsstraat {rng.randrange(1, 300)}",
            "postcode": f"{rng.randrange(1000, 10000)} "
                        f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}",
            "phone": f"+316{rng.randrange(10_000_000, 60_000_000)}",
            "email": f"persoon{i}@voorbeeld.nl",
        }


PERSONAL = ("first_name", "last_name", "birth_date", "address", "postcode", "phone", "email")


def stored_encrypted(dialect) -> set[str]:
    """The personal columns this database really stores as ciphertext (what the ORM does)."""
    from app.holders.models import Holder

    return {c for c in PERSONAL
            if hasattr(Holder.__table__.c[c].type.dialect_impl(dialect), "process_bind_param")}


def holder_rows(org_id: int, n: int, encrypted: set[str]):
    """Rows for a Core insert: ciphertext and blind index computed with the key ring."""
    from app.holders.models import Holder
    from security.crypto import blind_index_for, key_ring

    ring = key_ring()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for person in fake_people(n, seed=org_id):
        row = {"reference": person["reference"], "organisation_id": org_id, "status": "active",
               "pc4": person["postcode"][:4], "town": "Utrecht", "created_at": now,
               "updated_at": now}
        for column in PERSONAL:
            text = person[column].isoformat() if column == "birth_date" else person[column]
            row[column] = ring.encrypt(text) if column in encrypted else text
        for source, index_column in Holder.__blind_index__.items():
            row[index_column] = blind_index_for(source, person[source])
        yield row


def plain_holder_table():
    """The holder table with plain text types: values go in exactly as computed."""
    import sqlalchemy as sa

    from app.holders.models import Holder

    columns = [sa.column(c.key, sa.String if c.key not in ("organisation_id",) else sa.Integer)
               for c in Holder.__table__.columns if c.key not in ("id", "created_at",
                                                                  "updated_at", "coach_id")]
    return sa.table("holder", *columns, sa.column("created_at", sa.DateTime),
                    sa.column("updated_at", sa.DateTime))


def same_people(org_id: int, encrypted: set[str]) -> bool:
    """Whether the stored rows are the ones this version of the bench would insert (same
    people, and ciphertext exactly where the application writes it: a migration may have
    encrypted a column since)."""
    import sqlalchemy as sa

    from app.extensions import db
    from security.crypto import blind_index_for

    first = next(fake_people(1, seed=org_id))
    row = db.session.execute(sa.text(
        f"SELECT last_name_index, {', '.join(PERSONAL)} FROM holder "
        "WHERE organisation_id = :org AND reference = :ref"),
        {"org": org_id, "ref": first["reference"]}).first()
    if row is None or row[0] != blind_index_for("last_name", first["last_name"]):
        return False
    return all(str(value).startswith("v1:") == (column in encrypted)
               for column, value in zip(PERSONAL, row[1:]))


def prepare(app, n: int, fresh: bool) -> dict[str, int]:
    import flask_migrate
    import sqlalchemy as sa

    from app.core.registry import resource_menus
    from app.extensions import db
    from app.holders.models import Holder
    from app.organisations.models import Organisation
    from security.sync import sync_roles
    from workflows.users import add_user

    with app.app_context():
        flask_migrate.upgrade()
        sync_roles(app.appbuilder, resource_menus(app.appbuilder))
        org_ids = {}
        for key, name in ORGS.items():
            org = db.session.query(Organisation).filter_by(name=name).one_or_none()
            if org is None:
                org = Organisation(name=name, pc4="3511")
                db.session.add(org)
                db.session.commit()
            org_ids[key] = org.id
            login = f"bench_{key}"
            if app.appbuilder.sm.find_user(username=login) is None:
                add_user(login, PASSWORD, email=f"{login}@bench.invalid", roles=["ProjectLeader"],
                         organisation_name=name, first_name="Bench", last_name=key)
            encrypted = stored_encrypted(db.engine.dialect) if key == "encrypted" else set()
            count = db.session.query(Holder.id).filter_by(organisation_id=org.id).count()
            if count == n and not fresh and same_people(org.id, encrypted):
                print(f"  {name}: {n} hulpkaarthouders uit een eerdere run hergebruikt")
                continue
            db.session.execute(sa.delete(Holder.__table__).where(
                Holder.__table__.c.organisation_id == org.id))
            db.session.commit()
            started = time.perf_counter()
            table, batch = plain_holder_table(), []
            for row in holder_rows(org.id, n, encrypted):
                batch.append(row)
                if len(batch) == 5000:
                    db.session.execute(table.insert(), batch)
                    batch = []
            if batch:
                db.session.execute(table.insert(), batch)
            db.session.commit()
            print(f"  {name}: {n} hulpkaarthouders ingevoegd in "
                  f"{time.perf_counter() - started:.1f} s")
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE holder"))
        else:
            db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return org_ids


# -- measuring ----------------------------------------------------------------------------


class PassThroughRing:
    """Stands in for the key ring while the plaintext organisation is read: no decryption."""

    def __init__(self, ring):
        self._ring = ring

    def decrypt(self, stored: str) -> str:
        return stored

    def __getattr__(self, name):
        return getattr(self._ring, name)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def login(app, key: str):
    client = app.test_client()
    resp = client.post("/login/", data={"username": f"bench_{key}", "password": PASSWORD})
    if resp.status_code != 302 or "/login" in resp.headers.get("Location", ""):
        raise SystemExit(f"bench: inloggen als bench_{key} is mislukt")
    return client


def bench_list_page(app, requests: int) -> dict:
    from security import crypto

    real_ring = crypto.key_ring()
    plain_ring = PassThroughRing(real_ring)
    clients = {key: login(app, key) for key in ORGS}
    times = {key: [] for key in ORGS}

    def page(key: str, number: int):
        url = f"/holderview/list/?psize_HolderView={PAGE_SIZE}&page_HolderView={number}"
        resp = clients[key].get(url)
        if resp.status_code != 200 or resp.text.count("/holderview/show/") < PAGE_SIZE:
            raise SystemExit(f"bench: de lijst van {ORGS[key]} gaf {resp.status_code}")
        if key == "encrypted" and "niet te ontsleutelen" in resp.text:
            raise SystemExit("bench: de versleutelde lijst toont niet te ontsleutelen waarden")

    for i in range(requests + 5):  # the first five warm up
        for key in (("encrypted", "plain") if i % 2 else ("plain", "encrypted")):
            crypto.install_key_ring(plain_ring if key == "plain" else real_ring)
            try:
                ms = timed(lambda: page(key, i % 10))
            finally:
                crypto.install_key_ring(real_ring)
            if i >= 5:
                times[key].append(ms)
    return times


def bench_rows(app, org_ids: dict[str, int], repeats: int) -> dict:
    """The list page's own query (50 holders, every column loaded) without the page around it:
    what decryption itself costs."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.holders.models import Holder
    from security import crypto

    real_ring = crypto.key_ring()
    plain_ring = PassThroughRing(real_ring)
    times = {key: [] for key in ORGS}
    with app.app_context():
        def rows(key: str, number: int):
            query = (sa.select(Holder).where(Holder.organisation_id == org_ids[key])
                     .order_by(Holder.reference).offset(number * PAGE_SIZE).limit(PAGE_SIZE))
            items = db.session.execute(query).scalars().all()
            assert len(items) == PAGE_SIZE and all(h.last_name for h in items)
            db.session.expunge_all()

        for i in range(repeats + 5):
            for key in (("encrypted", "plain") if i % 2 else ("plain", "encrypted")):
                crypto.install_key_ring(plain_ring if key == "plain" else real_ring)
                try:
                    ms = timed(lambda: rows(key, i % 10))
                finally:
                    crypto.install_key_ring(real_ring)
                if i >= 5:
                    times[key].append(ms)
        db.session.rollback()
    return times


def bench_search(app, org_id: int, n: int, lookups: int, scans: int) -> dict:
    import sqlalchemy as sa

    from app.extensions import db
    from app.holders.models import Holder
    from security.crypto import normalise_for_index
    from security.search import exact_clause

    rng = random.Random(7)
    people = [p["last_name"] for p in fake_people(n, seed=org_id)]
    times = {"index": [], "scan": []}
    with app.app_context():
        session = db.session

        def by_index(name: str):
            return sorted(session.execute(sa.select(Holder.id).where(
                Holder.organisation_id == org_id, exact_clause(Holder, "last_name", name))).scalars())

        def by_scan(name: str):
            wanted = normalise_for_index(name)
            rows = session.execute(sa.select(Holder.id, Holder.last_name).where(
                Holder.organisation_id == org_id))
            return sorted(i for i, last in rows if normalise_for_index(last) == wanted)

        for i in range(lookups + 5):
            name = rng.choice(people).upper()
            result = []
            ms = timed(lambda: result.append(by_index(name)))
            if not result[0]:
                raise SystemExit(f"bench: de blinde index vond '{name}' niet")
            if i >= 5:
                times["index"].append(ms)
        for _ in range(scans):
            name = rng.choice(people)
            found = {}
            times["scan"].append(timed(lambda: found.setdefault("scan", by_scan(name))))
            found["index"] = by_index(name)
            if found["scan"] != found["index"]:
                raise SystemExit("bench: index en volledige scan vinden iets anders")
        session.rollback()
    return times


# -- report -------------------------------------------------------------------------------


def report(url: str, n: int, page: dict, rows_: dict, search: dict) -> str:
    med = statistics.median
    page_ratio = med(page["encrypted"]) / med(page["plain"])
    page_p95 = p95(page["encrypted"])
    speedup = med(search["scan"]) / med(search["index"])
    search_p95 = p95(search["index"])

    def ok(flag: bool) -> str:
        return "gehaald" if flag else "NIET gehaald"

    rows = [
        ("(a) lijstpagina, 50 rijen", "versleuteld", page["encrypted"]),
        ("", "platte tekst (basis)", page["plain"]),
        ("    alleen de query (50 rijen)", "versleuteld", rows_["encrypted"]),
        ("", "platte tekst (basis)", rows_["plain"]),
        ("(b) zoeken op achternaam", "blinde index", search["index"]),
        ("", "ontsleutelen + scannen (basis)", search["scan"]),
    ]
    lines = [
        f"Hulpregie bench: {n} hulpkaarthouders per organisatie, "
        f"{url.split(':', 1)[0].split('+')[0]} ({url.rsplit('@', 1)[-1]})",
        "",
        f"{'meting':30} {'variant':31} {'n':>4} {'mediaan ms':>11} {'p95 ms':>9}",
        "-" * 88,
    ]
    for what, variant, values in rows:
        lines.append(f"{what:30} {variant:31} {len(values):>4} {med(values):>11.2f} "
                     f"{p95(values):>9.2f}")
    lines += [
        "",
        f"(a) versleuteld / platte tekst: {page_ratio:.2f}x (doel <= {GOALS['page_ratio']}x: "
        f"{ok(page_ratio <= GOALS['page_ratio'])}); p95 {page_p95:.1f} ms "
        f"(doel <= {GOALS['page_p95_ms']:.0f} ms: {ok(page_p95 <= GOALS['page_p95_ms'])})",
        f"    alleen de query: {med(rows_['encrypted']) / med(rows_['plain']):.2f}x, "
        f"ontsleutelen kost {med(rows_['encrypted']) - med(rows_['plain']):.1f} ms per pagina "
        "(de rest van de paginatijd is Flask-AppBuilder: rechten, menu, sjabloon, toegangslog)",
        f"(b) scan / blinde index: {speedup:.0f}x sneller (doel >= {GOALS['search_speedup']:.0f}x: "
        f"{ok(speedup >= GOALS['search_speedup'])}); p95 {search_p95:.2f} ms "
        f"(doel <= {GOALS['search_p95_ms']:.0f} ms: {ok(search_p95 <= GOALS['search_p95_ms'])})",
        "Tijden zijn servertijd via de Flask-testclient (a) en databasetijd met hashen en "
        "ontsleutelen (b); de verhoudingen zijn binnen deze run gemeten.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="list pages per variant")
    parser.add_argument("--lookups", type=int, default=300, help="index searches")
    parser.add_argument("--scans", type=int, default=5, help="decrypt-and-scan searches")
    parser.add_argument("--fresh", action="store_true", help="insert the holders again")
    parser.add_argument("--volunteers", type=int, default=100_000,
                        help="volunteers for the matching bench (bench/matching.py); 0 skips it")
    parser.add_argument("--pdf-cards", type=int, default=500,
                        help="wallet cards rendered as PDF (bench/pdf.py); 0 skips it")
    parser.add_argument("--control-room", type=int, default=100_000,
                        help="eligible holders in the control room export (bench/control_room.py);"
                             " 0 skips it")
    parser.add_argument("--access-exports", type=int, default=5,
                        help="access archives of one person (bench/access_export.py); 0 skips it")
    args = parser.parse_args(argv)

    url = configure_environment()
    import logging

    from app import create_app

    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*will not produce a cache key.*")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    app.config["RATELIMIT_ENABLED"] = False
    print(f"Voorbereiden ({url})…")
    org_ids = prepare(app, args.holders, args.fresh)
    print("Meten…")
    page = bench_list_page(app, args.requests)
    rows_ = bench_rows(app, org_ids, args.requests)
    search = bench_search(app, org_ids["encrypted"], args.holders, args.lookups, args.scans)
    matching = ""
    if args.volunteers > 0:
        matching = "\n\n" + bench_module("matching").run(app, url, args.volunteers, args.fresh,
                                                           brute_runs=20)
    print()
    pdf = ""
    if args.pdf_cards > 0:
        pdf = "\n\n" + bench_module("pdf").run(app, org_ids["encrypted"], args.pdf_cards,
                                               login(app, "encrypted"))
    access = ""
    if args.access_exports > 0:
        access = "\n\n" + bench_module("access_export").run(app, org_ids["encrypted"],
                                                              args.access_exports)
    control_room = ""
    if args.control_room > 0:
        control_room = "\n\n" + bench_module("control_room").run(app, url, args.control_room,
                                                                 args.fresh)
    print(report(url, args.holders, page, rows_, search) + matching + pdf + access
          + control_room)
    return 0


def bench_module(name: str):
    """bench/<name>.py, loaded by path (the repository root has modules of the same name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
