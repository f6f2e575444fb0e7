"""UK Sanctions List (FCDO), XML and CSV: ``uk_fcdo``.

The FCDO's list of every designation under the Sanctions and Anti-Money Laundering Act 2018; since
OFSI's Consolidated List closed on 28 January 2026 it is the only UK list. Published at
https://www.gov.uk/government/publications/the-uk-sanctions-list, files at
``https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml`` (and ``.csv``, ``.ods`` ...).
No real file was available offline; the layouts below follow these public readers of the real
files, which agree with each other:

- OpenSanctions ``datasets/gb/fcdo_sanctions/crawler.py`` (opensanctions/opensanctions, commit
  2f21e0c7b04027283c9855b88598afc94f88292d): both the XML (element paths) and the CSV (header
  names; "Skip the first metadata row").
- Babystep-Technologies/active_sanction ``lib/active_sanction/sources/uk_sanctions_list.rb``,
  ``.../uk_sanctions_list/record.rb`` and ``published_date.rb``, written against the live XML
  (6,334 designations): ``DateGenerated`` is the first child of ``Designations`` (``07/09/2026``);
  NameType values ``Primary Name``/``Primary name``/``Primary Name Variation``/``Alias``/``ALias``;
  AliasStrength ``Good quality a.k.a``/``Low quality a.k.a``; dates ``dd/mm/yyyy`` where an
  unknown part is written ``dd``/``mm`` (``dd/mm/1962``, ``dd/07/1978``) or ``00``; IMO numbers
  as ``IMO9562233`` or ``9562233``; the CSV is a cartesian product of the repeating groups
  (one designation, many rows).
- moov-io/watchman ``pkg/sources/csl_uk/uk_csl.go`` (column order of the list's spreadsheet
  export) and several CSV readers showing line 1 ``Report Date: 21-Sep-2026``.

XML (root ``Designations``; namespaces, if any, are ignored)::

  Designation: LastUpdated, DateDesignated, UniqueID, OFSIGroupID, UNReferenceNumber,
    Names/Name (Name1..Name6, NameType, AliasStrength),
    NonLatinNames/NonLatinName (NameNonLatinScript, NonLatinScriptType, NonLatinScriptLanguage),
    RegimeName, IndividualEntityShip, DesignationSource, SanctionsImposed,
    SanctionsImposedIndicators, OtherInformation, UKStatementofReasons,
    Addresses/Address (AddressLine1..6, AddressPostalCode, AddressCountry),
    PhoneNumbers/PhoneNumber, EmailAddresses/EmailAddress, Websites/Website, Titles/Title,
    IndividualDetails/Individual (DOBs/DOB, Nationalities/Nationality,
      PassportDetails/Passport (PassportNumber, PassportAdditionalInformation),
      NationalIdentifierDetails/NationalIdentifier (NationalIdentifierNumber,
        NationalIdentifierAdditionalInformation), Positions/Position,
      BirthDetails/Location (TownOfBirth, CountryOfBirth), Genders/Gender),
    EntityDetails/Entity (TypeOfEntities/TypeOfEntity, BusinessRegistrationNumbers/
      BusinessRegistrationNumber, ParentCompanies/ParentCompany, Subsidiaries/Subsidiary),
    ShipDetails/Ship (IMONumbers/IMONumber, CurrentOwnerOperators/CurrentOwnerOperator,
      PreviousOwnerOperators/PreviousOwnerOperator,
      CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip, PreviousFlags/PreviousFlag,
      TypeOfShipDetails/TypeOfShip, TonnageOfShipDetails/TonnageOfShip,
      LengthOfShipDetails/LengthOfShip, YearsBuilt/YearBuilt,
      HullIdentificationNumbers/HullIdentificationNumber)

CSV: line 1 ``Report Date: dd-Mon-yyyy``; line 2 headers ``Last Updated, Unique ID, OFSI Group
ID, UN Reference Number, Name 6, Name 1 .. Name 5, Name type, Alias strength, Title, Name
non-latin script, Non-latin script type, Non-latin script language, Regime Name, Designation
Type, Designation source, Sanctions Imposed, Other Information, UK Statement of Reasons, Address
Line 1 .. 6, Address Postal Code, Address Country, Phone number, Website, Email address, Date
Designated, D.O.B, Nationality(/ies), National Identifier number, National Identifier
additional information, Passport number, Passport additional information, Position, Gender,
Town of birth, Country of birth, Type of entity, Subsidiaries, Parent company, Business
registration number (s), IMO number, Current owner/operator (s), Previous owner/operator (s),
Current believed flag of ship, Previous flags, Type of ship, Tonnage of ship, Length of ship,
Year Built, Hull identification number (HIN)``; columns are found by name (case and spacing
ignored), so their order may change. Rows are grouped by Unique ID and every field deduplicated,
so the CSV and the XML of one list give equal entities.

Mapping (entity id ``uk_fcdo:<UniqueID>``): IndividualEntityShip Individual/Entity/Ship ->
PERSON/ORGANIZATION/VESSEL. Name = Name1..Name6 in number order; for people ``given`` =
Name1..5 and ``family`` = Name6 (the FCDO's definition). NameType ``Primary name`` -> PRIMARY,
``Primary name variation`` and ``Alias`` -> ALIAS (WEAK_ALIAS when AliasStrength is low quality),
others -> ALIAS; a non-Latin name -> ORIGINAL_SCRIPT with ``lang`` from its language (``ko``) or
script (``Cyrl``). One Program per RegimeName: authority "UK FCDO", listed_on = DateDesignated,
reason = UKStatementofReasons, id = UniqueID. OtherInformation -> remarks; DesignationSource,
SanctionsImposed, OFSIGroupID (the ``uk_ofsi`` Group ID), UNReferenceNumber, type of entity and
length of ship -> ``notes``. DOBs (placeholders kept as precision), nationalities (ISO codes),
passports and national ids (number + additional information as note; issuing country when the
information names one), positions, titles, gender, birth places (``Town, Country``), addresses
(``full``, ``postal_code``, ``country``; the six lines carry no stated meaning, so they are not
split into street/city), phones, e-mails, websites, business registration numbers, IMO numbers
(``IMO`` prefix dropped), hull numbers (REGISTRATION), parent companies / subsidiaries / ship
owners as named relations (OWNED_BY, OWNS, OWNED_BY "Current owner/operator", UNKNOWN_LINK
"Previous owner/operator"), flag / past flags / type / tonnage / year built as FtM properties
(``flag``, ``pastFlags``, ``type``, ``tonnage``, ``buildDate``), the flag also in ``countries``.
SanctionsImposedIndicators (true/false flags repeating SanctionsImposed) is not read; the XSD's
CryptoWalletAddresses is not read either (unpopulated on the live list, element names unknown).

Errors (:class:`SourceError`, with line and element): empty file; XML not well formed
(truncated, wrong encoding); root not ``Designations``; no Designation; a Designation without
UniqueID, names or a known IndividualEntityShip; a malformed DateGenerated, DateDesignated or
LastUpdated (machine-written); CSV not UTF-8; CSV line 1 not ``Report Date: <date>``; missing
required headers; a row with more fields than the header. A date of birth that cannot be read
(the live list has ``15/08/19yy``) is kept in ``notes`` as published.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

from lxml import etree

from moneytrail.countries import country_code
from moneytrail.model import (
    Address, Entity, IdKind, Identifier, Name, NameKind, Program, Relation, RelationKind, Schema,
    dedupe,
)
from moneytrail.sources.base import Format, SourceError, classify_dprk
from moneytrail.sources.uk_ofsi import (
    clean, countries_from_text, country_in_text, name_lang, read_text, uk_date, uk_dob,
)

SOURCE = "uk_fcdo"
AUTHORITY = "UK FCDO"

_TYPES = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}
_NAME_TYPES = {"primary name": NameKind.PRIMARY, "primary name variation": NameKind.ALIAS,
               "alias": NameKind.ALIAS}
_REPORT_DATE = re.compile(r"^\ufeff?\"?Report Date:\s*([^,\"\r\n]*)", re.I)
_EMAIL_SPLIT = re.compile(r"[;,\s]+")


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAY_MON_YEAR = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{4})$")


def _report_date(text: str) -> str:
    """``21-Sep-2026`` (or ``21/09/2026``) -> ``2026-09-21``; ValueError otherwise."""
    text = text.strip()
    m = _DAY_MON_YEAR.match(text)
    if m:
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise ValueError(f"unknown month {m[2]!r}")
        return date(int(m[3]), month, int(m[1])).isoformat()
    value = uk_date(text)
    if value is None:
        raise ValueError("no date")
    return value


# ---------------------------------------------------------------------------------------------
# One designation, gathered from XML elements or CSV rows, then turned into an Entity.

@dataclass
class _Rec:
    uid: str
    schema: Schema
    names: list[Name] = field(default_factory=list)
    scripts: list[Name] = field(default_factory=list)  # non-Latin names, listed after the rest
    regimes: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    births: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def name(self, parts: list[str | None], name_type: str | None, strength: str | None) -> None:
        given = " ".join(p for p in parts[:5] if p) or None
        family = parts[5]
        full = " ".join(p for p in (given, family) if p)
        if not full:
            return
        kind = _NAME_TYPES.get((clean(name_type) or "").lower(), NameKind.ALIAS)
        if kind is NameKind.ALIAS and "low" in (strength or "").lower():
            kind = NameKind.WEAK_ALIAS
        if self.schema is Schema.PERSON and given and family:
            self.names.append(Name(full=full, kind=kind, given=given, family=family))
        else:
            self.names.append(Name(full=full, kind=kind))

    def non_latin(self, text: str | None, script: str | None, language: str | None) -> None:
        if text := clean(text):
            self.scripts.append(Name(full=text, kind=NameKind.ORIGINAL_SCRIPT,
                                     lang=name_lang(clean(language), clean(script))))

    def dob(self, text: str | None) -> None:
        if text := clean(text):
            parsed = uk_dob(text)
            if parsed:
                self.births.append(parsed)
            else:
                self.notes.append(f"Date of birth as published: {text}")

    def place(self, town: str | None, country: str | None) -> None:
        place = ", ".join(p for p in (clean(town), clean(country)) if p)
        if place:
            self.places.append(place)

    def document(self, kind: IdKind, number: str | None, info: str | None, label: str) -> None:
        number, info = clean(number), clean(info)
        if number:
            self.identifiers.append(Identifier(kind=kind, value=number, note=info,
                                               country=country_in_text(info) if info else None))
        elif info:
            self.notes.append(f"{label}: {info}")

    def address(self, lines: list[str | None], postcode: str | None, country: str | None) -> None:
        postcode, country = clean(postcode), clean(country)
        full = ", ".join(p for p in (*[clean(x) for x in lines], postcode, country) if p)
        if full:
            self.addresses.append(Address(full=full, postal_code=postcode,
                                          country=country_code(country)))

    def contact(self, kind: IdKind, text: str | None) -> None:
        if not (text := clean(text)):
            return
        values = [v for v in _EMAIL_SPLIT.split(text) if v] if kind is IdKind.EMAIL else [text]
        self.identifiers += [Identifier(kind=kind, value=v) for v in values]

    def imo(self, text: str | None) -> None:
        if text := clean(text):
            value = re.sub(r"^IMO[\s:.-]*(?=\d)", "", text, flags=re.I)
            self.identifiers.append(Identifier(kind=IdKind.IMO, value=value))

    def flag(self, text: str | None, prop: str) -> None:
        if text := clean(text):
            code = country_code(text)
            self.properties.append((prop, code or text))
            if code and prop == "flag":
                self.countries.append(code)

    def relation(self, kind: RelationKind, name: str | None, role: str) -> None:
        if name := clean(name):
            self.relations.append(Relation(kind=kind, target_name=name, role=role))

    def entity(self) -> Entity:
        gender = None
        for g in self.genders:
            if g.lower() in ("male", "female") and gender is None:
                gender = g.lower()
            elif g.lower() != gender:
                self.notes.append(f"Gender: {g}")
        reason = "\n\n".join(dedupe(self.reasons)) or None
        listed = min(self.listed) if self.listed else None
        programs = tuple(Program(code=r, authority=AUTHORITY, listed_on=listed, reason=reason,
                                 id=self.uid) for r in dedupe(self.regimes))
        entity = Entity(
            id=f"{SOURCE}:{self.uid}", source=SOURCE, source_id=self.uid, schema=self.schema,
            names=dedupe(self.names + self.scripts), programs=programs,
            birth_dates=dedupe(self.births),
            birth_places=dedupe(self.places), nationalities=dedupe(self.nationalities),
            countries=dedupe(self.countries), gender=gender, titles=dedupe(self.titles),
            positions=dedupe(self.positions), identifiers=dedupe(self.identifiers),
            addresses=dedupe(self.addresses), relations=dedupe(self.relations),
            listed_on=listed, modified_on=max(self.updated) if self.updated else None,
            remarks="\n\n".join(dedupe(self.other)) or None, notes=dedupe(self.notes),
            properties=dedupe(self.properties))
        return classify_dprk(entity)


def _note(rec: _Rec, label: str, value: str | None) -> None:
    if value := clean(value):
        rec.notes.append(f"{label}: {value}")


# ---------------------------------------------------------------------------------------------
# XML

def _local(tag: object) -> str | None:
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1]


def _texts(parent: etree._Element, path: str) -> list[str]:
    return [el.text for el in parent.iterfind(path) if el.text and el.text.strip()]


def _xml_date(path: Path, el: etree._Element | None, uid: str, what: str) -> str | None:
    if el is None:
        return None
    try:
        return uk_date(el.text)
    except ValueError as exc:
        raise SourceError(path, str(exc), line=el.sourceline,
                          element=f"Designation[UniqueID={uid}]/{what}") from exc


def _designation(path: Path, d: etree._Element) -> Entity:
    for node in d.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = _local(node.tag)
    uid = clean(d.findtext("UniqueID"))
    if not uid:
        raise SourceError(path, "Designation without UniqueID", line=d.sourceline,
                          element="Designation")
    where = f"Designation[UniqueID={uid}]"
    type_text = clean(d.findtext("IndividualEntityShip")) or ""
    schema = _TYPES.get(type_text.lower())
    if schema is None:
        type_el = d.find("IndividualEntityShip")
        raise SourceError(path, f"unknown IndividualEntityShip {type_text!r}",
                          line=(type_el if type_el is not None else d).sourceline,
                          element=where + "/IndividualEntityShip")
    rec = _Rec(uid=uid, schema=schema)
    for n in d.iterfind("Names/Name"):
        rec.name([clean(n.findtext(f"Name{i}")) for i in range(1, 7)], n.findtext("NameType"),
                 n.findtext("AliasStrength"))
    for n in d.iterfind("NonLatinNames/NonLatinName"):
        rec.non_latin(n.findtext("NameNonLatinScript"), n.findtext("NonLatinScriptType"),
                      n.findtext("NonLatinScriptLanguage"))
    if not rec.names and not rec.scripts:
        raise SourceError(path, "Designation without a name", line=d.sourceline, element=where)
    rec.regimes += [r for r in (clean(t) for t in _texts(d, "RegimeName")) if r]
    for el in d.iterfind("DateDesignated"):
        if value := _xml_date(path, el, uid, "DateDesignated"):
            rec.listed.append(value)
    for el in d.iterfind("LastUpdated"):
        if value := _xml_date(path, el, uid, "LastUpdated"):
            rec.updated.append(value)
    rec.other += [t.strip() for t in _texts(d, "OtherInformation")]
    rec.reasons += [t.strip() for t in _texts(d, "UKStatementofReasons")]
    _note(rec, "Designation source", d.findtext("DesignationSource"))
    _note(rec, "Sanctions imposed", d.findtext("SanctionsImposed"))
    _note(rec, "OFSI group ID", d.findtext("OFSIGroupID"))
    _note(rec, "UN reference", d.findtext("UNReferenceNumber"))
    for a in d.iterfind("Addresses/Address"):
        rec.address([a.findtext(f"AddressLine{i}") for i in range(1, 7)],
                    a.findtext("AddressPostalCode"), a.findtext("AddressCountry"))
    for t in _texts(d, "PhoneNumbers/PhoneNumber"):
        rec.contact(IdKind.PHONE, t)
    for t in _texts(d, "EmailAddresses/EmailAddress"):
        rec.contact(IdKind.EMAIL, t)
    for t in _texts(d, "Websites/Website"):
        rec.contact(IdKind.WEBSITE, t)
    rec.titles += [c for c in (clean(t) for t in _texts(d, ".//Title")) if c]
    for ind in d.iterfind("IndividualDetails/Individual"):
        for t in _texts(ind, "DOBs/DOB"):
            rec.dob(t)
        for t in _texts(ind, "Nationalities/Nationality"):
            rec.nationalities += countries_from_text(t, "Nationality", rec.notes)
        for p in ind.iterfind("PassportDetails/Passport"):
            rec.document(IdKind.PASSPORT, p.findtext("PassportNumber"),
                         p.findtext("PassportAdditionalInformation"), "Passport")
        for p in ind.iterfind("NationalIdentifierDetails/NationalIdentifier"):
            rec.document(IdKind.NATIONAL_ID, p.findtext("NationalIdentifierNumber"),
                         p.findtext("NationalIdentifierAdditionalInformation"),
                         "National identifier")
        rec.positions += [c for c in (clean(t) for t in _texts(ind, "Positions/Position")) if c]
        for loc in ind.iterfind("BirthDetails/Location"):
            rec.place(loc.findtext("TownOfBirth"), loc.findtext("CountryOfBirth"))
        rec.genders += [c for c in (clean(t) for t in _texts(ind, "Genders/Gender")) if c]
    for ent in d.iterfind("EntityDetails/Entity"):
        for t in _texts(ent, "TypeOfEntities/TypeOfEntity"):
            _note(rec, "Type of entity", t)
        for t in _texts(ent, "BusinessRegistrationNumbers/BusinessRegistrationNumber"):
            rec.identifiers.append(Identifier(kind=IdKind.REGISTRATION, value=clean(t)))
        for t in _texts(ent, "ParentCompanies/ParentCompany"):
            rec.relation(RelationKind.OWNED_BY, t, "Parent company")
        for t in _texts(ent, "Subsidiaries/Subsidiary"):
            rec.relation(RelationKind.OWNS, t, "Subsidiary")
    for ship in d.iterfind("ShipDetails/Ship"):
        for t in _texts(ship, "IMONumbers/IMONumber"):
            rec.imo(t)
        for t in _texts(ship, "HullIdentificationNumbers/HullIdentificationNumber"):
            rec.identifiers.append(Identifier(kind=IdKind.REGISTRATION, value=clean(t),
                                              note="Hull identification number (HIN)"))
        for t in _texts(ship, "CurrentOwnerOperators/CurrentOwnerOperator"):
            rec.relation(RelationKind.OWNED_BY, t, "Current owner/operator")
        for t in _texts(ship, "PreviousOwnerOperators/PreviousOwnerOperator"):
            rec.relation(RelationKind.UNKNOWN_LINK, t, "Previous owner/operator")
        for t in _texts(ship, "CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip"):
            rec.flag(t, "flag")
        for t in _texts(ship, "PreviousFlags/PreviousFlag"):
            rec.flag(t, "pastFlags")
        for t in _texts(ship, "TypeOfShipDetails/TypeOfShip"):
            rec.properties.append(("type", clean(t)))
        for t in _texts(ship, "TonnageOfShipDetails/TonnageOfShip"):
            rec.properties.append(("tonnage", clean(t)))
        for t in _texts(ship, "LengthOfShipDetails/LengthOfShip"):
            _note(rec, "Length of ship", t)
        for t in _texts(ship, "YearsBuilt/YearBuilt"):
            rec.properties.append(("buildDate", clean(t)))
    return rec.entity()


def parse_xml(path: Path) -> Iterator[Entity]:
    """Every Designation of a UK Sanctions List XML file, in file order."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SourceError(path, "empty file")
    context = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                              no_network=True, remove_comments=True)
    depth = 0
    try:
        for event, el in context:
            if event == "start":
                depth += 1
                if depth == 1 and _local(el.tag) != "Designations":
                    raise SourceError(path, f"not a UK Sanctions List: root element "
                                            f"<{_local(el.tag)}>", line=el.sourceline,
                                      element=_local(el.tag))
                continue
            depth -= 1
            if depth != 1:
                continue
            tag = _local(el.tag)
            if tag == "Designation":
                yield _designation(path, el)
            elif tag == "DateGenerated":
                try:
                    uk_date(el.text)
                except ValueError as exc:
                    raise SourceError(path, str(exc), line=el.sourceline,
                                      element="DateGenerated") from exc
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"not well-formed XML (truncated or wrong encoding?): {exc.msg}",
                          line=exc.lineno or None) from exc
    # A well-formed list with no entries yields nothing: whether an empty list may replace a
    # full one is the store's decision (refused unless forced), not the parser's.


_ROOT_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Designations[\s>/]")
_GENERATED_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?DateGenerated>\s*([^<]*?)\s*<")


def sniff_xml(path: Path, head: bytes) -> str | None:
    """``uk_fcdo`` when the XML root element is ``Designations``."""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None
    return SOURCE if _ROOT_RE.search(head[:8192]) else None


def published_xml(path: Path) -> str | None:
    """The ``DateGenerated`` date; None when absent or unreadable (parse reports a bad one)."""
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
        m = _GENERATED_RE.search(head)
        return uk_date(m[1].decode("utf-8", "replace")) if m else None
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# CSV

CSV_REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type",
                "Date Designated", "Last Updated")
CSV_COLUMNS = (  # the published order, for writers of test files
    "Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", "Name 6", "Name 1",
    "Name 2", "Name 3", "Name 4", "Name 5", "Name type", "Alias strength", "Title",
    "Name non-latin script", "Non-latin script type", "Non-latin script language", "Regime Name",
    "Designation Type", "Designation source", "Sanctions Imposed", "Other Information",
    "UK Statement of Reasons", "Address Line 1", "Address Line 2", "Address Line 3",
    "Address Line 4", "Address Line 5", "Address Line 6", "Address Postal Code",
    "Address Country", "Phone number", "Website", "Email address", "Date Designated", "D.O.B",
    "Nationality(/ies)", "National Identifier number",
    "National Identifier additional information", "Passport number",
    "Passport additional information", "Position", "Gender", "Town of birth", "Country of birth",
    "Type of entity", "Subsidiaries", "Parent company", "Business registration number (s)",
    "IMO number", "Current owner/operator (s)", "Previous owner/operator (s)",
    "Current believed flag of ship", "Previous flags", "Type of ship", "Tonnage of ship",
    "Length of ship", "Year Built", "Hull identification number (HIN)")


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("\xa0", " ")).strip().lower()


def _csv_row(path: Path, line: int, rec: _Rec, row: dict[str, str]) -> None:
    def get(column: str) -> str | None:
        return row.get(_key(column))

    def when(column: str) -> str | None:
        try:
            return uk_date(get(column))
        except ValueError as exc:
            raise SourceError(path, f"column {column!r}: {exc}", line=line) from exc

    rec.name([clean(get(f"Name {i}")) for i in range(1, 7)], get("Name type"),
             get("Alias strength"))
    rec.non_latin(get("Name non-latin script"), get("Non-latin script type"),
                  get("Non-latin script language"))
    if regime := clean(get("Regime Name")):
        rec.regimes.append(regime)
    if value := when("Date Designated"):
        rec.listed.append(value)
    if value := when("Last Updated"):
        rec.updated.append(value)
    if text := (get("Other Information") or "").strip():
        rec.other.append(text)
    if text := (get("UK Statement of Reasons") or "").strip():
        rec.reasons.append(text)
    _note(rec, "Designation source", get("Designation source"))
    _note(rec, "Sanctions imposed", get("Sanctions Imposed"))
    _note(rec, "OFSI group ID", get("OFSI Group ID"))
    _note(rec, "UN reference", get("UN Reference Number"))
    rec.address([get(f"Address Line {i}") for i in range(1, 7)], get("Address Postal Code"),
                get("Address Country"))
    rec.contact(IdKind.PHONE, get("Phone number"))
    rec.contact(IdKind.EMAIL, get("Email address"))
    rec.contact(IdKind.WEBSITE, get("Website"))
    if title := clean(get("Title")):
        rec.titles.append(title)
    rec.dob(get("D.O.B"))
    rec.nationalities += countries_from_text(get("Nationality(/ies)"), "Nationality", rec.notes)
    rec.document(IdKind.PASSPORT, get("Passport number"), get("Passport additional information"),
                 "Passport")
    rec.document(IdKind.NATIONAL_ID, get("National Identifier number"),
                 get("National Identifier additional information"), "National identifier")
    if position := clean(get("Position")):
        rec.positions.append(position)
    rec.place(get("Town of birth"), get("Country of birth"))
    if gender := clean(get("Gender")):
        rec.genders.append(gender)
    _note(rec, "Type of entity", get("Type of entity"))
    if number := clean(get("Business registration number (s)")):
        rec.identifiers.append(Identifier(kind=IdKind.REGISTRATION, value=number))
    rec.relation(RelationKind.OWNED_BY, get("Parent company"), "Parent company")
    rec.relation(RelationKind.OWNS, get("Subsidiaries"), "Subsidiary")
    rec.imo(get("IMO number"))
    if number := clean(get("Hull identification number (HIN)")):
        rec.identifiers.append(Identifier(kind=IdKind.REGISTRATION, value=number,
                                          note="Hull identification number (HIN)"))
    rec.relation(RelationKind.OWNED_BY, get("Current owner/operator (s)"),
                 "Current owner/operator")
    rec.relation(RelationKind.UNKNOWN_LINK, get("Previous owner/operator (s)"),
                 "Previous owner/operator")
    rec.flag(get("Current believed flag of ship"), "flag")
    rec.flag(get("Previous flags"), "pastFlags")
    for column, prop in (("Type of ship", "type"), ("Tonnage of ship", "tonnage"),
                         ("Year Built", "buildDate")):
        if value := clean(get(column)):
            rec.properties.append((prop, value))
    _note(rec, "Length of ship", get("Length of ship"))


def _csv_published(path: Path, first_line: str) -> str:
    m = _REPORT_DATE.match(first_line)
    if not m:
        raise SourceError(path, "not a UK Sanctions List CSV: line 1 should be "
                                "'Report Date: dd-Mon-yyyy'", line=1)
    try:
        return _report_date(m[1])
    except ValueError as exc:
        raise SourceError(path, f"line 1: malformed Report Date {m[1]!r}", line=1) from exc


def parse_csv(path: Path) -> Iterator[Entity]:
    """One Entity per Unique ID of a UK Sanctions List CSV, in order of first appearance."""
    path = Path(path)
    text = read_text(path, path.read_bytes(), fallback_cp1252=False)
    lines = text.splitlines(keepends=True)
    _csv_published(path, lines[0])
    reader = csv.reader(lines[1:])
    try:
        header = [_key(h) for h in next(reader)]
    except StopIteration:
        raise SourceError(path, "no header line", line=2) from None
    missing = [c for c in CSV_REQUIRED if _key(c) not in header]
    if missing:
        raise SourceError(path, f"header is missing column(s) {', '.join(missing)}", line=2)
    recs: dict[str, _Rec] = {}
    try:
        for fields in reader:
            line = reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header) and any(f.strip() for f in fields[len(header):]):
                raise SourceError(path, f"{len(fields)} fields, the header has {len(header)}",
                                  line=line)
            row = dict(zip(header, fields, strict=False))  # short rows: empty
            uid = clean(row.get(_key("Unique ID")))
            if not uid:
                raise SourceError(path, "row without Unique ID", line=line)
            type_text = clean(row.get(_key("Designation Type"))) or ""
            schema = _TYPES.get(type_text.lower())
            if schema is None:
                raise SourceError(path, f"unknown Designation Type {type_text!r}", line=line)
            rec = recs.get(uid)
            if rec is None:  # a designation's first row decides its type
                rec = recs[uid] = _Rec(uid=uid, schema=schema)
            _csv_row(path, line, rec, row)
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", line=reader.line_num + 1) from exc
    if not recs:
        raise SourceError(path, "no rows after the header", line=2)
    for rec in recs.values():
        if not rec.names and not rec.scripts:
            raise SourceError(path, f"Unique ID {rec.uid} has no name")
        yield rec.entity()


def sniff_csv(path: Path, head: bytes) -> str | None:
    """``uk_fcdo`` when line 1 is ``Report Date:`` and line 2 has Unique ID and Name 6."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b'"')
    if not text.lower().startswith(b"report date:"):
        return None
    lines = text.split(b"\n", 2)
    if len(lines) < 2:
        return None
    return SOURCE if b"Unique ID" in lines[1] and b"Name 6" in lines[1] else None


def published_csv(path: Path) -> str | None:
    """The ``Report Date`` of line 1 as ISO; None when unreadable."""
    try:
        with open(path, "rb") as f:
            line = f.readline(4096).decode("utf-8", "replace")
        return _csv_published(path, line)
    except (OSError, SourceError):
        return None


def parse(path: Path) -> Iterator[Entity]:
    """Either file of the list, told apart by content (``<`` opens the XML)."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_xml(path)
    return parse_csv(path)


FORMAT = Format(name="uk_fcdo", sniff=sniff_xml, parse=parse_xml, published=published_xml)
FORMAT_CSV = Format(name="uk_fcdo_csv", sniff=sniff_csv, parse=parse_csv,
                    published=published_csv)
FORMATS = (FORMAT, FORMAT_CSV)

