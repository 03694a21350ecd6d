"""What every bench shares: the bench's environment and keys, fake people, timing, and the
:class:`Result` row of the one table ``make bench`` prints."""

from __future__ import annotations

import base64
import datetime as dt
import os
import random
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "sqlite:////tmp/hulpregie-bench.db"
PASSWORD = "Bench-wachtwoord-2026"
PAGE_SIZE = 50
BARE_USER, BARE_PASSWORD = "bare_admin", "Bare-wachtwoord-2026"  # bench/bare_app.py

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


def bench_env(url: str) -> dict[str, str]:
    """The environment of a bench process (fixed bench-only keys: later runs reuse rows)."""
    return {
        "HULPREGIE_ENV": "test",
        "SECRET_KEY": "bench-secret-key-" + "b" * 32,
        "HULPREGIE_FIELD_KEYS": "bench:" + base64.b64encode(b"B" * 32).decode(),
        "HULPREGIE_INDEX_KEY": base64.b64encode(b"I" * 32).decode(),
        "DATABASE_URL": url,
    }


def configure_environment() -> str:
    """Set the bench environment in this process; the database URL it uses."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    os.environ.update(bench_env(url))
    return url


def make_app(url: str):
    import logging
    import warnings

    from app import create_app

    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*will not produce a cache key.*")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    app.config["RATELIMIT_ENABLED"] = False
    return app


def scale() -> float:
    """BENCH_SCALE: 1 is the full size of issue 10 (0.01 for a quick run)."""
    return float(os.environ.get("BENCH_SCALE", "1") or 1)


# -- fake people --------------------------------------------------------------------------


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


# -- timing -------------------------------------------------------------------------------


def timed(fn) -> float:
    """Milliseconds one call of fn takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def pct(values, q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def p95(values) -> float:
    return pct(values, 95)


def median(values) -> float:
    return statistics.median(values)


def login(app, username: str):
    """A Flask test client logged in as username (a bench user)."""
    client = app.test_client()
    resp = client.post("/login/", data={"username": username, "password": PASSWORD})
    if resp.status_code != 302 or "/login" in resp.headers.get("Location", ""):
        raise SystemExit(f"bench: inloggen als {username} is mislukt")
    return client


# -- the table ----------------------------------------------------------------------------


@dataclass
class Result:
    """One row of the table: a figure, its goal, and its ratio to a baseline of the same run.

    ``most``/``least`` bound the figure; ``ratio`` is figure / baseline unless given, and
    ``ratio_most``/``ratio_least`` bound it. ``passed`` is None when there is no goal."""

    bench: str
    name: str
    figure: float
    unit: str
    most: float | None = None
    least: float | None = None
    baseline: str | None = None
    base_value: float | None = None
    ratio: float | None = None
    ratio_most: float | None = None
    ratio_least: float | None = None
    note: str = ""

    def __post_init__(self):
        if self.ratio is None and self.base_value:
            self.ratio = self.figure / self.base_value

    @property
    def goal(self) -> str:
        parts = []
        if self.most is not None:
            parts.append(f"≤ {self.most:g} {self.unit}")
        if self.least is not None:
            parts.append(f"≥ {self.least:g} {self.unit}")
        if self.ratio_most is not None:
            parts.append(f"≤ {self.ratio_most:g}×")
        if self.ratio_least is not None:
            parts.append(f"≥ {self.ratio_least:g}×")
        return ", ".join(parts)

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.most is not None:
            checks.append(self.figure <= self.most)
        if self.least is not None:
            checks.append(self.figure >= self.least)
        if self.ratio_most is not None:
            checks.append(self.ratio is not None and self.ratio <= self.ratio_most)
        if self.ratio_least is not None:
            checks.append(self.ratio is not None and self.ratio >= self.ratio_least)
        return all(checks) if checks else None

    def as_dict(self) -> dict:
        return {**asdict(self), "goal": self.goal, "passed": self.passed}


def table(results: list[Result]) -> str:
    """The one table: name, figure, unit, goal, baseline and ratio, pass/fail."""
    def fmt(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if value < 10 else \
            f"{value:.1f}"

    head = (f"{'bench':13} {'meting':44} {'waarde':>9} {'eenheid':8} {'doel':22} "
            f"{'basislijn':32} {'verh.':>7}  oordeel")
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = {True: "gehaald", False: "NIET gehaald", None: "-"}[r.passed]
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        lines.append(f"{r.bench:13} {r.name[:44]:44} {fmt(r.figure):>9} {r.unit:8} "
                     f"{r.goal[:22]:22} {(r.baseline or '')[:32]:32} {ratio:>7}  {verdict}")
    failed = sum(r.passed is False for r in results)
    lines.append(f"{len(results)} metingen, {sum(r.passed is True for r in results)} doelen "
                 f"gehaald, {failed} niet gehaald")
    return "\n".join(lines)
