"""OFAC advanced XML (sdn_advanced.xml): a small, realistic file written by the test.

No real advanced file is available offline, so the fixture follows the published schema
(Sanctions / ReferenceValueSets / Locations / IDRegDocuments / DistinctParties /
ProfileRelationships / SanctionsEntries) with OFAC's real reference ids and labels and three
real DPRK listings (RYU Jin, the vessel CHONG CHON GANG, LAZARUS GROUP), trimmed. The relationship
between LAZARUS GROUP and RYU Jin is made up for the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.model import IdKind, Identifier, Name, NameKind, RelationKind, Schema
from moneytrail.sources.base import SourceError
from moneytrail.sources.ofac_advanced import FORMAT, parse, published, sniff

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"

REFERENCE_VALUES = """\
  <ReferenceValueSets>
    <AliasTypeValues>
      <AliasType ID="1400">A.K.A.</AliasType>
      <AliasType ID="1401">F.K.A.</AliasType>
      <AliasType ID="1402">N.K.A.</AliasType>
      <AliasType ID="1403">Name</AliasType>
    </AliasTypeValues>
    <CountryValues>
      <Country ID="11084">Korea, North</Country>
      <Country ID="11096">Syria</Country>
      <Country ID="11153">China</Country>
    </CountryValues>
    <CountryRelevanceValues>
      <CountryRelevance ID="1413">Primary</CountryRelevance>
    </CountryRelevanceValues>
    <DetailReferenceValues>
      <DetailReference ID="91526">Male</DetailReference>
      <DetailReference ID="91530">General Cargo</DetailReference>
    </DetailReferenceValues>
    <DetailTypeValues>
      <DetailType ID="1430">DATE</DetailType>
      <DetailType ID="1431">LOOKUP</DetailType>
      <DetailType ID="1432">TEXT</DetailType>
      <DetailType ID="1433">COUNTRY</DetailType>
    </DetailTypeValues>
    <DocNameStatusValues>
      <DocNameStatus ID="1">Primary Latin</DocNameStatus>
      <DocNameStatus ID="2">Alias</DocNameStatus>
    </DocNameStatusValues>
    <EntryEventTypeValues>
      <EntryEventType ID="1">Created</EntryEventType>
    </EntryEventTypeValues>
    <FeatureTypeValues>
      <FeatureType ID="1" FeatureTypeGroupID="1">Vessel Call Sign</FeatureType>
      <FeatureType ID="2" FeatureTypeGroupID="1">VESSEL TYPE</FeatureType>
      <FeatureType ID="3" FeatureTypeGroupID="1">Vessel Flag</FeatureType>
      <FeatureType ID="8" FeatureTypeGroupID="2">Birthdate</FeatureType>
      <FeatureType ID="9" FeatureTypeGroupID="2">Place of Birth</FeatureType>
      <FeatureType ID="10" FeatureTypeGroupID="2">Nationality Country</FeatureType>
      <FeatureType ID="25" FeatureTypeGroupID="3">Location</FeatureType>
      <FeatureType ID="26" FeatureTypeGroupID="2">Title</FeatureType>
      <FeatureType ID="224" FeatureTypeGroupID="2">Gender</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="4">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="345" FeatureTypeGroupID="4">Digital Currency Address - ETH</FeatureType>
      <FeatureType ID="504" FeatureTypeGroupID="5">Secondary sanctions risk:</FeatureType>
    </FeatureTypeValues>
    <IDRegDocDateTypeValues>
      <IDRegDocDateType ID="1480">Issue Date</IDRegDocDateType>
      <IDRegDocDateType ID="1481">Expiration Date</IDRegDocDateType>
    </IDRegDocDateTypeValues>
    <IDRegDocTypeValues>
      <IDRegDocType ID="1571">Passport</IDRegDocType>
      <IDRegDocType ID="1626">Vessel Registration Identification</IDRegDocType>
    </IDRegDocTypeValues>
    <LegalBasisValues>
      <LegalBasis ID="1822" LegalBasisShortRef="EO13382" LegalBasisTypeID="1"
        SanctionsProgramID="1">Executive Order 13382 (WMD)</LegalBasis>
      <LegalBasis ID="91812" LegalBasisShortRef="EO13722" LegalBasisTypeID="1"
        SanctionsProgramID="2">Executive Order 13722 (North Korea)</LegalBasis>
    </LegalBasisValues>
    <ListValues>
      <List ID="1550">SDN List</List>
      <List ID="91507">Sectoral Sanctions Identifications List</List>
    </ListValues>
    <LocPartTypeValues>
      <LocPartType ID="1">Unknown</LocPartType>
      <LocPartType ID="1451">ADDRESS1</LocPartType>
      <LocPartType ID="1454">CITY</LocPartType>
    </LocPartTypeValues>
    <NamePartTypeValues>
      <NamePartType ID="1520">Last Name</NamePartType>
      <NamePartType ID="1521">First Name</NamePartType>
      <NamePartType ID="1525">Entity Name</NamePartType>
      <NamePartType ID="1526">Vessel Name</NamePartType>
    </NamePartTypeValues>
    <PartySubTypeValues>
      <PartySubType ID="1" PartyTypeID="4">Vessel</PartySubType>
      <PartySubType ID="2" PartyTypeID="4">Aircraft</PartySubType>
      <PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType>
      <PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType>
    </PartySubTypeValues>
    <PartyTypeValues>
      <PartyType ID="1">Individual</PartyType>
      <PartyType ID="2">Entity</PartyType>
      <PartyType ID="3">Location</PartyType>
      <PartyType ID="4">Transport</PartyType>
    </PartyTypeValues>
    <RelationQualityValues>
      <RelationQuality ID="1">Unknown</RelationQuality>
    </RelationQualityValues>
    <RelationTypeValues>
      <RelationType ID="1555">Associate Of</RelationType>
      <RelationType ID="15003">Owned or Controlled By</RelationType>
    </RelationTypeValues>
    <ReliabilityValues>
      <Reliability ID="1">Reliable</Reliability>
    </ReliabilityValues>
    <SanctionsTypeValues>
      <SanctionsType ID="1">Program</SanctionsType>
      <SanctionsType ID="1705">Block</SanctionsType>
    </SanctionsTypeValues>
    <ScriptValues>
      <Script ID="215" ScriptCode="Latn">Latin</Script>
      <Script ID="230" ScriptCode="Hang">Hangul</Script>
    </ScriptValues>
    <ValidityValues>
      <Validity ID="1">Valid</Validity>
    </ValidityValues>
  </ReferenceValueSets>
"""

LOCATIONS = """\
  <Locations>
    <Location ID="501">
      <LocationCountry CountryID="11084" CountryRelevanceID="1413" />
    </Location>
    <Location ID="502">
      <LocationPart LocPartTypeID="1454">
        <LocationPartValue Primary="true"><Value>Pyongyang</Value></LocationPartValue>
      </LocationPart>
      <LocationCountry CountryID="11084" CountryRelevanceID="1413" />
    </Location>
    <Location ID="503">
      <LocationPart LocPartTypeID="1451">
        <LocationPartValue Primary="true"><Value>Potonggang District</Value></LocationPartValue>
      </LocationPart>
      <LocationPart LocPartTypeID="1454">
        <LocationPartValue Primary="true"><Value>Pyongyang</Value></LocationPartValue>
      </LocationPart>
      <LocationCountry CountryID="11084" CountryRelevanceID="1413" />
    </Location>
  </Locations>
"""

ID_DOCUMENTS = """\
  <IDRegDocuments>
    <IDRegDocument ID="9001" IDRegDocTypeID="1571" IdentityID="20001"
      IssuedBy-CountryID="11084" ValidityID="1">
      <Comment />
      <IDRegistrationNo>563410081</IDRegistrationNo>
      <IssuingAuthority />
      <DocumentDate IDRegDocDateTypeID="1480">
        <DatePeriod CalendarTypeID="1" YearFixed="false" MonthFixed="false" DayFixed="false">
          <Start Approximate="false" YearFixed="false" MonthFixed="false" DayFixed="false">
            <From><Year>2013</Year><Month>3</Month><Day>5</Day></From>
            <To><Year>2013</Year><Month>3</Month><Day>5</Day></To>
          </Start>
          <End Approximate="false" YearFixed="false" MonthFixed="false" DayFixed="false">
            <From><Year>2013</Year><Month>3</Month><Day>5</Day></From>
            <To><Year>2013</Year><Month>3</Month><Day>5</Day></To>
          </End>
        </DatePeriod>
      </DocumentDate>
    </IDRegDocument>
    <IDRegDocument ID="9002" IDRegDocTypeID="1626" IdentityID="20002" ValidityID="1">
      <Comment />
      <IDRegistrationNo>IMO 7937317</IDRegistrationNo>
      <IssuingAuthority />
    </IDRegDocument>
  </IDRegDocuments>
"""


def _name(fixed_ref: str, parts: str, *, alias_type: str = "1403", primary: bool = False,
          low: bool = False, status: str = "1") -> str:
    return (f'<Alias FixedRef="{fixed_ref}" AliasTypeID="{alias_type}" '
            f'Primary="{str(primary).lower()}" LowQuality="{str(low).lower()}">'
            f'<DocumentedName ID="1{fixed_ref}" FixedRef="{fixed_ref}" DocNameStatusID="{status}">'
            f"{parts}</DocumentedName></Alias>")


def _part(group: str, value: str, script: str = "215") -> str:
    return (f'<DocumentedNamePart><NamePartValue NamePartGroupID="{group}" ScriptID="{script}" '
            f'ScriptStatusID="1" Acronym="false">{value}</NamePartValue></DocumentedNamePart>')


def _groups(*groups: tuple[str, str]) -> str:
    return "<NamePartGroups>" + "".join(
        f'<MasterNamePartGroup><NamePartGroup ID="{g}" NamePartTypeID="{t}" />'
        "</MasterNamePartGroup>" for g, t in groups) + "</NamePartGroups>"


def _text(value: str) -> str:
    return f'<VersionDetail DetailTypeID="1432">{value}</VersionDetail>'


_COUNTRY_DETAIL = '<VersionDetail DetailTypeID="1433" />'


def _feature(feature_id: str, type_id: str, body: str) -> str:
    return (f'<Feature ID="{feature_id}" FeatureTypeID="{type_id}">'
            f'<FeatureVersion ID="{feature_id}" ReliabilityID="1"><Comment />{body}'
            f"</FeatureVersion></Feature>")


DATE_1965 = """<DatePeriod CalendarTypeID="1" YearFixed="false" MonthFixed="false" DayFixed="false">
  <Start Approximate="false" YearFixed="false" MonthFixed="false" DayFixed="false">
    <From><Year>1965</Year><Month>8</Month><Day>7</Day></From>
    <To><Year>1965</Year><Month>8</Month><Day>7</Day></To></Start>
  <End Approximate="false" YearFixed="false" MonthFixed="false" DayFixed="false">
    <From><Year>1965</Year><Month>8</Month><Day>7</Day></From>
    <To><Year>1965</Year><Month>8</Month><Day>7</Day></To></End>
</DatePeriod>"""

PERSON = f"""\
    <DistinctParty FixedRef="17616">
      <Comment />
      <Profile ID="17616" PartySubTypeID="4">
        <Identity ID="20001" FixedRef="17616" Primary="true" False="false">
          <Alias FixedRef="17616" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="117616" FixedRef="17616" DocNameStatusID="1">
              {_part("40001", "RYU")}{_part("40002", "Jin")}
            </DocumentedName>
            <DocumentedName ID="117620" FixedRef="17616" DocNameStatusID="2">
              {_part("40007", "류진", script="230")}
            </DocumentedName>
          </Alias>
          {_name("17617", _part("40003", "RYU") + _part("40004", "Chin"), alias_type="1400",
                 status="2")}
          {_name("17618", _part("40005", "RI") + _part("40006", "Jin"), alias_type="1400",
                 low=True, status="2")}
          {_groups(("40001", "1520"), ("40002", "1521"), ("40003", "1520"), ("40004", "1521"),
                   ("40005", "1520"), ("40006", "1521"), ("40007", "1520"))}
        </Identity>
        {_feature("7001", "8", DATE_1965 + '<VersionDetail DetailTypeID="1430" />')}
        {_feature("7002", "10", _COUNTRY_DETAIL + '<VersionLocation LocationID="501" />')}
        {_feature("7003", "9", '<VersionLocation LocationID="502" />')}
        {_feature("7004", "26", _text("KOMID official in Syria"))}
        {_feature("7005", "224", '<VersionDetail DetailTypeID="1431" DetailReferenceID="91526" />')}
        {_feature("7006", "504", _text("North Korea Sanctions Regulations, sections 510.201 and "
                                       "510.210"))}
      </Profile>
    </DistinctParty>
"""

VESSEL = f"""\
    <DistinctParty FixedRef="17069">
      <Comment />
      <Profile ID="17069" PartySubTypeID="1">
        <Identity ID="20002" FixedRef="17069" Primary="true" False="false">
          {_name("17069", _part("41001", "CHONG CHON GANG"), primary=True)}
          {_groups(("41001", "1526"))}
        </Identity>
        {_feature("7101", "2", '<VersionDetail DetailTypeID="1431" DetailReferenceID="91530" />')}
        {_feature("7102", "3", _COUNTRY_DETAIL + '<VersionLocation LocationID="501" />')}
        {_feature("7103", "1", '<VersionDetail DetailTypeID="1432">HMZF</VersionDetail>')}
      </Profile>
    </DistinctParty>
"""

ENTITY = f"""\
    <DistinctParty FixedRef="27307">
      <Comment>Cyber operations unit.</Comment>
      <Profile ID="27307" PartySubTypeID="3">
        <Identity ID="20003" FixedRef="27307" Primary="true" False="false">
          {_name("27307", _part("42001", "LAZARUS GROUP"), primary=True)}
          {_name("27308", _part("42002", "HIDDEN COBRA"), alias_type="1400", low=True, status="2")}
          {_name("27309", _part("42003", "BUREAU 121"), alias_type="1401", status="2")}
          {_groups(("42001", "1525"), ("42002", "1525"), ("42003", "1525"))}
        </Identity>
        {_feature("7201", "25", '<VersionLocation LocationID="503" />')}
        {_feature("7202", "345", _text("0x098B716B8Aaf21512996dC57EB0615e2383E2f96"))}
        {_feature("7203", "344", _text("134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"))}
      </Profile>
    </DistinctParty>
"""

RELATIONSHIPS = """\
  <ProfileRelationships>
    <ProfileRelationship ID="30001" From-ProfileID="27307" To-ProfileID="17616"
      RelationTypeID="15003" RelationQualityID="1" Former="false" SanctionsEntryID="27307">
      <Comment />
    </ProfileRelationship>
  </ProfileRelationships>
"""


def _entry(entry_id: str, profile: str, programs: list[str], basis: str, date: tuple[int, int, int],
           list_id: str = "1550") -> str:
    measures = "".join(
        f'<SanctionsMeasure ID="{entry_id}{i}" SanctionsTypeID="1"><Comment>{p}</Comment>'
        f"</SanctionsMeasure>" for i, p in enumerate(programs))
    y, m, d = date
    return (f'<SanctionsEntry ID="{entry_id}" ProfileID="{profile}" ListID="{list_id}">'
            f'<EntryEvent ID="{entry_id}" EntryEventTypeID="1" LegalBasisID="{basis}"><Comment />'
            f'<Date CalendarTypeID="1"><Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></Date>'
            f'</EntryEvent><SanctionsMeasure ID="{entry_id}9" SanctionsTypeID="1705"><Comment />'
            f"</SanctionsMeasure>{measures}</SanctionsEntry>")


def advanced_xml(*, list_id: str = "1550", namespace: str = NS) -> str:
    entries = "\n".join((
        _entry("18001", "17616", ["DPRK2"], "91812", (2016, 3, 2), list_id),
        _entry("18002", "17069", ["DPRK"], "1822", (2014, 7, 30), list_id),
        _entry("18003", "27307", ["DPRK3", "CYBER2"], "91812", (2019, 9, 13), list_id),
    ))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{namespace}">
  <DateOfIssue><Year>2024</Year><Month>5</Month><Day>3</Day></DateOfIssue>
{REFERENCE_VALUES}{LOCATIONS}{ID_DOCUMENTS}  <DistinctParties>
{PERSON}{VESSEL}{ENTITY}  </DistinctParties>
{RELATIONSHIPS}  <SanctionsEntries>
{entries}
  </SanctionsEntries>
  <SanctionsEntryLinks />
</Sanctions>
"""


@pytest.fixture()
def sdn_advanced(tmp_path: Path) -> Path:
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(advanced_xml(), encoding="utf-8")
    return path


@pytest.fixture()
def entities(sdn_advanced: Path) -> dict:
    return {e.source_id: e for e in parse(sdn_advanced)}


def test_sniff_and_published(sdn_advanced: Path, tmp_path: Path) -> None:
    head = sdn_advanced.read_bytes()[:65536]
    assert sniff(sdn_advanced, head) == "ofac_sdn"
    assert sniff(tmp_path / "cons_advanced.xml", head) == "ofac_cons"
    assert FORMAT.name == "ofac_advanced" and FORMAT.parse is parse
    old = advanced_xml(namespace="http://www.un.org/sanctions/1.0").encode()
    assert sniff(sdn_advanced, old) == "ofac_sdn"
    # Other roots and other namespaces are not this format.
    assert sniff(sdn_advanced, old.replace(b"http://www.un.org/sanctions/1.0", b"urn:x")) is None
    classic = b'<?xml version="1.0"?>\n<sdnList xmlns="http://tempuri.org/sdnList.xsd">'
    assert sniff(sdn_advanced, classic) is None
    assert sniff(sdn_advanced, b"sep=,\nname,country\n") is None
    assert published(sdn_advanced) == "2024-05-03"


def test_counts_schemas_and_ids(entities: dict) -> None:
    assert set(entities) == {"17616", "17069", "27307"}
    assert {k: e.schema for k, e in entities.items()} == {
        "17616": Schema.PERSON, "17069": Schema.VESSEL, "27307": Schema.ORGANIZATION}
    for key, entity in entities.items():
        assert entity.id == f"ofac_sdn:{key}" and entity.source == "ofac_sdn"
        assert entity.dprk


def test_individual(entities: dict) -> None:
    ryu = entities["17616"]
    assert ryu.names == (
        Name(full="RYU, Jin", kind=NameKind.PRIMARY, given="Jin", family="RYU"),
        Name(full="류진", kind=NameKind.ORIGINAL_SCRIPT, family="류진", lang="Hang"),
        Name(full="RYU, Chin", kind=NameKind.ALIAS, given="Chin", family="RYU"),
        Name(full="RI, Jin", kind=NameKind.WEAK_ALIAS, given="Jin", family="RI"),
    )
    assert ryu.caption == "RYU, Jin"
    assert ryu.birth_dates == ("1965-08-07",)
    assert ryu.nationalities == ("kp",)
    assert ryu.birth_places == ("Pyongyang, Korea, North",)
    assert ryu.gender == "male"
    assert ryu.titles == ("KOMID official in Syria",)
    assert ryu.properties == (("birthCountry", "kp"),)
    assert ryu.identifiers == (
        Identifier(kind=IdKind.PASSPORT, value="563410081", country="kp", note="issued 2013-03-05"),
    )
    assert ryu.notes == ("Secondary sanctions risk: North Korea Sanctions Regulations, "
                         "sections 510.201 and 510.210",)
    assert [(p.code, p.authority, p.listed_on, p.reason, p.dprk, p.id) for p in ryu.programs] == [
        ("DPRK2", "OFAC", "2016-03-02", "Executive Order 13722 (North Korea)", True,
         "ofac_sdn-entry-18001")]
    assert ryu.listed_on == "2016-03-02"
    assert ryu.relations == ()  # the relationship is stated from the entity's side
    assert ryu.remarks is None


def test_vessel(entities: dict) -> None:
    ship = entities["17069"]
    assert ship.names == (Name(full="CHONG CHON GANG", kind=NameKind.PRIMARY),)
    assert ship.identifiers == (
        Identifier(kind=IdKind.IMO, value="7937317"),
        Identifier(kind=IdKind.CALL_SIGN, value="HMZF"),
    )
    assert ship.countries == ("kp",)
    assert ship.properties == (("type", "General Cargo"), ("flag", "kp"))
    assert [(p.code, p.reason) for p in ship.programs] == [("DPRK", "Executive Order 13382 (WMD)")]
    assert ship.listed_on == "2014-07-30"


def test_entity_crypto_address_and_relationship(entities: dict) -> None:
    lazarus = entities["27307"]
    assert lazarus.names == (
        Name(full="LAZARUS GROUP", kind=NameKind.PRIMARY),
        Name(full="HIDDEN COBRA", kind=NameKind.WEAK_ALIAS),
        Name(full="BUREAU 121", kind=NameKind.FORMER),
    )
    assert lazarus.identifiers == (
        Identifier(kind=IdKind.CRYPTO, value="0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                   asset="ETH"),
        Identifier(kind=IdKind.CRYPTO, value="134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak", asset="XBT"),
    )
    (address,) = lazarus.addresses
    assert (address.full, address.street, address.city, address.country) == (
        "Potonggang District, Pyongyang, Korea, North", "Potonggang District", "Pyongyang", "kp")
    (relation,) = lazarus.relations
    assert relation.kind is RelationKind.OWNED_BY
    assert relation.target == "ofac_sdn:17616"
    assert relation.role == "Owned or Controlled By"
    assert relation.id == "ofac_sdn-rel-30001"
    assert [(p.code, p.dprk, p.id) for p in lazarus.programs] == [
        ("DPRK3", True, "ofac_sdn-entry-18003-DPRK3"),
        ("CYBER2", False, "ofac_sdn-entry-18003-CYBER2")]
    assert lazarus.remarks == "Cyber operations unit."


def test_entities_survive_json_round_trip(entities: dict) -> None:
    from moneytrail.model import Entity

    for entity in entities.values():
        assert Entity.from_dict(entity.to_dict()) == entity


def test_non_sdn_list_gives_ofac_cons(tmp_path: Path) -> None:
    path = tmp_path / "advanced.xml"
    path.write_text(advanced_xml(list_id="91507"), encoding="utf-8")
    found = list(parse(path))
    assert {e.source for e in found} == {"ofac_cons"}
    assert {e.id for e in found} == {"ofac_cons:17616", "ofac_cons:17069", "ofac_cons:27307"}
    lazarus = next(e for e in found if e.source_id == "27307")
    assert lazarus.relations[0].target == "ofac_cons:17616"


def _period(start: tuple[int, int, int], end: tuple[int, int, int]) -> str:
    def point(tag: str, y: int, m: int, d: int) -> str:
        return f"<{tag}><Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></{tag}>"
    return (f'<DatePeriod CalendarTypeID="1"><Start Approximate="true">{point("From", *start)}'
            f'{point("To", *start)}</Start><End Approximate="true">{point("From", *end)}'
            f'{point("To", *end)}</End></DatePeriod>')


@pytest.mark.parametrize(("start", "end", "expected"), [
    ((1965, 1, 1), (1965, 12, 31), ("1965",)),  # OFAC's "1965"
    ((1965, 8, 1), (1965, 8, 31), ("1965-08",)),  # "Aug 1965"
    ((1964, 1, 1), (1966, 12, 31), ("1964", "1965", "1966")),  # "1964 to 1966"
    ((1940, 1, 1), (1970, 12, 31), ("1940-01-01", "1970-12-31")),  # too wide to list years
])
def test_birth_date_ranges(tmp_path: Path, start: tuple, end: tuple, expected: tuple) -> None:
    text = advanced_xml().replace(DATE_1965, _period(start, end))
    path = _write(tmp_path, text)
    ryu = next(e for e in parse(path) if e.source_id == "17616")
    assert ryu.birth_dates == expected


def test_former_relationship_with_dates(tmp_path: Path) -> None:
    text = advanced_xml().replace(
        'Former="false" SanctionsEntryID="27307">\n      <Comment />',
        'Former="true" SanctionsEntryID="27307">\n      <Comment />'
        + _period((2012, 3, 1), (2017, 6, 30)))
    path = _write(tmp_path, text)
    lazarus = next(e for e in parse(path) if e.source_id == "27307")
    (relation,) = lazarus.relations
    assert relation.role == "Owned or Controlled By (former)"
    assert (relation.start_date, relation.end_date) == ("2012-03-01", "2017-06-30")


# ------------------------------------------------------------------------------------------
# Malformed input
# ------------------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "sdn_advanced.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    """The line libxml2 reports for the element whose start tag holds ``needle``: the line on
    which that start tag ends."""
    end = text.index(">", text.index(needle))
    return text[:end].count("\n") + 1


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.path == str(path)
    assert "empty" in str(err.value)
    assert published(path) is None


def test_truncated_file(tmp_path: Path) -> None:
    text = advanced_xml()
    cut = text[: text.index("<SanctionsEntries>") + 200]
    path = _write(tmp_path, cut)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert str(path) in str(err.value)
    assert "truncated" in err.value.reason
    assert err.value.line == cut.count("\n") + 1


def test_wrong_root(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n<sdnList xmlns="http://tempuri.org/'
                            'sdnList.xsd"><publshInformation/></sdnList>')
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.element == "sdnList" and err.value.line == 2
    # The right root name in a foreign namespace is refused too.
    path = _write(tmp_path, advanced_xml(namespace="urn:not-ofac"))
    with pytest.raises(SourceError, match="not an OFAC advanced XML file"):
        list(parse(path))


@pytest.mark.parametrize(("old", "new", "element", "needle"), [
    # A feature type that ReferenceValueSets does not define.
    ('<Feature ID="7004" FeatureTypeID="26">', '<Feature ID="7004" FeatureTypeID="99999">',
     "Feature", "FeatureTypeID='99999'"),
    # A location that Locations does not define.
    ('<VersionLocation LocationID="502" />', '<VersionLocation LocationID="777" />',
     "VersionLocation", "LocationID='777'"),
    # An alias type that does not exist.
    ('AliasTypeID="1401"', 'AliasTypeID="1499"', "Alias", "AliasTypeID='1499'"),
    # A relationship to a profile that is not in the file.
    ('To-ProfileID="17616"', 'To-ProfileID="99"', "ProfileRelationship", "To-ProfileID='99'"),
    # A sanctions entry for a profile that is not in the file.
    ('ProfileID="17069" ListID', 'ProfileID="11" ListID', "SanctionsEntry", "ProfileID='11'"),
    # A list that ListValues does not define.
    ('ProfileID="27307" ListID="1550"', 'ProfileID="27307" ListID="1"', "SanctionsEntry",
     "ListID='1'"),
    # A name part whose group the identity does not declare.
    ('NamePartGroupID="42003"', 'NamePartGroupID="49999"', "NamePartValue",
     "NamePartGroupID='49999'"),
    # A party sub-type that does not exist.
    ('<Profile ID="17069" PartySubTypeID="1">', '<Profile ID="17069" PartySubTypeID="7">',
     "Profile", "PartySubTypeID='7'"),
])
def test_unknown_reference(tmp_path: Path, old: str, new: str, element: str, needle: str) -> None:
    text = advanced_xml()
    assert old in text
    text = text.replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.path == str(path)
    assert err.value.element == element
    assert needle in err.value.reason
    assert err.value.line == _line_of(text, new)


def test_orphan_id_document(tmp_path: Path) -> None:
    text = advanced_xml().replace('IdentityID="20002"', 'IdentityID="55555"')
    path = _write(tmp_path, text)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.element == "IDRegDocument"
    assert err.value.line == _line_of(text, 'IdentityID="55555"')
