"""The bench's data: 100,000 holders (twice: encrypted, and plaintext as a baseline), 100,000
volunteers, 1,000,000 cards, 100,000 holders eligible for the control room and 500 issued
wallet cards, times ``BENCH_SCALE`` (0.01 for a quick run).

Rows go in with bulk Core inserts of values encrypted beforehand (the application's key ring,
the bench's fixed keys), so a full set takes minutes, not hours. A marker row (table
``bench_marker``, in the bench database only) records what was generated: the generator's
version, the sizes and the schema's Alembic head. When it matches, the next run reuses the data
at once; otherwise (or with ``--fresh``) the database is emptied (SQLite: the file is removed;
PostgreSQL: the ``public`` schema is dropped) and filled again.

Usage: ``python -m bench.generate [--fresh]`` (``BENCH_DATABASE_URL``, ``BENCH_SCALE``).
The bench uses its own fixed keys: never point it at a real installation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import common

VERSION = 2  # raise when the generated data changes
FULL = {"holders": 100_000, "volunteers": 100_000, "cards": 1_000_000,
        "control_room": 100_000, "pdf_cards": 500}
MINIMUM = {"holders": 600, "volunteers": 500, "cards": 10_000, "control_room": 200,
           "pdf_cards": 5}
PART_SIZE = {"load": "holders"}  # the load test's part: the encrypted organisation only
ORGS = {"encrypted": "Bench versleuteld", "plain": "Bench platte tekst"}
CARDS_ORG = "Bench kaarten"
TODAY = dt.date(2027, 6, 1)  # the evaluation scan's "today" (bench/evaluations.py)
PERSONAL = ("first_name", "last_name", "birth_date", "address", "postcode", "phone", "email")


def sizes(scale: float | None = None) -> dict[str, int]:
    factor = common.scale() if scale is None else scale
    return {k: max(MINIMUM[k], int(v * factor)) for k, v in FULL.items()}


# -- the marker ---------------------------------------------------------------------------


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(common.ROOT / "migrations"))
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def wanted_marker(size: dict) -> str:
    return json.dumps({"version": VERSION, "sizes": size, "head": _head()}, sort_keys=True)


def read_marker(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("bench_marker"):
            return None
        return conn.scalar(sa.text("SELECT value FROM bench_marker WHERE name = 'data'"))


def write_marker(engine: sa.Engine, value: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_marker "
                             "(name VARCHAR(20) PRIMARY KEY, value TEXT NOT NULL)"))
        conn.execute(sa.text("DELETE FROM bench_marker"))
        conn.execute(sa.text("INSERT INTO bench_marker VALUES ('data', :v)"), {"v": value})


def wipe(url: str, engine: sa.Engine) -> None:
    engine.dispose()
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))


def ensure(url: str, size: dict | None = None, fresh: bool = False,
           parts: tuple[str, ...] = tuple(FULL)) -> bool:
    """The bench data in ``url``; True when an earlier run's data was reused."""
    size = size or sizes()
    marker = wanted_marker({k: size[PART_SIZE.get(k, k)] for k in parts})
    engine = sa.create_engine(url)
    try:
        if not fresh and read_marker(engine) == marker:
            print(f"  bench-gegevens uit een eerdere run hergebruikt ({url})")
            return True
        wipe(url, engine)
    finally:
        engine.dispose()
    app = common.make_app(url)
    started = time.perf_counter()
    fill(app, url, size, parts)
    with app.app_context():
        from app.extensions import db

        write_marker(db.engine, marker)
        db.engine.dispose()
    print(f"  bench-gegevens gemaakt in {time.perf_counter() - started:.0f} s")
    return False


def fill(app, url: str, size: dict, parts) -> None:
    import flask_migrate

    from app.core.registry import resource_menus
    from security.sync import sync_roles

    with app.app_context():
        flask_migrate.upgrade()
        sync_roles(app.appbuilder, resource_menus(app.appbuilder))
    if "holders" in parts:
        holders(app, size["holders"])
    elif "load" in parts:
        holders(app, size["holders"], keys=("encrypted",))
    if "volunteers" in parts:
        from bench import matching

        matching.prepare(app, size["volunteers"], fresh=False)
    if "cards" in parts:
        cards(app, size["cards"])
    if "control_room" in parts:
        from bench import control_room

        control_room.prepare(app, size["control_room"], fresh=False)
    if "pdf_cards" in parts:
        from bench import pdf

        pdf.prepare_cards(app, org_ids(app)["encrypted"], size["pdf_cards"])
    with app.app_context():
        from app.extensions import db

        analyze(db.session)


def analyze(session) -> None:
    session.execute(sa.text("ANALYZE"))
    session.commit()


def org_ids(app) -> dict[str, int]:
    from app.extensions import db
    from app.organisations.models import Organisation

    with app.app_context():
        found = dict(db.session.query(Organisation.name, Organisation.id).filter(
            Organisation.name.in_(ORGS.values())).all())
    return {key: found[name] for key, name in ORGS.items() if name in found}


# -- holders: one organisation encrypted as the application stores them, one in plaintext ---


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
    for person in common.fake_people(n, seed=org_id):
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
    from app.holders.models import Holder

    columns = [sa.column(c.key, sa.Integer if c.key == "organisation_id" else sa.String)
               for c in Holder.__table__.columns
               if c.key not in ("id", "created_at", "updated_at", "coach_id")]
    return sa.table("holder", *columns, sa.column("created_at", sa.DateTime),
                    sa.column("updated_at", sa.DateTime))


def holders(app, n: int, keys=tuple(ORGS)) -> dict[str, int]:
    """n holders in each bench organisation, with a project leader ``bench_<key>`` each."""
    from app.extensions import db
    from app.organisations.models import Organisation
    from workflows.organisations import add_user

    ids = {}
    with app.app_context():
        for key in keys:
            name = ORGS[key]
            org = Organisation(name=name, pc4="3511")
            db.session.add(org)
            db.session.commit()
            ids[key] = org.id
            add_user(f"bench_{key}", common.PASSWORD, email=f"bench_{key}@bench.invalid",
                     roles=["ProjectLeader"], organisation_name=name, first_name="Bench",
                     last_name=key)
            encrypted = stored_encrypted(db.engine.dialect) if key == "encrypted" else set()
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
    return ids


# -- cards: as a running installation has them, for the evaluation scan ---------------------


def cards(app, n: int) -> None:
    """n cards of 1,000 holders: active cards due in the coming year (a few due today), cards
    under evaluation (with their task) and ended cards."""
    from app.extensions import db

    statuses = ["issued"] * 6 + ["evaluated"] * 2 + ["evaluation_due", "ended"]
    started = time.perf_counter()
    with app.app_context():
        engine = db.engine
        now = dt.datetime(2027, 1, 1)
        with engine.begin() as conn:
            org = conn.execute(sa.text(
                "INSERT INTO organisation (name, kind, active, created_at, updated_at) "
                "VALUES (:name, 'both', :t, :now, :now) RETURNING id"),
                {"name": CARDS_ORG, "t": True, "now": now}).scalar()
            conn.execute(sa.text(
                "INSERT INTO holder (organisation_id, reference, first_name, last_name, "
                "status, created_at, updated_at) VALUES (:org, :ref, 'x', 'x', 'active', "
                ":now, :now)"), [{"org": org, "ref": f"K-{i + 1}", "now": now}
                                 for i in range(1000)])
            holder_ids = conn.execute(sa.text(
                "SELECT id FROM holder WHERE organisation_id = :org ORDER BY id"),
                {"org": org}).scalars().all()
            base = (conn.scalar(sa.text("SELECT max(id) FROM help_card")) or 0) + 1
        batch, rows, tasks = 50_000, [], []
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
                rows.append({"id": base + i, "org": org, "holder": holder_ids[i % 1000],
                             "due": due, "now": now})
                if status == "evaluation_due":  # earlier runs made its task
                    tasks.append({"org": org, "card": base + i, "due": due, "now": now})
                if len(rows) >= batch or i == n - 1:
                    conn.execute(sa.text(
                        "INSERT INTO help_card (id, organisation_id, holder_id, status, "
                        "making_choice, requested_on, issued_on, next_evaluation_on, "
                        "created_at, updated_at) VALUES (:id, :org, :holder, 'approved', "
                        "'with_coach', '2025-01-01', '2025-02-01', :due, :now, :now)"), rows)
                    conn.execute(sa.text(
                        "INSERT INTO help_card_version (id, organisation_id, card_id, "
                        "version_no, created_at, updated_at) "
                        "VALUES (:id, :org, :id, 1, :now, :now)"), rows)
                    if tasks:
                        conn.execute(sa.text(
                            "INSERT INTO evaluation (organisation_id, card_id, due_on, "
                            "created_at, updated_at) VALUES (:org, :card, :due, :now, :now)"),
                            tasks)
                    rows, tasks = [], []
            # Issued cards point at their version (made after both rows exist, as in the app).
            case = " ".join(f"WHEN {k} THEN '{st}'" for k, st in enumerate(statuses))
            conn.execute(sa.text(
                f"UPDATE help_card SET issued_version_id = id, "
                f"status = CASE (id - :base) % {len(statuses)} {case} END "
                f"WHERE organisation_id = :org"), {"base": base, "org": org})
            if engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
                for table in ("help_card", "help_card_version"):
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', "
                                         f"'id'), (SELECT max(id) FROM {table}))"))
    print(f"  {CARDS_ORG}: {n} kaarten ingevoegd in {time.perf_counter() - started:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="generate everything again")
    args = parser.parse_args(argv)
    url = common.configure_environment()
    size = sizes()
    print(f"Bench-gegevens ({url}): " + ", ".join(f"{k} {v:,}" for k, v in size.items()))
    ensure(url, size, args.fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
