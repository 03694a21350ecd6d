"""`make bench`, part PDF: the wallet card as PDF, per card and for 500 cards (goal <= 0.5 s
per card, issue 5).

Uses the bench's encrypted organisation (bench/run.py): the first N holders get two contact
persons and an issued card once; later runs reuse them. Measured in the same run:
(a) one card: the card's dictionary, its HTML, its PDF (wkhtmltopdf), one after the other;
(b) the download page (/hulpkaart/<id>/pdf) through the Flask test client, print record included;
(c) N different cards one by one, and the same N spread over one worker per CPU (wkhtmltopdf
    is a separate process, so threads render in parallel);
(d) the same N cards as the card list's bulk action prints them: 50 sheets per wkhtmltopdf run.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

GOAL_S = 0.5  # per card
BATCH = 50  # cards per PDF in (d)
TEXT = ("Als ik overprikkeld raak, wil ik even alleen zijn op een rustige plek. Spreek mij aan "
        "met mijn voornaam, vertel wat je gaat doen en geef mij de tijd om te reageren. ")


def _section(limit: int) -> str:
    return (TEXT * (limit // len(TEXT) + 1))[:limit].rstrip()


def prepare_cards(app, org_id: int, n: int) -> list[int]:
    """Card ids of n issued cards in the bench organisation (made once, then reused)."""
    from app.cards.models import (
        SECTION_LIMITS,
        CardStatus,
        HelpCard,
        HelpCardVersion,
        MakingChoice,
    )
    from app.contacts.models import ContactPerson
    from app.extensions import db
    from app.holders.models import Holder

    with app.app_context():
        session = db.session
        holders = (session.query(Holder.id).filter_by(organisation_id=org_id)
                   .order_by(Holder.reference).limit(n).all())
        have = {h for (h,) in session.query(HelpCard.holder_id).filter(
            HelpCard.organisation_id == org_id, HelpCard.status == CardStatus.issued)}
        missing = [h for (h,) in holders if h not in have]
        started = time.perf_counter()
        for start in range(0, len(missing), 100):
            cards = []
            for holder_id in missing[start:start + 100]:
                for prio, (name, relation) in enumerate((("Piet Jansen", "broer"),
                                                         ("Karin de Vries", "buurvrouw")), 1):
                    session.add(ContactPerson(holder_id=holder_id, organisation_id=org_id,
                                              name=name, relation=relation,
                                              phone=f"+3161234{holder_id % 10000:04d}",
                                              priority=prio, on_card=True))
                card = HelpCard(holder_id=holder_id, organisation_id=org_id,
                                making_choice=MakingChoice.with_coach, status=CardStatus.approved)
                version = HelpCardVersion(
                    card=card, organisation_id=org_id, version_no=1,
                    holder_approved_on=dt.date(2026, 3, 12),
                    approved_at=dt.datetime(2026, 3, 12, 10),
                    **{name: _section(limit) for name, limit in SECTION_LIMITS.items()})
                session.add_all([card, version])
                cards.append((card, version))
            session.commit()
            for card, version in cards:  # the database wants the version before the state
                card.issued_version, card.issued_on = version, dt.date(2026, 3, 13)
            session.commit()
            for card, _ in cards:
                card.status = CardStatus.issued
            session.commit()
        if missing:
            print(f"  {len(missing)} hulpkaarten voor de PDF-meting gemaakt in "
                  f"{time.perf_counter() - started:.1f} s")
        ids = [c for (c,) in session.query(HelpCard.id).filter(
            HelpCard.organisation_id == org_id, HelpCard.status == CardStatus.issued,
            HelpCard.holder_id.in_([h for (h,) in holders])).order_by(HelpCard.id)]
        session.rollback()
    return ids


def _pages(pdf: bytes) -> int | None:
    import re
    import shutil
    import subprocess
    import tempfile

    if shutil.which("pdfinfo") is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(found.group(1)) if found else None


def measure(app, card_ids: list[int], client, repeats: int = 10) -> dict:
    from app.cards import printing
    from app.cards.models import HelpCard
    from app.extensions import db

    with app.app_context():
        session = db.session

        def context(card_id):
            return printing.card_context(session.get(HelpCard, card_id))

        first = card_ids[0]
        pages = _pages(printing.render_pdf(context(first)))  # also warms up
        single = {"context": [], "html": [], "pdf": []}
        for _ in range(repeats):
            t0 = time.perf_counter()
            ctx = context(first)
            t1 = time.perf_counter()
            html = printing.render_html(ctx)
            t2 = time.perf_counter()
            printing.html_to_pdf(html)
            t3 = time.perf_counter()
            for key, value in zip(single, (t1 - t0, t2 - t1, t3 - t2)):
                single[key].append(value)
            session.expire_all()

        page = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            resp = client.get(f"/hulpkaart/{first}/pdf")
            page.append(time.perf_counter() - t0)
            if resp.status_code != 200 or not resp.data.startswith(b"%PDF"):
                raise SystemExit(f"bench: de PDF-download gaf {resp.status_code}")

        t0 = time.perf_counter()
        for card_id in card_ids:
            printing.render_pdf(context(card_id))
        serial = time.perf_counter() - t0

        workers = os.cpu_count() or 1
        t0 = time.perf_counter()
        contexts = [context(card_id) for card_id in card_ids]  # the session stays in this thread
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pdfs = list(pool.map(printing.render_pdf, contexts))
        parallel = time.perf_counter() - t0
        assert all(p.startswith(b"%PDF") for p in pdfs)

        # (d) as the card list's bulk action prints them: BATCH cards per wkhtmltopdf run.
        t0 = time.perf_counter()
        batch_pages = 0
        for start in range(0, len(card_ids), BATCH):
            pdf = printing.render_many_pdf([context(c) for c in card_ids[start:start + BATCH]])
            batch_pages += _pages(pdf)
        batched = time.perf_counter() - t0
        session.rollback()
    return {"single": single, "page": page, "serial": serial, "parallel": parallel,
            "batched": batched, "batch_pages": batch_pages,
            "workers": workers, "n": len(card_ids), "pages": pages}


def report(m: dict) -> str:
    med = statistics.median
    s = m["single"]
    one = med(s["context"]) + med(s["html"]) + med(s["pdf"])
    per_serial, per_parallel = m["serial"] / m["n"], m["parallel"] / m["n"]

    def ok(value: float) -> str:
        return "gehaald" if value <= GOAL_S else "NIET gehaald"

    lines = [
        f"PDF van de hulpkaart (wkhtmltopdf), doel <= {GOAL_S} s per kaart",
        f"{'meting':44} {'mediaan s':>10} {'aandeel':>8}",
        "-" * 64,
        f"{'(a) 1 kaart: gegevens (ontsleutelen)':44} {med(s['context']):>10.3f} "
        f"{med(s['context']) / one:>8.0%}",
        f"{'    HTML (Jinja)':44} {med(s['html']):>10.3f} {med(s['html']) / one:>8.0%}",
        f"{'    PDF (wkhtmltopdf)':44} {med(s['pdf']):>10.3f} {med(s['pdf']) / one:>8.0%}",
        f"{'    samen':44} {one:>10.3f}   ({ok(one)}; {m['pages']} pagina)",
        f"{'(b) downloadpagina, incl. afdrukregistratie':44} {med(m['page']):>10.3f}   "
        f"({ok(med(m['page']))}; {med(m['page']) / one:.2f}x de losse kaart)",
        f"(c) {m['n']} kaarten na elkaar: {m['serial']:.1f} s, {per_serial:.3f} s per kaart "
        f"({ok(per_serial)})",
        f"    {m['n']} kaarten over {m['workers']} werkers: {m['parallel']:.1f} s, "
        f"{per_parallel:.3f} s per kaart ({ok(per_parallel)}; "
        f"{m['serial'] / m['parallel']:.1f}x sneller dan na elkaar)",
        f"(d) {m['n']} kaarten in PDF's van {BATCH} (bulkactie): {m['batched']:.1f} s, "
        f"{m['batched'] / m['n']:.3f} s per kaart ({ok(m['batched'] / m['n'])}; "
        f"{m['batch_pages']} pagina's)",
    ]
    return "\n".join(lines)


def run(app, ctx) -> list:
    from bench.common import Result, login

    card_ids = prepare_cards(app, ctx.orgs["encrypted"], ctx.size["pdf_cards"])
    if not card_ids:
        raise SystemExit("bench: geen hulpkaarten voor de PDF-meting")
    m = measure(app, card_ids, login(app, "bench_encrypted"))
    print(report(m))
    med = statistics.median
    one = sum(med(m["single"][k]) for k in ("context", "html", "pdf"))
    n = m["n"]
    return [
        Result("pdf", "1 kaart: gegevens, HTML, PDF", one, "s", most=GOAL_S),
        Result("pdf", "downloadpagina incl. afdrukregistratie", med(m["page"]), "s",
               most=GOAL_S, baseline="losse kaart", base_value=one),
        Result("pdf", f"{n} kaarten na elkaar, per kaart", m["serial"] / n, "s", most=GOAL_S),
        Result("pdf", f"{n} kaarten over {m['workers']} werkers, per kaart",
               m["parallel"] / n, "s", most=GOAL_S, baseline="na elkaar",
               base_value=m["serial"] / n),
        Result("pdf", f"{n} kaarten in PDF's van {BATCH}, per kaart", m["batched"] / n, "s",
               most=GOAL_S, baseline="na elkaar", base_value=m["serial"] / n),
    ]
