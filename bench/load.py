"""Load test (`make load`, and the API throughput rows of `make bench`).

Hulpregie runs under gunicorn with 2 workers (its own gunicorn.conf.py, production settings)
on PostgreSQL -- ``BENCH_DATABASE_URL`` when that is PostgreSQL, otherwise a throw-away
cluster started for the run (tests/support/pg.py) and seeded with the bench's encrypted
organisation. Beside it, with the same gunicorn settings, the same database and table, a bare
Flask-AppBuilder app (bench/bare_app.py): a plain ModelRestApi and ModelView.

An asyncio + httpx client on loopback drives each target with ``BENCH_LOAD_USERS`` concurrent
users (default 8) for ``BENCH_LOAD_SECONDS`` per app (default 20; two rounds of half, the
apps alternating, so both see the same machine): the JSON API's holder list (page of 25),
one holder, an exact search on last name (the blind index; the bare app gets the index value
itself), and the holder list page (50 rows) of a logged-in session. It prints requests per
second, p50/p95/p99 latency and errors. Goal (issue 10): the API ≥ 0.8× the bare
ModelRestApi's throughput, 0 errors.

Usage: ``python -m bench.load`` (``BENCH_SCALE`` sets the seeded holders: 100,000 × scale).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from bench import common, generate

GOAL_RATIO = 0.8
BARE_USER, BARE_PASSWORD = common.BARE_USER, common.BARE_PASSWORD


def users() -> int:
    return int(os.environ.get("BENCH_LOAD_USERS", "8"))


# -- servers ----------------------------------------------------------------------------------


class Server:
    """One gunicorn with 2 workers on a free loopback port; its log in a temporary file."""

    def __init__(self, name: str, args: list[str], env: dict, cwd: Path, health: str):
        from tests.support.pg import free_port

        self.name, self.port, self.health = name, free_port(), health
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log",
                                               delete=False)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.proc = subprocess.Popen(
            [gunicorn, *args], cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(self.port)})
        self.base_url = f"http://127.0.0.1:{self.port}"

    def wait(self, seconds: float = 90) -> "Server":
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base_url + self.health, timeout=5).status_code < 500 \
                        and len(self.workers()) >= 2:
                    return self
            time.sleep(0.5)
        self.stop()
        tail = Path(self.log.name).read_text(errors="replace")[-3000:]
        raise SystemExit(f"bench: {self.name} (gunicorn) kwam niet op:\n{tail}")

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def rss_mb(self) -> dict[int, float]:
        """Resident memory of each worker (MB)."""
        found = {}
        for pid in self.workers():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                found[pid] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_hulpregie(url: str) -> Server:
    conf = common.ROOT / "gunicorn.conf.py"
    env = {**common.bench_env(url), "HULPREGIE_ENV": "production", "HULPREGIE_WORKERS": "2",
           "HULPREGIE_THREADS": "1", "HULPREGIE_LOG_LEVEL": "warning"}
    if conf.exists():
        args = ["-c", str(conf)]
    else:  # the same settings on the command line
        args = ["--workers", "2", "--threads", "1", "--timeout", "60", "--keep-alive", "5",
                "--bind", "127.0.0.1:{port}", "run:app"]
    return Server("hulpregie", args, env, common.ROOT, "/login/")


def start_bare(url: str, org_id: int) -> Server:
    env = {"BARE_DATABASE_URL": url, "BARE_ORG_ID": str(org_id)}
    subprocess.run([sys.executable, "-m", "bench.bare_app", "init"], cwd=common.ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    # The same settings as gunicorn.conf.py gives Hulpregie; started from bench/ so that
    # gunicorn does not read the repository's gunicorn.conf.py.
    args = ["--workers", "2", "--threads", "1", "--timeout", "60", "--keep-alive", "5",
            "--log-level", "warning", "--pythonpath", str(common.ROOT),
            "--bind", "127.0.0.1:{port}", "bench.bare_app:create_app()"]
    return Server("kale-fab", args, env, common.ROOT / "bench", "/login/")


# -- database -----------------------------------------------------------------------------------


@contextlib.contextmanager
def database(url: str | None, size: dict):
    """A PostgreSQL database with the bench's encrypted organisation; yields its URL."""
    if url and url.startswith("postgresql"):
        yield url
        return
    from tests.support.pg import PgCluster

    cluster = PgCluster().start()
    try:
        pg_url = cluster.create_database("hulpregie_load")
        print(f"  PostgreSQL-wegwerpcluster op poort {cluster.port}")
        generate.ensure(pg_url, size, parts=("load",))
        yield pg_url
    finally:
        cluster.stop()


# -- logging in -----------------------------------------------------------------------------------


def _cookies(resp, jar: dict) -> dict:
    for header in resp.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            jar[name] = morsel.value
    return jar


def session_cookie(base_url: str, username: str, password: str) -> str:
    """Log in through the form (CSRF token included); the Cookie header of the session.
    Cookies are carried by hand: production cookies are Secure, the load runs over http."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30,
                      cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(
                          allowed_domains=[]))) as client:
        page = client.get("/login/")
        jar = _cookies(page, {})
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        data = {"username": username, "password": password}
        if token:
            data["csrf_token"] = token.group(1)
        resp = client.post("/login/", data=data, headers={"Cookie": _header(jar)})
        _cookies(resp, jar)
        if resp.status_code != 302 or "/login" in resp.headers.get("location", ""):
            raise SystemExit(f"bench: inloggen als {username} op {base_url} is mislukt "
                             f"({resp.status_code})")
    return _header(jar)


def _header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def api_token(base_url: str, username: str, password: str) -> str:
    import httpx

    resp = httpx.post(base_url + "/api/v1/security/login", timeout=30, json={
        "username": username, "password": password, "provider": "db", "refresh": False})
    if resp.status_code != 200:
        raise SystemExit(f"bench: API-login als {username} op {base_url}: {resp.status_code}")
    return resp.json()["access_token"]


# -- the targets ----------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    paths: dict  # app name -> fn(rng) -> path
    headers: dict  # app name -> headers
    goal: bool = True  # ratio goal against the bare app


def targets(hulp: Server, bare: Server | None, ids: list[int], names: list[str]) -> list[Target]:
    import prison

    from security.crypto import blind_index_for

    h_api = {"Authorization": "Bearer " + api_token(hulp.base_url, "bench_encrypted",
                                                    common.PASSWORD)}
    h_ui = {"Cookie": session_cookie(hulp.base_url, "bench_encrypted", common.PASSWORD)}
    b_api, b_ui = {}, {}
    if bare is not None:  # the soak test runs Hulpregie alone
        b_api = {"Authorization": "Bearer " + api_token(bare.base_url, BARE_USER,
                                                        BARE_PASSWORD)}
        b_ui = {"Cookie": session_cookie(bare.base_url, BARE_USER, BARE_PASSWORD)}
    digests = {name: blind_index_for("last_name", name) for name in names}
    pages = max(1, min(40, len(ids) // 25))

    def page_q(rng):
        return prison.dumps({"page": rng.randrange(pages), "page_size": 25})

    def search_h(rng):
        name = rng.choice(names)
        return "/api/v1/holder/?q=" + prison.dumps(
            {"filters": [{"col": "last_name", "opr": "exact", "value": name}]})

    def search_b(rng):
        name = rng.choice(names)
        return "/api/v1/holder/?q=" + prison.dumps(
            {"filters": [{"col": "last_name_index", "opr": "eq", "value": digests[name]}]})

    ui_pages = max(1, min(20, len(ids) // 50))
    return [
        Target("API: lijst houders (25)", {
            "hulpregie": lambda r: "/api/v1/holder/?q=" + page_q(r),
            "kale-fab": lambda r: "/api/v1/holder/?q=" + page_q(r)},
            {"hulpregie": h_api, "kale-fab": b_api}),
        Target("API: één houder", {
            "hulpregie": lambda r: f"/api/v1/holder/{r.choice(ids)}",
            "kale-fab": lambda r: f"/api/v1/holder/{r.choice(ids)}"},
            {"hulpregie": h_api, "kale-fab": b_api}),
        Target("API: zoeken op achternaam", {"hulpregie": search_h, "kale-fab": search_b},
               {"hulpregie": h_api, "kale-fab": b_api}),
        Target("lijstpagina houders (50)", {
            "hulpregie": lambda r: f"/holderview/list/?psize_HolderView=50"
                                   f"&page_HolderView={r.randrange(ui_pages)}",
            "kale-fab": lambda r: f"/bareholderview/list/?psize_BareHolderView=50"
                                  f"&page_BareHolderView={r.randrange(ui_pages)}"},
            {"hulpregie": h_ui, "kale-fab": b_ui}, goal=False),
    ]


# -- driving --------------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list = field(default_factory=list)  # seconds
    errors: int = 0
    seconds: float = 0.0
    statuses: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def ms(self, q: float) -> float:
        return common.pct(self.latencies, q) * 1000 if self.latencies else float("nan")

    def add(self, other: "Stats") -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds
        for k, v in other.statuses.items():
            self.statuses[k] = self.statuses.get(k, 0) + v


async def drive(base_url: str, path_of, headers: dict, seconds: float, n_users: int,
                seed: int = 0, on_tick=None) -> Stats:
    """n_users loop over requests for `seconds`; every non-200 answer is an error."""
    import httpx

    stats = Stats()
    loop = asyncio.get_running_loop()
    limits = httpx.Limits(max_connections=n_users, max_keepalive_connections=n_users)
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits,
                                 cookies=jar) as client:
        started = loop.time()
        deadline = started + seconds

        async def user(i: int):
            rng = random.Random(seed * 1000 + i)
            while loop.time() < deadline:
                path, each = path_of(rng), headers
                if isinstance(path, tuple):  # a path with its own headers
                    path, each = path
                t0 = time.perf_counter()
                try:
                    resp = await client.get(path, headers=each)
                    status = resp.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                stats.latencies.append(time.perf_counter() - t0)
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
                if status != 200:
                    stats.errors += 1

        tasks = [user(i) for i in range(n_users)]
        if on_tick is not None:
            tasks.append(on_tick(deadline))
        await asyncio.gather(*tasks)
        stats.seconds = loop.time() - started
    return stats


def compare(servers: dict, all_targets: list[Target], seconds: float, n_users: int) -> dict:
    """Each target on each app: two rounds of seconds/2, alternating which app goes first."""
    found = {}
    for t in all_targets:
        per_app = {name: Stats() for name in servers}
        for round_no in range(2):
            order = list(servers) if round_no == 0 else list(servers)[::-1]
            for name in order:
                per_app[name].add(asyncio.run(drive(
                    servers[name].base_url, t.paths[name], t.headers[name], seconds / 2,
                    n_users, seed=round_no)))
        found[t.name] = per_app
    return found


def holder_sample(url: str, org_id: int) -> tuple[list[int], list[str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(sa.text("SELECT id FROM holder WHERE organisation_id = :o "
                                   "ORDER BY id LIMIT 5000"), {"o": org_id}).scalars().all()
    engine.dispose()
    n = len(ids)
    names = sorted({p["last_name"] for p in common.fake_people(min(n, 2000), seed=org_id)})
    return ids, names


@contextlib.contextmanager
def servers_for(pg_url: str, with_bare: bool = True):
    """Hulpregie (and the bare app) under gunicorn on pg_url; the encrypted org's id."""
    app = common.make_app(pg_url)  # installs the bench keys in this process as well
    org_id = generate.org_ids(app)["encrypted"]
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    started = []
    try:
        hulp = start_hulpregie(pg_url)
        started.append(hulp)
        if with_bare:
            started.append(start_bare(pg_url, org_id))
        for server in started:
            server.wait()
        yield org_id, {s.name: s for s in started}
    finally:
        for server in started:
            server.stop()


def report(found: dict, n_users: int) -> str:
    lines = [f"{'doel':28} {'app':10} {'verzoeken':>9} {'req/s':>8} {'p50 ms':>8} "
             f"{'p95 ms':>8} {'p99 ms':>8} {'fouten':>6}", "-" * 92]
    for target, per_app in found.items():
        for name, s in per_app.items():
            lines.append(f"{target:28} {name:10} {len(s.latencies):>9} {s.rps:>8.1f} "
                         f"{s.ms(50):>8.1f} {s.ms(95):>8.1f} {s.ms(99):>8.1f} {s.errors:>6}")
            if s.errors:
                lines.append(f"{'':28} antwoorden: {s.statuses}")
    lines.append(f"({n_users} gelijktijdige gebruikers, gunicorn met 2 workers, PostgreSQL)")
    return "\n".join(lines)


def results(found: dict) -> list[common.Result]:
    rows = []
    for target, per_app in found.items():
        h, b = per_app["hulpregie"], per_app["kale-fab"]
        is_api = target.startswith("API")
        rows.append(common.Result(
            "load", target, h.rps, "req/s",
            baseline="kale FAB " + ("ModelRestApi" if is_api else "ModelView"),
            base_value=b.rps, ratio_least=GOAL_RATIO if is_api else None,
            note=f"p50 {h.ms(50):.1f} ms, p95 {h.ms(95):.1f} ms, p99 {h.ms(99):.1f} ms"))
    errors = sum(s.errors for per_app in found.values() for s in per_app.values())
    rows.append(common.Result("load", "fouten (alle doelen, beide apps)", errors, "", most=0))
    return rows


def measure(url: str | None, size: dict, seconds: float) -> list[common.Result]:
    n_users = users()
    with database(url, size) as pg_url:
        ids, names = None, None
        with servers_for(pg_url) as (org_id, servers):
            ids, names = holder_sample(pg_url, org_id)
            all_targets = targets(servers["hulpregie"], servers["kale-fab"], ids, names)
            print(f"Belasten: {len(all_targets)} doelen × 2 apps × {seconds:g} s, "
                  f"{n_users} gebruikers…", flush=True)
            found = compare(servers, all_targets, seconds, n_users)
    print(report(found, n_users))
    return results(found)


def run(app, ctx) -> list[common.Result]:
    return measure(ctx.url, ctx.size, ctx.load_seconds)


def main() -> int:
    url = common.configure_environment()
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    size = generate.sizes()
    if url.startswith("postgresql"):  # the bench database itself: the same data as make bench
        generate.ensure(url, size)
    rows = measure(url, size, seconds)
    print()
    print(common.table(rows))
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
