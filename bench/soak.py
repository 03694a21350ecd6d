"""Soak test (`make soak`, not part of `make test`): Hulpregie under steady load for
``SOAK_SECONDS`` (default 600), with 0 errors and memory that does not grow.

The same setup as the load test (bench/load.py): gunicorn with 2 workers on PostgreSQL
(``BENCH_DATABASE_URL`` or a throw-away cluster), ``BENCH_LOAD_USERS`` users (default 8)
cycling over the four targets (API list, one holder, search, the list page). Every
``SOAK_SAMPLE_SECONDS`` (default 10) it samples each worker's resident memory (VmRSS). After a
warm-up (the first ``SOAK_WARMUP_SECONDS``, default 10 % of the run, at least one sample) the
total RSS of the workers may grow at most ``SOAK_MAX_GROWTH`` (default 0.10 = 10 %) up to the
end of the run. Exit code 0 when both hold, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from bench import common, generate, load


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)


def mixed(all_targets, app: str):
    """One path function cycling over every target of ``app``."""
    def path(rng):
        target = all_targets[rng.randrange(len(all_targets))]
        return target.paths[app](rng), target.headers[app]
    return path


def soak(server, all_targets, seconds: float, every: float, n_users: int):
    """Drive the mixed load; sample the workers' RSS every ``every`` seconds."""
    samples = []  # (seconds since start, {pid: MB})
    started = time.monotonic()

    async def sampler(deadline):
        loop = asyncio.get_running_loop()
        while True:
            samples.append((time.monotonic() - started, server.rss_mb()))
            print(f"  {samples[-1][0]:6.0f} s  RSS workers: " + ", ".join(
                f"{pid}={mb:.0f} MB" for pid, mb in samples[-1][1].items()), flush=True)
            if loop.time() >= deadline:
                return
            await asyncio.sleep(min(every, max(0.0, deadline - loop.time())))

    stats = asyncio.run(load.drive(server.base_url, mixed(all_targets, "hulpregie"), {},
                                   seconds, n_users, on_tick=sampler))
    return stats, samples


def verdict(stats, samples, warmup: float, max_growth: float) -> tuple[bool, list[str]]:
    after = [s for s in samples if s[0] >= warmup] or samples[-1:]
    base_t, base = after[0]
    end_t, end = samples[-1]
    total = lambda sample: sum(sample.values())
    growth = (total(end) - total(base)) / total(base) if total(base) else float("inf")
    recycled = set(base) != set(end)
    ok = stats.errors == 0 and growth <= max_growth and not recycled
    lines = [
        f"Soak: {stats.seconds:.0f} s, {len(stats.latencies)} verzoeken, {stats.rps:.1f} req/s, "
        f"p50 {stats.ms(50):.0f} ms, p95 {stats.ms(95):.0f} ms, p99 {stats.ms(99):.0f} ms, "
        f"fouten {stats.errors}" + (f" {stats.statuses}" if stats.errors else ""),
        f"Geheugen (RSS, som van de workers): {total(base):.0f} MB na de opwarming "
        f"({base_t:.0f} s), {total(end):.0f} MB aan het eind ({end_t:.0f} s): "
        f"{growth * 100:+.1f} % (grens {max_growth * 100:.0f} %)"
        + ("; LET OP: een worker is vervangen" if recycled else ""),
        "Per worker: " + ", ".join(f"{pid} {base.get(pid, 0):.0f} → {mb:.0f} MB"
                                    for pid, mb in end.items()),
        "Oordeel: " + ("gehaald (0 fouten, geheugen groeit niet)" if ok else "NIET gehaald"),
    ]
    return ok, lines


def main() -> int:
    seconds = env_float("SOAK_SECONDS", 600)
    every = env_float("SOAK_SAMPLE_SECONDS", 10)
    warmup = env_float("SOAK_WARMUP_SECONDS", max(every, seconds * 0.1))
    max_growth = env_float("SOAK_MAX_GROWTH", 0.10)
    url = common.configure_environment()
    size = generate.sizes()
    if url.startswith("postgresql"):
        generate.ensure(url, size)
    n_users = load.users()
    with load.database(url, size) as pg_url:
        with load.servers_for(pg_url, with_bare=False) as (org_id, servers):
            hulp = servers["hulpregie"]
            ids, names = load.holder_sample(pg_url, org_id)
            all_targets = load.targets(hulp, None, ids, names)
            print(f"Soak: {seconds:g} s, {n_users} gebruikers, RSS elke {every:g} s "
                  f"(opwarming {warmup:g} s)…", flush=True)
            stats, samples = soak(hulp, all_targets, seconds, every, n_users)
    ok, lines = verdict(stats, samples, warmup, max_growth)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
