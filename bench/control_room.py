"""`make bench`, part meldkamer: a full control room export of N eligible holders (default
100,000) streams -- goal (issue 7) ≤ 30 s and a peak memory ≤ 200 MB.

The bench organisation "Bench meldkamer" gets N holders once (later runs reuse them), each
with an issued card (three text sections), a contact person who agreed to be on the card and
an active control room consent. Before each measurement the organisation's control room
ledger is emptied, so every run measures the heaviest case: a first, full export (N upserts,
N ledger rows and their access-log events). The export runs in a child process started for
it: its wall time and its peak resident memory (``ru_maxrss``, the whole process: Python,
Flask-AppBuilder and the export) are printed, with the memory of the same process before the
export for comparison. The file is then checked as the control room would: signature,
decryption, record count.

Usage: ``python -m bench.control_room [--holders N] [--fresh]``; ``bench/run.py`` calls
:func:`run`. Same database as bench/run.py (``BENCH_DATABASE_URL`` or /tmp/hulpregie-bench.db).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORG = "Bench meldkamer"
GOALS = {"seconds": 30.0, "peak_mb": 200.0}
TEXTS = {
    "loss_of_control_signs": "Ik ga snel praten, loop heen en weer en hoor niet meer wat u zegt.",
    "how_to_help": "Spreek mij rustig aan met mijn voornaam en geef mij ruimte. Bel mijn zus.",
    "what_not_to_do": "Raak mij niet onverwacht aan en praat niet met meerdere mensen tegelijk.",
}
BATCH = 5000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def prepare(app, n: int, fresh: bool) -> int:
    """The bench organisation with n eligible holders; its control room ledger emptied."""
    import flask_migrate
    import sqlalchemy as sa

    from app.extensions import db
    from app.organisations.models import Organisation

    with app.app_context():
        flask_migrate.upgrade()
        session = db.session
        org = session.query(Organisation).filter_by(name=ORG).one_or_none()
        if org is None:
            org = Organisation(name=ORG, pc4="3511")
            session.add(org)
            session.commit()
        org_id = org.id
        for table in ("control_room_state", "control_room_export"):
            session.execute(sa.text(f"DELETE FROM {table} WHERE organisation_id = :o"), {"o": org_id})
        session.commit()
        have = session.execute(sa.text(
            "SELECT count(*) FROM help_card WHERE organisation_id = :o AND status = 'issued'"),
            {"o": org_id}).scalar()
        if have == n and not fresh:
            print(f"  {ORG}: {n} hulpkaarthouders met toestemming uit een eerdere run hergebruikt")
            return org_id
        started = time.perf_counter()
        _fill(session, org_id, n)
        print(f"  {ORG}: {n} hulpkaarthouders met kaart, contactpersoon en toestemming "
              f"ingevoegd in {time.perf_counter() - started:.1f} s")
        return org_id


def _fill(session, org_id: int, n: int) -> None:
    import sqlalchemy as sa

    from security.crypto import key_ring

    ring, now, o = key_ring(), _now(), {"o": org_id}
    for statement in (
        "UPDATE help_card SET status = 'ended', issued_version_id = NULL WHERE organisation_id = :o",
        "DELETE FROM consent WHERE organisation_id = :o",
        "DELETE FROM contact_person WHERE organisation_id = :o",
        "DELETE FROM help_card_version WHERE organisation_id = :o",
        "DELETE FROM help_card WHERE organisation_id = :o",
        "DELETE FROM holder WHERE organisation_id = :o",
    ):
        session.execute(sa.text(statement), o)
    session.commit()
    stamp = {"organisation_id": org_id, "created_at": now, "updated_at": now}

    def insert(table: str, rows: list[dict]) -> None:
        if rows:
            columns = ", ".join(rows[0])
            values = ", ".join(f":{c}" for c in rows[0])
            session.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), rows)

    for start in range(0, n, BATCH):
        count = min(BATCH, n - start)
        insert("holder", [{**stamp, "reference": f"MK-{start + i + 1:06d}", "status": "active",
                           "first_name": ring.encrypt("Bench"), "last_name": ring.encrypt(
                               f"Houder {start + i + 1}"), "town": "Utrecht"}
                          for i in range(count)])
        ids = [h for (h,) in session.execute(sa.text(
            "SELECT id FROM holder WHERE organisation_id = :o AND reference >= :a "
            "AND reference <= :b ORDER BY reference"),
            {**o, "a": f"MK-{start + 1:06d}", "b": f"MK-{start + count:06d}"})]
        insert("help_card", [{**stamp, "holder_id": h, "status": "approved",
                              "making_choice": "with_coach", "requested_on": now.date()}
                             for h in ids])
        cards = dict(session.execute(sa.text(
            f"SELECT holder_id, id FROM help_card WHERE holder_id IN ({','.join(map(str, ids))})")
        ).all())
        insert("help_card_version", [
            {**stamp, "card_id": cards[h], "version_no": 1, "holder_approved_on": now.date(),
             **{k: ring.encrypt(v) for k, v in TEXTS.items()}} for h in ids])
        insert("contact_person", [
            {**stamp, "holder_id": h, "name": ring.encrypt(f"Zus van {h}"),
             "relation": ring.encrypt("zus"), "phone": ring.encrypt("+31612345678"),
             "priority": 1, "on_card": True} for h in ids])
        contacts = [c for (c,) in session.execute(sa.text(
            f"SELECT id FROM contact_person WHERE holder_id IN ({','.join(map(str, ids))})"))]
        insert("consent", [{**stamp, "purpose": "on_card", "contact_person_id": c,
                            "given_at": now, "form": "written"} for c in contacts])
        insert("consent", [{**stamp, "purpose": "control_room", "holder_id": h,
                            "given_at": now, "form": "written"} for h in ids])
        session.commit()
    session.execute(sa.text(
        "UPDATE help_card SET status = 'issued', issued_on = :d, issued_version_id = "
        "(SELECT v.id FROM help_card_version v WHERE v.card_id = help_card.id) "
        "WHERE organisation_id = :o"), {**o, "d": now.date()})
    session.execute(sa.text("ANALYZE" if session.get_bind().dialect.name == "sqlite"
                            else "ANALYZE help_card, holder, consent, contact_person"))
    session.commit()


def child(url: str, org_id: int, key_dir: str, out: str) -> None:
    """Runs in its own process: create the app, export, report time and memory as JSON."""
    from bench.common import configure_environment

    configure_environment()
    import logging
    import warnings

    from app import create_app

    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    os.environ["HULPREGIE_MELDKAMER_PUBLIC_KEY"] = str(Path(key_dir) / "meldkamer-public.pem")
    os.environ["HULPREGIE_MELDKAMER_SIGNING_KEY"] = str(Path(key_dir) / "organisatie-signing.pem")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    from app.extensions import db
    from security.audit import Actor
    from workflows.controlroom import run_export

    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with open(out, "wb") as fh:
            export = run_export(db.session, org_id, fh, by=Actor(None, "bench"),
                                purpose="bench", full=True)
        counts = {"upserts": export.upserts, "deletes": export.deletes}
        db.session.commit()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "before_kb": before, "peak_kb": peak, **counts,
                      "bytes": os.path.getsize(out)}))


def measure(url: str, org_id: int) -> dict:
    from security import envelope

    with tempfile.TemporaryDirectory(prefix="hulpregie-bench-meldkamer-") as folder:
        keys = envelope.make_key_set(Path(folder) / "keys")
        out = Path(folder) / "export.hmk"
        proc = subprocess.run(
            [sys.executable, "-m", "bench.control_room", "--child", url, str(org_id), str(Path(folder) / "keys"),
             str(out)], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"bench: de meldkamerexport faalde:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        started = time.perf_counter()
        envelope.verify_signature(out, envelope.load_signer_public_key(
            keys["organisatie-public.pem"]))
        private = envelope.load_recipient_private_key(keys["meldkamer-private.pem"])
        upserts, tail = 0, b""
        for chunk in envelope.decrypt_chunks(out, private):
            data = tail + chunk
            upserts += data.count(b'"action":"upsert"')
            tail = data[-20:]
            upserts -= tail.count(b'"action":"upsert"')
        upserts += tail.count(b'"action":"upsert"')
        result["verify_seconds"] = time.perf_counter() - started
        result["verified_upserts"] = upserts
    return result


def report(n: int, r: dict) -> str:
    def ok(flag: bool) -> str:
        return "gehaald" if flag else "NIET gehaald"

    peak_mb, before_mb = r["peak_kb"] / 1024, r["before_kb"] / 1024
    return "\n".join([
        f"Meldkamerexport (issue 7): volledige export van {n} hulpkaarthouders met toestemming",
        f"  tijd {r['seconds']:.1f} s (doel <= {GOALS['seconds']:.0f} s: "
        f"{ok(r['seconds'] <= GOALS['seconds'])}); {r['upserts']} records bijwerken, "
        f"bestand {r['bytes'] / 1e6:.1f} MB",
        f"  piekgeheugen {peak_mb:.0f} MB (hele proces, ru_maxrss; doel <= "
        f"{GOALS['peak_mb']:.0f} MB: {ok(peak_mb <= GOALS['peak_mb'])}); voor de export "
        f"{before_mb:.0f} MB, de export zelf {peak_mb - before_mb:.0f} MB erbij",
        f"  controle als de meldkamer (handtekening, ontsleutelen, tellen): "
        f"{r['verified_upserts']} records in {r['verify_seconds']:.1f} s",
    ])


def run(app, ctx) -> list:
    from bench.common import Result

    n = ctx.size["control_room"]
    print(f"Meldkamerexport voorbereiden ({n} hulpkaarthouders)…")
    org_id = prepare(app, n, False)
    print("Meldkamerexport meten (eigen proces)…")
    result = measure(ctx.url, org_id)
    if result["verified_upserts"] != n or result["upserts"] != n:
        raise SystemExit(f"bench: de export bevat {result['verified_upserts']} records, "
                         f"verwacht {n}")
    print(report(n, result))
    peak, before = result["peak_kb"] / 1024, result["before_kb"] / 1024
    return [
        Result("meldkamer", f"volledige export, {n:,} houders", result["seconds"], "s",
               most=GOALS["seconds"]),
        Result("meldkamer", "piekgeheugen van het exportproces", peak, "MB",
               most=GOALS["peak_mb"], baseline="hetzelfde proces ervoor", base_value=before),
    ]


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    from bench.common import configure_environment, make_app

    url = configure_environment()
    app = make_app(url)
    org_id = prepare(app, args.holders, args.fresh)
    print(report(args.holders, measure(url, org_id)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
