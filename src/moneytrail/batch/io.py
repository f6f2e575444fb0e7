"""Reading customer and payment files row by row, and writing screening results, in the formats
compliance teams exchange: CSV/TSV, Excel (.xlsx), Parquet and JSON lines.

Readers stream: a row at a time (CSV, JSON lines, Excel in openpyxl's read-only mode) or a record
batch at a time (Parquet, through pyarrow), so memory does not grow with the file. Every row comes
with its number (1 = the first data row) and, for text files, the line it ends on, so a problem
can be named where the user can find it.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

FORMATS = ("csv", "tsv", "xlsx", "parquet", "jsonl")


class BatchInputError(Exception):
    """The input file cannot be read at all (not one bad row: those are reported and skipped)."""


def file_format(path: Path, given: str | None = None) -> str:
    """The format of ``path`` from ``given`` or its extension (``.csv``, ``.tsv``/``.tab``,
    ``.xlsx``, ``.parquet``/``.pq``, ``.jsonl``/``.ndjson``/``.json``)."""
    if given:
        if given not in FORMATS:
            raise BatchInputError(f"unknown format {given!r}: one of {', '.join(FORMATS)}")
        return given
    suffix = path.suffix.lower()
    by_suffix = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx",
                 ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
                 ".ndjson": "jsonl", ".json": "jsonl"}
    if suffix not in by_suffix:
        raise BatchInputError(f"{path}: cannot tell the format from {suffix or 'no extension'!r}; "
                              f"name it .csv, .tsv, .xlsx, .parquet or .jsonl, or pass --format")
    return by_suffix[suffix]


@dataclass(frozen=True, slots=True)
class RawRow:
    """One input row: its number (1-based, header excluded), the line of the file it ends on
    (text formats; else None), and its values by column, or the reason it could not be read."""

    number: int
    line: int | None
    values: dict[str, Any]
    problem: str | None = None  # the row could not be decoded: why
    field: str | None = None  # the column at fault, where one is


class Reader:
    """Rows of one input file. ``columns`` is known once the reader is open; ``fraction()`` says
    how far through the file reading is (for a progress bar), None when it cannot tell."""

    def __init__(self, path: Path, fmt: str | None = None, *, encoding: str = "utf-8",
                 sheet: str | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BatchInputError(f"{self.path}: no such file")
        self.format = file_format(self.path, fmt)
        self.encoding = encoding
        self.sheet = sheet
        self.columns: list[str] = []
        self.total_rows: int | None = None
        self._size = self.path.stat().st_size
        self._handle: Any = None
        self._rows = self._open()

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def fraction(self) -> float | None:
        if self._handle is not None and self.format in ("csv", "tsv", "jsonl"):
            try:
                return min(1.0, self._handle.buffer.tell() / max(1, self._size))
            except (OSError, ValueError, AttributeError):
                return None
        return None

    # -- formats -------------------------------------------------------------------------

    def _open(self) -> Iterator[RawRow]:
        opener = {"csv": self._text_table, "tsv": self._text_table, "jsonl": self._jsonl,
                  "xlsx": self._xlsx, "parquet": self._parquet}[self.format]
        rows = opener()
        next(rows)  # runs up to the header, so that columns are known (or the file refused)
        return rows

    def _text(self) -> Any:
        try:
            # undecodable bytes survive as lone surrogates: the row holding them is reported
            handle = self.path.open("r", encoding=self.encoding, errors="surrogateescape",
                                    newline="")
        except LookupError as exc:
            raise BatchInputError(f"unknown encoding {self.encoding!r}") from exc
        if self.encoding.replace("-", "").lower() in ("utf8", "utf8sig"):
            if handle.read(1) != "\ufeff":  # a byte-order mark is not part of the first column
                handle.seek(0)
        self._handle = handle
        return handle

    def _text_table(self) -> Iterator[Any]:
        handle = self._text()
        start = handle.tell()  # (past a byte-order mark)
        sample = handle.read(65536)
        handle.seek(start)
        if self.format == "tsv":
            delimiter = "\t"
        else:
            try:
                delimiter = csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else ",",
                                                delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise BatchInputError(f"{self.path}: the file is empty (no header row)") from None
        except csv.Error as exc:
            raise BatchInputError(f"{self.path}, line 1: {exc}") from None
        self.columns = [h.strip() for h in header]
        if not any(self.columns):
            raise BatchInputError(f"{self.path}, line 1: the header row is empty")
        bad = _undecodable(self.columns)
        if bad is not None:
            raise BatchInputError(f"{self.path}, line 1: the header is not valid {self.encoding} "
                                  f"(pass --encoding)")
        yield None
        number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield RawRow(number, reader.line_num, {}, f"unreadable CSV: {exc}")
                continue
            if not values or all(not v.strip() for v in values):
                continue  # blank lines are not rows
            number += 1
            row = dict(zip(self.columns, values))
            # (one search over the row: a search per value was a tenth of reading a file)
            bad = _undecodable(row.values()) if _SURROGATE.search("".join(values)) else None
            if bad is not None:
                column = next(c for c, v in row.items() if v == bad)
                yield RawRow(number, reader.line_num, row,
                             f"not valid {self.encoding} text (wrong encoding?)", column)
                continue
            if len(values) > len(self.columns):
                yield RawRow(number, reader.line_num, row,
                             f"{len(values)} fields where the header has {len(self.columns)}")
                continue
            yield RawRow(number, reader.line_num, row)

    def _jsonl(self) -> Iterator[Any]:
        handle = self._text()
        columns: dict[str, None] = {}
        start = handle.tell()
        for line in iter(handle.readline, ""):  # the first object's keys name the columns
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    break
                if isinstance(first, dict):
                    columns.update(dict.fromkeys(first))
                break
        self.columns = list(columns)
        handle.seek(start)
        yield None
        number = 0
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            number += 1
            if _undecodable([line]) is not None:
                yield RawRow(number, line_no, {}, f"not valid {self.encoding} text (wrong "
                                                  f"encoding?)")
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawRow(number, line_no, {}, f"not JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(value, dict):
                yield RawRow(number, line_no, {}, f"a JSON {type(value).__name__}, not an object")
                continue
            for key in value:
                columns.setdefault(key, None)
            self.columns = list(columns)
            yield RawRow(number, line_no, value)

    def _xlsx(self) -> Iterator[Any]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
            raise BatchInputError(f"{self.path}: not a readable .xlsx workbook ({exc})") from None
        self._handle = book
        if self.sheet is not None and self.sheet not in book.sheetnames:
            raise BatchInputError(f"{self.path}: no sheet {self.sheet!r} "
                                  f"(sheets: {', '.join(book.sheetnames)})")
        sheet = book[self.sheet] if self.sheet else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise BatchInputError(f"{self.path}: the sheet {sheet.title!r} is empty")
        self.columns = ["" if h is None else str(h).strip() for h in header]
        if sheet.max_row:
            self.total_rows = max(0, sheet.max_row - 1)
        yield None
        number = 0
        for line, values in enumerate(rows, 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            number += 1
            yield RawRow(number, line, dict(zip(self.columns, values)))

    def _parquet(self) -> Iterator[Any]:
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow.ArrowInvalid and kin
            raise BatchInputError(f"{self.path}: not a readable Parquet file ({exc})") from None
        self._handle = parquet
        self.columns = list(parquet.schema_arrow.names)
        self.total_rows = parquet.metadata.num_rows
        yield None
        number = 0
        for batch in parquet.iter_batches(batch_size=8192):
            for values in batch.to_pylist():
                number += 1
                yield RawRow(number, None, values)


def _undecodable(values: Any) -> str | None:
    """The first value holding bytes the encoding could not decode (lone surrogates)."""
    for value in values:
        if isinstance(value, str) and _SURROGATE.search(value):
            return value
    return None


_SURROGATE = re.compile("[\udc80-\udcff]")


# -- column mapping --------------------------------------------------------------------------

# Header spellings seen in customer, KYC and payment exports, in the order they are tried.
_GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "fullname", "full name", "customer_name", "customer name",
             "client_name", "party_name", "counterparty", "counterparty_name", "beneficiary",
             "beneficiary_name", "account_name", "account_holder", "entity_name",
             "company_name", "legal_name", "vessel_name", "nom", "name1"),
    "dob": ("dob", "date_of_birth", "date of birth", "birth_date", "birthdate", "birthday",
            "born", "birth_dt", "dateofbirth"),
    "country": ("country", "nationality", "country_code", "citizenship", "country_of_residence",
                "residence_country", "jurisdiction", "country_iso"),
    "id": ("id_number", "passport", "passport_number", "national_id", "document_number",
           "identifier", "imo", "imo_number", "bic", "swift", "wallet", "address_crypto",
           "registration_number", "tax_id", "lei"),
    "type": ("type", "schema", "entity_type", "party_type", "customer_type", "kind"),
    "key": ("key", "id", "customer_id", "client_id", "party_id", "account_id", "account_number",
            "row_id", "record_id", "reference", "ref", "uid"),
}


@dataclass(frozen=True)
class Columns:
    """Which input column holds what: the name to screen (required) and optional facts."""

    name: str
    dob: str | None = None
    country: str | None = None
    id: str | None = None
    type: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "dob": self.dob, "country": self.country, "id": self.id,
                "type": self.type, "key": self.key}


def _fold(header: str) -> str:
    return re.sub(r"[\s\-.]+", "_", header.strip().lower())


def map_columns(columns: list[str], given: dict[str, str | None],
                path: Path | None = None) -> tuple[Columns, dict[str, str]]:
    """The column mapping: flags first, the rest guessed from common headers. Returns the
    mapping and, per role, how it was decided ("flag" or "guessed"), to show the user.

    Raises :class:`BatchInputError` when a flag names a missing column or no name column exists.
    """
    where = f"{path}: " if path else ""
    folded = {_fold(c): c for c in columns if c}
    chosen: dict[str, str | None] = {}
    how: dict[str, str] = {}
    for role, spellings in _GUESSES.items():
        flag = given.get(role)
        if flag:
            if flag not in columns:
                match = folded.get(_fold(flag))
                if match is None:
                    raise BatchInputError(f"{where}--{role} {flag!r} is not a column; the columns "
                                          f"are: {', '.join(c for c in columns if c)}")
                flag = match
            chosen[role], how[role] = flag, "flag"
            continue
        for spelling in spellings:
            found = folded.get(_fold(spelling))
            if found is not None and found not in chosen.values():
                chosen[role], how[role] = found, "guessed"
                break
        else:
            chosen[role] = None
    if chosen["name"] is None:
        raise BatchInputError(f"{where}no name column: pass --name COLUMN (the columns are: "
                              f"{', '.join(c for c in columns if c)})")
    return Columns(**chosen), how  # type: ignore[arg-type]


# -- values ----------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def parse_date(value: Any, day_first: bool = True) -> str | None:
    """An ISO date of the precision given (``1984``, ``1984-01``, ``1984-01-08``), from ISO text
    (``-`` or ``/``), ``DD.MM.YYYY`` / ``DD/MM/YYYY`` (``MM/DD/YYYY`` with ``day_first``
    False), or a date value from Excel or Parquet. None for an empty value.

    Raises ValueError naming what is wrong otherwise (an impossible day, an unknown format).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1800 <= int(value) <= 2100:
            return str(int(value))  # a bare year, read as a number
        raise ValueError(f"{value!r} is not a date")
    text = str(value).strip()
    if not text:
        return None
    if text[:10].count("-") == 2 and "T" in text:  # a timestamp: its date
        text = text.split("T", 1)[0]
    m = _ISO.fullmatch(text)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
    else:
        m = _DMY.fullmatch(text)
        if not m:
            raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)")
        first, second, year = m.groups()
        day, month = (first, second) if day_first else (second, first)
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r}: month {int(month)} does not exist")
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise ValueError(f"{text!r}: day {int(day)} does not exist in that month") from None


_SCHEMA_WORDS = {
    "person": "Person", "individual": "Person", "natural": "Person", "natural_person": "Person",
    "p": "Person", "i": "Person", "organization": "Organization", "organisation": "Organization",
    "company": "Organization", "entity": "Organization", "legal": "Organization",
    "legal_entity": "Organization", "business": "Organization", "corporate": "Organization",
    "o": "Organization", "e": "Organization", "c": "Organization", "vessel": "Vessel",
    "ship": "Vessel", "v": "Vessel", "aircraft": "Aircraft", "wallet": "Wallet",
}


def parse_type(value: Any) -> str | None:
    """A schema name from the words customer files use (individual, company, ship ...); None
    for an empty value; ValueError for an unknown one."""
    if value is None:
        return None
    text = _fold(str(value))
    if not text:
        return None
    if text not in _SCHEMA_WORDS:
        raise ValueError(f"{value!r} is not a type (person, organization, vessel, aircraft)")
    return _SCHEMA_WORDS[text]


_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_IMO = re.compile(r"(?:IMO)?\s*(\d{7})")
_ETH = re.compile(r"0x[0-9a-fA-F]{40}")
_BTC = re.compile(r"(?:bc1[0-9a-z]{25,62}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33})")


def id_kind(value: str) -> str:
    """The kind of an identifier written without one: an IMO number (7 digits, ``IMO`` first
    or not), a BIC, a crypto address, else a document number (passport or national id)."""
    text = value.strip()
    upper = text.upper().replace(" ", "")
    if _ETH.fullmatch(text) or _BTC.fullmatch(text):
        return "crypto"
    if _IMO.fullmatch(upper):
        return "imo"
    if _BIC.fullmatch(upper) and not upper.isdigit():
        return "bic"
    return "passport"
