"""UK HM Treasury (OFSI) Consolidated List of Financial Sanctions Targets, ConList.csv: ``uk_ofsi``.

OFSI published this list until 28 January 2026, when the FCDO's UK Sanctions List
(:mod:`moneytrail.sources.uk_fcdo`) replaced it. Layout (checked on the real 2018-04-13 file,
and OFSI's later 36-column layout as read by moov-io/watchman ``pkg/sources/csl_uk/uk_csl.go``):
line 1 ``Last Updated,dd/mm/yyyy,,,...``; line 2 the headers (``Name 6, Name 1 .. Name 5,
Title, DOB, Town of Birth, Country of Birth, Nationality, Passport Details, NI Number,
Position, Address 1 .. Address 6, Post/Zip Code, Country, Other Information, Group Type,
Alias Type, Regime, Listed On, Last Updated, Group ID``; the later layout adds ``Name
Non-Latin Script``, ``Non-Latin Script Type/Language``, ``Passport Number``, ``National
Identification Number/Details``, ``Alias Quality``, ``UK Sanctions List Date Designated``);
then one row per name (and per date of birth: the rows are a product), rows of one target
sharing a ``Group ID`` but not adjacent (the file is sorted by name).

Encoding: the 2018 file is Windows-1252 (curly quotes 0x91-0x96; not valid UTF-8). We read
UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252; bytes valid in
neither, or NUL bytes (a UTF-16 file), are a :class:`SourceError` naming the line.

Mapping: one Entity per Group ID (``uk_ofsi:<GroupID>``), fields are the union of its rows in
file order, deduplicated.

- Names: full = Name 1 .. Name 5 then Name 6 (OFSI's order of reading); for people
  ``given`` = Name 1..5, ``family`` = Name 6 as OFSI's format defines it. Caution for DPRK
  people: OFSI often files the last given-name syllable in Name 6 (``Kim Kyong`` / ``IL``), so
  ``family`` is OFSI's claim, not a fact. Alias Type ``Prime Alias``/``Primary name`` ->
  PRIMARY, ``AKA``/``Alias``/``Primary name variation`` -> ALIAS (WEAK_ALIAS when Alias
  Quality says low), ``FKA`` -> FORMER, any other value -> ALIAS. A non-Latin name (later
  layout) -> ORIGINAL_SCRIPT with its language code.
- Group Type ``Individual`` -> PERSON, ``Entity`` -> ORGANIZATION, ``Ship`` -> VESSEL. In the
  2018 layout ships are ``Entity`` rows: an Entity whose Other Information labels an IMO number
  (``IMO: 8937675``, ``(IMO number: 7303803)``) that passes the ship check digit, is not called
  a company number, and whose names carry no company word (CO, LTD, SHIPPING ...) is a VESSEL
  with an IMO identifier, plus MMSI, ``Flag State:`` (``flag`` property and ``countries``) and
  ``Formerly known as`` (FORMER name) from the same text. A labelled IMO number of a company
  (``Company Number IMO 5434358``; ``IMO Number: 5342883`` of Chong Chon Gang Shipping, which
  fails the check digit) is kept as an IMO identifier noted "IMO company number".
- Program per distinct Regime: code = Regime, authority "HM Treasury (OFSI)", listed_on = the
  earliest Listed On of its rows. listed_on / modified_on = earliest Listed On / latest Last
  Updated of the group.
- DOB ``dd/mm/yyyy`` with ``00`` (or ``dd``/``mm``) for an unknown part -> ``yyyy`` /
  ``yyyy-mm`` / ``yyyy-mm-dd``; Town and Country of Birth -> one birth place; Nationality
  (``(1) German (2) Moroccan``) -> ISO codes, with the text kept in ``notes`` when any part
  does not map; Passport Details / NI Number are free text: each enumerated part's first
  number-like token becomes a PASSPORT / NATIONAL_ID identifier with the part verbatim as its
  note and a country from the text where one is named (a part without a number is kept in
  ``notes``); Position -> positions, Title -> titles, Address 1-6 + Post/Zip + Country -> an
  address (``full`` joins them; ``postal_code``; ``country`` ISO code), Other Information ->
  remarks (distinct values joined by a blank line), ``Gender: male`` in it -> gender, and
  ``Associated with NAME`` in it -> an ``associate`` relation to that name.

Errors (:class:`SourceError` with the line): empty file; wrong encoding; line 1 not ``Last
Updated,<date>``; headers missing a required column; a row whose field count differs from the
header; a row without a numeric Group ID; an unknown Group Type; a malformed date in line 1,
Listed On, Last Updated or UK Sanctions List Date Designated (machine-written dates). A date of
birth that cannot be read (``00/00/0000``, ``31/02/1970``) is kept as text in ``notes``, as is
every other free-text value we cannot structure.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from moneytrail.countries import country_code
from moneytrail.model import (
    Address, Entity, IdKind, Identifier, Name, NameKind, Program, Relation, RelationKind, Schema,
    dedupe,
)
from moneytrail.sources.base import (
    Format,
    SourceError,
    associations,
    classify_dprk,
    imo_check_digit_ok,
)

SOURCE = "uk_ofsi"
AUTHORITY = "HM Treasury (OFSI)"

REQUIRED = ("Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB",
            "Town of Birth", "Country of Birth", "Nationality", "Position", "Address 1",
            "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code",
            "Country", "Other Information", "Group Type", "Alias Type", "Regime", "Listed On",
            "Last Updated", "Group ID")

_WS = re.compile(r"\s+")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DOB = re.compile(r"^(\d{1,2}|dd|DD)/(\d{1,2}|mm|MM)/(\d{4})$")
_FIRST_LINE = re.compile(r"^\ufeff?Last Updated,([^,\r\n]*)")

# ---------------------------------------------------------------------------------------------
# Helpers shared with uk_fcdo (same publisher conventions)


def clean(text: str | None) -> str | None:
    """Whitespace collapsed, None when empty."""
    if text is None:
        return None
    text = _WS.sub(" ", text).strip()
    return text or None


def uk_date(text: str | None) -> str | None:
    """A machine-written ``dd/mm/yyyy`` date (optionally with a time) as ISO; None when empty.

    Raises ValueError when the text is not such a date.
    """
    text = (text or "").strip()
    if not text:
        return None
    m = _UK_DATE.match(text)
    if not m:
        raise ValueError(f"malformed date {text!r} (expected dd/mm/yyyy)")
    return date(int(m[3]), int(m[2]), int(m[1])).isoformat()


def uk_dob(text: str | None) -> str | None:
    """A UK date of birth at the precision it states: ``00``/``dd``/``mm`` mark unknown parts.

    ``00/00/1980`` -> ``1980``; ``dd/07/1978`` -> ``1978-07``; ``1945`` -> ``1945``;
    ``14/03/1970`` -> ``1970-03-14``. None when the text is no such date (caller keeps it as text).
    """
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return text if int(text) > 0 else None
    m = _DOB.match(text)
    if not m:
        return None
    year = int(m[3])
    month = int(m[2]) if m[2].isdigit() else 0
    day = int(m[1]) if m[1].isdigit() else 0
    if year == 0 or month > 12:
        return None
    if month == 0:
        return f"{year:04d}"
    if day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_ENUM = re.compile(r"(?:^|(?<=\s))(?:\(\s*(?:\d{1,2}|[a-hA-H])\s*\)|(?:\d{1,2}|[a-h])\))"
                   r"(?:\s*-\s*\(\s*\d{1,2}\s*\))?\s*")


def split_enumeration(text: str) -> tuple[str, list[str]]:
    """``Jordanian passport numbers (1) K048787 (2) 486298`` -> (``Jordanian ...``, [parts]).

    Recognises ``(1)``, ``1)``, ``(a)``, ``a)`` and ``(1)-(2)`` markers; without markers the
    whole text is the one part and the prefix is empty.
    """
    marks = list(_ENUM.finditer(text))
    if not marks:
        return "", [text.strip()]
    prefix = text[:marks[0].start()].strip()
    parts = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        part = text[m.end():end].strip(" ;,")
        if part:
            parts.append(part)
    return prefix, parts


def _country_word(candidate: str) -> str | None:
    candidate = candidate.strip(" .;,")
    if len(candidate) < 3:
        # two-letter words are mostly not countries here ("no", "as"); only "(US)" style
        return country_code(candidate) if re.fullmatch(r"[A-Z]{2}", candidate) else None
    if not candidate[0].isupper():
        return None
    return country_code(candidate)


def country_in_text(text: str) -> str | None:
    """A country named in free text: a parenthesised group, else the leading words."""
    for group in re.findall(r"\(([^()]*)\)", text):
        words = group.split()
        for candidate in (group, group.split(",")[0], words[0] if words else ""):
            code = _country_word(candidate)
            if code:
                return code
    words = []
    for word in text.split():
        word = word.strip(".,;:")
        if not re.fullmatch(r"[A-Za-z'’-]{3,}", word):
            break
        words.append(word)
    for n in (3, 2, 1):
        if len(words) >= n:
            code = _country_word(" ".join(words[:n]))
            if code:
                return code
    return None


_TOKEN_SPLIT = re.compile(r"[\s,;():]+")
_DATE_TOKEN = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_YEAR_TOKEN = re.compile(r"^(19|20)\d\d$")


def number_token(text: str) -> str | None:
    """The first document-number-like token: 4+ characters of A-Z0-9/.-, 4+ digits.

    Dates (``03/07/1996``) and bare years (``1993``) are skipped; a ``no.`` glued to the
    number (``no.720134834``) is dropped.
    """
    for token in _TOKEN_SPLIT.split(text):
        token = re.sub(r"^(?:no|nr|n°)\.", "", token, flags=re.I).strip(".-/")
        if len(token) < 4 or not re.fullmatch(r"[A-Za-z0-9/.\-]+", token):
            continue
        if sum(c.isdigit() for c in token) < 4 or _DATE_TOKEN.match(token):
            continue
        if _YEAR_TOKEN.match(token):
            continue
        return token
    return None


def identifiers_from_text(text: str | None, kind: IdKind, label: str,
                          notes: list[str]) -> list[Identifier]:
    """Identifiers in a free-text passport / national-id field (see the module docstring)."""
    text = clean(text)
    if not text:
        return []
    prefix, parts = split_enumeration(text)
    if prefix and number_token(prefix):
        parts, prefix = [prefix, *parts], ""  # "00344994 (Yemeni) (b) 973406": not a label
    out: list[Identifier] = []
    for part in parts:
        whole = f"{prefix} {part}".strip() if prefix else part
        value = number_token(part)
        if value:
            country = country_in_text(part) or (country_in_text(prefix) if prefix else None)
            out.append(Identifier(kind=kind, value=value, country=country,
                                  note=whole if whole != value else None))
        else:
            notes.append(f"{label}: {whole}")
    return out


def countries_from_text(text: str | None, label: str, notes: list[str]) -> list[str]:
    """ISO codes for a free-text country list; the text goes to notes unless fully mapped."""
    text = clean(text)
    if not text:
        return []
    _, parts = split_enumeration(text)
    codes: list[str] = []
    exact = True
    for part in parts:
        part = part.strip(" .;,")
        code = country_code(part)
        if code is None:
            exact = False
            first = re.split(r"[.;(]", part)[0].strip(" ,")
            words = first.split()
            for n in range(min(len(words), 4), 0, -1):
                code = country_code(" ".join(words[:n]))
                if code:
                    break
            if code is None and words:
                code = country_code(words[-1])
        if code:
            codes.append(code)
    if not exact or not codes:
        notes.append(f"{label}: {text}")
    return codes


IMO_LABELLED = re.compile(r"(Company\s+Number\s+)?\bIMO\)?(?:\s+(?:company\s+)?number)?\s*[:.]?\s*"
                          r"(\d{7})\b", re.I)
_VESSEL_WORD = re.compile(r"\b(vessel|ship|tanker|M/?V)\b", re.I)
_COMPANY_WORD = re.compile(
    r"\b(co|company|corp|corporation|ltd|limited|llc|inc|jv|shipping|shpg|trading|group|"
    r"management|marine|enterprise|bank|agency|department|organi[sz]ation)\b\.?", re.I)


def looks_like_company(names: Iterable[str]) -> bool:
    return any(_COMPANY_WORD.search(n) for n in names)


_LANG = {"arabic": "ar", "chinese": "zh", "russian": "ru", "belarusian": "be", "bosnian": "bs",
         "korean": "ko", "persian": "fa", "farsi": "fa", "ukrainian": "uk", "greek": "el",
         "hebrew": "he", "bulgarian": "bg", "serbian": "sr", "turkish": "tr", "georgian": "ka",
         "burmese": "my", "japanese": "ja", "pashto": "ps", "urdu": "ur", "kurdish": "ku",
         "romanian; moldavian; moldovan": "ro", "romanian": "ro", "armenian": "hy",
         "macedonian": "mk", "tigrinya": "ti", "amharic": "am", "dari": "prs"}
_SCRIPT = {"arabic": "Arab", "cyrillic": "Cyrl", "chinese": "Hani", "han": "Hani",
           "korean": "Hang", "hangul": "Hang", "greek": "Grek", "hebrew": "Hebr",
           "georgian": "Geor", "armenian": "Armn", "myanmar": "Mymr", "ethiopic": "Ethi"}


def name_lang(language: str | None, script: str | None) -> str | None:
    """A language code (``ko``) for a stated language, else a script tag (``Cyrl``)."""
    if language and (code := _LANG.get(language.strip().lower())):
        return code
    if script and (tag := _SCRIPT.get(script.strip().lower())):
        return tag
    return None


def read_text(path: Path, data: bytes, *, fallback_cp1252: bool) -> str:
    """Decode a CSV: UTF-8 (BOM optional), else Windows-1252 when allowed; else SourceError."""
    if not data.strip():
        raise SourceError(path, "empty file")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(path, "NUL bytes: the file is UTF-16 or binary, not a CSV text file",
                          line=data.count(b"\n", 0, nul) + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not fallback_cp1252:
            raise SourceError(path, f"not valid UTF-8 ({exc.reason} at byte {exc.start})",
                              line=data.count(b"\n", 0, exc.start) + 1) from exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"wrong encoding: byte 0x{data[exc.start]:02x} is neither "
                                f"UTF-8 nor Windows-1252", line=data.count(b"\n", 0, exc.start) + 1
                          ) from exc


# ---------------------------------------------------------------------------------------------

_ALIAS_KIND = {"prime alias": NameKind.PRIMARY, "primary name": NameKind.PRIMARY,
               "aka": NameKind.ALIAS, "alias": NameKind.ALIAS,
               "primary name variation": NameKind.ALIAS, "fka": NameKind.FORMER}
_GROUP_TYPE = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}
_GENDER = re.compile(r"\bGender:\s*(male|female)\b", re.I)
_MMSI = re.compile(r"\bMMSI:?\s*(\d{9})\b")
_FLAG = re.compile(r"\bFlag(?:\s+State)?:\s*([A-Z][A-Za-z .'’-]*?)\s*(?:\.|;|$)")
_FORMERLY = re.compile(r"\bFormerly known as ([^.;]+?)\s*(?:\.|;|$)")


@dataclass
class _Group:
    gid: str
    schema: Schema
    names: list[Name] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    births: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    regimes: dict[str, str | None] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _row_date(path: Path, line: int, row: dict[str, str], column: str) -> str | None:
    try:
        return uk_date(row.get(column))
    except ValueError as exc:
        raise SourceError(path, f"column {column!r}: {exc}", line=line) from exc


def _add_row(path: Path, line: int, g: _Group, row: dict[str, str]) -> None:
    parts = [clean(row.get(f"Name {i}")) for i in range(1, 6)]
    given = " ".join(p for p in parts if p) or None
    family = clean(row.get("Name 6"))
    full = " ".join(p for p in (given, family) if p)
    alias_type = (clean(row.get("Alias Type")) or "").lower()
    kind = _ALIAS_KIND.get(alias_type, NameKind.ALIAS)
    if kind is NameKind.ALIAS and "low" in (row.get("Alias Quality") or "").lower():
        kind = NameKind.WEAK_ALIAS
    if full:
        if g.schema is Schema.PERSON:
            g.names.append(Name(full=full, kind=kind, given=given if family else None,
                                family=family if given else None))
        else:
            g.names.append(Name(full=full, kind=kind))
    non_latin = clean(row.get("Name Non-Latin Script"))
    if non_latin:
        g.names.append(Name(full=non_latin, kind=NameKind.ORIGINAL_SCRIPT,
                            lang=name_lang(row.get("Non-Latin Script Language"),
                                           row.get("Non-Latin Script Type"))))
    if title := clean(row.get("Title")):
        g.titles.append(title)
    if dob := clean(row.get("DOB")):
        parsed = uk_dob(dob)
        if parsed:
            g.births.append(parsed)
        else:
            g.notes.append(f"Date of birth as published: {dob}")
    place = ", ".join(p for p in (clean(row.get("Town of Birth")),
                                  clean(row.get("Country of Birth"))) if p)
    if place:
        g.places.append(place)
    g.nationalities += countries_from_text(row.get("Nationality"), "Nationality", g.notes)
    if number := clean(row.get("Passport Number")):
        g.identifiers.append(Identifier(kind=IdKind.PASSPORT, value=number,
                                        note=clean(row.get("Passport Details"))))
    else:
        g.identifiers += identifiers_from_text(row.get("Passport Details"), IdKind.PASSPORT,
                                               "Passport details", g.notes)
    if number := clean(row.get("National Identification Number")):
        g.identifiers.append(Identifier(kind=IdKind.NATIONAL_ID, value=number,
                                        note=clean(row.get("National Identification Details"))))
    else:
        g.identifiers += identifiers_from_text(row.get("NI Number"), IdKind.NATIONAL_ID,
                                               "National identification", g.notes)
    if position := clean(row.get("Position")):
        g.positions.append(position)
    lines = [clean(row.get(f"Address {i}")) for i in range(1, 7)]
    postcode, country_text = clean(row.get("Post/Zip Code")), clean(row.get("Country"))
    full_address = ", ".join(p for p in (*lines, postcode, country_text) if p)
    if full_address:
        g.addresses.append(Address(full=full_address, postal_code=postcode,
                                   country=country_code(country_text)))
    if other := (row.get("Other Information") or "").strip():
        g.other.append(other)
    if imo := clean(row.get("IMO number") or row.get("IMO Number")):
        g.identifiers.append(Identifier(kind=IdKind.IMO, value=re.sub(r"^IMO\s*", "", imo)))
    regime = clean(row.get("Regime"))
    listed = _row_date(path, line, row, "Listed On")
    designated = _row_date(path, line, row, "UK Sanctions List Date Designated")
    if designated:
        g.notes.append(f"UK Sanctions List date designated: {designated}")
    if regime:
        known = g.regimes.get(regime)
        g.regimes[regime] = min(d for d in (known, listed) if d) if (known or listed) else None
    if listed:
        g.listed.append(listed)
    if updated := _row_date(path, line, row, "Last Updated"):
        g.updated.append(updated)


def _vessel_details(g: _Group, text: str, names: list[str]) -> tuple[Schema, list[Identifier],
                                                                       list[Name],
                                                                       list[tuple[str, str]],
                                                                       list[str]]:
    """Schema, IMO/MMSI identifiers, former names, properties, countries from Other Information."""
    schema = g.schema
    flat = _WS.sub(" ", text)
    ids: list[Identifier] = []
    former: list[Name] = []
    props: list[tuple[str, str]] = []
    countries: list[str] = []
    labelled = list(IMO_LABELLED.finditer(flat))
    if schema is Schema.ORGANIZATION and labelled:
        first = labelled[0]
        if not first[1] and imo_check_digit_ok(first[2]) and not looks_like_company(names):
            schema = Schema.VESSEL
    for m in labelled:
        if schema is Schema.VESSEL and not m[1] and imo_check_digit_ok(m[2]):
            ids.append(Identifier(kind=IdKind.IMO, value=m[2]))
        elif schema is Schema.ORGANIZATION:
            dot = flat.rfind(". ", 0, m.start())
            start = dot + 2 if dot >= 0 else 0
            end = flat.find(". ", m.end())
            sentence = flat[start:end if end >= 0 else len(flat)]
            if not m[1] and imo_check_digit_ok(m[2]) and _VESSEL_WORD.search(sentence):
                continue  # the IMO of a ship this company owns or manages
            ids.append(Identifier(kind=IdKind.IMO, value=m[2], note="IMO company number"))
    if schema is Schema.VESSEL:
        ids += [Identifier(kind=IdKind.MMSI, value=m[1]) for m in _MMSI.finditer(flat)]
        for m in _FLAG.finditer(flat):
            code = country_code(m[1])
            props.append(("flag", code or m[1]))
            if code:
                countries.append(code)
        former += [Name(full=m[1].strip(), kind=NameKind.FORMER) for m in _FORMERLY.finditer(flat)]
    return schema, ids, former, props, countries


def _entity(g: _Group) -> Entity:
    remarks = "\n\n".join(dedupe(g.other)) or None
    names = [n.full for n in g.names]
    schema, ids, former, props, countries = _vessel_details(g, remarks or "", names)
    gender = None
    if schema is Schema.PERSON and (m := _GENDER.search(remarks or "")):
        gender = m[1].lower()
    programs = tuple(Program(code=regime, authority=AUTHORITY, listed_on=listed)
                     for regime, listed in g.regimes.items())
    names_all = g.names + former
    entity = Entity(
        id=f"{SOURCE}:{g.gid}", source=SOURCE, source_id=g.gid, schema=schema,
        names=dedupe(names_all), programs=programs, birth_dates=dedupe(g.births),
        birth_places=dedupe(g.places), nationalities=dedupe(g.nationalities),
        countries=dedupe(countries), gender=gender, titles=dedupe(g.titles),
        positions=dedupe(g.positions), identifiers=dedupe(g.identifiers + ids),
        addresses=dedupe(g.addresses), listed_on=min(g.listed) if g.listed else None,
        modified_on=max(g.updated) if g.updated else None, remarks=remarks,
        notes=dedupe(g.notes), properties=dedupe(props),
        relations=tuple(Relation(kind=RelationKind.ASSOCIATE, target_name=name,
                                 role=f"associated with (UN {ref})" if ref
                                 else "associated with")
                        for name, ref in associations(remarks)))
    return classify_dprk(entity)


def _published_from_line(path: Path, line: str) -> str:
    m = _FIRST_LINE.match(line)
    if not m:
        raise SourceError(path, "not an OFSI ConList.csv: line 1 should be "
                                "'Last Updated,dd/mm/yyyy'", line=1)
    try:
        value = uk_date(m[1])
    except ValueError as exc:
        raise SourceError(path, f"line 1 'Last Updated': {exc}", line=1) from exc
    if value is None:
        raise SourceError(path, "line 1 'Last Updated' has no date", line=1)
    return value


def parse(path: Path) -> Iterator[Entity]:
    """One Entity per Group ID, in order of first appearance."""
    path = Path(path)
    text = read_text(path, path.read_bytes(), fallback_cp1252=True)
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        first = next(reader)
    except StopIteration:
        raise SourceError(path, "empty file") from None
    _published_from_line(path, ",".join(first))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SourceError(path, "no header line", line=2) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(path, f"header is missing column(s) {', '.join(missing)}", line=2)
    groups: dict[str, _Group] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise SourceError(path, f"{len(fields)} fields, the header has {len(header)}",
                                  line=line)
            row = dict(zip(header, fields, strict=True))
            gid = (row.get("Group ID") or "").strip()
            if not gid.isdigit():
                raise SourceError(path, f"Group ID {gid!r} is not a number", line=line)
            schema = _GROUP_TYPE.get((clean(row.get("Group Type")) or "").lower())
            if schema is None:
                raise SourceError(path, f"unknown Group Type {row.get('Group Type')!r}",
                                  line=line)
            g = groups.get(gid)
            if g is None:  # a group's first row decides its type
                g = groups[gid] = _Group(gid=gid, schema=schema)
            _add_row(path, line, g, row)
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    if not groups:
        raise SourceError(path, "no rows after the header", line=2)
    for g in groups.values():
        yield _entity(g)


def sniff(path: Path, head: bytes) -> str | None:
    """``uk_ofsi`` when line 1 is ``Last Updated,...`` and line 2 starts with ``Name 6,``."""
    text = head.lstrip(b"\xef\xbb\xbf")
    if not text.startswith(b"Last Updated,"):
        return None
    lines = text.split(b"\n", 2)
    if len(lines) < 2:
        return None
    second = lines[1].lstrip(b"\xef\xbb\xbf")
    return SOURCE if second.startswith(b"Name 6,") and b"Group ID" in second else None


def published(path: Path) -> str | None:
    """The date of line 1 (``Last Updated,13/04/2018`` -> ``2018-04-13``); None if unreadable."""
    try:
        with open(path, "rb") as f:
            line = f.readline(4096).decode("latin-1")
        return _published_from_line(path, line)
    except (OSError, SourceError):
        return None


FORMAT = Format(name="uk_ofsi", sniff=sniff, parse=parse, published=published)
