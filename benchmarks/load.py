"""Benchmark: parse and load every list in $MONEYTRAIL_DATA_DIR/lists.

Prints, per list file: entities, parse time and entities/s; then the full load (parse + write
every snapshot into a fresh SQLite store) with its entities/s and the process's peak memory.

Baselines, each named with where its figure comes from:
- ``csv floor``: reading the same OFAC SDN 2021-07 CSV set with the bare ``csv`` module and
  doing nothing with it, measured in this run: the cost no parser can go under.
- ``FtM anchor``: FollowTheMoney's own import of the same set takes about 0.9 s (the figure in
  issue 2; FtM is not installed here, so this one is cited, not measured).

Run: ``make bench`` or ``.venv/bin/python benchmarks/load.py``.
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from moneytrail import lists as lists_cap
from moneytrail.settings import Settings
from moneytrail.sources import find_lists
from moneytrail.store import Store

FTM_ANCHOR_SECONDS = 0.9


def best_of(n: int, func) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def csv_floor(files: tuple[Path, ...]) -> int:
    rows = 0
    for path in files:
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            rows += sum(1 for _ in csv.reader(f))
    return rows


def main() -> None:
    data = Settings.from_env().data_dir / "lists"
    found, _ = find_lists(data)
    print(f"lists in {data}: {len(found)} files\n")
    print(f"{'list':<12} {'file':<48} {'entities':>9} {'parse s':>8} {'ent/s':>9}")
    total_entities, total_parse = 0, 0.0
    sdn_2021 = None
    for hit in found:
        seconds, entities = best_of(3, lambda: list(hit.format.parse(hit.path)))
        n = len(entities)  # type: ignore[arg-type]
        total_entities += n
        total_parse += seconds
        rel = hit.path.relative_to(data)
        print(f"{hit.source:<12} {str(rel):<48} {n:>9,} {seconds:>8.3f} {n / seconds:>9,.0f}")
        if "ofac_sdn_2021-07" in str(rel):
            sdn_2021 = (hit, seconds)
    print(f"{'all':<12} {'':<48} {total_entities:>9,} {total_parse:>8.3f} "
          f"{total_entities / total_parse:>9,.0f}\n")

    if sdn_2021 is not None:
        hit, seconds = sdn_2021
        floor, _ = best_of(3, lambda: csv_floor(hit.files))
        print(f"OFAC SDN 2021-07 set ({', '.join(p.name for p in hit.files)}):")
        print(f"  moneytrail parse       {seconds:.3f} s")
        print(f"  csv floor (this run)   {floor:.3f} s   ratio {seconds / floor:.1f}x the floor")
        print(f"  FtM anchor (cited)     {FTM_ANCHOR_SECONDS:.3f} s   ratio "
              f"{FTM_ANCHOR_SECONDS / seconds:.1f}x faster than the anchor\n")

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        outcomes, _ = lists_cap.load_path(store, data)
        seconds = time.perf_counter() - start
        loaded = sum(o.snapshot.counts.get("total", 0) for o in outcomes if o.snapshot)
        failed = [o for o in outcomes if not o.ok]
        db_mb = Path(f"{tmp}/bench.db").stat().st_size / 1e6
        print(f"full load into SQLite: {loaded:,} entities in {len(outcomes)} snapshots, "
              f"{seconds:.2f} s, {loaded / seconds:,.0f} entities/s, store {db_mb:.1f} MB, "
              f"{store.version_count():,} distinct entity versions")
        if failed:
            print("FAILED:", *[o.error for o in failed], sep="\n  ")
            sys.exit(1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
