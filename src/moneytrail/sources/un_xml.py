"""UN Security Council Consolidated List, XML (``CONSOLIDATED_LIST``): ``un_sc``.

Source: https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema
https://www.un.org/sc/resources/sc-sanctions.xsd. Streamed with ``lxml.etree.iterparse``: one
``INDIVIDUAL`` or ``ENTITY`` element in memory at a time.

Mapping (entity id ``un_sc:<DATAID>``):

- Names. A person's name is FIRST_NAME .. FOURTH_NAME joined in list order. The UN does not say
  which part is the family name. For DPRK listings (reference ``KPi.``/``KPe.`` or list type
  DPRK) FIRST_NAME holds the family name (``KIM`` / ``JONG UN``), so we set ``family`` =
  FIRST_NAME and ``given`` = the rest; for everyone else FIRST_NAME is usually a given name
  (``ERIC`` ``BADEGE``), so ``given``/``family`` stay None rather than be wrong.
  NAME_ORIGINAL_SCRIPT is an ORIGINAL_SCRIPT name. Aliases: QUALITY ``Good``/``a.k.a.`` -> ALIAS,
  ``Low`` -> WEAK_ALIAS, ``f.k.a.`` -> FORMER, empty quality -> ALIAS. An alias NOTE
  ("previously listed as", "nom de guerre") goes to ``notes``; an alias's own date or place of
  birth joins ``birth_dates``/``birth_places``.
- Program: code = UN_LIST_TYPE (``DPRK``, ``Al-Qaida``), authority "UN Security Council",
  listed_on = LISTED_ON, id = REFERENCE_NUMBER. A reference starting ``KPi.``/``KPe.`` is a 1718
  Committee (DPRK) listing: if its list type is not recognised as DPRK by
  :func:`~moneytrail.sources.base.is_dprk_program`, the code becomes the prefix (``KPi``/``KPe``,
  the UN's own DPRK codes) and the list type text is kept in ``notes``, so ``Program.dprk`` holds
  after :func:`~moneytrail.sources.base.classify_dprk` (which recomputes it from the code).
- Dates of birth: EXACT/APPROXIMATELY with DATE (``1964-07-17``) or YEAR (``1963``); BETWEEN
  FROM_YEAR..TO_YEAR is expanded to every year when the span is at most 10 years, else kept as
  its two end years. A DOB NOTE such as ``Nov. 1973`` becomes ``1973-11`` (and YEAR 1958 with
  NOTE ``Sep.`` becomes ``1958-09``); any other NOTE (``30-35 years old``, a Hijri date) is kept
  in ``notes``; NOTE "Approximately" is dropped as it only repeats TYPE_OF_DATE.
- Documents: TYPE_OF_DOCUMENT/TYPE_OF_DOCUMENT2 mentioning a passport -> PASSPORT, "National
  Identification" -> NATIONAL_ID, else OTHER; NUMBER is the value; ISSUING_COUNTRY or
  COUNTRY_OF_ISSUE the country; the second type, DATE_OF_ISSUE, CITY_OF_ISSUE and NOTE the note.
  A document without a NUMBER (the number is inside its NOTE) is kept in ``notes`` as text.
- Addresses (STREET, CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY, NOTE) and places of birth keep a
  NOTE inside ``full`` in parentheses ("previous address"); an address that is only a NOTE is
  kept as ``full``. TITLE -> titles, DESIGNATION -> positions, NATIONALITY -> nationalities
  (ISO codes; a name we cannot map, e.g. "former Soviet Union", goes to ``notes``), GENDER (or
  "Gender: male" in the comments when GENDER is empty), COMMENTS1 -> remarks (verbatim),
  LAST_DAY_UPDATED (the latest value) -> modified_on. ``Associated with NAME (QDe.004)`` in the
  comments -> an ``associate`` relation to the entry of that reference (by name where there is
  none).
- Vessels: the UN consolidated list files no vessels as ENTITY, so no UN entry becomes
  Schema.VESSEL. The IMO numbers in the comments of 16 DPRK shipping companies (KPe.022
  ``IMO Number: 5342883``, KPe.066 ``Company Number IMO 5434358``, KPe.020 ``International
  Maritime Organization (IMO) Number: 1790183`` ...) are IMO *company* numbers of registered
  owners and managers (15 of the 16 fail the ship-number check digit) and are kept as
  ``IdKind.IMO`` identifiers noted "IMO company number". The one exception to taking a labelled
  number: one that passes the ship check digit in a sentence about a vessel/ship/tanker is the
  IMO of a ship the company owns, and stays in the remarks only.

Errors (:class:`SourceError` naming the file, line and element): an empty file; XML that is not
well formed (truncated, or bytes not in the declared encoding); a root other than
CONSOLIDATED_LIST; a list without any entry; an entry without DATAID or name; a malformed
``dateGenerated`` (or none), LISTED_ON, LAST_DAY_UPDATED, DATE, YEAR, FROM_YEAR or TO_YEAR (typed
``xs:date``/``xs:integer`` fields; an ``xs:date`` timezone suffix such as ``-04:00`` is accepted
and dropped). Free text (NOTE, COMMENTS1, TYPE_OF_DOCUMENT2) is never an error.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterator

from lxml import etree

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
    is_dprk_program,
)

SOURCE = "un_sc"
AUTHORITY = "UN Security Council"
_MAX_RANGE_YEARS = 10

_ROOT_RE = re.compile(rb"<CONSOLIDATED_LIST[\s>]")
_GENERATED_RE = re.compile(rb"<CONSOLIDATED_LIST\b[^>]*?\bdateGenerated\s*=\s*[\"']([^\"']*)[\"']")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+)?(?:Z|[+-]\d{2}:\d{2})?$")
_YEAR_RE = re.compile(r"^\d{4}$")
_WS = re.compile(r"\s+")
_KP_REF = re.compile(r"^(KP[ie])\.", re.I)
_GENDER_RE = re.compile(r"\bGender:\s*(male|female)\b", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MONTH_ONLY = re.compile(r"^([A-Za-z]{3})[a-z]*\.?$")
_IMO_RE = re.compile(r"(Company\s+Number\s+)?\bIMO\)?(?:\s+(?:company\s+)?number)?\s*[:.]?\s*"
                     r"(\d{7})\b", re.I)
_VESSEL_WORD = re.compile(r"\b(vessel|ship|tanker|M/?V)\b", re.I)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")


def _clean(text: str | None) -> str | None:
    """Whitespace collapsed, None when empty."""
    if text is None:
        return None
    text = _WS.sub(" ", text).strip()
    return text or None


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, path: Path, el: etree._Element, tag: str, dataid: str | None) -> None:
        self.path, self.el, self.tag, self.dataid = path, el, tag, dataid

    def error(self, message: str, child: etree._Element | None = None,
              sub: str = "") -> SourceError:
        where = f"{self.tag}[DATAID={self.dataid}]" if self.dataid else self.tag
        if sub:
            where += "/" + sub
        node = child if child is not None else self.el
        return SourceError(self.path, message, line=node.sourceline, element=where)


def _iso_date(ctx: _Ctx, el: etree._Element, sub: str, *, year_ok: bool = False) -> str | None:
    """A typed xs:date element as ``YYYY-MM-DD`` (or a bare year where the UN writes one)."""
    text = (el.text or "").strip()
    if not text:
        return None
    if year_ok and _YEAR_RE.match(text):
        return text
    m = _DATE_RE.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    raise ctx.error(f"malformed date {text!r}", el, sub)


def _year(ctx: _Ctx, el: etree._Element, sub: str) -> int | None:
    text = (el.text or "").strip()
    if not text:
        return None
    if not _YEAR_RE.match(text):
        raise ctx.error(f"malformed year {text!r}", el, sub)
    return int(text)


def _texts(el: etree._Element, path: str) -> list[str]:
    return [t for t in (_clean(v.text) for v in el.iterfind(path)) if t]


def _child_texts(el: etree._Element) -> dict[str, str]:
    """The non-empty text children of an element, by tag (first wins)."""
    out: dict[str, str] = {}
    for child in el:
        if isinstance(child.tag, str) and child.tag not in out:
            value = _clean(child.text)
            if value:
                out[child.tag] = value
    return out


def _place(parts: list[str | None], note: str | None) -> str | None:
    full = ", ".join(p for p in parts if p)
    if note:
        return f"{full} ({note})" if full else note
    return full or None


def _doc_kind(*types: str | None) -> IdKind:
    text = " ".join(t for t in types if t).lower()
    if re.search(r"pass(port|eport)|pasaporte", text):
        return IdKind.PASSPORT
    if any(k in text for k in ("national identification", "identity card",
                                "identification card")):
        return IdKind.NATIONAL_ID
    return IdKind.OTHER


def _birth_dates(ctx: _Ctx, el: etree._Element, notes: list[str]) -> list[str]:
    out: list[str] = []
    for dob in el.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        sub = "INDIVIDUAL_DATE_OF_BIRTH"
        kind = _clean(dob.findtext("TYPE_OF_DATE")) or ""
        found: list[str] = []
        for child in dob.iterfind("DATE"):
            value = _iso_date(ctx, child, sub + "/DATE", year_ok=True)
            if value:
                found.append(value)
        for child in dob.iterfind("YEAR"):
            year = _year(ctx, child, sub + "/YEAR")
            if year:
                found.append(str(year))
        start = end = None
        for child in dob.iterfind("FROM_YEAR"):
            start = _year(ctx, child, sub + "/FROM_YEAR") or start
        for child in dob.iterfind("TO_YEAR"):
            end = _year(ctx, child, sub + "/TO_YEAR") or end
        if start and end:
            if end < start:
                raise ctx.error(f"BETWEEN range {start}..{end} runs backwards", dob, sub)
            if end - start <= _MAX_RANGE_YEARS:
                found.extend(str(y) for y in range(start, end + 1))
            else:
                found.extend([str(start), str(end)])
        elif start or end:
            found.append(str(start or end))
        note = _clean(dob.findtext("NOTE"))
        if note:
            m = _MONTH_YEAR.match(note)
            month = _MONTHS.get(m[1].lower()) if m else None
            bare = _MONTH_ONLY.match(note)
            bare_month = _MONTHS.get(bare[1].lower()) if bare else None
            if m and month and not found:  # "Nov. 1973"
                found.append(f"{m[2]}-{month:02d}")
            elif bare_month and len(found) == 1 and _YEAR_RE.match(found[0]):  # YEAR + "Sep."
                found[0] = f"{found[0]}-{bare_month:02d}"
            elif note.lower() not in ("approximately", kind.lower()):
                notes.append(f"Date of birth ({kind.lower() or 'note'}): {note}")
        out.extend(found)
    return out


def _individual_names(el: etree._Element, dprk: bool) -> list[Name]:
    parts = [_clean(el.findtext(tag)) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                                  "FOURTH_NAME")]
    present = [p for p in parts if p]
    names: list[Name] = []
    if present:
        full = " ".join(present)
        if dprk and parts[0] and len(present) > 1:
            names.append(Name(full=full, kind=NameKind.PRIMARY, family=parts[0],
                              given=" ".join(present[1:])))
        else:
            names.append(Name(full=full, kind=NameKind.PRIMARY))
    return names


_QUALITY = {"good": NameKind.ALIAS, "a.k.a.": NameKind.ALIAS, "low": NameKind.WEAK_ALIAS,
            "f.k.a.": NameKind.FORMER, "": NameKind.ALIAS}


def _aliases(ctx: _Ctx, el: etree._Element, tag: str, notes: list[str], births: list[str],
             places: list[str]) -> list[Name]:
    out: list[Name] = []
    for alias in el.iterfind(tag):
        name = _clean(alias.findtext("ALIAS_NAME"))
        quality = (_clean(alias.findtext("QUALITY")) or "").lower()
        note = _clean(alias.findtext("NOTE"))
        if name:
            out.append(Name(full=name, kind=_QUALITY.get(quality, NameKind.ALIAS)))
            if note:
                notes.append(f"Alias {name!r}: {note}")
        for child in alias.iterfind("DATE_OF_BIRTH"):
            value = _iso_date(ctx, child, tag + "/DATE_OF_BIRTH", year_ok=True)
            if value:
                births.append(value)
        place = _place([_clean(alias.findtext("CITY_OF_BIRTH")),
                        _clean(alias.findtext("COUNTRY_OF_BIRTH"))], None)
        if place:
            places.append(place)
    return out


def _addresses(el: etree._Element, tag: str) -> list[Address]:
    out: list[Address] = []
    for addr in el.iterfind(tag):
        f = _child_texts(addr)
        country_text = f.get("COUNTRY")
        full = _place([f.get("STREET"), f.get("CITY"), f.get("STATE_PROVINCE"), f.get("ZIP_CODE"),
                       country_text], f.get("NOTE"))
        if full:
            out.append(Address(full=full, street=f.get("STREET"), city=f.get("CITY"),
                               region=f.get("STATE_PROVINCE"), postal_code=f.get("ZIP_CODE"),
                               country=country_code(country_text)))
    return out


def _documents(el: etree._Element, notes: list[str]) -> list[Identifier]:
    out: list[Identifier] = []
    for doc in el.iterfind("INDIVIDUAL_DOCUMENT"):
        f = _child_texts(doc)
        if not f:
            continue
        type1, type2 = f.get("TYPE_OF_DOCUMENT"), f.get("TYPE_OF_DOCUMENT2")
        country_text = f.get("ISSUING_COUNTRY") or f.get("COUNTRY_OF_ISSUE")
        country = country_code(country_text)
        note_parts = []
        if type2 and type2 != type1:
            note_parts.append(type2)
        if f.get("DATE_OF_ISSUE"):
            note_parts.append(f"issued {f['DATE_OF_ISSUE']}")
        if f.get("CITY_OF_ISSUE"):
            note_parts.append(f"in {f['CITY_OF_ISSUE']}")
        if country_text and not country:
            note_parts.append(f"issued by {country_text}")
        if f.get("NOTE"):
            note_parts.append(f["NOTE"])
        number = f.get("NUMBER")
        if number:
            out.append(Identifier(kind=_doc_kind(type1, type2), value=number, country=country,
                                  note="; ".join(note_parts) or None))
        else:
            label = type2 or type1 or "Document"
            notes.append(f"{label}: " + "; ".join(note_parts or [label]))
    return out


def _company_imos(comments: str | None) -> list[Identifier]:
    """IMO company numbers stated in an ENTITY's comments (see the module docstring).

    A number is taken unless it passes the ship check digit *and* its sentence talks about a
    vessel: then it is the IMO of a ship the company owns or manages, not the company's own.
    """
    text = _WS.sub(" ", comments or "")
    out: list[Identifier] = []
    for m in _IMO_RE.finditer(text):
        number = m[2]
        start = max((s.end() for s in _SENTENCE_END.finditer(text, 0, m.start())), default=0)
        end = _SENTENCE_END.search(text, m.end())
        sentence = text[start:end.start() if end else len(text)]
        if not m[1] and imo_check_digit_ok(number) and _VESSEL_WORD.search(sentence):
            continue
        out.append(Identifier(kind=IdKind.IMO, value=number, note="IMO company number"))
    return out


def _program(ctx: _Ctx, el: etree._Element, notes: list[str]) -> tuple[Program, bool]:
    list_type = _clean(el.findtext("UN_LIST_TYPE"))
    reference = _clean(el.findtext("REFERENCE_NUMBER"))
    listed = None
    for child in el.iterfind("LISTED_ON"):
        listed = _iso_date(ctx, child, "LISTED_ON") or listed
    kp = _KP_REF.match(reference or "")
    code = list_type or (reference.split(".")[0] if reference else "UN")
    if kp and not is_dprk_program(code):
        if list_type:
            notes.append(f"UN list type: {list_type}")
        code = kp[1][:2].upper() + kp[1][2]
    dprk = bool(kp) or is_dprk_program(code)
    return Program(code=code, authority=AUTHORITY, dprk=dprk, listed_on=listed,
                   id=reference), dprk


def _common(ctx: _Ctx, el: etree._Element) -> dict:
    notes: list[str] = []
    program, dprk = _program(ctx, el, notes)
    updated = [v for v in (_iso_date(ctx, x, "LAST_DAY_UPDATED/VALUE")
                           for x in el.iterfind("LAST_DAY_UPDATED/VALUE")) if v]
    remarks = (el.findtext("COMMENTS1") or "").strip() or None
    return {"notes": notes, "program": program, "dprk": dprk, "remarks": remarks,
            "modified_on": max(updated) if updated else None}


def _individual(path: Path, el: etree._Element) -> Entity:
    dataid = _clean(el.findtext("DATAID"))
    ctx = _Ctx(path, el, "INDIVIDUAL", dataid)
    if not dataid:
        raise ctx.error("entry without DATAID")
    c = _common(ctx, el)
    notes: list[str] = c["notes"]
    names = _individual_names(el, c["dprk"])
    if not names:
        raise ctx.error("individual without a name (FIRST_NAME..FOURTH_NAME all empty)")
    original = _clean(el.findtext("NAME_ORIGINAL_SCRIPT"))
    if original:
        names.append(Name(full=original, kind=NameKind.ORIGINAL_SCRIPT))
    births = _birth_dates(ctx, el, notes)
    places = [p for p in (_place([f.get("STREET"), f.get("CITY"), f.get("STATE_PROVINCE"),
                                  f.get("COUNTRY")], f.get("NOTE"))
                          for f in map(_child_texts, el.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")))
              if p]
    names += _aliases(ctx, el, "INDIVIDUAL_ALIAS", notes, births, places)
    nationalities = []
    for text in _texts(el, "NATIONALITY/VALUE"):
        code = country_code(text)
        if code:
            nationalities.append(code)
        else:
            notes.append(f"Nationality: {text}")
    gender_text = (_clean(el.findtext("GENDER")) or "").lower()
    if gender_text not in ("male", "female"):
        m = _GENDER_RE.search(c["remarks"] or "")
        gender_text = m[1].lower() if m else ""
    entity = Entity(
        id=f"{SOURCE}:{dataid}", source=SOURCE, source_id=dataid, schema=Schema.PERSON,
        names=dedupe(names), programs=(c["program"],), birth_dates=dedupe(births),
        birth_places=dedupe(places), nationalities=dedupe(nationalities),
        gender=gender_text or None, titles=dedupe(_texts(el, "TITLE/VALUE")),
        positions=dedupe(_texts(el, "DESIGNATION/VALUE")),
        identifiers=dedupe(_documents(el, notes)),
        addresses=dedupe(_addresses(el, "INDIVIDUAL_ADDRESS")),
        listed_on=c["program"].listed_on, modified_on=c["modified_on"], remarks=c["remarks"],
        notes=dedupe(notes))
    return classify_dprk(entity)


def _entity(path: Path, el: etree._Element) -> Entity:
    dataid = _clean(el.findtext("DATAID"))
    ctx = _Ctx(path, el, "ENTITY", dataid)
    if not dataid:
        raise ctx.error("entry without DATAID")
    c = _common(ctx, el)
    notes: list[str] = c["notes"]
    name = _clean(el.findtext("FIRST_NAME"))
    if not name:
        raise ctx.error("entity without a name (FIRST_NAME empty)")
    names = [Name(full=name, kind=NameKind.PRIMARY)]
    original = _clean(el.findtext("NAME_ORIGINAL_SCRIPT"))
    if original:
        names.append(Name(full=original, kind=NameKind.ORIGINAL_SCRIPT))
    names += _aliases(ctx, el, "ENTITY_ALIAS", notes, [], [])
    entity = Entity(
        id=f"{SOURCE}:{dataid}", source=SOURCE, source_id=dataid, schema=Schema.ORGANIZATION,
        names=dedupe(names), programs=(c["program"],),
        identifiers=dedupe(_company_imos(c["remarks"])),
        addresses=dedupe(_addresses(el, "ENTITY_ADDRESS")),
        listed_on=c["program"].listed_on, modified_on=c["modified_on"], remarks=c["remarks"],
        notes=dedupe(notes))
    return classify_dprk(entity)


def _generated(path: Path, value: str | None, line: int | None) -> str:
    m = _DATE_RE.match((value or "").strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            pass
    raise SourceError(path, f"malformed or missing dateGenerated {value!r}", line=line,
                      element="CONSOLIDATED_LIST")


def parse(path: Path) -> Iterator[Entity]:
    """Every INDIVIDUAL and ENTITY of a UN consolidated list file, in file order."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SourceError(path, "empty file")
    context = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                              no_network=True, huge_tree=False, remove_comments=True)
    depth = 0
    entries: list[Entity] = []
    try:
        for event, el in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    if el.tag != "CONSOLIDATED_LIST":
                        raise SourceError(path, f"not a UN consolidated list: root element "
                                                f"<{el.tag}>", line=el.sourceline, element=el.tag)
                    _generated(path, el.get("dateGenerated"), el.sourceline)
                continue
            depth -= 1
            if depth == 2 and el.tag == "INDIVIDUAL":
                entries.append(_individual(path, el))
            elif depth == 2 and el.tag == "ENTITY":
                entries.append(_entity(path, el))
            else:
                continue
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise SourceError(path, f"not well-formed XML (truncated or wrong encoding?): {exc.msg}",
                          line=line) from exc
    # A well-formed list with no entries yields nothing: whether an empty list may replace a
    # full one is the store's decision (refused unless forced), not the parser's.
    yield from _with_associations(entries)


def _with_associations(entries: list[Entity]) -> Iterator[Entity]:
    """The entries with the parties their comments say they are "associated with" as
    relations: to the entry of the UN reference given beside the name (``Associated with
    Al-Qaida (QDe.004)``), else by the name as written. (The whole list is read first: a
    reference may point further down the file. It is a thousand entries.)"""
    by_reference = {p.id: e.id for e in entries for p in e.programs if p.id}
    for entity in entries:
        found = associations(entity.remarks)
        if not found:
            yield entity
            continue
        relations = tuple(Relation(kind=RelationKind.ASSOCIATE,
                                   target=by_reference.get(ref) if ref else None,
                                   target_name=name,
                                   role=f"associated with (UN {ref})" if ref else "associated with")
                          for name, ref in found)
        yield replace(entity, relations=entity.relations + relations)


def sniff(path: Path, head: bytes) -> str | None:
    """``un_sc`` when the file's root element is CONSOLIDATED_LIST."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<"):
        return None
    return SOURCE if _ROOT_RE.search(head[:8192]) else None


def published(path: Path) -> str | None:
    """The ``dateGenerated`` date, or None when absent or unreadable (parse reports that)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return None
    m = _GENERATED_RE.search(head)
    if not m:
        return None
    d = _DATE_RE.match(m[1].decode("ascii", "replace").strip())
    if not d:
        return None
    try:
        return date(int(d[1]), int(d[2]), int(d[3])).isoformat()
    except ValueError:
        return None


FORMAT = Format(name="un_xml", sniff=sniff, parse=parse, published=published)
