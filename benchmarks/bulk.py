"""Benchmark: bulk screening of a customer book against every list in $MONEYTRAIL_DATA_DIR/lists.

The book (made once per size and seed, kept in ``.bench-data/``): names drawn with Faker from
the name distributions of 13 Latin-script locales (US, UK, German, French, Spanish, Mexican,
Brazilian, Italian, Polish, Dutch, Turkish, Indonesian, Vietnamese) and 5 others written in
their own scripts (Russian, Chinese, Korean, Arabic, Japanese), weighted 85% / 15%, each with a
birth date and a country; plus a known share (1%) of **planted** list entities: their primary
name or an alias, half of them as written and half as spelling variants (one letter changed or
dropped in a word of six letters or more, order flipped from ``SURNAME, Given``, hyphens to
spaces, case changed), typed as the list types them, birth date and country blank.

Prints, for in-process runs (:func:`moneytrail.batch.run.run_file`, the code behind
``moneytrail screen-file``) on 1 and 2 workers: rows/s, peak memory, hits, and the recall of the
planted names (a planted row is found when its planted entity is among its matches, with
``--all-matches``); the same for Spark local mode when PySpark is installed; and the baseline:
looping ``Screener.match`` one name at a time over the same rows, in the same run.

Run: ``.venv/bin/python benchmarks/bulk.py [--rows 1000000] [--one-worker-rows 100000]
[--spark-rows ROWS] [--loop-rows 20000]`` (Faker comes with ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import sys
import time
from pathlib import Path

from moneytrail.batch.io import Reader, map_columns
from moneytrail.batch.run import Options, RunFiles, open_input, row_query, run_file
from moneytrail.model import NameKind, Schema
from moneytrail.screening import Screener
from moneytrail.settings import Settings
from screening import newest_entities  # noqa: E402  (benchmarks/ is on sys.path as a script)

SEED = 20261129
BOOK_VERSION = 2  # bump when make_book changes: a kept book is reused only if it matches
ROOT = Path(__file__).resolve().parents[1]
LATIN = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "pt_BR", "it_IT", "pl_PL",
         "nl_NL", "tr_TR", "id_ID", "vi_VN"]
OTHER = ["ru_RU", "zh_CN", "ko_KR", "ar_AA", "ja_JP"]
PLANTED_SHARE = 0.01


def variant(name: str, rng: random.Random) -> str:
    """A spelling variant of a list name, as customer records write them."""
    kind = rng.randrange(4)
    if kind == 0 and "," in name:  # SURNAME, Given -> Given Surname
        surname, _, given = name.partition(",")
        return f"{given.strip()} {surname.strip().title()}"
    if kind == 1 and "-" in name:
        return name.replace("-", " ")
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if kind in (0, 1, 2) and long_words:
        i = rng.choice(long_words)
        word = words[i]
        j = rng.randrange(1, len(word) - 1)
        letter = rng.choice("aeiourstnl")
        letter = letter.upper() if word.isupper() else letter  # typed in the word's case
        if rng.random() < 0.5:
            word = word[:j] + word[j + 1:]  # a letter dropped
        else:
            word = word[:j] + letter + word[j + 1:]  # a letter changed
        words[i] = word
        return " ".join(words)
    return name.lower() if name.isupper() else name.upper()


def planted_name(entity, rng: random.Random) -> str:
    """One of a list entity's names (weak aliases and other scripts aside), half of the time
    written as a customer record would (:func:`variant`)."""
    names = [n.full for n in entity.names if n.kind is not NameKind.WEAK_ALIAS
             and n.full.isascii()] or [entity.names[0].full]
    name = rng.choice(names)
    return variant(name, rng) if rng.random() < 0.5 else name


def make_book(path: Path, rows: int, entities: list) -> dict[str, str]:
    """Write the book; return the planted rows' keys -> planted entity id."""
    from faker import Faker

    rng = random.Random(SEED)
    Faker.seed(SEED)
    latin, other = Faker(LATIN), Faker(OTHER)
    planted: dict[str, str] = {}
    candidates = [e for e in entities if e.schema in (Schema.PERSON, Schema.ORGANIZATION)
                  and e.names]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["customer_id", "name", "type", "date_of_birth", "country"])
        for i in range(rows):
            key = f"c{i:07d}"
            if rng.random() < PLANTED_SHARE:
                entity = rng.choice(candidates)
                name = planted_name(entity, rng)
                kind = "person" if entity.schema is Schema.PERSON else "company"
                out.writerow([key, name, kind, "", ""])
                planted[key] = entity.id
                continue
            fake = latin if rng.random() < 0.85 else other
            locale = rng.choice(fake.locales)
            person = fake[locale]
            country = locale.split("_")[1].lower()
            out.writerow([key, person.name(), "person",
                          person.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
                          "sa" if country == "aa" else country])
    return planted


def peak_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def prefix(path: Path, rows: int) -> Path:
    """The first ``rows`` rows of a book, as a file of its own (kept beside it)."""
    part = path.with_name(f"{path.stem}.first{rows}.csv")
    if not part.exists():
        with path.open(newline="", encoding="utf-8") as f, \
                part.open("w", newline="", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i > rows:
                    break
                out.write(line)
    return part


def recall(output: Path, planted: dict[str, str]) -> tuple[float, int, int]:
    """Planted rows whose planted entity is among the matches, over the planted rows the
    output holds; and the rows with a hit. One pass over the output."""
    keys: set[str] = set()
    found: set[str] = set()
    hit_rows: set[str] = set()
    with output.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            keys.add(record["key"])
            if record.get("match"):
                hit_rows.add(record["key"])
                if planted.get(record["key"]) == record["entity_id"]:
                    found.add(record["key"])
    wanted = sum(1 for k in planted if k in keys)
    return (len(found) / wanted if wanted else float("nan")), wanted, len(hit_rows)


def in_process(screener: Screener, book: Path, out: Path, workers: int,
               planted: dict[str, str]) -> dict:
    reader, columns, _ = open_input(book)
    with reader:
        start = time.perf_counter()
        summary = run_file(screener, reader, RunFiles.for_output(out), Options(
            columns=columns, all_matches=True), workers=workers,
            snapshot_of={})
        seconds = time.perf_counter() - start
    found, planted_n, hits = recall(out, planted)
    return {"rows": summary.rows, "seconds": seconds, "rate": summary.rows / seconds,
            "hit_rows": summary.hit_rows, "recall": found, "planted": planted_n,
            "errors": summary.errors}


def delta_run(full: Screener, book: Path, work: Path, full_run: dict) -> None:
    """Re-screen the book against what SDN 2024-05-03 added or changed since SDN 2023 (the
    real change in the data folder), through a store as `moneytrail rescreen` does."""
    from moneytrail import lists as lists_cap
    from moneytrail.batch.delta import delta_screener, delta_since
    from moneytrail.store import Store

    lists = Settings.from_env().data_dir / "lists"
    store = Store.open(f"sqlite:///{work / 'delta.db'}")
    if len(store.snapshots("ofac_sdn")) < 2:
        for folder in ("ofac_sdn_2023", "ofac_sdn_2024-05-03"):
            lists_cap.load_path(store, lists / folder)
    old, _ = store.snapshots("ofac_sdn")
    start = time.perf_counter()
    delta = delta_since(store, [old.id])
    screener = delta_screener(delta, full)
    built = time.perf_counter() - start
    described = delta.describe()
    reader, columns, _ = open_input(book)
    out = work / "out_delta.jsonl"
    with reader:
        start = time.perf_counter()
        summary = run_file(screener, reader, RunFiles.for_output(out),
                           Options(columns=columns, all_matches=True), workers=2,
                           snapshot_of=delta.snapshot_of)
        seconds = time.perf_counter() - start
    print(f"rescreen since SDN 2023 ({described['added']:,} added, {described['changed']:,} "
          f"changed; delta index {len(screener.index):,} entities, {built:.1f} s): "
          f"{summary.rows:,} rows in {seconds:.0f} s, {summary.rows / seconds:,.0f} rows/s, "
          f"{seconds / full_run['seconds']:.2f} of the full run's time; rows with a new hit "
          f"{summary.hit_rows:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--one-worker-rows", type=int, default=100_000)
    parser.add_argument("--spark-rows", type=int, default=None,
                        help="rows for Spark (default: all, the rows of the 2-worker run)")
    parser.add_argument("--loop-rows", type=int, default=20_000)
    args = parser.parse_args()

    data = Settings.from_env().data_dir / "lists"
    work = ROOT / ".bench-data"
    work.mkdir(exist_ok=True)
    entities = newest_entities(data)
    book = work / f"book_{args.rows}_{SEED}_v{BOOK_VERSION}.csv"
    planted_file = book.with_suffix(".planted.json")
    if not book.exists() or not planted_file.exists():
        start = time.perf_counter()
        planted = make_book(book, args.rows, entities)
        planted_file.write_text(json.dumps(planted))
        print(f"book: made {args.rows:,} rows in {time.perf_counter() - start:.0f} s")
    planted = json.loads(planted_file.read_text())
    print(f"book: {book.name}, {args.rows:,} rows, {len(planted):,} planted "
          f"({book.stat().st_size / 1e6:.0f} MB)")

    gc.collect()
    start = time.perf_counter()
    screener = Screener.from_entities(entities)
    print(f"index: {len(screener.index):,} entities in {time.perf_counter() - start:.1f} s; "
          f"peak memory so far {peak_mb():.0f} MB")

    # the baseline: Screener.match one name at a time, over the first rows, same run
    loop_book = prefix(book, args.loop_rows)
    reader = Reader(loop_book)
    columns, _ = map_columns(reader.columns, {})
    options = Options(columns=columns, all_matches=True)
    with reader:
        rows = list(reader)
    start = time.perf_counter()
    for row in rows:
        query, _, _ = row_query(row, options)
        if query is not None:  # as a bulk run asks: every match at the threshold
            screener.match(query, limit=50, cutoff=screener.threshold)
    loop_rate = len(rows) / (time.perf_counter() - start)
    print(f"baseline, Screener.match in a loop over {len(rows):,} rows: {loop_rate:,.0f} rows/s")

    one = in_process(screener, prefix(book, args.one_worker_rows),
                     work / "out_1worker.jsonl", 1, planted)
    print(f"in process, 1 worker, first {one['rows']:,} rows: {one['rate']:,.0f} rows/s "
          f"({one['rate'] / loop_rate:.2f}x the loop); recall of planted "
          f"{one['recall']:.4f} ({one['planted']:,}); rows with a hit {one['hit_rows']:,}; "
          f"peak memory {peak_mb():.0f} MB")
    two = in_process(screener, book, work / "out_2workers.jsonl", 2, planted)
    print(f"in process, 2 workers, {two['rows']:,} rows: {two['rate']:,.0f} rows/s "
          f"({two['rate'] / loop_rate:.2f}x the loop, {two['seconds']:.0f} s); recall of "
          f"planted {two['recall']:.4f} ({two['planted']:,}); rows with a hit "
          f"{two['hit_rows']:,}; peak memory: parent {peak_mb():.0f} MB, largest worker "
          f"{peak_mb(children=True):.0f} MB")

    delta_run(screener, book, work, two)

    try:
        from moneytrail.batch import spark
    except ImportError as exc:
        print(f"spark: not measured ({exc}; pip install -e '.[spark]')")
        return
    # on the same rows as the 2-worker run by default: the comparison the target asks for
    spark_book = book if args.spark_rows in (None, args.rows) else prefix(book, args.spark_rows)
    start = time.perf_counter()
    summary = spark.screen_file(screener, spark_book, work / "out_spark.jsonl", flags={},
                                all_matches=True, master="local[2]", snapshot_of={})
    seconds = time.perf_counter() - start
    found, planted_n, hits = recall(work / "out_spark.jsonl", planted)
    rate = summary["rows"] / seconds
    print(f"spark local[2], {summary['rows']:,} rows: {rate:,.0f} rows/s in "
          f"{seconds:.0f} s with session start ({rate / two['rate']:.2f}x in process on 2 "
          f"workers); recall of planted {found:.4f} ({planted_n:,}); rows with a hit {hits:,}")


if __name__ == "__main__":
    main()
