"""Bulk screening on Spark, for books that one machine cannot screen in time.

The driver builds the Screener once and broadcasts it; every partition is screened by
:class:`moneytrail.batch.run.RowScreener`, the code that screens a file in process, over Arrow
record batches (``mapInArrow``), so a row gets the same matches and scores on a cluster as on a
laptop. PySpark is an optional extra: ``pip install 'moneytrail[spark]'`` (and Java 17+).

Rows are numbered by ``zipWithIndex`` (1-based, in the order Spark reads the input), the same
numbers an in-process run gives a file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import LongType, StructField, StructType

from moneytrail.batch.io import BatchInputError, Columns, RawRow, file_format, map_columns
from moneytrail.batch.output import ERROR_COLUMNS, Writer, arrow_schema, error_arrow_schema
from moneytrail.batch.run import Options, RowScreener, row_query
from moneytrail.screening import Screener

_ROW = "__moneytrail_row"
_CACHE: dict[str, RowScreener] = {}  # per Python worker: broadcast key -> row screener


def _numbered(df: DataFrame) -> DataFrame:
    """``df`` with a 1-based row number column, in the order Spark reads it."""
    schema = StructType(df.schema.fields + [StructField(_ROW, LongType(), False)])
    rdd = df.rdd.zipWithIndex().map(lambda pair: tuple(pair[0]) + (pair[1] + 1,))
    return df.sparkSession.createDataFrame(rdd, schema)


def _raw_rows(batch: Any) -> list[RawRow]:
    return [RawRow(values.pop(_ROW), None, values) for values in batch.to_pylist()]


def screen_dataframe(df: DataFrame, screener: Screener, columns: Columns | dict[str, str | None],
                     *, threshold: float | None = None, cutoff: float | None = None,
                     all_matches: bool = False, day_first: bool = True,
                     snapshot_of: dict[str, int] | None = None) -> DataFrame:
    """Screen every row of ``df``: a DataFrame of the batch output columns
    (:data:`moneytrail.batch.output.OUTPUT_COLUMNS`), one row per screened input row (or per
    match with ``all_matches``), as ``moneytrail screen-file`` writes them.

    ``columns``: which of ``df``'s columns hold the name, birth date, country, identifier, type
    and key (a :class:`Columns`, or a dict of flags whose missing roles are guessed).
    """
    if not isinstance(columns, Columns):
        columns, _ = map_columns(df.columns, columns)
    options = Options(columns=columns, threshold=threshold, cutoff=cutoff,
                      all_matches=all_matches, day_first=day_first)
    spark = df.sparkSession
    shared = spark.sparkContext.broadcast((screener, options, snapshot_of or {}))
    key = uuid.uuid4().hex  # names this broadcast in the workers' cache
    schema = arrow_schema()

    def screen(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        worker = _CACHE.get(key)
        if worker is None:
            s, o, snaps = shared.value
            worker = _CACHE[key] = RowScreener(s, o, snaps)
        for batch in batches:
            records, _, _ = worker.screen(_raw_rows(batch))
            yield pa.RecordBatch.from_pylist(records, schema=schema)

    return _numbered(df).mapInArrow(screen, from_arrow_schema(schema))


def problems_dataframe(df: DataFrame, columns: Columns | dict[str, str | None], *,
                       day_first: bool = True) -> DataFrame:
    """The problems of ``df``'s rows (:data:`ERROR_COLUMNS`): rows that cannot be screened
    (error) and rows screened without a field that could not be read (warning)."""
    if not isinstance(columns, Columns):
        columns, _ = map_columns(df.columns, columns)
    options = Options(columns=columns, day_first=day_first)

    schema = error_arrow_schema()

    def check(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            found = []
            for row in _raw_rows(batch):
                _, key, issues = row_query(row, options)
                found.extend({"row": row.number, "line": None, "key": key, "field": f,
                              "level": level, "problem": message}
                             for f, level, message in issues)
            yield pa.RecordBatch.from_pylist(found, schema=schema)

    return _numbered(df).mapInArrow(check, from_arrow_schema(schema))


def session(master: str = "local[*]", app_name: str = "moneytrail") -> SparkSession:
    """A Spark session with Arrow on (the default master uses every core of this machine).
    Its Python workers run this interpreter unless ``PYSPARK_PYTHON`` says otherwise."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (SparkSession.builder.master(master).appName(app_name)
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false")
            .getOrCreate())


def read_input(spark: SparkSession, path: Path, fmt: str | None = None) -> DataFrame:
    """An input file as a DataFrame of strings as written (CSV/TSV with a header, Parquet,
    JSON lines). Excel is not read by Spark: convert it, or use the in-process engine."""
    kind = file_format(Path(path), fmt)
    # split even a small file into a partition per core (and more for big ones), so that every
    # core screens; partitions keep the file's order
    cores = spark.sparkContext.defaultParallelism
    size = Path(path).stat().st_size
    spark.conf.set("spark.sql.files.maxPartitionBytes",
                   str(max(64 * 1024, min(128 * 1024 * 1024, size // (2 * cores) + 1))))
    if kind in ("csv", "tsv"):
        # quotes inside a quoted field are doubled (RFC 4180, as Python and Excel write them),
        # not backslash-escaped as Spark assumes by default
        return spark.read.csv(str(path), header=True, sep="\t" if kind == "tsv" else ",",
                              inferSchema=False, multiLine=False, encoding="utf-8",
                              quote='"', escape='"')
    if kind == "parquet":
        return spark.read.parquet(str(path))
    if kind == "jsonl":
        return spark.read.json(str(path), primitivesAsString=True)
    raise BatchInputError(f"{path}: Spark does not read {kind}; use the in-process engine")


def screen_file(screener: Screener, input_path: Path, output: Path, *,
                flags: dict[str, str | None], in_format: str | None = None,
                out_format: str | None = None, all_matches: bool = False,
                threshold: float | None = None, cutoff: float | None = None,
                month_first: bool = False, master: str = "local[*]",
                snapshot_of: dict[str, int] | None = None, errors_path: Path | None = None,
                **_: Any) -> dict[str, Any]:
    """``moneytrail screen-file --engine spark``: screen a file on Spark and write the output
    (and the problems file) on the driver, in input order. Returns the summary counts."""
    started = time.perf_counter()
    spark = session(master)
    df = read_input(spark, input_path, in_format)
    columns, _ = map_columns(df.columns, flags, Path(input_path))
    results = screen_dataframe(df, screener, columns, threshold=threshold, cutoff=cutoff,
                               all_matches=all_matches, day_first=not month_first,
                               snapshot_of=snapshot_of)
    summary: dict[str, Any] = {"rows": 0, "screened": 0, "hit_rows": 0, "matches": 0}
    writer = Writer(Path(output), out_format)
    last_row = hit_row = 0
    with tempfile.TemporaryDirectory(prefix="moneytrail-spark-") as parts:
        # every core writes its partitions; the driver then reads the parts in order
        results.write.mode("overwrite").parquet(parts)
        try:
            for part in sorted(Path(parts).glob("part-*.parquet")):
                records = pq.read_table(part).to_pylist()
                for record in records:
                    if record["row"] != last_row:
                        summary["screened"] += 1
                        last_row = record["row"]
                    if record["match"]:
                        summary["matches"] += 1
                        if hit_row != record["row"]:
                            summary["hit_rows"] += 1
                            hit_row = record["row"]
                writer.write(records)
        finally:
            writer.close()
    errors = Writer(errors_path or Path(output).with_name(Path(output).name + ".errors.csv"),
                    "csv", ERROR_COLUMNS)
    try:
        errors.write(row.asDict() for row in
                     problems_dataframe(df, columns, day_first=not month_first)
                     .toLocalIterator())
    finally:
        errors.close()
    summary["rows"] = df.count()
    summary["seconds"] = time.perf_counter() - started
    return summary
