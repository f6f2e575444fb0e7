"""OFAC legacy CSV sets: the SDN list (``sdn.csv`` ...) and the consolidated non-SDN list
(``cons_prim.csv`` ...).

A set is one primary table plus optional companions beside it, all without a header row and
joined on ``ent_num``; ``-0-`` (usually ``-0- `` with a trailing space) marks an empty field:

=====================  =====================  ==================================================
SDN                    consolidated           columns
=====================  =====================  ==================================================
``sdn.csv``            ``cons_prim.csv``      ent_num, SDN_Name, SDN_Type, Program, Title,
                                              Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
                                              Vess_owner, Remarks
``alt.csv``            ``cons_alt.csv``       ent_num, alt_num, alt_type (aka/fka/nka),
                                              alt_name, alt_remarks
``add.csv``            ``cons_add.csv``       ent_num, add_num, address, city/state/postal,
                                              country, add_remarks
``sdn_comments.csv``   ``cons_comments.csv``  ent_num, remarks overflow
=====================  =====================  ==================================================

Reading rules, all checked against the real sets of 2021-07, 2023, 2024-05-03 and 2025-12:

- **Encoding**: UTF-8 (a BOM is allowed). Every real file is plain ASCII, so there is no
  fallback encoding: a byte that is not UTF-8 raises :class:`SourceError` naming the line, rather
  than guessing cp1252 and silently misreading names.
- **End of file**: OFAC ends each file with a DOS end-of-file byte (``0x1A``, Ctrl-Z), and
  everything after it is ignored. The 2023 ``sdn.csv`` has the whole consolidated list (449 rows,
  58 ent_nums also on the SDN list) pasted after that byte: those rows are not SDN entries, so the
  file gives 11,118 entities, not the 11,567 data rows it holds; a warning names the line.
- **Remarks overflow**: the Remarks field holds at most 1,000 characters; the comments file
  carries the rest, which continues the text mid-word and is appended as is. Without the comments
  file (2024-05-03) the text stays cut; :mod:`moneytrail.sources.ofac_remarks` then keeps the cut
  last item only as a note.
- **Errors** (:class:`SourceError` with file and line): an empty file, a row with the wrong column
  count, a non-integer ``ent_num``, an ``ent_num`` twice in the primary table, an empty name, and
  a companion row whose ``ent_num`` is not in the primary table. The last is an error, not a
  skipped row: OFAC writes the files of a set together (the real sets have no such row), so an
  orphan means files of different dates were mixed, and loading that silently would attach or
  lose aliases and addresses without anyone knowing.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from moneytrail.countries import country_code
from moneytrail.model import (
    Address,
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Program,
    Relation,
    RelationKind,
    Schema,
    dedupe,
)
from moneytrail.sources.base import (
    Format,
    SourceError,
    classify_dprk,
    date_from_path,
    is_dprk_program,
)
from moneytrail.sources.ofac_remarks import (
    is_truncated,
    merge_fields,
    parse_remarks,
    person_name,
)

__all__ = ["FORMAT", "companions", "list_id", "parse", "published", "sniff"]

log = logging.getLogger(__name__)

AUTHORITY = "OFAC"
EMPTY = "-0-"
EOF_MARK = "\x1a"

_PRIMARY_COLUMNS = 12
_COMPANIONS: dict[str, dict[str, tuple[str, int]]] = {
    # list id -> role -> (file name, column count)
    "ofac_sdn": {"alt": ("alt.csv", 5), "add": ("add.csv", 6),
                 "comments": ("sdn_comments.csv", 2)},
    "ofac_cons": {"alt": ("cons_alt.csv", 5), "add": ("cons_add.csv", 6),
                  "comments": ("cons_comments.csv", 2)},
}
_SCHEMAS = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
_ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
_PROGRAM_SPLIT = re.compile(r"\]\s*\[")
_POSTAL = re.compile(r"^(?P<city>.*?[^\d\s,])[,\s]+(?P<postal>(?:\S*\d\S*)(?:\s+\S*\d\S*)*)$")
_NO_VESSEL_FIELDS = [EMPTY + " "] * 6  # Call_Sign .. Vess_owner as OFAC writes them when empty
_NO_FLAG = frozenset({"none identified", "unknown", "none"})


# --------------------------------------------------------------------------------------------
# Recognising and finding the files


def _siblings(path: Path) -> dict[str, Path]:
    try:
        return {p.name.lower(): p for p in path.parent.iterdir() if p.is_file()}
    except OSError:
        return {}


def list_id(path: Path) -> str:
    """``ofac_cons`` for a consolidated primary table, else ``ofac_sdn``.

    The two tables have the same columns, the same ``-0-`` markers, the same SDN_Type values and
    one shared ent_num numbering, and their program codes overlap (``NS-PLC`` and ``CMIC`` rows
    occur on the SDN list too). Nothing in the content tells them apart, so the file name decides:
    ``cons_prim*`` (or ``cons_*`` companions beside the file) means consolidated.
    """
    name = path.name.lower()
    if name.startswith("cons_"):
        return "ofac_cons"
    if name.startswith("sdn"):
        return "ofac_sdn"
    siblings = _siblings(path)
    cons = _COMPANIONS["ofac_cons"].values()
    return "ofac_cons" if any(file in siblings for file, _ in cons) else "ofac_sdn"


def sniff(path: Path, head: bytes) -> str | None:
    """The list id when the file is a primary table (by content), else None.

    A primary table's first row has 12 columns, an integer ent_num, and ``-0-`` markers or a
    known SDN_Type. The companions (5, 6 or 2 columns) are not primary tables.
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first or first.startswith(EOF_MARK):
        return None
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    if len(row) != _PRIMARY_COLUMNS or not row[0].strip().isdigit():
        return None
    if not (any(v.strip() == EMPTY for v in row) or row[2].strip().lower() in _SCHEMAS):
        return None
    return list_id(path)


def _companion_files(path: Path) -> dict[str, tuple[Path, int]]:
    siblings = _siblings(path)
    found: dict[str, tuple[Path, int]] = {}
    for role, (file, columns) in _COMPANIONS[list_id(path)].items():
        if file in siblings and siblings[file] != path:
            found[role] = (siblings[file], columns)
    return found


def companions(path: Path) -> list[Path]:
    """The companion files that exist beside a primary table: aliases, addresses, comments."""
    return [p for p, _ in _companion_files(path).values()]


def published(path: Path) -> str | None:
    """The legacy CSVs state no date; the file or folder name may (``ofac_sdn_2024-05-03``)."""
    return date_from_path(path)


# --------------------------------------------------------------------------------------------
# Reading


def _value(text: str) -> str | None:
    text = text.strip()
    return None if not text or text == EMPTY else text


def _read_rows(path: Path, columns: int, *,
               allow_empty: bool = False) -> list[tuple[int, list[str]]]:
    """The rows of one file with the line each starts on; checks encoding, columns, ent_num.

    An empty primary table is an error; an empty companion (no aliases, no overflow) is not.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(path, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                          line=line) from None
    text, mark, rest = text.partition(EOF_MARK)
    if mark and rest.strip():
        line = text.count("\n") + 1
        extra = sum(1 for part in rest.splitlines() if part.strip().strip(EOF_MARK))
        log.warning("%s, line %d: ignoring %d row(s) after the end-of-file mark (0x1A)",
                    path, line, extra)
    if not text.strip():
        if allow_empty:
            return []
        raise SourceError(path, "empty file: no rows", line=1)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != columns:
                raise SourceError(path, f"expected {columns} columns, found {len(row)}",
                                  line=start)
            if not row[0].strip().isdigit():
                raise SourceError(path, f"ent_num {row[0].strip()!r} is not an integer",
                                  line=start)
            rows.append((start, row))
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    if not rows and not allow_empty:
        raise SourceError(path, "empty file: no rows", line=1)
    return rows


def _companion_rows(path: Path, columns: int, primary: Path,
                    known: set[str]) -> dict[str, list[list[str]]]:
    by_ent: dict[str, list[list[str]]] = defaultdict(list)
    for line, row in _read_rows(path, columns, allow_empty=True):
        ent_num = row[0].strip()
        if ent_num not in known:
            raise SourceError(path, f"ent_num {ent_num} is not in {primary.name}", line=line)
        by_ent[ent_num].append(row)
    return by_ent


def _address(row: list[str]) -> tuple[Address | None, str | None]:
    street, place, country_text, remarks = (_value(v) for v in row[2:6])
    if not (street or place or country_text):
        return None, remarks
    city = region = postal = None
    if place:
        match = _POSTAL.match(place)
        city, postal = (match.group("city"), match.group("postal")) if match else (place, None)
        city, sep, rest = city.partition(", ")
        region = rest.strip() or None if sep else None
    full = ", ".join(part for part in (street, place, country_text) if part)
    return Address(full=full, street=street, city=city or None, region=region,
                   postal_code=postal, country=country_code(country_text)), remarks


def _vessel_fields(row: list[str], identifiers: list[Identifier],
                   properties: list[tuple[str, str]], countries: list[str],
                   relations: list[Relation]) -> None:
    call_sign, vess_type, tonnage, grt, flag, owner = (_value(v) for v in row[5:11])
    if call_sign:
        identifiers.append(Identifier(kind=IdKind.CALL_SIGN, value=call_sign))
    if vess_type:
        properties.append(("type", vess_type))
    if tonnage:
        properties.append(("tonnage", tonnage))
    if grt:
        properties.append(("grossRegisteredTonnage", grt))
    if flag:
        code = country_code(flag)
        if code:
            properties.append(("flag", code))
            countries.append(code)
        elif flag.lower() not in _NO_FLAG:
            properties.append(("notes", f"Vessel flag: {flag}"))
    if owner:
        properties.append(("owner", owner))
        relations.append(Relation(kind=RelationKind.OWNED_BY, target_name=owner))


@lru_cache(maxsize=4096)
def _programs(text: str) -> tuple[Program, ...]:
    """``DPRK3] [NPWMD`` -> one program per code (the CSV drops the outer brackets)."""
    if _value(text) is None:
        return ()
    codes = (code.strip() for code in _PROGRAM_SPLIT.split(text.strip().strip("[]")))
    return dedupe(Program(code=code, authority=AUTHORITY, dprk=is_dprk_program(code))
                  for code in codes if code)


def _entity(source: str, line: int, row: list[str], path: Path,
            alts: list[list[str]], adds: list[list[str]], comments: list[list[str]]) -> Entity:
    ent_num = row[0].strip()
    name = _value(row[1])
    if name is None:
        raise SourceError(path, f"ent_num {ent_num} has no name", line=line)
    sdn_type = _value(row[2])
    properties: list[tuple[str, str]] = []
    schema = _SCHEMAS.get(sdn_type.lower(), None) if sdn_type else Schema.ORGANIZATION
    if schema is None:
        log.warning("%s, line %d: unknown SDN_Type %r, read as an organisation",
                    path, line, sdn_type)
        schema = Schema.ORGANIZATION
        properties.append(("notes", f"SDN_Type: {sdn_type}"))
    person = schema is Schema.PERSON
    names = [person_name(name) if person else Name(full=name)]
    for alt in alts:
        alt_name = _value(alt[3])
        if alt_name is None:
            continue
        kind = _ALT_KINDS.get((_value(alt[2]) or "aka").lower(), NameKind.ALIAS)
        names.append(person_name(alt_name, kind) if person else Name(full=alt_name, kind=kind))
        if alt_remarks := _value(alt[4]):
            properties.append(("notes", f"{alt_name}: {alt_remarks}"))
    programs = _programs(row[3])
    title = _value(row[4])
    identifiers: list[Identifier] = []
    countries: list[str] = []
    relations: list[Relation] = []
    if row[5:11] != _NO_VESSEL_FIELDS:
        _vessel_fields(row, identifiers, properties, countries, relations)
    addresses = []
    for add in adds:
        address, add_remarks = _address(add)
        if address is not None:
            addresses.append(address)
        if add_remarks:
            where = address.full if address is not None else "address"
            properties.append(("notes", f"{where}: {add_remarks}"))
    fields: dict = {
        "names": dedupe(names) if len(names) > 1 else tuple(names),
        "programs": programs,
        "countries": tuple(countries),
        "titles": (title,) if title else (),
        "identifiers": tuple(identifiers),
        "addresses": dedupe(addresses),
        "relations": tuple(relations),
        "properties": tuple(properties),
    }
    remarks: str | None = row[11]
    truncated = False
    if comments:
        # The overflow continues the cut text mid-word: append it exactly as written.
        remarks = remarks + "".join(c[1] for c in comments)
    else:
        truncated = is_truncated(remarks)
    remarks = remarks.strip()
    if remarks and remarks != EMPTY:
        parsed = parse_remarks(remarks, schema, truncated=truncated)
        fields.update(merge_fields(fields, parsed))
    else:
        remarks = None
    entity = Entity(id=f"{source}:{ent_num}", source=source, source_id=ent_num, schema=schema,
                    remarks=remarks, **fields)
    return classify_dprk(entity)


def parse(path: Path) -> Iterator[Entity]:
    """Read a primary table and the companions beside it; yield one entity per row, in order."""
    path = Path(path)
    source = list_id(path)
    rows = _read_rows(path, _PRIMARY_COLUMNS)
    known: dict[str, int] = {}
    for line, row in rows:
        ent_num = row[0].strip()
        if ent_num in known:
            raise SourceError(path, f"ent_num {ent_num} also on line {known[ent_num]}",
                              line=line)
        known[ent_num] = line
    joined: dict[str, dict[str, list[list[str]]]] = {}
    for role, (file, columns) in _companion_files(path).items():
        joined[role] = _companion_rows(file, columns, path, set(known))
    alts, adds, comments = (joined.get(role, {}) for role in ("alt", "add", "comments"))
    for line, row in rows:
        ent_num = row[0].strip()
        yield _entity(source, line, row, path, alts.get(ent_num, []), adds.get(ent_num, []),
                      comments.get(ent_num, []))


FORMAT = Format(name="ofac_csv", sniff=sniff, parse=parse, published=published,
                companions=companions)
