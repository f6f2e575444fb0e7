"""Screening whole files: rows to queries, queries to result records, in chunks, on every core,
resumable, with bad rows reported and never fatal.

One function turns rows into records (:func:`screen_rows`); the file runner (:func:`run_file`),
the workers it forks and the Spark runner (:mod:`moneytrail.batch.spark`) all call it, so a row
gets the same matches and scores whichever way it runs.

How a run survives interruption: results go to a JSON-lines *spool* beside the output, a chunk at
a time, in input order; after each chunk the spool and the errors file are flushed to disk and a
small *state* file records how many rows are done and the byte length of both files. ``resume``
cuts both files back to those lengths (dropping a chunk written only in part), skips the rows
done and goes on. The output file in its format is written from the spool at the end (a
JSON-lines output of a run not resumed is the spool itself, written in its form and renamed).
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import multiprocessing
import os
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from moneytrail.batch.io import (
    BatchInputError,
    Columns,
    RawRow,
    Reader,
    file_format,
    id_kind,
    map_columns,
    parse_date,
    parse_type,
)
from moneytrail.batch.output import ERROR_COLUMNS, Writer, jsonl_line, read_spool, spool_line
from moneytrail.countries import country_code
from moneytrail.screening import Match, Query, RememberedMatches, Screener

CHUNK_ROWS = 2000
ALL_MATCHES_LIMIT = 50  # --all-matches: at most this many matches per row


@dataclass(frozen=True)
class Options:
    """What a run does with each row (all of it goes into the run's fingerprint)."""

    columns: Columns
    threshold: float | None = None  # None: the screener's
    # the lowest score reported; None: the threshold (a bulk run reports matches, and each
    # screened row without one as an empty record; a lower cutoff adds the near misses)
    cutoff: float | None = None
    all_matches: bool = False
    day_first: bool = True  # 01/02/1980 is 1 February

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["columns"] = self.columns.to_dict()
        return out


@dataclass
class Summary:
    """What a run did: rows read, screened and refused, hits, by list and program, and time."""

    rows: int = 0
    screened: int = 0
    errors: int = 0  # rows not screened (empty name, undecodable)
    warnings: int = 0  # rows screened without a field that could not be read
    hit_rows: int = 0  # rows with at least one match at the threshold
    matches: int = 0  # matches at the threshold written
    by_list: Counter = field(default_factory=Counter)
    by_program: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    resumed_at: int = 0  # rows already done when this run resumed

    def add(self, other: "Summary") -> None:
        for name in ("rows", "screened", "errors", "warnings", "hit_rows", "matches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_list.update(other.by_list)
        self.by_program.update(other.by_program)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "screened": self.screened, "errors": self.errors,
                "warnings": self.warnings, "hit_rows": self.hit_rows, "matches": self.matches,
                "by_list": dict(self.by_list), "by_program": dict(self.by_program),
                "seconds": round(self.seconds, 3), "resumed_at": self.resumed_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Summary":
        return cls(rows=data["rows"], screened=data["screened"], errors=data["errors"],
                   warnings=data["warnings"], hit_rows=data["hit_rows"],
                   matches=data["matches"], by_list=Counter(data["by_list"]),
                   by_program=Counter(data["by_program"]), seconds=data["seconds"],
                   resumed_at=data.get("resumed_at", 0))


# -- rows to queries to records ----------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def row_query(row: RawRow, options: Options) -> tuple[Query | None, str,
                                                       list[tuple[str, str, str]]]:
    """A row's query (None when it cannot be screened), its key, and its problems as
    ``(field, level, message)``: level ``error`` (not screened) or ``warning`` (screened
    without that field: a name is never left unscreened for a bad date or country)."""
    cols = options.columns
    key = _text(row.values.get(cols.key)) if cols.key else ""
    key = key or str(row.number)
    if row.problem is not None:
        return None, key, [(row.field or "", "error", row.problem)]
    name = _text(row.values.get(cols.name))
    if not name:
        return None, key, [(cols.name, "error", "empty name")]
    if "\ufffd" in name:  # a reader that replaced bytes it could not decode (Spark's CSV)
        return None, key, [(cols.name, "error", "not valid text: bytes replaced by U+FFFD "
                                                "(wrong encoding?)")]
    problems: list[tuple[str, str, str]] = []
    dates: tuple[str, ...] = ()
    if cols.dob:
        try:
            found = parse_date(row.values.get(cols.dob), options.day_first)
            dates = (found,) if found else ()
        except ValueError as exc:
            problems.append((cols.dob, "warning", f"{exc}; screened without it"))
    countries: list[str] = []
    if cols.country:
        for part in _text(row.values.get(cols.country)).replace(";", ",").split(","):
            if part.strip():
                code = country_code(part.strip())
                if code is None:
                    problems.append((cols.country, "warning",
                                     f"unknown country {part.strip()!r}; screened without it"))
                else:
                    countries.append(code)
    schema = None
    if cols.type:
        try:
            schema = parse_type(row.values.get(cols.type))
        except ValueError as exc:
            problems.append((cols.type, "warning", f"{exc}; screened as any type"))
    ids: tuple[tuple[str, str], ...] = ()
    if cols.id:
        value = _text(row.values.get(cols.id))
        if value:
            ids = ((id_kind(value), value),)
    query = Query.of(name, schema=schema, birth_dates=dates, countries=tuple(countries),
                     identifiers=ids)
    return query, key, problems


def match_record(key: str, number: int, query_name: str, found: Match | None,
                 snapshot_of: dict[str, int]) -> dict[str, Any]:
    """One output record (see :data:`moneytrail.batch.output.OUTPUT_COLUMNS`)."""
    record: dict[str, Any] = {"key": key, "row": number, "query_name": query_name}
    if found is not None:
        e = found.entity
        record.update(
            source=e.source, source_id=found.list_ref, entity_id=e.id, name=e.caption,
            matched_name=found.matched_name, schema=e.schema.value,
            programs=";".join(p.code for p in e.programs), score=round(found.score, 4),
            match=found.match, snapshot=snapshot_of.get(e.source),
            explanation=json.dumps(found.explanation, ensure_ascii=False,
                                   separators=(",", ":")))
    return record


class RowScreener:
    """Screens rows with one Screener and one set of options. Equal queries in one process are
    screened once (customer books and payment days repeat their counterparties)."""

    def __init__(self, screener: Screener, options: Options,
                 snapshot_of: dict[str, int] | None = None, cache_size: int = 20_000) -> None:
        self.screener = screener
        self.options = options
        self.snapshot_of = snapshot_of or {}
        threshold = screener.threshold if options.threshold is None else options.threshold
        self._matches = RememberedMatches(
            screener, limit=ALL_MATCHES_LIMIT if options.all_matches else 1,
            threshold=threshold, cutoff=threshold if options.cutoff is None else options.cutoff,
            size=cache_size)

    def matches(self, query: Query) -> list[Match]:
        return self.matches_many([query])[0]

    def matches_many(self, queries: list[Query]) -> list[list[Match]]:
        """Each query's matches; the ones not screened before are screened together
        (:meth:`Screener.match_many`: bounding a chunk's queries at once costs far less)."""
        return self._matches.match_many(queries)

    def screen(self, rows: Iterable[RawRow]) -> tuple[list[dict], list[dict], Summary]:
        """Records, problems and counts for these rows (see :func:`screen_rows`)."""
        records: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        summary = Summary()
        read = []
        for row in rows:
            summary.rows += 1
            query, key, issues = row_query(row, self.options)
            for column, level, message in issues:
                problems.append({"row": row.number, "line": row.line, "key": key,
                                 "field": column, "level": level, "problem": message})
            if query is None:
                summary.errors += 1
                continue
            summary.warnings += bool(issues)
            summary.screened += 1
            read.append((row, query, key))
        # the chunk's queries are screened together, then written in order
        for (row, query, key), found in zip(read, self.matches_many([q for _, q, _ in read])):
            hits = [m for m in found if m.match]
            chosen = (hits or found[:1]) if self.options.all_matches else found[:1]
            if not chosen:
                records.append(match_record(key, row.number, query.names[0], None,
                                            self.snapshot_of))
            for m in chosen:
                records.append(match_record(key, row.number, query.names[0], m,
                                            self.snapshot_of))
            summary.hit_rows += bool(hits)
            for m in chosen:
                if m.match:
                    summary.matches += 1
                    summary.by_list[m.entity.source] += 1
                    summary.by_program.update({p.code for p in m.entity.programs})
        # What survives a chunk is mostly the matcher's caches, which live as long as the
        # process: keep them out of the full collections that would walk them again and again
        # (those grew to a fifth of a long run's time). Young garbage is collected first.
        gc.collect(1)
        gc.freeze()
        return records, problems, summary


def screen_rows(screener: Screener, rows: Iterable[RawRow], options: Options,
                snapshot_of: dict[str, int] | None = None) -> tuple[list[dict], list[dict],
                                                                   Summary]:
    """Screen rows: output records (one per screened row, or per match with ``all_matches``),
    problem records (see :data:`moneytrail.batch.output.ERROR_COLUMNS`) and the counts."""
    return RowScreener(screener, options, snapshot_of).screen(rows)


# -- the file runner ---------------------------------------------------------------------------

_WORKER: RowScreener | None = None  # set in the parent before forking: shared copy-on-write


def _screen_chunk(rows: list[RawRow], line: Callable[[dict], str]
                  ) -> tuple[str, list[dict], Summary]:
    """A chunk's records as the lines of the output or spool, with its problems and counts.
    (A worker writes the lines itself: text crosses to the parent at a tenth of the cost of
    pickling the records both ways, and the encoding runs on every core.)"""
    assert _WORKER is not None
    records, problems, summary = _WORKER.screen(rows)
    return "".join(map(line, records)), problems, summary


def _chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    chunk: list[RawRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class RunFiles:
    """The files of one run: the output, its errors file, and the spool and state that make
    the run resumable (removed when it completes)."""

    output: Path
    errors: Path
    spool: Path
    state: Path

    @classmethod
    def for_output(cls, output: Path, errors: Path | None = None) -> "RunFiles":
        output = Path(output)
        return cls(output, Path(errors) if errors else output.with_name(output.name +
                                                                         ".errors.csv"),
                   output.with_name(output.name + ".partial.jsonl"),
                   output.with_name(output.name + ".state.json"))


def run_fingerprint(reader: Reader, options: Options, screener: Screener,
                    extra: dict[str, Any] | None = None) -> str:
    """What must not change for a run to be resumed: the input file (path, size, modification
    time), the options, the lists and matcher in service, and ``extra`` (a delta's snapshots)."""
    stat = reader.path.stat()
    data = {"input": str(reader.path.resolve()), "size": stat.st_size,
            "mtime": stat.st_mtime_ns, "format": reader.format, "options": options.to_dict(),
            "screener": screener.fingerprint(), "extra": extra or {}}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _write_state(path: Path, state: dict[str, Any]) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(part, path)


def _sync(handle: Any) -> int:
    handle.flush()
    os.fsync(handle.fileno())
    return handle.tell()


def run_file(screener: Screener, reader: Reader, files: RunFiles, options: Options, *,
             workers: int = 1, resume: bool = False, out_format: str | None = None,
             snapshot_of: dict[str, int] | None = None, extra: dict[str, Any] | None = None,
             chunk_rows: int = CHUNK_ROWS,
             progress: Callable[[int, float | None], None] | None = None) -> Summary:
    """Screen every row of ``reader`` into ``files.output`` (see the module doc).

    ``workers`` > 1 forks that many processes sharing the screener's index; chunks are written
    in input order whatever order they finish in, and at most two per worker are in flight, so
    memory stays flat in the file's size. ``progress(rows_done, fraction)`` is called after each
    chunk. Raises :class:`BatchInputError` for a resume that does not fit the files found.
    """
    global _WORKER
    started = time.perf_counter()
    fingerprint = run_fingerprint(reader, options, screener, extra)
    summary = Summary()
    done = 0
    if resume and files.state.is_file():
        state = json.loads(files.state.read_text(encoding="utf-8"))
        if state.get("fingerprint") != fingerprint:
            raise BatchInputError(
                f"{files.state}: this run was started on another input, other options or other "
                f"lists; run again without --resume to start afresh")
        if not files.spool.is_file() or files.spool.stat().st_size < state["spool_bytes"] or \
                not files.errors.is_file() or files.errors.stat().st_size < state["errors_bytes"]:
            raise BatchInputError(f"{files.spool}: shorter than the state file says; run again "
                                  f"without --resume to start afresh")
        os.truncate(files.spool, state["spool_bytes"])  # drop a chunk written only in part
        os.truncate(files.errors, state["errors_bytes"])
        done = state["rows_done"]
        summary = Summary.from_dict(state["summary"])
        summary.resumed_at = done
        spool = files.spool.open("a", encoding="utf-8")
        errors = files.errors.open("a", encoding="utf-8", newline="")
    else:
        spool = files.spool.open("w", encoding="utf-8")
        errors = files.errors.open("w", encoding="utf-8", newline="")
        csv.writer(errors).writerow(ERROR_COLUMNS)
    error_writer = csv.DictWriter(errors, ERROR_COLUMNS)
    # A JSON-lines output is the spool itself when this run writes all of it: its lines go in
    # the output's form and the file is renamed at the end (reading a million records back to
    # write them again took a twelfth of a run, on one core).
    direct = done == 0 and file_format(files.output, out_format) == "jsonl"
    line = jsonl_line if direct else spool_line
    previous_seconds = summary.seconds
    rows = (r for r in reader if r.number > done)

    def settle(result: tuple[str, list[dict], Summary], last_row: int) -> None:
        nonlocal done
        text, problems, counts = result
        spool.write(text)
        error_writer.writerows(problems)
        summary.add(counts)
        done = last_row
        summary.seconds = previous_seconds + time.perf_counter() - started
        _write_state(files.state, {"fingerprint": fingerprint, "rows_done": done,
                                   "spool_bytes": _sync(spool), "errors_bytes": _sync(errors),
                                   "summary": summary.to_dict()})
        if progress is not None:
            total = reader.total_rows
            progress(done, reader.fraction() if total is None else done / max(1, total))

    _WORKER = RowScreener(screener, options, snapshot_of)  # (forked workers share it)
    try:
        use_fork = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
        if not use_fork:
            for chunk in _chunks(rows, chunk_rows):
                settle(_screen_chunk(chunk, line), chunk[-1].number)
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pending: deque = deque()
                for chunk in _chunks(rows, chunk_rows):
                    pending.append((pool.apply_async(_screen_chunk, (chunk, line)),
                                    chunk[-1].number))
                    while len(pending) >= 2 * workers:
                        result, last = pending.popleft()
                        settle(result.get(), last)
                while pending:
                    result, last = pending.popleft()
                    settle(result.get(), last)
    finally:
        _WORKER = None
        spool.close()
        errors.close()
    if direct:
        os.replace(files.spool, files.output)
    else:
        writer = Writer(files.output, out_format)
        try:
            for batch in read_spool(files.spool):
                writer.write(batch)
        finally:
            writer.close()
        files.spool.unlink()
    files.state.unlink(missing_ok=True)  # (a file of no rows never settled a chunk)
    summary.seconds = previous_seconds + time.perf_counter() - started
    return summary


def open_input(path: Path, *, fmt: str | None = None, encoding: str = "utf-8",
               sheet: str | None = None, flags: dict[str, str | None] | None = None,
               ) -> tuple[Reader, Columns, dict[str, str]]:
    """Open an input file and map its columns (flags first, then guessed headers)."""
    reader = Reader(path, fmt, encoding=encoding, sheet=sheet)
    try:
        columns, how = map_columns(reader.columns, flags or {}, reader.path)
    except BatchInputError:
        reader.close()
        raise
    return reader, columns, how
