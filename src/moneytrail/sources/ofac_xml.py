"""OFAC's classic XML (``sdnList``): ``sdn.xml`` and ``consolidated.xml``.

One ``sdnEntry`` per listed person, entity, vessel or aircraft, with its programs, identifiers
(``idList``), aliases (``akaList``), addresses, nationalities, citizenships, birth dates and
places, ``vesselInfo`` and free-text ``remarks``. The namespace has changed over the years
(``http://tempuri.org/sdnList.xsd``, then the Sanctions List Service's ``.../exports/XML``), so
any OFAC namespace is accepted under the ``sdnList`` root. Entries are streamed with
``lxml.etree.iterparse`` and freed as they are yielded.

**Which list.** The classic XML never says whether it is the SDN list or the consolidated
(non-SDN) list: both files share the schema, the root and the namespace, ``publshInformation``
holds only a date and a count, and the program tags overlap (an entry can be on both lists). OFAC
names the files ``sdn.xml`` and ``consolidated.xml``, so the file name decides: ``cons`` anywhere
in it means ``ofac_cons``, anything else ``ofac_sdn``.

**Field mapping.** The ``idList`` is OFAC's flattening of the advanced format's identity
documents *and* features (websites, e-mails, vessel flags, directive determinations ...), and the
same labels appear in the CSV remarks. :func:`apply_ofac_field` maps them the way
:mod:`moneytrail.sources.ofac_remarks` does (identifier kinds from its ``id_kind_for_label``,
dates by its ``parse_date_range``, the same property names), so an entry reads the same from the
CSV, this XML and the advanced XML. ``title`` goes to ``titles`` as in the CSV parser; ``remarks``
go through ``ofac_remarks.apply_remarks`` and are kept verbatim.

This module also holds what :mod:`moneytrail.sources.ofac_advanced` shares with it: the draft
entity, the field mapping, the date helpers and the XML root checks.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from lxml import etree

from moneytrail.countries import country_code
from moneytrail.model import (
    Address,
    Entity,
    IdKind,
    Identifier,
    Name,
    NameKind,
    Program,
    Relation,
    RelationKind,
    Schema,
    dedupe,
)
from moneytrail.sources.base import Format, SourceError, classify_dprk
from moneytrail.sources.ofac_remarks import (
    MAX_YEAR_SPAN,
    apply_remarks,
    id_kind_for_label,
    parse_date_range,
)

AUTHORITY = "OFAC"

# --------------------------------------------------------------------------------------------
# Shared with ofac_advanced: XML plumbing
# --------------------------------------------------------------------------------------------


def split_tag(tag: str) -> tuple[str, str]:
    """``{ns}local`` -> (ns, local); a tag without namespace gives ("", tag)."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def head_root(head: bytes) -> tuple[str, str] | None:
    """(namespace, local name) of the root element in the first bytes of a file, or None."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            return split_tag(element.tag)
    except etree.XMLSyntaxError:
        return None
    return None


def read_root(path: Path) -> tuple[str, str, int | None]:
    """(namespace, local name, line) of a file's root element; SourceError if there is none."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SourceError(path, "empty file", line=1)
    try:
        for _event, element in etree.iterparse(str(path), events=("start",),
                                               resolve_entities=False, no_network=True):
            ns, local = split_tag(element.tag)
            return ns, local, element.sourceline
    except etree.XMLSyntaxError as exc:
        raise xml_error(path, exc) from exc
    raise SourceError(path, "no XML element found", line=1)


def xml_error(path: Path, exc: etree.XMLSyntaxError, root: str | None = None) -> SourceError:
    """A SourceError for a syntax error, keeping lxml's line.

    When the file does not end with the root's closing tag, the error says the file is
    truncated (an interrupted download is the common cause), whatever lxml tripped over.
    """
    message = exc.msg or str(exc) or "XML syntax error"
    if root and not _ends_with_close(path, root):
        message = f"truncated file, no closing </{root}> ({message})"
    elif "no element found" in message or "Document is empty" in message:
        message = f"empty or not XML ({message})"
    return SourceError(path, f"XML syntax error: {message}", line=exc.lineno or None)


def _ends_with_close(path: Path, root: str) -> bool:
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 512))
        tail = f.read().rstrip()
    return re.search(rb"</(?:[\w.-]+:)?" + re.escape(root.encode()) + rb"\s*>$", tail) is not None


def free(element: etree._Element) -> None:
    """Drop a handled element and the siblings before it, so memory stays flat while streaming."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# --------------------------------------------------------------------------------------------
# Shared with ofac_advanced: dates
# --------------------------------------------------------------------------------------------


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """``1984``, ``1984-01`` or ``1984-01-08``."""
    out = f"{year:04d}"
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{day:02d}"
    return out


def date_span(start: tuple[int, int | None, int | None],
              end: tuple[int, int | None, int | None] | None) -> tuple[str, ...]:
    """ISO dates for a date or a date range, read the way the remarks parser reads OFAC's text.

    OFAC writes an uncertain date as a range (``01 Jan 1958 to 31 Dec 1958``). Like
    :func:`ofac_remarks.parse_date_range`, a range within one year gives that year (a range over
    exactly one month gives the month), a range over several years each year when it spans at
    most ``MAX_YEAR_SPAN`` years, and any longer range its two ends.
    """
    if end is None or end == start:
        return (iso_date(*start),)
    (y1, m1, d1), (y2, m2, d2) = start, end
    if y1 == y2:
        if m1 and m1 == m2 and d1 in (None, 1) and (
                d2 is None or d2 == calendar.monthrange(y2, m2)[1]):
            return (iso_date(y1, m1),)
        return (iso_date(y1),)
    if y1 < y2 <= y1 + MAX_YEAR_SPAN:
        return tuple(iso_date(y) for y in range(y1, y2 + 1))
    return (iso_date(*start), iso_date(*end))


def parse_ofac_date(text: str | None) -> tuple[str, ...]:
    """OFAC's written dates (``22 Mar 1958``, ``circa 1958``, ``01 Jan 1953 to 31 Dec 1954``)
    as ISO dates, by the remarks parser's rules; () when the text is not a date."""
    if not text:
        return ()
    return tuple(parse_date_range(text) or ())


@dataclass
class Draft:
    """A mutable entity under construction; :meth:`build` freezes it into an :class:`Entity`."""

    source_id: str
    schema: Schema
    names: list[Name] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    titles: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    listed_on: str | None = None
    remarks: str | None = None
    notes: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)

    def build(self, source: str) -> Entity:
        return Entity(
            id=f"{source}:{self.source_id}",
            source=source,
            source_id=self.source_id,
            schema=self.schema,
            names=dedupe(self.names),
            programs=dedupe(self.programs),
            birth_dates=dedupe(self.birth_dates),
            birth_places=dedupe(self.birth_places),
            nationalities=dedupe(self.nationalities),
            citizenships=dedupe(self.citizenships),
            countries=dedupe(self.countries),
            gender=self.gender,
            titles=dedupe(self.titles),
            positions=dedupe(self.positions),
            identifiers=dedupe(self.identifiers),
            addresses=dedupe(self.addresses),
            relations=dedupe(self.relations),
            listed_on=self.listed_on,
            remarks=self.remarks,
            notes=dedupe(self.notes),
            properties=dedupe(self.properties),
        )


# OFAC type labels that are not identity documents (they come from the advanced format's
# features). Everything else that names a document or number is classified by
# :func:`ofac_remarks.id_kind_for_label`, so the CSV, XML and advanced parsers agree.
_CONTACT_LABELS: dict[str, IdKind] = {
    "email address": IdKind.EMAIL,
    "email": IdKind.EMAIL,
    "website": IdKind.WEBSITE,
    "phone number": IdKind.PHONE,
    "vessel call sign": IdKind.CALL_SIGN,
    "call sign": IdKind.CALL_SIGN,
    "other vessel call sign": IdKind.CALL_SIGN,
    "mmsi": IdKind.MMSI,
    "vessel registration identification": IdKind.IMO,
    "imo": IdKind.IMO,
    "swift/bic": IdKind.BIC,
    "aircraft serial identification": IdKind.AIRCRAFT_SERIAL,
    "aircraft manufacturer's serial number (msn)": IdKind.AIRCRAFT_SERIAL,
    "aircraft manufacturer\u2019s serial number (msn)": IdKind.AIRCRAFT_SERIAL,
    "aircraft construction number (also called l/n or s/n or f/n)": IdKind.AIRCRAFT_SERIAL,
    "aircraft tail number": IdKind.AIRCRAFT_TAIL,
    "previous aircraft tail number": IdKind.AIRCRAFT_TAIL,
    "aircraft mode s transponder code": IdKind.OTHER,
}
# Labels that say nothing beyond their kind: not repeated in Identifier.note (the same set as
# the remarks parser's).
_PLAIN_LABELS = frozenset({
    "passport", "passport no.", "national id no.", "tax id no.", "registration number",
    "registration id", "swift/bic", "legal entity number", "mmsi", "email address", "email",
    "website", "phone number", "vessel registration identification", "identification number",
    "company number", "business registration number", "vessel call sign",
    "aircraft tail number", "aircraft manufacturer's serial number (msn)",
    "aircraft serial identification",
})
_CRYPTO_PREFIX = "digital currency address - "
_IMO_RE = re.compile(r"^\s*(?:IMO\s*:?\s*)?(\d{7})\s*$", re.I)

# Labels whose value is sanctions information about the entry, not about the entity: notes.
_NOTE_LABEL = re.compile(
    r"sanction|directive|executive order|caatsa|ifca|peesa|cmic|for more information|"
    r"transactions prohibited|listing date|effective date|divestment",
    re.I,
)
# Values that say there is nothing.
_NOTHING = {"", "none identified", "unknown", "none", "n/a", "-0-"}

# Labels stored under an FtM property name (the remarks parser's names): label -> property.
_PROPERTY_LABELS: dict[str, str] = {
    "vessel type": "type",
    "other vessel type": "type",
    "vessel tonnage": "tonnage",
    "tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "gross registered tonnage": "grossRegisteredTonnage",
    "vessel year of build": "buildDate",
    "aircraft manufacture date": "buildDate",
    "aircraft model": "model",
    "organization established date": "incorporationDate",
    "organization type:": "sector",
    "organization type": "sector",
    "target type": "classification",
    "equity ticker": "ticker",
}
_DATE_PROPERTIES = {"buildDate", "incorporationDate"}
# Country-valued labels: label -> (property, also an entity country link).
_COUNTRY_LABELS: dict[str, tuple[str, bool]] = {
    "vessel flag": ("flag", True),
    "other vessel flag": ("flag", True),
    "former vessel flag": ("pastFlags", False),
}
_REGISTRATION_COUNTRY = {"nationality of registration", "registration country"}
# Labels naming another party without an id: label -> (relation kind, property).
_RELATION_LABELS = {
    "vessel owner": (RelationKind.OWNED_BY, "owner"),
    "aircraft operator": (RelationKind.OPERATED_BY, "operator"),
}


def identifier_kind(label: str, value: str = "") -> tuple[IdKind, str | None, str | None]:
    """(kind, asset, note) for an OFAC identifier type label; unknown labels give OTHER.

    The note is the label itself unless it is the plain label of its kind.
    """
    clean = " ".join(label.split()).rstrip(":").strip()
    folded = clean.casefold()
    if folded.startswith(_CRYPTO_PREFIX):
        return IdKind.CRYPTO, clean[len(_CRYPTO_PREFIX):].strip() or None, None
    kind = _CONTACT_LABELS.get(folded)
    if kind is None:
        kind = id_kind_for_label(clean, value)
    return kind, None, None if folded in _PLAIN_LABELS else clean or None


def _join_notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def is_nothing(value: str | None) -> bool:
    return value is None or value.strip().casefold() in _NOTHING


def place_country(place: str) -> str | None:
    """The country a place ends in: ``Pyongyang, Korea, North`` -> ``kp``."""
    parts = [p.strip() for p in place.split(",")]
    for n in (1, 2, 3):
        if len(parts) >= n:
            code = country_code(", ".join(parts[-n:]))
            if code:
                return code
    return None


def add_birth_place(draft: Draft, place: str, code: str | None = None) -> None:
    """A birth place, and its country as the ``birthCountry`` property (as the remarks do)."""
    draft.birth_places.append(place)
    code = code or place_country(place)
    if code:
        draft.properties.append(("birthCountry", code))


def apply_ofac_field(draft: Draft, label: str, value: str | None, *,
                     country: str | None = None, note: str | None = None) -> None:
    """Put one typed OFAC value (an ``idList`` row, an ID document or a feature) on a draft.

    ``country`` is the issuing country (lower-case ISO2); ``note`` what the list adds (issue and
    expiry dates, authority). The mapping follows :mod:`moneytrail.sources.ofac_remarks`, so an
    entry reads the same from the CSV, the classic XML and the advanced XML: documents and
    numbers become :class:`Identifier` s (kind from ``id_kind_for_label``); sanctions information
    (directives, secondary sanctions) becomes a note; vessel, aircraft and organisation details
    go to FtM-named properties; gender, title, nationality to their fields; a vessel owner or
    aircraft operator to a :class:`Relation` by name. A label not known at all is kept as an
    identifier of kind OTHER whose note is the label, so nothing the list says is dropped.
    """
    label = " ".join((label or "").split())
    value = (value or "").strip()
    if not value:
        return
    folded = label.casefold().rstrip(":").strip()
    if folded == "gender":
        gender = value.casefold()
        if gender in ("male", "female"):
            draft.gender = gender
        else:
            draft.properties.append(("notes", f"{label} {value}"))
        return
    if folded in ("title", "position"):
        (draft.titles if folded == "title" else draft.positions).append(value)
        return
    if folded in ("nationality country", "nationality"):
        _add_country(draft, draft.nationalities, value, label)
        return
    if folded in ("citizenship country", "citizenship", "citizen"):
        _add_country(draft, draft.citizenships, value, label)
        return
    if folded == "place of birth":
        add_birth_place(draft, value)
        return
    if folded in ("birthdate", "date of birth", "dob"):
        dates = parse_ofac_date(value)
        if dates:
            draft.birth_dates.extend(dates)
        else:
            draft.properties.append(("notes", f"DOB {value}"))
        return
    if folded == "issuer name":
        draft.names.append(Name(full=value, kind=NameKind.ALIAS))
        return
    country_prop = _COUNTRY_LABELS.get(folded)
    if folded in _REGISTRATION_COUNTRY:
        # An organisation's country of registration; a vessel's or aircraft's flag.
        vehicle = draft.schema in (Schema.VESSEL, Schema.AIRCRAFT)
        country_prop = ("flag" if vehicle else "jurisdiction", True)
    if country_prop is not None:
        if is_nothing(value):
            return
        code = country_code(value)
        if code is None:
            draft.properties.append(("notes", f"{label} {value}"))
            return
        name, also_country = country_prop
        draft.properties.append((name, code))
        if also_country:
            draft.countries.append(code)
        return
    prop = _PROPERTY_LABELS.get(folded)
    if prop is not None:
        if prop in _DATE_PROPERTIES:
            value = (parse_ofac_date(value) or (value,))[0]
        if not (prop in ("tonnage", "grossRegisteredTonnage") and value == "0"):
            draft.properties.append((prop, value))
        return
    relation = _RELATION_LABELS.get(folded)
    if relation is not None:
        kind, prop = relation
        draft.relations.append(Relation(kind=kind, target_name=value))
        draft.properties.append((prop, value))
        return
    if _NOTE_LABEL.search(label) or not label:
        draft.notes.append(f"{label} {value}".strip())
        return
    kind, asset, label_note = identifier_kind(label, value)
    if kind is IdKind.IMO:
        imo = _IMO_RE.match(value)
        if imo:
            value = imo.group(1)
        else:  # a vessel registration that is not an IMO number
            kind, label_note = IdKind.REGISTRATION, label
    elif kind is IdKind.MMSI:
        value = re.sub(r"\D", "", value) or value
    elif kind is IdKind.BIC:
        value = value.replace(" ", "").upper()
        if country is None and len(value) in (8, 11):
            country = country_code(value[4:6])
    draft.identifiers.append(Identifier(kind=kind, value=value, country=country, asset=asset,
                                        note=_join_notes(label_note, note)))


def _add_country(draft: Draft, target: list[str], value: str, label: str) -> None:
    code = country_code(value)
    if code:
        target.append(code)
    elif not is_nothing(value):
        draft.properties.append(("notes", f"{label} {value}"))


def list_from_name(path: Path) -> str:
    """``ofac_cons`` when the file name says consolidated (``cons``), else ``ofac_sdn``."""
    return "ofac_cons" if "cons" in Path(path).name.casefold() else "ofac_sdn"


# --------------------------------------------------------------------------------------------
# The classic sdnList parser
# --------------------------------------------------------------------------------------------

_SCHEMAS = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}
_ROOT = "sdnList"


def _is_ofac_namespace(ns: str) -> bool:
    return ns == "" or "sdnlist" in ns.casefold() or "ofac.treas.gov" in ns.casefold()


def sniff(path: Path, head: bytes) -> str | None:
    """The list id when the file's root is OFAC's ``sdnList``; None otherwise."""
    root = head_root(head)
    if root is None:
        return None
    ns, local = root
    if local != _ROOT or not _is_ofac_namespace(ns):
        return None
    return list_from_name(path)


def _open(path: Path) -> str:
    """Check the root; returns the namespace prefix ``{ns}`` (or "") for tag lookups."""
    ns, local, line = read_root(path)
    if local != _ROOT:
        raise SourceError(path, f"not an OFAC sdnList file: root element is <{local}>",
                          line=line, element=local)
    return f"{{{ns}}}" if ns else ""


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = " ".join(element.text.split())
    return text or None


def _children(element: etree._Element, prefix: str) -> dict[str, etree._Element]:
    """The first child of each local name (single-valued fields)."""
    out: dict[str, etree._Element] = {}
    n = len(prefix)
    for child in element:
        if isinstance(child.tag, str):
            out.setdefault(child.tag[n:], child)
    return out


def _items(element: etree._Element | None, prefix: str) -> list[dict[str, etree._Element]]:
    """The children of a ``...List`` element, each as its fields by local name."""
    if element is None:
        return []
    return [_children(item, prefix) for item in element if isinstance(item.tag, str)]


def _date_note(issued: str | None, expires: str | None) -> str | None:
    parts = []
    if issued:
        parts.append(f"issued {(parse_ofac_date(issued) or (issued,))[0]}")
    if expires:
        parts.append(f"expires {(parse_ofac_date(expires) or (expires,))[0]}")
    return "; ".join(parts) or None


def _person_name(last: str | None, first: str | None, schema: Schema,
                 kind: NameKind) -> Name | None:
    if not last and not first:
        return None
    if schema is Schema.PERSON:
        full = f"{last}, {first}" if last and first else (last or first or "")
        return Name(full=full, kind=kind, given=first, family=last)
    full = " ".join(x for x in (last, first) if x)
    return Name(full=full, kind=kind)


def _address(fields: dict[str, etree._Element]) -> Address | None:
    street = [t for t in (_text(fields.get(k)) for k in ("address1", "address2", "address3")) if t]
    city = _text(fields.get("city"))
    region = _text(fields.get("stateOrProvince"))
    postal = _text(fields.get("postalCode"))
    country_name = _text(fields.get("country"))
    parts = [*street, city, region, postal, country_name]
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    return Address(full=full, street=", ".join(street) or None, city=city, region=region,
                   postal_code=postal, country=country_code(country_name))


def _entry(path: Path, element: etree._Element, prefix: str, source: str) -> Entity:
    fields = _children(element, prefix)
    uid = _text(fields.get("uid"))
    if not uid:
        raise SourceError(path, "sdnEntry without uid", line=element.sourceline,
                          element="sdnEntry")
    type_el = fields.get("sdnType")
    sdn_type = _text(type_el) or ""
    schema = _SCHEMAS.get(sdn_type.casefold())
    if schema is None:
        raise SourceError(path, f"sdnEntry {uid}: unknown sdnType {sdn_type!r}",
                          line=(type_el if type_el is not None else element).sourceline,
                          element="sdnType")
    draft = Draft(source_id=uid, schema=schema)

    primary = _person_name(_text(fields.get("lastName")), _text(fields.get("firstName")),
                           schema, NameKind.PRIMARY)
    if primary is None:
        raise SourceError(path, f"sdnEntry {uid} has no name", line=element.sourceline,
                          element="sdnEntry")
    draft.names.append(primary)
    title = _text(fields.get("title"))
    if title:
        draft.titles.append(title)

    programs = fields.get("programList")
    for program in programs if programs is not None else ():
        code = _text(program)
        if code:
            draft.programs.append(Program(code=code, authority=AUTHORITY))

    for aka in _items(fields.get("akaList"), prefix):
        weak = (_text(aka.get("category")) or "").casefold() == "weak"
        aka_type = (_text(aka.get("type")) or "").casefold()
        kind = (NameKind.WEAK_ALIAS if weak
                else NameKind.FORMER if aka_type == "f.k.a."
                else NameKind.ALIAS)
        name = _person_name(_text(aka.get("lastName")), _text(aka.get("firstName")), schema, kind)
        if name is not None:
            draft.names.append(name)

    for ident in _items(fields.get("idList"), prefix):
        country_name = _text(ident.get("idCountry"))
        code = country_code(country_name)
        note = _date_note(_text(ident.get("issueDate")), _text(ident.get("expirationDate")))
        if country_name and not code:
            note = _join_notes(note, f"issued by {country_name}")
        apply_ofac_field(draft, _text(ident.get("idType")) or "", _text(ident.get("idNumber")),
                         country=code, note=note)

    for addr in _items(fields.get("addressList"), prefix):
        address = _address(addr)
        if address is not None:
            draft.addresses.append(address)

    for nat in _items(fields.get("nationalityList"), prefix):
        value = _text(nat.get("country"))
        if value:
            _add_country(draft, draft.nationalities, value, "nationality")
    for cit in _items(fields.get("citizenshipList"), prefix):
        value = _text(cit.get("country"))
        if value:
            _add_country(draft, draft.citizenships, value, "citizen")
    for dob in _items(fields.get("dateOfBirthList"), prefix):
        value = _text(dob.get("dateOfBirth"))
        if value:
            apply_ofac_field(draft, "Birthdate", value)
    for pob in _items(fields.get("placeOfBirthList"), prefix):
        value = _text(pob.get("placeOfBirth"))
        if value:
            add_birth_place(draft, value)

    vessel = fields.get("vesselInfo")
    if vessel is not None:
        info = _children(vessel, prefix)
        for tag, label in (("callSign", "Vessel Call Sign"), ("vesselType", "Vessel Type"),
                           ("vesselFlag", "Vessel Flag"), ("vesselOwner", "Vessel Owner"),
                           ("tonnage", "Vessel Tonnage"),
                           ("grossRegisteredTonnage", "Vessel Gross Registered Tonnage")):
            value = _text(info.get(tag))
            if value and not (tag in ("tonnage", "grossRegisteredTonnage") and value == "0"):
                apply_ofac_field(draft, label, value)

    entity = draft.build(source)
    remarks = fields.get("remarks")
    if remarks is not None and remarks.text and remarks.text.strip():
        text = remarks.text.strip()
        entity = replace(apply_remarks(entity, _unwrap_items(text)), remarks=text)
    return classify_dprk(entity)


# The classic XML writes some remark items wrapped in parentheses, ``...; (Linked To: ROSTEC)``,
# where the CSV writes ``Linked To: ROSTEC.``; unwrapped, the remarks parser reads them as the
# relation they are. Only items that are wholly one parenthesis are unwrapped.
_WRAPPED_ITEM = re.compile(r"(^|;\s*)\(([^()]+)\)\s*(?=;|$)")


def _unwrap_items(text: str) -> str:
    return _WRAPPED_ITEM.sub(lambda m: m.group(1) + m.group(2), text)


def parse(path: Path) -> Iterator[Entity]:
    """Stream the entries of a classic OFAC XML file; SourceError on a broken or foreign file."""
    path = Path(path)
    prefix = _open(path)
    source = list_from_name(path)
    tag = f"{prefix}sdnEntry"
    try:
        for _event, element in etree.iterparse(str(path), events=("end",), tag=tag,
                                               resolve_entities=False, no_network=True):
            yield _entry(path, element, prefix, source)
            free(element)
    except etree.XMLSyntaxError as exc:
        raise xml_error(path, exc, _ROOT) from exc


def published(path: Path) -> str | None:
    """``publshInformation/Publish_Date`` (``MM/DD/YYYY``) as an ISO date, or None."""
    path = Path(path)
    try:
        prefix = _open(path)
        for _event, element in etree.iterparse(
                str(path), events=("end",), tag=(f"{prefix}Publish_Date", f"{prefix}sdnEntry"),
                resolve_entities=False, no_network=True):
            if element.tag.endswith("sdnEntry"):
                return None
            return _us_date(_text(element))
    except (SourceError, etree.XMLSyntaxError):
        return None
    return None


def _us_date(text: str | None) -> str | None:
    if not text:
        return None
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text.strip())
    if match:
        month, day, year = (int(x) for x in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return iso_date(year, month, day)
        return None
    dates = parse_ofac_date(text)
    return dates[0] if len(dates) == 1 else None


FORMAT = Format(name="ofac_xml", sniff=sniff, parse=parse, published=published)
