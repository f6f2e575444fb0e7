"""OFAC's "advanced" XML (``sdn_advanced.xml``, ``cons_advanced.xml``): the Sanctions Data Standard.

The file is relational. Its sections come in this order, and the parser streams them with
``lxml.etree.iterparse``, freeing every handled element:

1. ``DateOfIssue``: the publication date.
2. ``ReferenceValueSets``: every code table (``AliasType``, ``PartySubType``, ``PartyType``,
   ``NamePartType``, ``FeatureType``, ``DetailReference``, ``IDRegDocType``, ``Country``,
   ``LocPartType``, ``RelationType``, ``List``, ``SanctionsType``, ``LegalBasis`` ...). Every id in
   the rest of the file is resolved through these tables *by value*: the parser knows labels
   ("Birthdate", "Vessel Flag", "F.K.A."), never OFAC's numeric ids.
3. ``Locations``: addresses and places, referred to by features (``VersionLocation``).
4. ``IDRegDocuments``: passports, IMO and registration numbers, tied to an ``Identity``.
5. ``DistinctParties``: one party per listed person, entity, vessel or aircraft, with its
   ``Profile`` (``PartySubTypeID``), ``Identity`` (aliases built from name parts) and
   ``Feature`` s (birth date, nationality, flag, website, crypto address, ...).
6. ``ProfileRelationships``: typed links between profiles.
7. ``SanctionsEntries``: the listing of each profile: its list, events (designation date, legal
   basis) and measures, whose ``Program`` measures carry the program tags (``DPRK3``) as comments.

Because relationships and programs come after the parties, entities are kept as drafts until the
end of the file and yielded then; only the XML is streamed. A reference to an id that the file
does not define is an error (:class:`SourceError` naming the element and its line).

**Which list.** Each ``SanctionsEntry`` names its list (``List`` "SDN List", or a non-SDN list
such as "Sectoral Sanctions Identifications List"). ``parse`` uses that: ``ofac_sdn`` when any
entry is on the SDN List, ``ofac_cons`` when entries exist and none is. ``sniff`` only sees the
first 64 KiB (reference tables), so it goes by the file name as OFAC publishes it
(``cons_advanced.xml`` -> ``ofac_cons``, else ``ofac_sdn``), like :mod:`ofac_xml`.

**Mapping.** ``PartySubType`` gives the schema (OFAC writes "Unknown" for individuals and
entities, so its ``PartyType`` decides then). The primary alias is the PRIMARY name, ``LowQuality``
aliases are WEAK_ALIAS, ``F.K.A.`` FORMER, other aliases ALIAS, a non-Latin documented name of a
primary or strong alias ORIGINAL_SCRIPT (``lang`` = the script code); person names are written
``LAST, Given`` as OFAC does. ID documents and features go through
:func:`ofac_xml.apply_ofac_field`, the mapping shared with the classic XML and the CSV remarks.
A ``ProfileRelationship`` becomes a :class:`Relation` on its From-profile (to the To-profile's
entity id), typed by its ``RelationType``; a ``SanctionsEntry`` gives one :class:`Program` per
``Program`` measure, with the designation date (``EntryEvent``) and legal basis.
``Relation.id`` and ``Program.id`` are FtM ids built from OFAC's stable ids
(``ofac_sdn-rel-<ID>``, ``ofac_sdn-entry-<ID>``).

Schema followed: OFAC's ``sdn_advanced.xsd`` / Sanctions Data Standard (element and attribute
names as generated from the XSD), the labels OFAC publishes in its reference tables, and the
mappings of OpenSanctions' ``datasets/us/ofac`` crawler (``ofac_advanced.py``, ``us_ofac_sdn.yml``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from lxml import etree

from moneytrail.countries import country_code
from moneytrail.model import (
    Address,
    Entity,
    Name,
    NameKind,
    Program,
    Relation,
    RelationKind,
    Schema,
)
from moneytrail.sources.base import Format, SourceError, classify_dprk
from moneytrail.sources.ofac_xml import (
    AUTHORITY,
    Draft,
    add_birth_place,
    apply_ofac_field,
    date_span,
    free,
    head_root,
    iso_date,
    list_from_name,
    read_root,
    xml_error,
)

NAMESPACES = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
    "http://www.un.org/sanctions/1.0",
)
_ROOT = "Sanctions"

_SCHEMAS = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}
_ALIAS_KINDS = {"a.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.ALIAS,
                "name": NameKind.ALIAS}
# Person name parts that make the family name; all other parts (first, middle, patronymic ...)
# make the given name, in the order the list writes them.
_FAMILY_PARTS = {"last name", "matronymic", "maiden name"}
_LATIN = {"latn", "latin"}
# RelationType label -> kind. Direction is From-Profile -> To-Profile.
_RELATIONS = {
    "associate of": RelationKind.ASSOCIATE,
    "owned or controlled by": RelationKind.OWNED_BY,
    "property in the interest of": RelationKind.OWNED_BY,
    "owns, controls, or operates": RelationKind.OWNS,
    "family member of": RelationKind.FAMILY,
    "leader or official of": RelationKind.DIRECTOR_OF,
    "principal executive officer": RelationKind.DIRECTOR_OF,
    "linked to": RelationKind.LINKED_TO,
}
_LOCATION_ORDER = ("address1", "address2", "address3", "unknown", "city", "state/province",
                   "region", "postal code")


def sniff(path: Path, head: bytes) -> str | None:
    """The list id when the root is ``Sanctions`` in OFAC's advanced namespace; else None."""
    root = head_root(head)
    if root is None or root[1] != _ROOT or root[0] not in NAMESPACES:
        return None
    return list_from_name(path)


def _open(path: Path) -> str:
    ns, local, line = read_root(path)
    if local != _ROOT or ns not in NAMESPACES:
        shown = f"{{{ns}}}{local}" if ns else local
        raise SourceError(path, f"not an OFAC advanced XML file: root element is <{shown}>",
                          line=line, element=local)
    return f"{{{ns}}}"


@dataclass(frozen=True, slots=True)
class _Place:
    """A resolved ``Location``: as an address, its country code and its text."""

    address: Address | None
    country: str | None
    text: str | None


@dataclass(slots=True)
class _Doc:
    label: str
    number: str | None
    country: str | None
    note: str | None
    line: int | None


class _Reader:
    """State of one streaming pass over an advanced file."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = path
        self.p = prefix
        self.n = len(prefix)
        self.refs: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
        self.places: dict[str, _Place] = {}
        self.docs: dict[str, list[_Doc]] = {}
        self.drafts: dict[str, Draft] = {}  # by Profile ID, in file order
        self.fixed_refs: dict[str, str] = {}  # Profile ID -> FixedRef (the OFAC uid)
        self.relations: list[tuple[str, str, Relation]] = []  # (from, to, relation sans target)
        self.lists: set[str] = set()
        self.published: str | None = None
        self._countries: dict[str, str | None] = {}

    # -- helpers --------------------------------------------------------------------------

    def local(self, element: etree._Element) -> str:
        return element.tag[self.n:] if isinstance(element.tag, str) else ""

    def error(self, element: etree._Element, message: str) -> SourceError:
        return SourceError(self.path, message, line=element.sourceline,
                           element=self.local(element))

    def ref(self, kind: str, element: etree._Element, attribute: str,
            required: bool = False) -> tuple[str, dict[str, str]] | None:
        """The (text, attributes) of the reference value an attribute points to."""
        value = element.get(attribute)
        if value is None:
            if required:
                raise self.error(element, f"missing attribute {attribute}")
            return None
        table = self.refs.get(kind)
        if table is None or value not in table:
            raise self.error(element, f"{attribute}={value!r}: no {kind} with this ID in "
                                      "ReferenceValueSets")
        return table[value]

    def check(self, kind: str, element: etree._Element, attribute: str) -> None:
        """Validate a reference the model has no use for (reliability, script status ...).

        An id missing from its table is an error; a file that leaves the whole table out is
        not, since nothing is read from it.
        """
        value = element.get(attribute)
        table = self.refs.get(kind)
        if value is not None and table is not None and value not in table:
            raise self.error(element, f"{attribute}={value!r}: no {kind} with this ID in "
                                      "ReferenceValueSets")

    def ref_text(self, kind: str, element: etree._Element, attribute: str,
                 required: bool = False) -> str | None:
        found = self.ref(kind, element, attribute, required)
        return found[0] if found else None

    def country(self, element: etree._Element, attribute: str,
                value: str | None = None) -> str | None:
        """The lower-case ISO2 of the Country an attribute (or ``value``) points to."""
        value = element.get(attribute) if value is None else value
        if value is None:
            return None
        if value not in self._countries:
            table = self.refs.get("Country", {})
            if value not in table:
                raise self.error(element, f"{attribute}={value!r}: no Country with this ID in "
                                          "ReferenceValueSets")
            text, attrs = table[value]
            iso2 = (attrs.get("ISO2") or "").strip().lower()
            self._countries[value] = iso2 if len(iso2) == 2 else country_code(text)
        return self._countries[value]

    def country_name(self, element: etree._Element, attribute: str) -> str | None:
        found = self.ref("Country", element, attribute)
        return found[0] if found else None

    def find(self, element: etree._Element, name: str) -> etree._Element | None:
        for child in element.iterchildren(self.p + name):
            return child
        return None

    def findall(self, element: etree._Element, name: str) -> list[etree._Element]:
        return list(element.iterchildren(self.p + name))

    def text(self, element: etree._Element | None, name: str | None = None) -> str | None:
        if element is not None and name is not None:
            element = self.find(element, name)
        if element is None or element.text is None:
            return None
        text = " ".join(element.text.split())
        return text or None

    def date(self, element: etree._Element | None) -> tuple[int, int | None, int | None] | None:
        """Year/Month/Day children -> a date tuple."""
        if element is None:
            return None
        year = self.text(element, "Year")
        if not year or not year.isdigit():
            return None
        month = self.text(element, "Month")
        day = self.text(element, "Day")
        return (int(year), int(month) if month and month.isdigit() else None,
                int(day) if day and day.isdigit() else None)

    def period(self, element: etree._Element | None) -> tuple[str, ...]:
        """A ``DatePeriod`` -> ISO dates (see :func:`ofac_xml.date_span`)."""
        if element is None:
            return ()
        start_el, end_el = self.find(element, "Start"), self.find(element, "End")
        start = end = None
        if start_el is not None:
            start = self.date(self.find(start_el, "From")) or self.date(self.find(start_el, "To"))
        if end_el is not None:
            end = self.date(self.find(end_el, "To")) or self.date(self.find(end_el, "From"))
        if start is None and end is None:
            return ()
        try:
            return date_span(start or end, end)  # type: ignore[arg-type]
        except ValueError as exc:
            raise self.error(element, f"invalid date: {exc}") from exc

    def bounds(self, element: etree._Element | None) -> tuple[str | None, str | None]:
        """A ``DatePeriod`` as the (earliest start, latest end) of a span of time."""
        if element is None:
            return None, None
        start_el, end_el = self.find(element, "Start"), self.find(element, "End")
        start = end = None
        if start_el is not None:
            start = self.date(self.find(start_el, "From")) or self.date(self.find(start_el, "To"))
        if end_el is not None:
            end = self.date(self.find(end_el, "To")) or self.date(self.find(end_el, "From"))
        return (iso_date(*start) if start else None, iso_date(*end) if end else None)

    # -- sections ---------------------------------------------------------------------------

    def reference_values(self, element: etree._Element) -> None:
        for values in element:
            for item in values:
                if not isinstance(item.tag, str):
                    continue
                kind = self.local(item)
                item_id = item.get("ID")
                if item_id is None:
                    raise self.error(item, f"{kind} without ID")
                text = " ".join((item.text or "").split())
                self.refs.setdefault(kind, {})[item_id] = (text, dict(item.attrib))

    def location(self, element: etree._Element) -> None:
        loc_id = element.get("ID")
        if loc_id is None:
            raise self.error(element, "Location without ID")
        parts: dict[str, list[str]] = {}
        for part in self.findall(element, "LocationPart"):
            kind = (self.ref_text("LocPartType", part, "LocPartTypeID", required=True) or "")
            for value in self.findall(part, "LocationPartValue"):
                self.check("LocPartValueType", value, "LocPartValueTypeID")
                self.check("LocPartValueStatus", value, "LocPartValueStatusID")
                text = self.text(value, "Value")
                if text:
                    parts.setdefault(kind.casefold(), []).append(text)
        code = name = None
        for loc_country in self.findall(element, "LocationCountry"):
            self.check("CountryRelevance", loc_country, "CountryRelevanceID")
            code = code or self.country(loc_country, "CountryID")
            name = name or self.country_name(loc_country, "CountryID")
        for area in self.findall(element, "LocationAreaCode"):
            text, attrs = self.ref("AreaCode", area, "AreaCodeID",  # type: ignore[misc]
                                   required=True)
            description = attrs.get("Description") or text
            if description and description.casefold() != "undetermined":
                parts.setdefault("region", []).append(description)
            if code is None and attrs.get("CountryID"):
                code = self.country(area, "AreaCode CountryID", attrs["CountryID"])
        if name and name.casefold() == "undetermined":
            name = None
        if code is None:
            for free_text in parts.get("unknown", []):
                code = country_code(free_text)
                if code:
                    break
        street = ", ".join(v for k in ("address1", "address2", "address3")
                           for v in parts.get(k, [])) or None
        ordered = [v for k in _LOCATION_ORDER for v in parts.get(k, [])]
        ordered += [v for k, vs in parts.items() if k not in _LOCATION_ORDER for v in vs]
        text_parts = ordered + ([name] if name and name not in ordered else [])
        text = ", ".join(text_parts) or None
        region = ", ".join(parts.get("state/province", []) + parts.get("region", [])) or None
        address = None
        if text:
            address = Address(full=text, street=street,
                              city=", ".join(parts.get("city", [])) or None, region=region,
                              postal_code=", ".join(parts.get("postal code", [])) or None,
                              country=code)
        self.places[loc_id] = _Place(address=address, country=code, text=text)

    def place(self, element: etree._Element, attribute: str) -> _Place:
        loc_id = element.get(attribute)
        if loc_id not in self.places:
            raise self.error(element, f"{attribute}={loc_id!r}: no Location with this ID")
        return self.places[loc_id]

    def id_document(self, element: etree._Element) -> None:
        identity = element.get("IdentityID")
        if identity is None:
            raise self.error(element, "IDRegDocument without IdentityID")
        label = self.ref_text("IDRegDocType", element, "IDRegDocTypeID", required=True) or ""
        country = self.country(element, "IssuedBy-CountryID")
        notes: list[str] = []
        issuer = self.country_name(element, "IssuedBy-CountryID")
        if country is None and issuer and issuer.casefold() != "undetermined":
            notes.append(f"issued by {issuer}")
        if element.get("IssuedIn-LocationID") is not None:
            where = self.place(element, "IssuedIn-LocationID").text
            if where:
                notes.append(f"issued in {where}")
        validity = self.ref_text("Validity", element, "ValidityID")
        if validity and validity.casefold() != "valid":
            notes.append(validity)
        authority = self.text(element, "IssuingAuthority")
        if authority:
            notes.append(f"authority {authority}")
        for doc_date in self.findall(element, "DocumentDate"):
            what = (self.ref_text("IDRegDocDateType", doc_date, "IDRegDocDateTypeID") or "date")
            dates = self.period(self.find(doc_date, "DatePeriod"))
            if dates:
                word = {"issue date": "issued", "expiration date": "expires"}.get(
                    what.casefold(), what)
                notes.append(f"{word} {' to '.join(dates)}")
        comment = self.text(element, "Comment")
        number = self.text(element, "IDRegistrationNo")
        if comment and comment != number:
            notes.append(comment)
        self.docs.setdefault(identity, []).append(_Doc(
            label=label, number=number, country=country, note="; ".join(notes) or None,
            line=element.sourceline))

    def party(self, element: etree._Element) -> None:
        fixed_ref = element.get("FixedRef")
        profiles = self.findall(element, "Profile")
        if not profiles:
            raise self.error(element, "DistinctParty without Profile")
        for profile in profiles:
            profile_id = profile.get("ID")
            if profile_id is None:
                raise self.error(profile, "Profile without ID")
            uid = fixed_ref or profile_id
            draft = Draft(source_id=uid, schema=self.schema(profile))
            remarks = [t for t in (self.text(element, "Comment"), self.text(profile, "Comment"))
                       if t]
            draft.remarks = "; ".join(remarks) or None
            identities = self.findall(profile, "Identity")
            for identity in identities:
                self.identity(draft, identity)
            if not draft.names:
                raise self.error(profile, f"profile {profile_id} has no name")
            if not any(n.kind is NameKind.PRIMARY for n in draft.names):
                first = draft.names[0]
                draft.names[0] = Name(full=first.full, kind=NameKind.PRIMARY, given=first.given,
                                      family=first.family, lang=first.lang)
            identity_ids = {identity.get("ID") for identity in identities}
            for feature in self.findall(profile, "Feature"):
                for ref in self.findall(feature, "IdentityReference"):
                    if ref.get("IdentityID") not in identity_ids:
                        raise self.error(ref, f"IdentityID={ref.get('IdentityID')!r}: no "
                                              "Identity with this ID in the profile")
                self.feature(draft, feature)
            self.drafts[profile_id] = draft
            self.fixed_refs[profile_id] = uid

    def schema(self, profile: etree._Element) -> Schema:
        text, attrs = self.ref("PartySubType", profile, "PartySubTypeID",  # type: ignore[misc]
                               required=True)
        schema = _SCHEMAS.get(text.casefold())
        if schema is None and attrs.get("PartyTypeID"):
            party_type = self.refs.get("PartyType", {}).get(attrs["PartyTypeID"])
            if party_type is None:
                raise self.error(profile, f"PartySubType {profile.get('PartySubTypeID')}: no "
                                          f"PartyType {attrs['PartyTypeID']!r}")
            schema = _SCHEMAS.get(party_type[0].casefold())
        if schema is None:
            raise self.error(profile, f"party type {text!r} is not a person, entity, vessel "
                                      "or aircraft")
        return schema

    def identity(self, draft: Draft, identity: etree._Element) -> None:
        groups: dict[str, str] = {}
        name_groups = self.find(identity, "NamePartGroups")
        if name_groups is not None:
            for group in name_groups.iter(self.p + "NamePartGroup"):
                groups[group.get("ID", "")] = (
                    self.ref_text("NamePartType", group, "NamePartTypeID", required=True) or "")
        for alias in self.findall(identity, "Alias"):
            self.alias(draft, alias, groups)
        for doc in self.docs.pop(identity.get("ID", ""), []):
            apply_ofac_field(draft, doc.label, doc.number, country=doc.country, note=doc.note)

    def alias(self, draft: Draft, alias: etree._Element, groups: dict[str, str]) -> None:
        alias_type = (self.ref_text("AliasType", alias, "AliasTypeID", required=True) or "")
        if alias.get("LowQuality") == "true":
            kind = NameKind.WEAK_ALIAS
        elif alias.get("Primary") == "true":
            kind = NameKind.PRIMARY
        else:
            kind = _ALIAS_KINDS.get(alias_type.casefold(), NameKind.ALIAS)
        for documented in self.findall(alias, "DocumentedName"):
            self.check("DocNameStatus", documented, "DocNameStatusID")
            parts: list[tuple[str, str]] = []
            script = None
            for value in documented.iter(self.p + "NamePartValue"):
                text = " ".join((value.text or "").split())
                group = value.get("NamePartGroupID")
                if group is not None and group not in groups:
                    raise self.error(value, f"NamePartGroupID={group!r}: no NamePartGroup "
                                            "with this ID in the identity")
                self.check("ScriptStatus", value, "ScriptStatusID")
                found = self.ref("Script", value, "ScriptID")
                if found and not ({found[0].casefold(), found[1].get("ScriptCode", "").casefold()}
                                  & _LATIN):
                    script = found[1].get("ScriptCode") or found[0]
                if text:
                    parts.append((groups.get(group or "", "").casefold(), text))
            if not parts:
                continue
            name_kind = kind
            if script and kind in (NameKind.PRIMARY, NameKind.ALIAS):
                name_kind = NameKind.ORIGINAL_SCRIPT
            draft.names.append(self.compose(draft.schema, parts, name_kind, script))

    @staticmethod
    def compose(schema: Schema, parts: list[tuple[str, str]], kind: NameKind,
                lang: str | None) -> Name:
        person_parts = [(t, v) for t, v in parts if t and "entity" not in t
                        and "vessel" not in t and "aircraft" not in t]
        if schema is Schema.PERSON and len(person_parts) == len(parts):
            family = " ".join(v for t, v in parts if t in _FAMILY_PARTS) or None
            given = " ".join(v for t, v in parts if t not in _FAMILY_PARTS) or None
            full = f"{family}, {given}" if family and given else (family or given or "")
            return Name(full=full, kind=kind, given=given, family=family, lang=lang)
        return Name(full=" ".join(v for _t, v in parts), kind=kind, lang=lang)

    def feature(self, draft: Draft, feature: etree._Element) -> None:
        label = self.ref_text("FeatureType", feature, "FeatureTypeID", required=True) or ""
        folded = label.casefold()
        for version in self.findall(feature, "FeatureVersion"):
            self.check("Reliability", version, "ReliabilityID")
            places = [self.place(loc, "LocationID")
                      for loc in self.findall(version, "VersionLocation")]
            dates = self.period(self.find(version, "DatePeriod"))
            details: list[str] = []
            for detail in self.findall(version, "VersionDetail"):
                self.check("DetailType", detail, "DetailTypeID")
                referenced = self.ref_text("DetailReference", detail, "DetailReferenceID")
                value = referenced or self.text(detail)
                if value:
                    details.append(value)
            if folded == "location":
                draft.addresses.extend(p.address for p in places if p.address)
            elif folded in ("birthdate", "date of birth"):
                draft.birth_dates.extend(dates)
                for value in details:
                    apply_ofac_field(draft, "Birthdate", value)
            elif folded == "place of birth":
                for p in places:
                    if p.text:
                        add_birth_place(draft, p.text, p.country)
                for value in details:
                    add_birth_place(draft, value)
            elif folded in ("nationality country", "nationality", "citizenship country",
                            "citizenship", "nationality of registration", "registration country",
                            "vessel flag", "former vessel flag", "other vessel flag"):
                for p in places:
                    value = p.country or p.text
                    if value:
                        apply_ofac_field(draft, label, value)
                for value in details:
                    apply_ofac_field(draft, label, value)
            else:
                values = details or list(dates) or [p.text for p in places if p.text]
                for value in values:
                    apply_ofac_field(draft, label, value)

    def relationship(self, element: etree._Element) -> None:
        from_id, to_id = element.get("From-ProfileID"), element.get("To-ProfileID")
        for attribute, value in (("From-ProfileID", from_id), ("To-ProfileID", to_id)):
            if value not in self.drafts:
                raise self.error(element, f"{attribute}={value!r}: no DistinctParty profile "
                                          "with this ID")
        label = self.ref_text("RelationType", element, "RelationTypeID", required=True) or ""
        self.check("RelationQuality", element, "RelationQualityID")
        kind = _RELATIONS.get(label.casefold(), RelationKind.UNKNOWN_LINK)
        role = label + (" (former)" if element.get("Former") == "true" else "")
        start, end = self.bounds(self.find(element, "DatePeriod"))
        self.relations.append((from_id, to_id, Relation(  # type: ignore[arg-type]
            kind=kind, role=role, start_date=start, end_date=end, id=element.get("ID"))))

    def entry(self, element: etree._Element) -> None:
        profile_id = element.get("ProfileID")
        draft = self.drafts.get(profile_id or "")
        if draft is None:
            raise self.error(element, f"ProfileID={profile_id!r}: no DistinctParty profile "
                                      "with this ID")
        list_name = self.ref_text("List", element, "ListID")
        if list_name:
            self.lists.add(list_name)
        listed: list[str] = []
        bases: list[str] = []
        for event in self.findall(element, "EntryEvent"):
            self.check("EntryEventType", event, "EntryEventTypeID")
            basis = self.ref_text("LegalBasis", event, "LegalBasisID")
            if basis:
                bases.append(basis)
            when = self.date(self.find(event, "Date"))
            if when:
                listed.append(iso_date(*when))
        listed_on = min(listed) if listed else None
        codes: list[str] = []
        for measure in self.findall(element, "SanctionsMeasure"):
            kind = self.ref_text("SanctionsType", measure, "SanctionsTypeID", required=True)
            comment = self.text(measure, "Comment")
            if (kind or "").casefold() == "program" and comment:
                codes.append(comment)
        entry_id = element.get("ID")
        for code in codes:
            # The sanction record's id: the entry, and the program when an entry has several
            # (prefixed with the list id in entities()). Stable, as OFAC's entry ids are.
            sanction_id = None
            if entry_id is not None:
                sanction_id = f"entry-{entry_id}" + ("" if len(codes) == 1 else f"-{code}")
            draft.programs.append(Program(
                code=code, authority=AUTHORITY, listed_on=listed_on,
                reason="; ".join(dict.fromkeys(bases)) or None, id=sanction_id))
        if listed_on and (draft.listed_on is None or listed_on < draft.listed_on):
            draft.listed_on = listed_on

    # -- the pass ---------------------------------------------------------------------------

    def run(self) -> None:
        handlers = {
            "DateOfIssue": self.date_of_issue,
            "ReferenceValueSets": self.reference_values,
            "Location": self.location,
            "IDRegDocument": self.id_document,
            "DistinctParty": self.party,
            "ProfileRelationship": self.relationship,
            "SanctionsEntry": self.entry,
        }
        tags = tuple(self.p + name for name in handlers)
        try:
            for _event, element in etree.iterparse(str(self.path), events=("end",), tag=tags,
                                                   resolve_entities=False, no_network=True):
                handlers[element.tag[self.n:]](element)
                free(element)
        except etree.XMLSyntaxError as exc:
            raise xml_error(self.path, exc, _ROOT) from exc
        for identity, docs in self.docs.items():
            raise SourceError(self.path, f"IdentityID={identity!r}: no Identity with this ID",
                              line=docs[0].line, element="IDRegDocument")

    def date_of_issue(self, element: etree._Element) -> None:
        when = self.date(element)
        self.published = iso_date(*when) if when else None

    def source(self) -> str:
        if any(name.casefold() == "sdn list" for name in self.lists):
            return "ofac_sdn"
        if self.lists:
            return "ofac_cons"
        return list_from_name(self.path)

    def entities(self) -> Iterator[Entity]:
        source = self.source()
        for from_id, to_id, relation in self.relations:
            target = f"{source}:{self.fixed_refs[to_id]}"
            # The relationship's FtM id (FtM ids have no ":"), from OFAC's stable id.
            rel_id = f"{source}-rel-{relation.id}" if relation.id else None
            self.drafts[from_id].relations.append(Relation(
                kind=relation.kind, target=target, role=relation.role,
                start_date=relation.start_date, end_date=relation.end_date, id=rel_id))
        for draft in self.drafts.values():
            # FtM ids of the sanction records: no ":" allowed, so "<list>-entry-<ID>".
            draft.programs = [replace(p, id=f"{source}-{p.id}") if p.id else p
                              for p in draft.programs]
            yield classify_dprk(draft.build(source))


def parse(path: Path) -> Iterator[Entity]:
    """Read an OFAC advanced XML file; yields its entities once the whole file is read."""
    path = Path(path)
    reader = _Reader(path, _open(path))
    reader.run()
    yield from reader.entities()


def published(path: Path) -> str | None:
    """``DateOfIssue`` as an ISO date, or None; reads only the head of the file."""
    path = Path(path)
    try:
        reader = _Reader(path, _open(path))
        for event, element in etree.iterparse(
                str(path), events=("start", "end"),
                tag=(reader.p + "DateOfIssue", reader.p + "ReferenceValueSets"),
                resolve_entities=False, no_network=True):
            if element.tag.endswith("ReferenceValueSets"):
                return None  # DateOfIssue comes first, or not at all
            if event == "end":
                reader.date_of_issue(element)
                return reader.published
    except (SourceError, etree.XMLSyntaxError):
        return None
    return None


FORMAT = Format(name="ofac_advanced", sniff=sniff, parse=parse, published=published)
