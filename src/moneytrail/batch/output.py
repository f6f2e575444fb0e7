"""Screening results as rows: the columns every batch run writes (in process, on several workers
or on Spark), and writers for each output format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from moneytrail.batch.io import file_format

# One record per input row (its best candidate, or none), or with --all-matches one per match.
OUTPUT_COLUMNS = ("key", "row", "query_name", "source", "source_id", "entity_id", "name",
                  "matched_name", "schema", "programs", "score", "match", "snapshot",
                  "explanation")

ERROR_COLUMNS = ("row", "line", "key", "field", "level", "problem")


def arrow_schema() -> Any:
    """The output columns as an Arrow schema (Parquet files, Spark DataFrames)."""
    import pyarrow as pa

    return pa.schema([
        ("key", pa.string()), ("row", pa.int64()), ("query_name", pa.string()),
        ("source", pa.string()), ("source_id", pa.string()), ("entity_id", pa.string()),
        ("name", pa.string()), ("matched_name", pa.string()), ("schema", pa.string()),
        ("programs", pa.string()), ("score", pa.float64()), ("match", pa.bool_()),
        ("snapshot", pa.int64()), ("explanation", pa.string()),
    ])


def error_arrow_schema() -> Any:
    """The problems file's columns as an Arrow schema (Spark DataFrames)."""
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if c in ("row", "line") else pa.string())
                      for c in ERROR_COLUMNS])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


_JSON = json.JSONEncoder(ensure_ascii=False)  # (json.dumps makes one per call)


def jsonl_line(record: dict[str, Any], columns: tuple[str, ...] = OUTPUT_COLUMNS) -> str:
    """One record as a line of a JSON-lines output file, every column in order."""
    return _JSON.encode({c: record.get(c) for c in columns}) + "\n"


def spool_line(record: dict[str, Any]) -> str:
    """One record as a line of a run's spool (see :func:`read_spool`)."""
    return _JSON.encode(record) + "\n"


class Writer:
    """Writes output records to one file in its format; ``close`` completes the file."""

    def __init__(self, path: Path, fmt: str | None = None,
                 columns: tuple[str, ...] = OUTPUT_COLUMNS) -> None:
        self.path = Path(path)
        self.format = file_format(self.path, fmt)
        self.columns = columns
        self._parquet: Any = None
        self._book: Any = None
        self._sheet: Any = None
        self._handle: Any = None
        if self.format in ("csv", "tsv"):
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._handle, delimiter="\t" if self.format == "tsv" else ",")
            self._csv.writerow(columns)
        elif self.format == "jsonl":
            self._handle = self.path.open("w", encoding="utf-8")
        elif self.format == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)  # rows stream to a temporary file
            self._sheet = self._book.create_sheet("screening")
            self._sheet.append(list(columns))

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        records = list(records)
        if not records:
            return
        if self.format in ("csv", "tsv"):
            self._csv.writerows([_cell(r.get(c)) for c in self.columns] for r in records)
        elif self.format == "jsonl":
            self._handle.write("".join(jsonl_line(r, self.columns) for r in records))
        elif self.format == "xlsx":
            for r in records:
                self._sheet.append([r.get(c) for c in self.columns])
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = arrow_schema()
            table = pa.Table.from_pylist([{c: r.get(c) for c in self.columns} for r in records],
                                         schema=schema)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, schema)
            self._parquet.write_table(table)

    def close(self) -> None:
        if self.format == "parquet":
            if self._parquet is None:  # no rows at all: still a valid, empty file
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.Table.from_pylist([], schema=arrow_schema()), self.path)
            else:
                self._parquet.close()
        elif self.format == "xlsx":
            self._book.save(self.path)
        elif self._handle is not None:
            self._handle.close()


def read_spool(path: Path, chunk: int = 10_000) -> Iterator[list[dict[str, Any]]]:
    """The records of a JSON-lines spool file, ``chunk`` at a time."""
    batch: list[dict[str, Any]] = []
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            batch.append(json.loads(line))
            if len(batch) >= chunk:
                yield batch
                batch = []
    if batch:
        yield batch
