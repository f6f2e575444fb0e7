"""Benchmark: the Screener's speed on every list in $MONEYTRAIL_DATA_DIR/lists loaded together.

Prints index build time and memory, first-query latency, p50/p95/p99 query latency, queries/s on
one and on two processes, and pair comparisons/s for ``compare``.

Queries: a fixed-seed sample of 1,000 list names (half with one letter changed) and 1,000
names that are on no list (made from first and last names seen on the lists, recombined).

Baseline in the same run: nomenklatura's logic-v2 comparing the same pairs, when
``.bench-venv`` (see ``benchmarks/_baselines.py``) holds it; otherwise the line says it was not
measured. logic-v2 has no index of its own (yente puts Elasticsearch in front of it), so query
latency has no like-for-like baseline here; the issue cites 15-30 ms per query for it.

Also: the time from process start to the first answer of ``moneytrail screen`` on a store
holding every list, building the index and then reading the kept one.

Run: ``.venv/bin/python benchmarks/screening.py``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _baselines  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from moneytrail.model import Schema
from moneytrail.screening import Query, Screener
from moneytrail.settings import Settings
from moneytrail.sources import find_lists

SEED = 20261129
_SCREENER: Screener | None = None


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def newest_files(data: Path) -> list:
    """The newest file of every list below ``data``, in the order they were found."""
    found, _ = find_lists(data)
    newest = {}
    for hit in found:
        if hit.source not in newest or (hit.published or "") > (newest[hit.source].published or ""):
            newest[hit.source] = hit
    return list(newest.values())


def newest_entities(data: Path) -> list:
    entities = []
    for hit in newest_files(data):
        entities.extend(hit.format.parse(hit.path))
    return entities


def make_queries(entities: list, n: int = 1000) -> list[Query]:
    rng = random.Random(SEED)
    named = [e for e in entities if e.names and e.schema is not Schema.OTHER]
    queries = []
    for entity in rng.sample(named, n):
        name = rng.choice(entity.names).full
        if rng.random() < 0.5 and len(name) > 4:
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + rng.choice("aeiouklmnrst") + name[i + 1:]
        queries.append(Query.of(name, schema=entity.schema))
    persons = [e.caption.replace(",", "").split() for e in named if e.schema is Schema.PERSON]
    firsts = [p[-1] for p in persons if len(p) >= 2]
    lasts = [p[0] for p in persons if len(p) >= 2]
    for _ in range(n):
        queries.append(Query.of(f"{rng.choice(firsts)} {rng.choice(lasts)}", schema="Person"))
    rng.shuffle(queries)
    return queries


def _work(chunk: list[Query]) -> int:
    assert _SCREENER is not None
    for query in chunk:
        _SCREENER.match(query, limit=10)
    return len(chunk)


def main() -> None:
    global _SCREENER
    data = Settings.from_env().data_dir / "lists"
    entities = newest_entities(data)
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    screener = Screener.from_entities(entities)
    build = time.perf_counter() - start
    index_mb = rss_mb() - before
    print(f"index: {len(screener.index):,} entities, {screener.index.name_count:,} names, "
          f"{screener.index.key_count():,} keys; built in {build:.2f} s; "
          f"~{index_mb:.0f} MB (RSS growth)")

    queries = make_queries(entities)
    start = time.perf_counter()
    screener.match(queries[0])
    print(f"first query: {(time.perf_counter() - start) * 1000:.1f} ms")

    latencies = []
    for query in queries:
        t0 = time.perf_counter()
        screener.match(query, limit=10)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    one_core = len(latencies) / sum(latencies)
    print(f"query latency over {len(latencies):,} queries: p50 {q[49] * 1000:.2f} ms, "
          f"p95 {q[94] * 1000:.2f} ms, p99 {q[98] * 1000:.2f} ms; {one_core:,.0f} queries/s "
          f"on one core")

    _SCREENER = screener  # shared with forked workers, copy-on-write
    chunks = [queries[i::2] for i in range(2)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        start = time.perf_counter()
        done = sum(pool.map(_work, chunks))
        two = done / (time.perf_counter() - start)
    print(f"two processes: {two:,.0f} queries/s ({two / one_core:.2f}x one core)")

    rng = random.Random(SEED)
    persons = [e for e in entities if e.schema is Schema.PERSON and e.names]
    pairs = [(Query.of(rng.choice(persons).caption, schema="Person"),
              rng.choice(persons)) for _ in range(5000)]
    rates = []
    for _ in range(2):  # first pass: tokens not seen before; second: the same pairs again
        start = time.perf_counter()
        for a, b in pairs:
            screener.compare(a, b)
        rates.append(len(pairs) / (time.perf_counter() - start))
    per_s, warm = rates
    print(f"compare: {per_s:,.0f} pairs/s on one core (first pass); {warm:,.0f} pairs/s "
          f"(the same pairs again: token similarities cached)")

    result = _baselines.run_nomenklatura([(a.names[0], b.names[0].full, "Person", "Person")
                                          for a, b in pairs])
    if isinstance(result, str):
        print(f"logic-v2: not measured in this run ({result})")
    else:
        rate = result[1]["pairs_per_s"]["logic-v2"]
        print(f"logic-v2 on the same pairs, same run: {rate:,.0f} pairs/s "
              f"(first pair {result[1]['first_pair_s']['logic-v2']:.1f} s) -> moneytrail "
              f"{per_s / rate:.1f}x (first pass), {warm / rate:.1f}x (second)")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    first_answer(data)


def first_answer(data: Path) -> None:
    """Time from process start to the first answer of ``moneytrail screen``, in a new process,
    on a store holding every list: once building the index (and keeping it in
    ``$MONEYTRAIL_HOME/index``), once on the built index read back from there."""
    exe = Path(sys.executable).with_name("moneytrail")
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MONEYTRAIL_HOME=home)
        env.pop("MONEYTRAIL_DATABASE_URL", None)
        subprocess.run([str(exe), "lists", "update", "--from", str(data)], env=env, check=True,
                       capture_output=True)
        for label in ("building the index", "on the built index"):
            start = time.perf_counter()
            done = subprocess.run([str(exe), "screen", "Kim Jong Un", "--limit", "1"], env=env,
                                  check=True, capture_output=True, text=True)
            took = time.perf_counter() - start
            assert "KIM" in done.stdout.upper(), done.stdout
            print(f"first answer of a new process ({label}): {took:.2f} s")


if __name__ == "__main__":
    main()
