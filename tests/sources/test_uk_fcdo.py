"""UK Sanctions List (FCDO): small XML and CSV files written here, mapped field by field.

No real file is available offline; the shapes follow the published layout documented in
:mod:`moneytrail.sources.uk_fcdo` (element names, ``dd/mm/yyyy`` dates with ``dd``/``mm``
placeholders, ``IMO9562233``, the CSV's ``Report Date:`` line and its one-row-per-combination
product).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from moneytrail.model import (
    Address, Entity, IdKind, Identifier, Name, NameKind, Program, Relation, RelationKind, Schema,
)
from moneytrail.sources import SourceError, detect, format_by_name
from moneytrail.sources import uk_fcdo

DPRK_REGIME = "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"
RUSSIA_REGIME = "The Russia (Sanctions) (EU Exit) Regulations 2019"

PERSON_XML = f"""  <Designation>
    <LastUpdated>04/08/2026</LastUpdated>
    <DateDesignated>22/12/2017</DateDesignated>
    <UniqueID>DPR0270</UniqueID>
    <OFSIGroupID>13562</OFSIGroupID>
    <UNReferenceNumber>KPi.067</UNReferenceNumber>
    <Names>
      <Name><Name1>Kyong</Name1><Name2>Il</Name2><Name6>KIM</Name6>
        <NameType>Primary Name</NameType></Name>
      <Name><Name1>Kyo'ng-il</Name1><Name6>KIM</Name6>
        <NameType>Primary name variation</NameType></Name>
      <Name><Name6>Kimmy</Name6><NameType>ALias</NameType>
        <AliasStrength>Low quality a.k.a</AliasStrength></Name>
    </Names>
    <NonLatinNames>
      <NonLatinName><NameNonLatinScript>김경일</NameNonLatinScript>
        <NonLatinScriptType>Korean</NonLatinScriptType>
        <NonLatinScriptLanguage>Korean</NonLatinScriptLanguage></NonLatinName>
    </NonLatinNames>
    <RegimeName>{DPRK_REGIME}</RegimeName>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <DesignationSource>UN</DesignationSource>
    <SanctionsImposed>Asset freeze|Travel Ban</SanctionsImposed>
    <OtherInformation>Foreign Trade Bank deputy chief representative in Libya.</OtherInformation>
    <UKStatementofReasons>
Deputy chief representative of the Foreign Trade Bank.
</UKStatementofReasons>
    <Addresses><Address><AddressLine6>Tripoli</AddressLine6>
      <AddressCountry>Libya</AddressCountry></Address></Addresses>
    <Titles><Title>Mr</Title></Titles>
    <IndividualDetails>
      <Individual>
        <DOBs><DOB>01/08/1979</DOB><DOB>dd/mm/1980</DOB><DOB>15/08/19yy</DOB></DOBs>
        <Nationalities><Nationality>North Korea</Nationality></Nationalities>
        <PassportDetails><Passport><PassportNumber>836210029</PassportNumber>
          <PassportAdditionalInformation>DPRK diplomatic passport, expires 2022\
</PassportAdditionalInformation>
        </Passport></PassportDetails>
        <NationalIdentifierDetails>
          <NationalIdentifier>
            <NationalIdentifierNumber>KP-1234</NationalIdentifierNumber></NationalIdentifier>
          <NationalIdentifier><NationalIdentifierAdditionalInformation>Military ID, number unknown\
</NationalIdentifierAdditionalInformation></NationalIdentifier>
        </NationalIdentifierDetails>
        <Positions><Position>Foreign Trade Bank deputy chief representative</Position></Positions>
        <BirthDetails><Location><TownOfBirth>Pyongyang</TownOfBirth>
          <CountryOfBirth>North Korea</CountryOfBirth></Location></BirthDetails>
        <Genders><Gender>Male</Gender></Genders>
      </Individual>
    </IndividualDetails>
  </Designation>
"""

SHIP_XML = f"""  <Designation>
    <LastUpdated>18/12/2021</LastUpdated>
    <DateDesignated>03/10/2017</DateDesignated>
    <UniqueID>DPR0075</UniqueID>
    <Names>
      <Name><Name6>PETREL 8</Name6><NameType>Primary name</NameType></Name>
      <Name><Name6>JAL VAHINI</Name6><NameType>Alias</NameType></Name>
    </Names>
    <RegimeName>{DPRK_REGIME}</RegimeName>
    <IndividualEntityShip>Ship</IndividualEntityShip>
    <DesignationSource>UN</DesignationSource>
    <SanctionsImposed>Prohibition of port entry|Deflag</SanctionsImposed>
    <ShipDetails>
      <Ship>
        <IMONumbers><IMONumber>IMO9562233</IMONumber></IMONumbers>
        <CurrentOwnerOperators>
          <CurrentOwnerOperator>Global United Shipping India</CurrentOwnerOperator>
        </CurrentOwnerOperators>
        <PreviousOwnerOperators>
          <PreviousOwnerOperator>Old Owner Ltd</PreviousOwnerOperator>
        </PreviousOwnerOperators>
        <CurrentBelievedFlagOfShips>
          <CurrentBelievedFlagOfShip>Comoros</CurrentBelievedFlagOfShip>
        </CurrentBelievedFlagOfShips>
        <PreviousFlags><PreviousFlag>India</PreviousFlag></PreviousFlags>
        <TypeOfShipDetails><TypeOfShip>Bulk Carrier</TypeOfShip></TypeOfShipDetails>
        <TonnageOfShipDetails><TonnageOfShip>7078</TonnageOfShip></TonnageOfShipDetails>
        <LengthOfShipDetails><LengthOfShip>120</LengthOfShip></LengthOfShipDetails>
        <YearsBuilt><YearBuilt>2011</YearBuilt></YearsBuilt>
        <HullIdentificationNumbers>
          <HullIdentificationNumber>HIN-77</HullIdentificationNumber>
        </HullIdentificationNumbers>
      </Ship>
    </ShipDetails>
  </Designation>
"""

ENTITY_XML = f"""  <Designation>
    <LastUpdated>04/08/2026</LastUpdated>
    <DateDesignated>24/02/2022</DateDesignated>
    <UniqueID>RUS1000</UniqueID>
    <OFSIGroupID>14200</OFSIGroupID>
    <Names><Name><Name6>EXAMPLE TRADING LLC</Name6><NameType>Primary Name</NameType></Name></Names>
    <NonLatinNames><NonLatinName><NameNonLatinScript>ООО ПРИМЕР</NameNonLatinScript>
      <NonLatinScriptType>Cyrillic</NonLatinScriptType></NonLatinName></NonLatinNames>
    <RegimeName>{RUSSIA_REGIME}</RegimeName>
    <IndividualEntityShip>Entity</IndividualEntityShip>
    <DesignationSource>UK</DesignationSource>
    <SanctionsImposed>Asset freeze|Trust services sanctions</SanctionsImposed>
    <OtherInformation>(UK Sanctions List Ref):RUS1000.</OtherInformation>
    <UKStatementofReasons>Supplies the military.</UKStatementofReasons>
    <Addresses><Address>
      <AddressLine1>12 Tverskaya St</AddressLine1><AddressLine2>Office 4</AddressLine2>
      <AddressLine6>Moscow</AddressLine6><AddressPostalCode>125009</AddressPostalCode>
      <AddressCountry>Russia</AddressCountry>
    </Address></Addresses>
    <PhoneNumbers><PhoneNumber>+7 495 123 4567</PhoneNumber></PhoneNumbers>
    <EmailAddresses><EmailAddress>info@example.ru; sales@example.ru</EmailAddress></EmailAddresses>
    <Websites><Website>www.example.ru</Website></Websites>
    <EntityDetails>
      <Entity>
        <TypeOfEntities><TypeOfEntity>Limited Liability Company</TypeOfEntity></TypeOfEntities>
        <BusinessRegistrationNumbers>
          <BusinessRegistrationNumber>INN: 7710137066</BusinessRegistrationNumber>
        </BusinessRegistrationNumbers>
        <ParentCompanies><ParentCompany>Example Holding JSC</ParentCompany></ParentCompanies>
        <Subsidiaries><Subsidiary>Example Logistics LLC</Subsidiary></Subsidiaries>
      </Entity>
    </EntityDetails>
  </Designation>
"""


def _xml(*designations: str, generated: str = "07/09/2026", root: str = "Designations") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>\n'
            f"  <DateGenerated>{generated}</DateGenerated>\n"
            + "".join(designations) + f"</{root}>\n")


EXPECTED_PERSON = Entity(
    id="uk_fcdo:DPR0270", source="uk_fcdo", source_id="DPR0270", schema=Schema.PERSON,
    names=(Name("Kyong Il KIM", NameKind.PRIMARY, given="Kyong Il", family="KIM"),
           Name("Kyo'ng-il KIM", NameKind.ALIAS, given="Kyo'ng-il", family="KIM"),
           Name("Kimmy", NameKind.WEAK_ALIAS),
           Name("김경일", NameKind.ORIGINAL_SCRIPT, lang="ko")),
    programs=(Program(DPRK_REGIME, "UK FCDO", True, "2017-12-22",
                      reason="Deputy chief representative of the Foreign Trade Bank.",
                      id="DPR0270"),),
    dprk=True, birth_dates=("1979-08-01", "1980"), birth_places=("Pyongyang, North Korea",),
    nationalities=("kp",), gender="male", titles=("Mr",),
    positions=("Foreign Trade Bank deputy chief representative",),
    identifiers=(Identifier(IdKind.PASSPORT, "836210029", country="kp",
                            note="DPRK diplomatic passport, expires 2022"),
                 Identifier(IdKind.NATIONAL_ID, "KP-1234")),
    addresses=(Address(full="Tripoli, Libya", country="ly"),),
    listed_on="2017-12-22", modified_on="2026-08-04",
    remarks="Foreign Trade Bank deputy chief representative in Libya.",
    notes=("Designation source: UN", "Sanctions imposed: Asset freeze|Travel Ban",
           "OFSI group ID: 13562", "UN reference: KPi.067",
           "Date of birth as published: 15/08/19yy",
           "National identifier: Military ID, number unknown"))

EXPECTED_SHIP = Entity(
    id="uk_fcdo:DPR0075", source="uk_fcdo", source_id="DPR0075", schema=Schema.VESSEL,
    names=(Name("PETREL 8", NameKind.PRIMARY), Name("JAL VAHINI", NameKind.ALIAS)),
    programs=(Program(DPRK_REGIME, "UK FCDO", True, "2017-10-03", id="DPR0075"),),
    dprk=True, countries=("km",),
    identifiers=(Identifier(IdKind.IMO, "9562233"),
                 Identifier(IdKind.REGISTRATION, "HIN-77",
                            note="Hull identification number (HIN)")),
    relations=(Relation(RelationKind.OWNED_BY, target_name="Global United Shipping India",
                        role="Current owner/operator"),
               Relation(RelationKind.UNKNOWN_LINK, target_name="Old Owner Ltd",
                        role="Previous owner/operator")),
    listed_on="2017-10-03", modified_on="2021-12-18",
    notes=("Designation source: UN", "Sanctions imposed: Prohibition of port entry|Deflag",
           "Length of ship: 120"),
    properties=(("flag", "km"), ("pastFlags", "in"), ("type", "Bulk Carrier"),
                ("tonnage", "7078"), ("buildDate", "2011")))

EXPECTED_ENTITY = Entity(
    id="uk_fcdo:RUS1000", source="uk_fcdo", source_id="RUS1000", schema=Schema.ORGANIZATION,
    names=(Name("EXAMPLE TRADING LLC", NameKind.PRIMARY),
           Name("ООО ПРИМЕР", NameKind.ORIGINAL_SCRIPT, lang="Cyrl")),
    programs=(Program(RUSSIA_REGIME, "UK FCDO", False, "2022-02-24",
                      reason="Supplies the military.", id="RUS1000"),),
    identifiers=(Identifier(IdKind.PHONE, "+7 495 123 4567"),
                 Identifier(IdKind.EMAIL, "info@example.ru"),
                 Identifier(IdKind.EMAIL, "sales@example.ru"),
                 Identifier(IdKind.WEBSITE, "www.example.ru"),
                 Identifier(IdKind.REGISTRATION, "INN: 7710137066")),
    addresses=(Address(full="12 Tverskaya St, Office 4, Moscow, 125009, Russia",
                       postal_code="125009", country="ru"),),
    relations=(Relation(RelationKind.OWNED_BY, target_name="Example Holding JSC",
                        role="Parent company"),
               Relation(RelationKind.OWNS, target_name="Example Logistics LLC",
                        role="Subsidiary")),
    listed_on="2022-02-24", modified_on="2026-08-04",
    remarks="(UK Sanctions List Ref):RUS1000.",
    notes=("Designation source: UK", "Sanctions imposed: Asset freeze|Trust services sanctions",
           "OFSI group ID: 14200", "Type of entity: Limited Liability Company"))


@pytest.fixture
def xml_path(tmp_path) -> Path:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml(PERSON_XML, SHIP_XML, ENTITY_XML), encoding="utf-8")
    return path


def test_xml_every_field(xml_path):
    person, ship, entity = uk_fcdo.parse_xml(xml_path)
    assert person == EXPECTED_PERSON
    assert ship == EXPECTED_SHIP
    assert entity == EXPECTED_ENTITY


def test_xml_with_a_namespace_reads_the_same(tmp_path):
    path = tmp_path / "UK-Sanctions-List.xml"
    text = _xml(PERSON_XML, SHIP_XML).replace(
        "<Designations>", '<Designations xmlns="http://example.org/uksl">')
    path.write_text(text, encoding="utf-8")
    assert list(uk_fcdo.parse_xml(path)) == [EXPECTED_PERSON, EXPECTED_SHIP]
    assert uk_fcdo.sniff_xml(path, path.read_bytes()) == "uk_fcdo"


def test_xml_published_sniff_and_detect(xml_path):
    assert uk_fcdo.published_xml(xml_path) == "2026-09-07"
    assert uk_fcdo.sniff_xml(xml_path, xml_path.read_bytes()) == "uk_fcdo"
    assert uk_fcdo.sniff_csv(xml_path, xml_path.read_bytes()) is None
    hit = detect(xml_path)
    assert hit.source == "uk_fcdo" and hit.format is format_by_name("uk_fcdo")
    assert hit.published == "2026-09-07"


# -- CSV: the same three designations, one row per combination of repeated values ---------------

def _rows_person() -> list[dict[str, str]]:
    base = {"Last Updated": "04/08/2026", "Unique ID": "DPR0270", "OFSI Group ID": "13562",
            "UN Reference Number": "KPi.067", "Name non-latin script": "김경일",
            "Non-latin script type": "Korean", "Non-latin script language": "Korean",
            "Regime Name": DPRK_REGIME, "Designation Type": "Individual",
            "Designation source": "UN", "Sanctions Imposed": "Asset freeze|Travel Ban",
            "Other Information": "Foreign Trade Bank deputy chief representative in Libya.",
            "UK Statement of Reasons": "Deputy chief representative of the Foreign Trade Bank.",
            "Address Line 6": "Tripoli", "Address Country": "Libya",
            "Date Designated": "22/12/2017", "Nationality(/ies)": "North Korea",
            "Passport number": "836210029",
            "Passport additional information": "DPRK diplomatic passport, expires 2022",
            "Position": "Foreign Trade Bank deputy chief representative", "Gender": "Male",
            "Town of birth": "Pyongyang", "Country of birth": "North Korea", "Title": "Mr"}
    names = [{"Name 1": "Kyong", "Name 2": "Il", "Name 6": "KIM", "Name type": "Primary Name"},
             {"Name 1": "Kyo'ng-il", "Name 6": "KIM", "Name type": "Primary name variation"},
             {"Name 6": "Kimmy", "Name type": "Alias", "Alias strength": "Low quality a.k.a"}]
    nids = [{"National Identifier number": "KP-1234"},
            {"National Identifier additional information": "Military ID, number unknown"}]
    return [{**base, **nid, "D.O.B": dob, **name}
            for nid in nids for dob in ("01/08/1979", "dd/mm/1980", "15/08/19yy")
            for name in names]


def _rows_ship() -> list[dict[str, str]]:
    base = {"Last Updated": "18/12/2021", "Unique ID": "DPR0075", "Regime Name": DPRK_REGIME,
            "Designation Type": "Ship", "Designation source": "UN",
            "Sanctions Imposed": "Prohibition of port entry|Deflag",
            "Date Designated": "03/10/2017", "IMO number": "IMO9562233",
            "Current owner/operator (s)": "Global United Shipping India",
            "Previous owner/operator (s)": "Old Owner Ltd",
            "Current believed flag of ship": "Comoros", "Previous flags": "India",
            "Type of ship": "Bulk Carrier", "Tonnage of ship": "7078", "Length of ship": "120",
            "Year Built": "2011", "Hull identification number (HIN)": "HIN-77"}
    return [{**base, "Name 6": "PETREL 8", "Name type": "Primary name"},
            {**base, "Name 6": "JAL VAHINI", "Name type": "Alias"}]


def _rows_entity() -> list[dict[str, str]]:
    return [{"Last Updated": "04/08/2026", "Unique ID": "RUS1000", "OFSI Group ID": "14200",
             "Name 6": "EXAMPLE TRADING LLC", "Name type": "Primary Name",
             "Name non-latin script": "ООО ПРИМЕР", "Non-latin script type": "Cyrillic",
             "Regime Name": RUSSIA_REGIME, "Designation Type": "Entity",
             "Designation source": "UK",
             "Sanctions Imposed": "Asset freeze|Trust services sanctions",
             "Other Information": "(UK Sanctions List Ref):RUS1000.",
             "UK Statement of Reasons": "Supplies the military.",
             "Address Line 1": "12 Tverskaya St", "Address Line 2": "Office 4",
             "Address Line 6": "Moscow", "Address Postal Code": "125009",
             "Address Country": "Russia", "Phone number": "+7 495 123 4567",
             "Website": "www.example.ru", "Email address": "info@example.ru; sales@example.ru",
             "Date Designated": "24/02/2022", "Type of entity": "Limited Liability Company",
             "Subsidiaries": "Example Logistics LLC", "Parent company": "Example Holding JSC",
             "Business registration number (s)": "INN: 7710137066"}]


def _csv(rows: list[dict[str, str]], first: str = "Report Date: 07-Sep-2026",
         columns: tuple[str, ...] = uk_fcdo.CSV_COLUMNS) -> str:
    out = io.StringIO()
    out.write(first + "\r\n")
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def csv_path(tmp_path) -> Path:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(_csv(_rows_person() + _rows_ship() + _rows_entity()), encoding="utf-8-sig")
    return path


def test_csv_gives_the_same_entities_as_the_xml(csv_path):
    assert list(uk_fcdo.parse_csv(csv_path)) == [EXPECTED_PERSON, EXPECTED_SHIP,
                                                 EXPECTED_ENTITY]


def test_csv_columns_are_found_by_name_not_position(tmp_path):
    columns = tuple(reversed(uk_fcdo.CSV_COLUMNS))
    path = tmp_path / "UK-Sanctions-List.csv"
    text = _csv(_rows_ship(), columns=columns).replace("Designation Type", "designation  type")
    path.write_text(text, encoding="utf-8")
    assert list(uk_fcdo.parse_csv(path)) == [EXPECTED_SHIP]


def test_csv_published_sniff_and_detect(csv_path):
    assert uk_fcdo.published_csv(csv_path) == "2026-09-07"
    assert uk_fcdo.sniff_csv(csv_path, csv_path.read_bytes()) == "uk_fcdo"
    assert uk_fcdo.sniff_xml(csv_path, csv_path.read_bytes()) is None
    hit = detect(csv_path)
    assert hit.source == "uk_fcdo" and hit.format is format_by_name("uk_fcdo_csv")
    assert hit.published == "2026-09-07"
    assert list(uk_fcdo.parse(csv_path))[0] == EXPECTED_PERSON  # dispatch by content


# -- bad files ------------------------------------------------------------------------------------

def _error(path: Path, parse=uk_fcdo.parse_xml) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(parse(path))
    assert str(path) in str(info.value)
    return info.value


def test_empty_files(tmp_path):
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(b"")
    assert "empty" in _error(path).reason
    assert "empty" in _error(path, uk_fcdo.parse_csv).reason


def test_truncated_xml(tmp_path):
    text = _xml(PERSON_XML, SHIP_XML, ENTITY_XML)
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    err = _error(path)
    assert err.line is not None and err.line > 20 and "well-formed" in err.reason


def test_xml_wrong_encoding(tmp_path):
    text = _xml(SHIP_XML)
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(text.encode("utf-8").replace(b"Old Owner", b"\xd6ld Owner"))
    assert _error(path).line == next(
        i for i, line in enumerate(text.splitlines(), 1) if "Old Owner" in line)


def test_xml_wrong_root(tmp_path):
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml(SHIP_XML, root="ConsolidatedList"), encoding="utf-8")
    err = _error(path)
    assert err.element == "ConsolidatedList" and err.line == 2
    assert uk_fcdo.sniff_xml(path, path.read_bytes()) is None


@pytest.mark.parametrize("old, new, element", [
    ("<DateDesignated>03/10/2017</DateDesignated>", "<DateDesignated>2017-10-03</DateDesignated>",
     "Designation[UniqueID=DPR0075]/DateDesignated"),
    ("<LastUpdated>18/12/2021</LastUpdated>", "<LastUpdated>18/13/2021</LastUpdated>",
     "Designation[UniqueID=DPR0075]/LastUpdated"),
    ("<IndividualEntityShip>Ship</IndividualEntityShip>",
     "<IndividualEntityShip>Aircraft</IndividualEntityShip>",
     "Designation[UniqueID=DPR0075]/IndividualEntityShip"),
    ("<UniqueID>DPR0075</UniqueID>", "", "Designation"),
    ("<DateGenerated>07/09/2026</DateGenerated>", "<DateGenerated>Sept 7</DateGenerated>",
     "DateGenerated"),
])
def test_xml_bad_values_name_element_and_line(tmp_path, old, new, element):
    text = _xml(SHIP_XML).replace(old, new)
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(text, encoding="utf-8")
    err = _error(path)
    assert err.element == element
    if new:
        assert err.line == next(i for i, line in enumerate(text.splitlines(), 1) if new in line)


def test_xml_without_designations(tmp_path):
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(_xml(), encoding="utf-8")
    # an empty list parses to nothing; the store refuses it unless forced
    assert list(format_by_name("uk_fcdo").parse(path)) == []


def test_csv_bad_first_line_and_headers(tmp_path):
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(_csv(_rows_ship(), first="Last Updated,13/04/2018"), encoding="utf-8")
    assert _error(path, uk_fcdo.parse_csv).line == 1
    assert uk_fcdo.published_csv(path) is None
    path.write_text(_csv(_rows_ship(), first="Report Date: 31-Feb-2026"), encoding="utf-8")
    assert "malformed Report Date" in _error(path, uk_fcdo.parse_csv).reason
    columns = tuple(c for c in uk_fcdo.CSV_COLUMNS if c not in ("Unique ID", "Regime Name"))
    rows = [{k: v for k, v in r.items() if k in columns} for r in _rows_ship()]
    path.write_text(_csv(rows, columns=columns), encoding="utf-8")
    err = _error(path, uk_fcdo.parse_csv)
    assert err.line == 2 and "Unique ID" in err.reason and "Regime Name" in err.reason


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_bytes(_csv(_rows_ship()).encode("utf-8").replace(b"Old Owner", b"\xd6ld Owner"))
    err = _error(path, uk_fcdo.parse_csv)
    assert err.line == 3 and "UTF-8" in err.reason


@pytest.mark.parametrize("column, value, reason", [
    ("Date Designated", "2017-10-03", "malformed date"),
    ("Last Updated", "31/02/2021", "day is out of range"),
    ("Designation Type", "Aircraft", "unknown Designation Type"),
    ("Unique ID", "", "without Unique ID"),
])
def test_csv_bad_values_name_the_line(tmp_path, column, value, reason):
    rows = _rows_ship()
    rows[1][column] = value
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    err = _error(path, uk_fcdo.parse_csv)
    assert err.line == 4 and reason in err.reason
