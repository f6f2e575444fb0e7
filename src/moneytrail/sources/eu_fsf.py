"""EU Financial Sanctions Files (FSF), list ``eu_fsf``: the consolidated list as XML and as CSV.

One entity per ``sanctionEntity`` (XML) or per ``Entity_logical_id`` (CSV rows grouped), with the
id ``eu_fsf:<logicalId>``. Two formats, one mapping (both feed :class:`_Builder`):

``eu_fsf_xml``: the "XML 1.1" export (``xmlFullSanctionsList_1_1``). Root ``export`` in the
namespace ``http://eu.europa.ec/fpi/fsd/export`` -- ``.ec``, as the Commission publishes it; the
``.eu`` spelling is accepted as well -- with ``generationDate``. Each ``sanctionEntity``
(``logicalId``, ``euReferenceNumber``, ``unitedNationId``, ``designationDate``,
``designationDetails``) holds ``remark``, ``regulation`` (``programme``, ``numberTitle``,
``publicationDate``, ``entryIntoForceDate``, ``regulationType``, ``organisationType``, child
``publicationUrl``), ``subjectType`` (``code`` person/enterprise, ``classificationCode`` P/E),
``nameAlias`` (``wholeName``, ``firstName``, ``middleName``, ``lastName``, ``gender``, ``title``,
``function``, ``nameLanguage``, ``strong``), ``citizenship``, ``birthdate`` (``birthdate``,
``year``, ``monthOfYear``, ``dayOfMonth``, ``circa``, ``city``,
``place``, ``region``, ``zipCode``), ``identification`` (``identificationTypeCode``,
``identificationTypeDescription``, ``number``, ``latinNumber``, ``issuedBy``, ``issueDate``,
``diplomatic``, ``knownExpired``, ``knownFalse``, ``reportedLost``, ``revokedByIssuer``,
``nameOnDocument``) and ``address`` (``street``, ``poBox``, ``zipCode``, ``city``, ``place``,
``region``, ``asAtListingTime``, children ``contactInfo key= value=``). Countries are
``countryIso2Code`` (``00`` = unknown) plus ``countryDescription``; sub-elements may carry
``remark`` and ``regulationSummary`` children. The file is streamed with ``lxml.iterparse``.
Read too where present, though not seen in a real XML excerpt: ``yearRangeFrom``/``yearRangeTo``
and ``issueDate`` (named after the CSV 1.1 columns and OpenSanctions' reader).

``eu_fsf_csv``: the semicolon-separated CSV, one row per (entity, name / address / birth date /
identifier / citizenship) and legal act; rows are grouped by logical id and deduplicated.
  * 1.0 (``csvFullSanctionsList``, the shared 2018 sample): ``Date_file;Entity_logical_id;
    Subject_type;Leba_numtitle;Leba_publication_date;Leba_url;Programme;Entity_remark`` then per
    block ``Naal_``/``Addr_``/``Birt_``/``Iden_``/``Citi_`` a ``<block>_logical_id``, a repeated
    ``Entity_logical_id``, the block's own legal act (``<block>_leba_*``, ``<block>_programme``)
    and its fields, and last ``EU_ref_num``. Countries are ISO alpha-3 (``IRQ``); ``Iden_number``
    packs ``NUMBER (typecode-Type description) (remark)``; ``Addr_other`` packs
    ``PHONE[..]\\nFAX[..]``; newlines are written as a literal ``\\n``; ``Birt_date`` may be
    ``N/A``. The sample is Windows-1252 (``file`` says ISO-8859, but its bytes 0x80-0x9F are
    cp1252 punctuation and letters: ’ – š ž Š „ “ —), every row is wrapped in double quotes with
    tab padding, and tabs stand where the original had commas (``al-Awja\\t near Tikrit`` is the
    XML's ``al-Awja, near Tikrit``); the export replaced every letter outside cp1252 with ``?``.
  * 1.1 (``csvFullSanctionsList_1_1``): ``fileGenerationDate;Entity_LogicalId;
    Entity_EU_ReferenceNumber;...;NameAlias_WholeName;...;Citizenship_Regulation_PublicationUrl``
    -- the XML attribute names behind block prefixes. No real 1.1 file was available offline;
    its columns follow the third-party parsers listed below, so treat that path as less proven.

Sources followed (element, attribute and column names; no code copied):
  * a real FSF XML excerpt generated 2018-12-21 (``generationDate``, ``globalFileId``, the
    Mugabe entry logicalId 1 that is also row 1 of the shared CSV sample), quoted in a comment of
    the PHP class ``SanctionsList\\Resource\\ES`` of a public sanctions importer, and a second
    excerpt (logicalId 13) in the Java test ``de.bentzin.reke.web.test.XMLTest``; the tests
    parse both and check that they agree with the CSV sample;
  * OpenSanctions ``zavod/zavod/shed/fsf.py`` and ``datasets/eu/fsf/eu_fsf.yml``: the code lists
    (identification types id, other, passport, swiftbic, imo, regnumber, fiscalcode, ssn, ...;
    contact keys PHONE, FAX, EMAIL, WEB; subject codes person/enterprise), country ``00``/
    ``UNKNOWN``, ``strong="false"`` as a weak alias;
  * for CSV 1.1 column names: the EUFS table of a public SQL loader (``EUFS_INSERT``) and several
    public parsers that read ``fileGenerationDate;Entity_LogicalId;...``;
  * the shared sample ``eu_fsf_sample_2018-07/EUSanctionsShort.csv`` for every CSV 1.0 detail.

Mapping decisions:
  * Person for subject ``P``/``person``, Organization for ``E``/``enterprise``; any other subject
    type is an error (a new type should be looked at, not guessed).
  * Names: the first strong name without a language (or ``EN``) in Latin script is PRIMARY;
    ``strong="false"`` is WEAK_ALIAS; a name mostly in a non-Latin script whose language is not
    an EU language written in that script (BG, EL) is ORIGINAL_SCRIPT; the rest are ALIAS.
    ``nameLanguage`` goes to ``Name.lang`` lower-cased. Names equal in text are kept once. In a
    cp1252 CSV, names where ``?`` outnumber letters and digits (Bulgarian and Greek names the
    8-bit export destroyed) are dropped: they would only add noise to matching.
  * Programs: one per EU programme code of the entity's own legal acts, authority
    "European Union", ``listed_on`` the designation date or else the earliest publication date.
    ``PRK`` (and any programme whose code or act title reads as North Korea) sets
    ``Program.dprk`` here, since ``base.is_dprk_program`` does not know the EU code;
    :func:`classify_dprk` keeps a program a parser marked DPRK.
  * Every legal act cited (the entity's and each name's, address's ... own) becomes one note
    ``Legal act <numberTitle>, published <date>: <url>``; the EU reference number, the UN
    reference and the designation details are notes too. ``listed_on`` is the designation date
    or else the earliest publication date of the entity's own acts; ``modified_on`` is the
    latest publication date of any act cited.
  * Birth countries go to ``countries``; birth places are place, city, zip and region joined.
  * Identifier kinds: passport, id/ssn/nrn -> national id, swiftbic, imo, regnumber,
    fiscalcode/taxid -> tax id; other types are ``other``. The type description, remark, issuer,
    dates and flags go to ``Identifier.note``; a ``latinNumber`` is a second identifier.
    Address contact details become phone / e-mail / website identifiers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from lxml import etree

from moneytrail.countries import country_code
from moneytrail.model import (Address, Entity, Identifier, IdKind, Name, NameKind, Program, Schema,
                              dedupe)
from moneytrail.sources.base import Format, SourceError, classify_dprk, is_dprk_program

__all__ = ["CSV_FORMAT", "FORMAT", "FORMATS", "LIST_ID", "XML_FORMAT", "parse_csv", "parse_xml"]

LIST_ID = "eu_fsf"
AUTHORITY = "European Union"
NAMESPACES = ("http://eu.europa.ec/fpi/fsd/export", "http://eu.europa.eu/fpi/fsd/export")
DPRK_PROGRAMMES = frozenset({"PRK"})  # the EU's own code for its North Korea regime

_SUBJECTS = {"p": Schema.PERSON, "person": Schema.PERSON,
             "e": Schema.ORGANIZATION, "enterprise": Schema.ORGANIZATION}
_ID_KINDS = {
    "passport": IdKind.PASSPORT,
    "id": IdKind.NATIONAL_ID,
    "nrn": IdKind.NATIONAL_ID,
    "ssn": IdKind.NATIONAL_ID,
    "swiftbic": IdKind.BIC,
    "imo": IdKind.IMO,
    "regnumber": IdKind.REGISTRATION,
    "fiscalcode": IdKind.TAX_ID,
    "taxid": IdKind.TAX_ID,
}
_CONTACT_KINDS = {"phone": (IdKind.PHONE, None), "fax": (IdKind.PHONE, "fax"),
                  "email": (IdKind.EMAIL, None), "web": (IdKind.WEBSITE, None),
                  "website": (IdKind.WEBSITE, None)}
_EU_NON_LATIN_LANGS = frozenset({"bg", "el"})  # EU languages not written in Latin script
_NO_COUNTRY = frozenset({"00", "UNKNOWN", "XX"})
_NULL_DATES = frozenset({"N/A", "NA", "-", "?", "UNKNOWN"})
_NULL_PLACES = frozenset({"-", "N/A", "?"})
_TRUE = frozenset({"true", "1", "yes", "y"})


class _Invalid(ValueError):
    """A value the format does not allow; the readers add the file and line or element."""


# ---------------------------------------------------------------------------------------------
# Values


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _flag(value: Any) -> bool:
    return (_text(value) or "").lower() in _TRUE


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]")


def _date(value: Any, what: str) -> str | None:
    """An ISO date (``1984``, ``1984-01``, ``1984-01-08``) from ISO or ``DD/MM/YYYY`` text.

    Zero parts mean unknown (``1960-00-00`` is ``1960``); anything else that is not a real date
    raises :class:`_Invalid`.
    """
    raw = _text(value)
    if raw is None or raw.upper() in _NULL_DATES:
        return None
    stamp = _TIMESTAMP.match(raw)
    text = stamp.group(1) if stamp else raw
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DMY_DATE.match(text)
        if not match:
            raise _Invalid(f"{what} {raw!r} is not a date")
        day, month, year = match.groups()
    return _date_parts(year, month, day, what, raw)


def _date_parts(year: Any, month: Any, day: Any, what: str, raw: Any = None) -> str | None:
    shown = raw if raw is not None else "-".join(str(p) for p in (year, month, day) if p)
    try:
        y = int(year) if _text(year) else 0
        m = int(month) if _text(month) else 0
        d = int(day) if _text(day) else 0
    except ValueError:
        raise _Invalid(f"{what} {shown!r} is not a date") from None
    if y == 0 and m == 0 and d == 0:
        return None
    if not 1000 <= y <= 2999 or (m == 0 and d != 0):
        raise _Invalid(f"{what} {shown!r} is not a date")
    if m == 0:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        raise _Invalid(f"{what} {shown!r} is not a date")
    if d == 0:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise _Invalid(f"{what} {shown!r} is not a date") from None


def _country(code: Any, description: Any = None) -> str | None:
    """Lower-case ISO alpha-2 from an ISO code (alpha-2 or alpha-3) or a country name."""
    for value in (code, description):
        value = _text(value)
        if value and value.upper() not in _NO_COUNTRY:
            found = country_code(value)
            if found:
                return found
    return None


def _country_text(description: Any) -> str | None:
    value = _text(description)
    return None if value is None or value.upper() in _NO_COUNTRY else value


def _join(*parts: Any, sep: str = ", ") -> str | None:
    return sep.join(dedupe(p for p in (_text(x) for x in parts) if p)) or None


def _non_latin(text: str) -> bool:
    """Whether most letters of a name are outside the Latin script (Hangul, Cyrillic, Arabic)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    return latin * 2 < len(letters)


def _mostly_replaced(text: str) -> bool:
    """Whether an 8-bit export replaced most of a name's letters with ``?``."""
    return text.count("?") > sum(1 for c in text if c.isalnum())


# ---------------------------------------------------------------------------------------------
# The mapping both formats share


@dataclass(frozen=True)
class _Act:
    """A legal act (regulation, decision, amendment) the list cites."""

    number_title: str | None
    publication_date: str | None
    entry_into_force: str | None
    url: str | None
    programme: str | None

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.number_title or self.url, self.publication_date)

    def note(self) -> str:
        text = f"Legal act {self.number_title or '(no number)'}"
        if self.publication_date:
            text += f", published {self.publication_date}"
        if self.entry_into_force and self.entry_into_force != self.publication_date:
            text += f", in force {self.entry_into_force}"
        return f"{text}: {self.url}" if self.url else text


@dataclass(frozen=True)
class _RawName:
    full: str
    given: str | None
    family: str | None
    lang: str | None
    strong: bool


_ID_FLAGS = (("diplomatic", "diplomatic"), ("knownExpired", "known expired"),
             ("knownFalse", "known false"), ("reportedLost", "reported lost"),
             ("revokedByIssuer", "revoked by issuer"))
_CSV10_ID = re.compile(r"^(?P<number>.*?)\s*\((?P<code>[A-Za-z]+)-(?P<desc>[^()]*)\)\s*"
                       r"(?:\((?P<remark>.*)\))?\s*$", re.S)
_CSV_CONTACT = re.compile(r"([A-Za-z]+)\[([^\]]*)\]")


class _Builder:
    """Collects what the list says about one logical id, from one element or many rows."""

    def __init__(self, logical_id: str, *, lossy: bool = False) -> None:
        self.logical_id = logical_id
        self.lossy = lossy  # text came through an 8-bit export that wrote "?" for lost letters
        self.schema: Schema | None = None
        self.eu_refs: list[str] = []
        self.un_ids: list[str] = []
        self.designation_dates: list[str] = []
        self.details: list[str] = []
        self.remarks: list[str] = []
        self.own_acts: list[_Act] = []
        self.other_acts: list[_Act] = []
        self.names: list[_RawName] = []
        self.genders: list[str] = []
        self.titles: list[str] = []
        self.functions: list[str] = []
        self.birth_dates: list[str] = []
        self.birth_places: list[str] = []
        self.countries: list[str] = []
        self.citizenships: list[str] = []
        self.identifiers: list[Identifier] = []
        self.addresses: list[Address] = []
        self.notes: list[str] = []
        self.dropped_names = 0

    # -- entity level -------------------------------------------------------------------------

    def set_subject(self, *values: Any) -> None:
        for value in values:
            value = _text(value)
            if value is None:
                continue
            schema = _SUBJECTS.get(value.lower())
            if schema is None:
                raise _Invalid(f"unknown subject type {value!r} (expected P/person or "
                               "E/enterprise)")
            if self.schema is not None and schema is not self.schema:
                raise _Invalid(f"subject type {value!r} contradicts {self.schema.value}")
            self.schema = schema

    def add_entity_fields(self, d: dict[str, Any]) -> None:
        if _text(d.get("euReferenceNumber")):
            self.eu_refs.append(_text(d["euReferenceNumber"]))
        if _text(d.get("unitedNationId")):
            self.un_ids.append(_text(d["unitedNationId"]))
        listed = _date(d.get("designationDate"), "designationDate")
        if listed:
            self.designation_dates.append(listed)
        if _text(d.get("designationDetails")):
            self.details.append(_text(d["designationDetails"]))
        self.add_remark(d.get("remark"))

    def add_remark(self, text: Any) -> None:
        text = _text(text)
        if text:
            self.remarks.append(text)

    def add_act(self, d: dict[str, Any], *, own: bool) -> None:
        act = _Act(
            number_title=_text(d.get("numberTitle")),
            publication_date=_date(d.get("publicationDate"), "publicationDate"),
            entry_into_force=_date(d.get("entryIntoForceDate"), "entryIntoForceDate"),
            url=_text(d.get("publicationUrl")),
            programme=_text(d.get("programme")),
        )
        if act.number_title or act.publication_date or act.url or act.programme:
            (self.own_acts if own else self.other_acts).append(act)

    # -- the blocks ---------------------------------------------------------------------------

    def add_name(self, d: dict[str, Any]) -> None:
        first, middle, last = (_text(d.get(k)) for k in ("firstName", "middleName", "lastName"))
        full = _text(d.get("wholeName")) or _join(first, middle, last, sep=" ")
        if full and self.lossy and _mostly_replaced(full):
            self.dropped_names += 1
            full = None
        if full:
            lang = _text(d.get("nameLanguage"))
            strong = _text(d.get("strong"))
            self.names.append(_RawName(full=full, given=_join(first, middle, sep=" "),
                                       family=last, lang=lang.lower() if lang else None,
                                       strong=True if strong is None else _flag(strong)))
            remark = _text(d.get("remark"))
            if remark:
                self.notes.append(f"Name {full}: {remark}")
        gender = {"M": "male", "F": "female"}.get((_text(d.get("gender")) or "").upper())
        if gender:
            self.genders.append(gender)
        if _text(d.get("title")):
            self.titles.append(_text(d["title"]))
        if _text(d.get("function")):
            self.functions.append(_text(d["function"]))

    def add_birth(self, d: dict[str, Any]) -> None:
        when = _date(d.get("birthdate"), "birth date")
        if when is None and _text(d.get("year")):
            when = _date_parts(d.get("year"), d.get("monthOfYear"), d.get("dayOfMonth"),
                               "birth date")
        if when:
            self.birth_dates.append(when)
            if _flag(d.get("circa")):
                self.notes.append(f"Birth date {when} is approximate (circa)")
        start = _date_parts(d.get("yearRangeFrom"), None, None, "birth year range")
        end = _date_parts(d.get("yearRangeTo"), None, None, "birth year range")
        if start or end:
            first, last = int(start or end), int(end or start)
            if last < first:
                raise _Invalid(f"birth year range {first}-{last} runs backwards")
            years = range(first, last + 1) if last - first <= 10 else (first, last)
            self.birth_dates.extend(f"{y:04d}" for y in years)
            self.notes.append(f"Born between {first} and {last}")
        place = _join(*(v for v in (_text(d.get(k)) for k in ("place", "city", "zipCode",
                                                               "region"))
                        if v and v.upper() not in _NULL_PLACES))
        if place:
            self.birth_places.append(place)
        country = _country(d.get("countryIso2Code") or d.get("country"),
                           d.get("countryDescription"))
        if country:
            self.countries.append(country)
        remark = _text(d.get("remark"))
        if remark:
            self.notes.append(f"Birth: {remark}")

    def add_citizenship(self, d: dict[str, Any]) -> None:
        raw = d.get("countryIso2Code") or d.get("country")
        country = _country(raw, d.get("countryDescription"))
        if country:
            self.citizenships.append(country)
        elif _country_text(d.get("countryDescription")) or _country_text(raw):
            shown = _country_text(d.get("countryDescription")) or _country_text(raw)
            self.notes.append(f"Citizenship: {shown}")
        remark = _join(d.get("region"), d.get("remark"), sep="; ")
        if remark:
            self.notes.append(f"Citizenship: {remark}")

    def add_identification(self, d: dict[str, Any]) -> None:
        number, code = _text(d.get("number")), _text(d.get("identificationTypeCode"))
        description, remark = _text(d.get("identificationTypeDescription")), _text(d.get("remark"))
        composite = _text(d.get("composite"))  # CSV 1.0: "NUMBER (code-Description) (remark)"
        if composite:
            match = _CSV10_ID.match(composite)
            if match:
                number = _text(match["number"])
                code, description = _text(match["code"]), _text(match["desc"])
                remark = _text(match["remark"])
            else:
                number = composite
        kind = _ID_KINDS.get((code or "").lower(), IdKind.OTHER)
        country = _country(d.get("countryIso2Code") or d.get("country"),
                           d.get("countryDescription"))
        parts = [description or code, remark]
        if _text(d.get("issuedBy")):
            parts.append(f"issued by {_text(d['issuedBy'])}")
        for key, label in (("issueDate", "issued"), ("issuedDate", "issued"),
                           ("validFrom", "valid from"), ("validTo", "valid to")):
            when = _date(d.get(key), key)
            if when:
                parts.append(f"{label} {when}")
        parts.extend(label for key, label in _ID_FLAGS if _flag(d.get(key)))
        if _text(d.get("nameOnDocument")):
            parts.append(f"name on document: {_text(d['nameOnDocument'])}")
        if _text(d.get("region")):
            parts.append(f"region: {_text(d['region'])}")
        note = _join(*parts, sep="; ")
        for value in dedupe(v for v in (number, _text(d.get("latinNumber"))) if v):
            self.identifiers.append(Identifier(kind=kind, value=value, country=country, note=note))

    def add_address(self, d: dict[str, Any]) -> None:
        street = _join(d.get("number"), d.get("street"), sep=" ")
        city, region, postal = _text(d.get("city")), _text(d.get("region")), _text(d.get("zipCode"))
        raw_country = d.get("countryIso2Code") or d.get("country")
        country = _country(raw_country, d.get("countryDescription"))
        shown = _country_text(d.get("countryDescription")) or _country_text(d.get("country"))
        full = _join(street, d.get("poBox"), postal, city, d.get("place"), region, shown)
        if full is None and country:
            full = country.upper()
        if full:
            self.addresses.append(Address(full=full, street=street, city=city, region=region,
                                          postal_code=postal, country=country))
        self._add_contacts(d.get("contactInfo"))
        remark = _text(d.get("remark"))
        if remark:
            self.notes.append(f"Address {full}: {remark}" if full else f"Address: {remark}")

    def _add_contacts(self, contacts: Any) -> None:
        if isinstance(contacts, str):
            text = contacts
            contacts = _CSV_CONTACT.findall(text)
            rest = _CSV_CONTACT.sub("", text).strip(" \n;,")
            if rest:
                self.notes.append(f"Contact: {rest}")
        for key, value in contacts or ():
            kind, note = _CONTACT_KINDS.get((key or "").strip().lower(), (IdKind.OTHER, key))
            for item in re.split(r"[,;\n]", value or ""):
                item = _text(item)
                if item:
                    self.identifiers.append(Identifier(kind=kind, value=item, note=note))

    # -- the entity ---------------------------------------------------------------------------

    def _names(self) -> list[Name]:
        merged: dict[str, _RawName] = {}
        for raw in self.names:
            seen = merged.get(raw.full)
            merged[raw.full] = (replace(seen, strong=seen.strong or raw.strong) if seen else raw)
        raws = list(merged.values())

        def plain(r: _RawName) -> bool:
            return r.strong and r.lang in (None, "en") and not _non_latin(r.full)

        primary = next((r for r in raws if plain(r)), None) or \
            next((r for r in raws if r.strong), None) or (raws[0] if raws else None)
        names = []
        for raw in raws:
            if raw is primary:
                kind = NameKind.PRIMARY
            elif not raw.strong:
                kind = NameKind.WEAK_ALIAS
            elif _non_latin(raw.full) and raw.lang not in _EU_NON_LATIN_LANGS:
                kind = NameKind.ORIGINAL_SCRIPT
            else:
                kind = NameKind.ALIAS
            names.append(Name(full=raw.full, kind=kind, given=raw.given, family=raw.family,
                              lang=raw.lang))
        return names

    def _programs(self, listed: str | None) -> list[Program]:
        by_code: dict[str, list[_Act]] = {}
        for act in self.own_acts:
            if act.programme:
                by_code.setdefault(act.programme, []).append(act)
        programs = []
        for code, acts in by_code.items():
            dprk = (code.upper() in DPRK_PROGRAMMES or is_dprk_program(code)
                    or any(is_dprk_program(a.number_title or "") for a in acts))
            published = [a.publication_date for a in acts if a.publication_date]
            programs.append(Program(code=code, authority=AUTHORITY, dprk=dprk,
                                    listed_on=listed or min(published, default=None)))
        return programs

    def build(self) -> Entity:
        if self.schema is None:
            raise _Invalid("no subject type (P/person or E/enterprise)")
        designated = min(self.designation_dates, default=None)
        own_dates = [a.publication_date for a in self.own_acts if a.publication_date]
        all_dates = own_dates + [a.publication_date for a in self.other_acts
                                 if a.publication_date]
        notes = [f"EU reference number {ref}" for ref in dedupe(self.eu_refs)]
        notes += [f"UN reference {ref}" for ref in dedupe(self.un_ids)]
        notes += [f"Designation details: {text}" for text in dedupe(self.details)]
        acts = {}
        for act in self.own_acts + self.other_acts:
            acts.setdefault(act.key, act)
        notes += [act.note() for act in acts.values()]
        positions: list[str] = list(self.functions)
        if self.schema is not Schema.PERSON:  # FtM has no position for organisations
            notes += [f"Function: {text}" for text in dedupe(self.functions)]
            positions = []
        notes += self.notes
        return Entity(
            id=f"{LIST_ID}:{self.logical_id}",
            source=LIST_ID,
            source_id=self.logical_id,
            schema=self.schema,
            names=tuple(self._names()),
            programs=tuple(self._programs(designated)),
            birth_dates=dedupe(self.birth_dates),
            birth_places=dedupe(self.birth_places),
            citizenships=dedupe(self.citizenships),
            countries=dedupe(self.countries),
            gender=self.genders[0] if self.genders else None,
            titles=dedupe(self.titles),
            positions=dedupe(positions),
            identifiers=dedupe(self.identifiers),
            addresses=dedupe(self.addresses),
            listed_on=designated or min(own_dates, default=None),
            modified_on=max(all_dates, default=None),
            remarks="\n".join(dedupe(self.remarks)) or None,
            notes=dedupe(notes),
        )


def _finish(entity: Entity) -> Entity:
    """:func:`classify_dprk`, which keeps the ``Program.dprk`` set here for the EU ``PRK`` code.

    (``base.is_dprk_program`` itself does not know ``PRK``; ``classify_dprk`` never unsets a
    program a parser marked DPRK, and the tests check that it stays so.)
    """
    return classify_dprk(entity)


# ---------------------------------------------------------------------------------------------
# XML


_XML_ROOT = re.compile(r"^\ufeff?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
                       r"<(?:([\w.-]+):)?export\b([^>]*)>", re.S)
_SUB_ELEMENTS = {"nameAlias": "add_name", "citizenship": "add_citizenship",
                 "birthdate": "add_birth", "identification": "add_identification",
                 "address": "add_address"}


def _local(element: Any) -> str:
    return etree.QName(element).localname


def _sniff_xml(path: Path, head: bytes) -> str | None:
    match = _XML_ROOT.match(head.decode("utf-8", errors="ignore"))
    if not match:
        return None
    prefix, attributes = match.group(1), match.group(2)
    declared = re.findall(r"xmlns(?::([\w.-]+))?\s*=\s*[\"']([^\"']*)[\"']", attributes)
    return LIST_ID if any(ns in NAMESPACES and (p or None) == prefix for p, ns in declared) \
        else None


def _published_xml(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            for _event, root in etree.iterparse(f, events=("start",), resolve_entities=False,
                                                no_network=True):
                return _date(root.get("generationDate"), "generationDate")
    except (etree.XMLSyntaxError, _Invalid, OSError):
        return None
    return None


def parse_xml(path: Path) -> Iterator[Entity]:
    """Yield one entity per ``sanctionEntity`` of an FSF XML export, streaming the file."""
    path = Path(path)
    with open(path, "rb") as f:
        if not f.read(65536).strip():
            raise SourceError(path, "empty file")
    context = etree.iterparse(str(path), events=("start", "end"), remove_comments=True,
                              resolve_entities=False, no_network=True, huge_tree=True)
    root = None
    entity_tag = None
    seen: set[str] = set()
    try:
        for event, element in context:
            if root is None:
                tag = etree.QName(element)
                if tag.localname != "export" or tag.namespace not in NAMESPACES:
                    raise SourceError(path, "not an EU FSF export: the root element must be "
                                      f"'export' in namespace {NAMESPACES[0]}",
                                      line=element.sourceline, element=element.tag)
                root = element
                entity_tag = f"{{{tag.namespace}}}sanctionEntity"
                continue
            if event != "end" or element.tag != entity_tag:
                continue
            entity = _entity_from_xml(path, element)
            if entity.id in seen:
                raise SourceError(path, f"logicalId {entity.source_id} appears twice",
                                  line=element.sourceline, element="sanctionEntity")
            seen.add(entity.id)
            yield entity
            element.clear()
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise SourceError(path, f"not well-formed XML (truncated or damaged?): {exc.msg}",
                          line=line) from exc
    if root is None:
        raise SourceError(path, "no XML element found")


def _sub_record(element: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A sub-element's attributes, its remarks and contact details, and its legal acts."""
    d: dict[str, Any] = dict(element.attrib)
    remarks, contacts, acts = [], [], []
    for child in element:
        name = _local(child) if isinstance(child.tag, str) else None  # skip processing instructions
        if name == "remark":
            remarks.append(child.text)
        elif name == "contactInfo":
            contacts.append((child.get("key"), child.get("value")))
        elif name == "regulationSummary":
            acts.append(dict(child.attrib))
    d["remark"] = _join(*remarks, sep="\n")
    if contacts:
        d["contactInfo"] = contacts
    return d, acts


def _entity_from_xml(path: Path, element: Any) -> Entity:
    logical_id = _text(element.get("logicalId"))
    if not logical_id or not logical_id.isdigit():
        raise SourceError(path, f"logicalId {logical_id!r} is not a number",
                          line=element.sourceline, element="sanctionEntity")
    where = f"sanctionEntity[@logicalId={logical_id}]"
    builder = _Builder(logical_id)
    try:
        builder.add_entity_fields(dict(element.attrib))
    except _Invalid as exc:
        raise SourceError(path, str(exc), line=element.sourceline, element=where) from None
    for child in element:
        if not isinstance(child.tag, str):  # a processing instruction
            continue
        name = _local(child)
        try:
            if name == "regulation":
                act = dict(child.attrib)
                url = child.find(f"{{{etree.QName(child).namespace}}}publicationUrl")
                act.setdefault("publicationUrl", url.text if url is not None else None)
                builder.add_act(act, own=True)
            elif name == "subjectType":
                builder.set_subject(child.get("classificationCode"), child.get("code"))
            elif name == "remark":
                builder.add_remark(child.text)
            elif name in _SUB_ELEMENTS:
                record, acts = _sub_record(child)
                getattr(builder, _SUB_ELEMENTS[name])(record)
                for act in acts:
                    builder.add_act(act, own=False)
        except _Invalid as exc:
            raise SourceError(path, str(exc), line=child.sourceline,
                              element=f"{where}/{name}") from None
    try:
        return _finish(builder.build())
    except _Invalid as exc:
        raise SourceError(path, str(exc), line=element.sourceline, element=where) from None


# ---------------------------------------------------------------------------------------------
# CSV


def _fallback_latin1(error: UnicodeDecodeError) -> tuple[str, int]:
    # the five bytes cp1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) read as Latin-1
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("moneytrail_eu_fsf_latin1", _fallback_latin1)


def _decode(data: bytes) -> tuple[str, bool]:
    """The text, and whether it was cp1252 (the 1.0 export) rather than UTF-8 (BOM or not)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="moneytrail_eu_fsf_latin1"), True


def _rows(path: Path, text: str) -> Iterator[tuple[int, list[str], bool]]:
    """``(line, fields, wrapped)`` per record; unwraps rows the sample wraps in one quoted field.

    A wrapped row (``"a;b;""c;d"";e<TAB><TAB>"``) reads as a single field holding semicolons: its
    inside is parsed again, and its tabs, which stand for the original commas, become commas.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    wrapped: bool | None = None
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(path, f"unreadable CSV: {exc}", line=line) from None
        if not row or not any(field.strip() for field in row):
            continue
        if wrapped is None:
            wrapped = len(row) == 1 and ";" in row[0]
        if wrapped and len(row) == 1:
            inner = row[0].rstrip("\t\r\n")
            row = next(csv.reader([inner], delimiter=";", quotechar='"'), [])
            row = [field.replace("\t", ",") for field in row]
        yield line, row, bool(wrapped)


# CSV 1.0: entity columns, block prefixes, and per block the column -> canonical field name
_V10_ENTITY = {"entity_logical_id": "logicalId", "subject_type": "subjectType",
               "leba_numtitle": "act.numberTitle", "leba_publication_date": "act.publicationDate",
               "leba_url": "act.publicationUrl", "programme": "act.programme",
               "entity_remark": "remark", "eu_ref_num": "euReferenceNumber"}
_V10_BLOCKS = {"naal": "nameAlias", "addr": "address", "birt": "birthdate",
               "iden": "identification", "citi": "citizenship"}
_V10_ACT = {"leba_numtitle": "act.numberTitle", "leba_publication_date": "act.publicationDate",
            "leba_url": "act.publicationUrl", "programme": "act.programme"}
_V10_FIELDS = {
    "nameAlias": {"lastname": "lastName", "firstname": "firstName", "middlename": "middleName",
                  "wholename": "wholeName", "gender": "gender", "title": "title",
                  "function": "function", "language": "nameLanguage"},
    "address": {"number": "number", "street": "street", "zipcode": "zipCode", "city": "city",
                "country": "country", "other": "contactInfo"},
    "birthdate": {"date": "birthdate", "place": "place", "country": "country"},
    "identification": {"number": "composite", "country": "country"},
    "citizenship": {"country": "country"},
}
# CSV 1.1: block prefixes, legal-act suffixes, and names that are not just lowerCamel
_V11_BLOCKS = {"entity": "entity", "namealias": "nameAlias", "address": "address",
               "birthdate": "birthdate", "identification": "identification",
               "citizenship": "citizenship"}
_V11_ACT = {"type": "regulationType", "organisationtype": "organisationType",
            "publicationdate": "publicationDate", "entryintoforcedate": "entryIntoForceDate",
            "numbertitle": "numberTitle", "programme": "programme",
            "publicationurl": "publicationUrl"}
_V11_FIELDS = {("entity", "eu_referencenumber"): "euReferenceNumber",
               ("entity", "subjecttype"): "subjectType",
               ("entity", "subjecttype_classificationcode"): "classificationCode",
               ("birthdate", "birthdate"): "birthdate", ("birthdate", "day"): "dayOfMonth",
               ("birthdate", "month"): "monthOfYear",
               ("identification", "typecode"): "identificationTypeCode",
               ("identification", "typedescription"): "identificationTypeDescription",
               ("identification", "issueddate"): "issueDate"}
_BLOCK_ORDER = ("nameAlias", "address", "birthdate", "identification", "citizenship")


def _columns(path: Path, header: list[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """The CSV generation, and ``(index, block, field)`` per known column (others are skipped)."""
    names = [h.strip().lstrip("\ufeff") for h in header]
    lowered = [n.lower() for n in names]
    columns: list[tuple[int, str, str]] = []
    if "entity_logical_id" in lowered:
        block = "entity"
        for i, low in enumerate(lowered):
            if low.startswith("date_file"):
                columns.append((i, "entity", "fileDate"))
            elif low == "entity_logical_id":
                columns.append((i, block, "logicalId" if block == "entity" else "entityId"))
            elif low in _V10_ENTITY and (block == "entity" or low == "eu_ref_num"):
                columns.append((i, "entity", _V10_ENTITY[low]))
            else:
                prefix, _, rest = low.partition("_")
                if prefix in _V10_BLOCKS:
                    block = _V10_BLOCKS[prefix]
                    if rest == "logical_id":
                        columns.append((i, block, "logicalId"))
                    elif rest in _V10_ACT:
                        columns.append((i, block, _V10_ACT[rest]))
                    elif rest in _V10_FIELDS[block]:
                        columns.append((i, block, _V10_FIELDS[block][rest]))
        return "1.0", columns
    if "entity_logicalid" in lowered:
        for i, name in enumerate(names):
            if name.lower() == "filegenerationdate":
                columns.append((i, "entity", "fileDate"))
                continue
            prefix, _, rest = name.partition("_")
            block = _V11_BLOCKS.get(prefix.lower())
            if block is None or not rest:
                continue
            if rest.lower().startswith("regulation_"):
                act = _V11_ACT.get(rest[len("regulation_"):].lower())
                if act:
                    columns.append((i, block, f"act.{act}"))
                continue
            field = _V11_FIELDS.get((block, rest.lower())) or rest[0].lower() + rest[1:]
            columns.append((i, block, field))
        return "1.1", columns
    raise SourceError(path, "not an EU FSF CSV: the header has no Entity_logical_id "
                      "(1.0) or Entity_LogicalId (1.1) column", line=1)


def _read_head(path: Path) -> tuple[str, bool]:
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "empty file")
    return _decode(data)


def parse_csv(path: Path) -> Iterator[Entity]:
    """Yield one entity per logical id of an FSF CSV (1.0 or 1.1), rows grouped and deduplicated."""
    path = Path(path)
    text, lossy = _read_head(path)
    rows = _rows(path, text)
    first = next(rows, None)
    if first is None:
        raise SourceError(path, "empty file")
    _line, header, _wrapped = first
    generation, columns = _columns(path, header)
    width = len(header)
    builders: dict[str, _Builder] = {}
    first_line: dict[str, int] = {}
    record = next(rows, None)
    while record is not None:  # one row of look-ahead: only the very last row may be short
        following = next(rows, None)
        _apply_row(path, record, following is None, width, generation, columns, lossy,
                   builders, first_line)
        record = following
    for logical_id, builder in builders.items():
        try:
            yield _finish(builder.build())
        except _Invalid as exc:
            raise SourceError(path, f"Entity_logical_id {logical_id}: {exc}",
                              line=first_line[logical_id]) from None


def _apply_row(path: Path, record: tuple[int, list[str], bool], last: bool, width: int,
               generation: str, columns: list[tuple[int, str, str]], lossy: bool,
               builders: dict[str, _Builder], first_line: dict[str, int]) -> None:
    line, row, _wrapped = record
    if len(row) > width and any(f.strip() for f in row[width:]):
        raise SourceError(path, f"{len(row)} fields where the header has {width}", line=line)
    if len(row) < width and not last:
        raise SourceError(path, f"{len(row)} fields where the header has {width}", line=line)
    blocks: dict[str, dict[str, str]] = {}
    for index, block, field in columns:
        value = row[index].strip() if index < len(row) else ""
        if generation == "1.0":
            value = value.replace("\\n", "\n")
        if value:
            blocks.setdefault(block, {})[field] = value
    entity = blocks.get("entity", {})
    logical_id = entity.get("logicalId")
    if logical_id is None:
        raise SourceError(path, "row without Entity_logical_id", line=line)
    if not logical_id.isdigit():
        raise SourceError(path, f"Entity_logical_id {logical_id!r} is not a number", line=line)
    builder = builders.get(logical_id)
    if builder is None:
        builder = builders[logical_id] = _Builder(logical_id, lossy=lossy)
        first_line[logical_id] = line
    try:
        _date(entity.get("fileDate"), "file date")
        builder.set_subject(entity.get("subjectType"), entity.get("classificationCode"))
        builder.add_entity_fields(entity)
        builder.add_act(_act_fields(entity), own=True)
        for block in _BLOCK_ORDER:
            fields = blocks.get(block)
            if not fields:
                continue
            other = fields.get("entityId")
            if other is not None and other != logical_id:
                raise _Invalid(f"the {block} block names Entity_logical_id {other}, "
                               f"the row {logical_id}")
            own = {k: v for k, v in fields.items()
                   if not k.startswith("act.") and k not in ("entityId", "logicalId")}
            if own:
                getattr(builder, _SUB_ELEMENTS[block])(own)
            builder.add_act(_act_fields(fields), own=False)
    except _Invalid as exc:
        raise SourceError(path, str(exc), line=line) from None


def _act_fields(fields: dict[str, str]) -> dict[str, str]:
    return {k[len("act."):]: v for k, v in fields.items() if k.startswith("act.")}


def _sniff_csv(path: Path, head: bytes) -> str | None:
    text, _lossy = _decode(head.split(b"\n", 1)[0])
    first = text.lstrip("\ufeff\"").lower()
    if ";" in first and ("entity_logical_id" in first or "entity_logicalid" in first):
        return LIST_ID
    return None


def _published_csv(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
        text, _lossy = _decode(head)
        rows = _rows(path, text)
        _line, header, _wrapped = next(rows)
        _generation, columns = _columns(path, header)
        index = next(i for i, block, field in columns if field == "fileDate")
        _line, row, _wrapped = next(rows)
        return _date(row[index], "file date") if index < len(row) else None
    except (StopIteration, SourceError, _Invalid, OSError, UnicodeDecodeError):
        return None


XML_FORMAT = Format(name="eu_fsf_xml", sniff=_sniff_xml, parse=parse_xml,
                    published=_published_xml)
CSV_FORMAT = Format(name="eu_fsf_csv", sniff=_sniff_csv, parse=parse_csv,
                    published=_published_csv)
FORMATS = (XML_FORMAT, CSV_FORMAT)
FORMAT = XML_FORMAT  # the format the official download uses; the registry reads FORMATS
