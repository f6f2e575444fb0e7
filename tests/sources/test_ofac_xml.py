"""OFAC classic XML (sdnList): the real consolidated.xml of 2018-04-06, and a small sdn.xml.

The small sdn.xml is written by the test from three real DPRK-related SDN entries (as the
2024-05-03 SDN list has them): PAEK Chang-Ho (program NPWMD only: North Korean by his birth
place), the vessel CHONG CHON GANG (program DPRK, IMO number) and LAZARUS GROUP (a crypto address).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

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
)
from moneytrail.sources.base import SourceError
from moneytrail.sources.ofac_xml import FORMAT, parse, published, sniff


@pytest.fixture(scope="module")
def consolidated(lists_dir: Path) -> Path:
    return lists_dir / "ofac_cons_xml_2018-04" / "consolidated.xml"


@pytest.fixture(scope="module")
def cons_entities(consolidated: Path) -> dict[str, Entity]:
    found = list(parse(consolidated))
    by_id = {e.source_id: e for e in found}
    assert len(by_id) == len(found), "uids must be unique"
    return by_id


# ------------------------------------------------------------------------------------------
# The real consolidated list
# ------------------------------------------------------------------------------------------


def test_consolidated_sniff_and_published(consolidated: Path) -> None:
    head = consolidated.read_bytes()[:65536]
    assert sniff(consolidated, head) == "ofac_cons"
    # The same content under OFAC's SDN file name is the SDN list: the name decides.
    assert sniff(Path("sdn.xml"), head) == "ofac_sdn"
    assert published(consolidated) == "2018-04-06"
    assert FORMAT.name == "ofac_xml" and FORMAT.parse is parse and FORMAT.sniff is sniff


def test_consolidated_counts(cons_entities: dict[str, Entity]) -> None:
    assert len(cons_entities) == 639  # publshInformation/Record_Count
    assert Counter(e.schema for e in cons_entities.values()) == {
        Schema.ORGANIZATION: 471, Schema.PERSON: 94, Schema.VESSEL: 74}
    assert all(e.id == f"ofac_cons:{e.source_id}" and e.source == "ofac_cons"
               for e in cons_entities.values())
    # No North Korea program and no North Korean content in this 2018 consolidated list.
    assert not any(e.dprk for e in cons_entities.values())
    programs = Counter(p.code for e in cons_entities.values() for p in e.programs)
    assert programs["UKRAINE-EO13662"] == 290 and programs["IRAN"] == 264
    kinds = Counter(i.kind for e in cons_entities.values() for i in e.identifiers)
    assert (kinds[IdKind.IMO], kinds[IdKind.MMSI], kinds[IdKind.BIC], kinds[IdKind.PASSPORT]) == (
        74, 45, 49, 14)
    names = Counter(n.kind for e in cons_entities.values() for n in e.names)
    assert names[NameKind.PRIMARY] == 639
    assert names[NameKind.FORMER] == 185 and names[NameKind.WEAK_ALIAS] == 45


def test_consolidated_person(cons_entities: dict[str, Entity]) -> None:
    person = cons_entities["15961"]
    assert person.schema is Schema.PERSON
    assert person.names == (
        Name(full="JASHNSAZ, Seifollah", kind=NameKind.PRIMARY, given="Seifollah",
             family="JASHNSAZ"),
        Name(full="JASHNSAZ, Seyfollah", kind=NameKind.ALIAS, given="Seyfollah",
             family="JASHNSAZ"),
        Name(full="JASHN SAZ, Seifollah", kind=NameKind.ALIAS, given="Seifollah",
             family="JASHN SAZ"),
    )
    assert person.identifiers == (
        Identifier(kind=IdKind.PASSPORT, value="R17589399", country="ir"),
        Identifier(kind=IdKind.PASSPORT, value="T23700825", country="ir"),
    )
    assert person.birth_dates == ("1958-03-22",)
    assert person.birth_places == ("Behbahan, Iran",)
    assert ("birthCountry", "ir") in person.properties
    assert person.nationalities == ("ir",)
    assert person.titles == ("Chairman & Director, Naftiran Intertrade Co. (NICO) Sarl; Chairman "
                             "& Director, Naft Iran Intertrade Company Ltd.; Director, Hong Kong "
                             "Intertrade Company",)
    assert person.programs == (Program(code="IRAN", authority="OFAC"),)
    assert person.remarks == ("Chairman of the Board of Directors, Iranian Oil Company (U.K.) "
                              "Limited; Chairman & Director, Petro Suisse Intertrade Company")
    assert person.notes[0].startswith("Additional Sanctions Information - Not on the SDN List")
    assert person.notes[1] == ("For more information, please see: https://www.treasury.gov/"
                               "resource-center/sanctions/Programs/Documents/jcpoa_faqs.pdf")
    # A birth date written as a range of whole years.
    assert cons_entities["15960"].birth_dates == ("1953", "1954")


def test_consolidated_entity_and_vessel(cons_entities: dict[str, Entity]) -> None:
    bank = cons_entities["4632"]
    assert bank.schema is Schema.ORGANIZATION
    assert [n.full for n in bank.names] == [
        "BANK MARKAZI JOMHOURI ISLAMI IRAN", "CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN",
        "BANK MARKAZI IRAN", "CENTRAL BANK OF IRAN"]
    assert bank.addresses == (
        Address(full="PO Box 15875/7177, 144 Mirdamad Blvd, Tehran, Iran",
                street="PO Box 15875/7177, 144 Mirdamad Blvd", city="Tehran", country="ir"),
        Address(full="213 Ferdowsi Avenue, Tehran, 11365, Iran", street="213 Ferdowsi Avenue",
                city="Tehran", postal_code="11365", country="ir"),
    )

    ship = cons_entities["15036"]
    assert ship.schema is Schema.VESSEL
    assert ship.names == (Name(full="SHONA"), Name(full="ABADAN", kind=NameKind.FORMER),
                          Name(full="ALPHA", kind=NameKind.FORMER))
    assert ship.identifiers == (
        Identifier(kind=IdKind.MMSI, value="572469210"),
        Identifier(kind=IdKind.IMO, value="9187629"),
        Identifier(kind=IdKind.CALL_SIGN, value="T2EU4"),
    )
    assert ship.countries == ("tz",)
    assert ship.properties[:6] == (
        ("pastFlags", "mt"), ("pastFlags", "tv"), ("type", "Crude/Oil Products Tanker"),
        ("flag", "tz"), ("tonnage", "99144"), ("grossRegisteredTonnage", "56068"))
    # "(Linked To: ...)" in <remarks> becomes a relation; the remarks stay verbatim.
    assert ship.remarks == "(Linked To: NATIONAL IRANIAN TANKER COMPANY)"
    assert ship.relations == (Relation(kind=RelationKind.LINKED_TO,
                                       target_name="NATIONAL IRANIAN TANKER COMPANY"),)
    # A registration with its issue date, and an id type the model has no kind for.
    assert Identifier(kind=IdKind.REGISTRATION, value="86936", country="ir",
                      note="issued 1991-07-10") in cons_entities["11208"].identifiers
    assert Identifier(kind=IdKind.OTHER, value="044525060", note="BIK (RU)") in (
        cons_entities["17015"].identifiers)


# ------------------------------------------------------------------------------------------
# A small sdn.xml with DPRK entries
# ------------------------------------------------------------------------------------------

SDN_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"

PAEK = """\
  <sdnEntry>
    <uid>15667</uid>
    <firstName>Chang-Ho</firstName>
    <lastName>PAEK</lastName>
    <sdnType>Individual</sdnType>
    <programList>
      <program>NPWMD</program>
    </programList>
    <idList>
      <id>
        <uid>7863</uid>
        <idType>Passport</idType>
        <idNumber>381420754</idNumber>
        <issueDate>07 Dec 2011</issueDate>
        <expirationDate>07 Dec 2016</expirationDate>
      </id>
      <id>
        <uid>143563</uid>
        <idType>Secondary sanctions risk:</idType>
        <idNumber>North Korea Sanctions Regulations, sections 510.201 and 510.210</idNumber>
      </id>
    </idList>
    <akaList>
      <aka>
        <uid>11437</uid>
        <type>a.k.a.</type>
        <category>strong</category>
        <lastName>PAEK</lastName>
        <firstName>Chang-ho</firstName>
      </aka>
      <aka>
        <uid>11438</uid>
        <type>a.k.a.</type>
        <category>weak</category>
        <lastName>PAK</lastName>
        <firstName>Chang Ho</firstName>
      </aka>
    </akaList>
    <dateOfBirthList>
      <dateOfBirthItem>
        <uid>5563</uid>
        <dateOfBirth>18 Jun 1964</dateOfBirth>
        <mainEntry>true</mainEntry>
      </dateOfBirthItem>
    </dateOfBirthList>
    <placeOfBirthList>
      <placeOfBirthItem>
        <uid>5564</uid>
        <placeOfBirth>Kaesong, DPRK</placeOfBirth>
        <mainEntry>true</mainEntry>
      </placeOfBirthItem>
    </placeOfBirthList>
  </sdnEntry>
"""

CHONG_CHON_GANG = """\
  <sdnEntry>
    <uid>17069</uid>
    <lastName>CHONG CHON GANG</lastName>
    <sdnType>Vessel</sdnType>
    <remarks>(Linked To: OCEAN MARITIME MANAGEMENT COMPANY, LIMITED)</remarks>
    <programList>
      <program>DPRK</program>
    </programList>
    <idList>
      <id>
        <uid>61200</uid>
        <idType>Vessel Registration Identification</idType>
        <idNumber>IMO 7937317</idNumber>
      </id>
    </idList>
    <vesselInfo>
      <vesselType>General Cargo</vesselType>
      <vesselFlag>Korea, North</vesselFlag>
      <tonnage>0</tonnage>
    </vesselInfo>
  </sdnEntry>
"""

LAZARUS = """\
  <sdnEntry>
    <uid>27307</uid>
    <lastName>LAZARUS GROUP</lastName>
    <sdnType>Entity</sdnType>
    <programList>
      <program>DPRK3</program>
    </programList>
    <idList>
      <id>
        <uid>290001</uid>
        <idType>Digital Currency Address - ETH</idType>
        <idNumber>0x098B716B8Aaf21512996dC57EB0615e2383E2f96</idNumber>
      </id>
      <id>
        <uid>290002</uid>
        <idType>Frobnication Code</idType>
        <idNumber>FX-12</idNumber>
      </id>
    </idList>
    <akaList>
      <aka>
        <uid>61001</uid>
        <type>a.k.a.</type>
        <category>weak</category>
        <lastName>HIDDEN COBRA</lastName>
      </aka>
    </akaList>
    <addressList>
      <address>
        <uid>44001</uid>
        <address1>Potonggang District</address1>
        <city>Pyongyang</city>
        <country>Korea, North</country>
      </address>
    </addressList>
  </sdnEntry>
"""


def sdn_xml(*entries: str, namespace: str = SDN_NS, date: str = "05/03/2024") -> str:
    return (f'<?xml version="1.0" standalone="yes"?>\n'
            f'<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{namespace}">\n'
            f"  <publshInformation>\n    <Publish_Date>{date}</Publish_Date>\n"
            f"    <Record_Count>{len(entries)}</Record_Count>\n  </publshInformation>\n"
            + "".join(entries) + "</sdnList>\n")


def _write(tmp_path: Path, text: str, name: str = "sdn.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_sdn_file(tmp_path: Path) -> None:
    path = _write(tmp_path, sdn_xml(PAEK, CHONG_CHON_GANG, LAZARUS))
    assert sniff(path, path.read_bytes()) == "ofac_sdn"
    assert published(path) == "2024-05-03"
    paek, ship, lazarus = parse(path)

    assert paek.id == "ofac_sdn:15667" and paek.schema is Schema.PERSON
    assert paek.names == (
        Name(full="PAEK, Chang-Ho", kind=NameKind.PRIMARY, given="Chang-Ho", family="PAEK"),
        Name(full="PAEK, Chang-ho", kind=NameKind.ALIAS, given="Chang-ho", family="PAEK"),
        Name(full="PAK, Chang Ho", kind=NameKind.WEAK_ALIAS, given="Chang Ho", family="PAK"),
    )
    assert paek.identifiers == (Identifier(kind=IdKind.PASSPORT, value="381420754",
                                           note="issued 2011-12-07; expires 2016-12-07"),)
    assert paek.birth_dates == ("1964-06-18",)
    assert paek.birth_places == ("Kaesong, DPRK",)
    assert paek.notes == ("Secondary sanctions risk: North Korea Sanctions Regulations, "
                          "sections 510.201 and 510.210",)
    # NPWMD is not a DPRK program; what the entry says makes him North Korean.
    assert paek.programs == (Program(code="NPWMD", authority="OFAC", dprk=False),)
    assert paek.dprk

    assert ship.id == "ofac_sdn:17069" and ship.schema is Schema.VESSEL
    assert ship.identifiers == (Identifier(kind=IdKind.IMO, value="7937317"),)
    assert ship.countries == ("kp",)
    assert ship.properties == (("type", "General Cargo"), ("flag", "kp"))  # tonnage 0 = unknown
    assert ship.programs == (Program(code="DPRK", authority="OFAC", dprk=True),)
    assert ship.relations == (Relation(kind=RelationKind.LINKED_TO,
                                       target_name="OCEAN MARITIME MANAGEMENT COMPANY, LIMITED"),)
    assert ship.dprk

    assert lazarus.schema is Schema.ORGANIZATION and lazarus.dprk
    assert lazarus.names == (Name(full="LAZARUS GROUP"),
                             Name(full="HIDDEN COBRA", kind=NameKind.WEAK_ALIAS))
    assert lazarus.identifiers == (
        Identifier(kind=IdKind.CRYPTO, value="0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                   asset="ETH"),
        Identifier(kind=IdKind.OTHER, value="FX-12", note="Frobnication Code"),
    )
    assert lazarus.addresses == (Address(full="Potonggang District, Pyongyang, Korea, North",
                                         street="Potonggang District", city="Pyongyang",
                                         country="kp"),)
    for entity in (paek, ship, lazarus):
        assert Entity.from_dict(entity.to_dict()) == entity


def test_dprk_by_birth_place_alone(tmp_path: Path) -> None:
    start = PAEK.index("      <id>\n        <uid>143563</uid>")
    end = PAEK.index("</id>", start) + len("</id>\n")
    paek_without_note = PAEK[:start] + PAEK[end:]
    path = _write(tmp_path, sdn_xml(paek_without_note))
    (paek,) = parse(path)
    assert paek.notes == () and paek.birth_places == ("Kaesong, DPRK",)
    assert paek.dprk
    path = _write(tmp_path, sdn_xml(paek_without_note.replace("Kaesong, DPRK", "Tehran, Iran")))
    (other,) = parse(path)
    assert not other.dprk


def test_old_namespace_and_consolidated_name(tmp_path: Path) -> None:
    text = sdn_xml(CHONG_CHON_GANG, namespace="http://tempuri.org/sdnList.xsd")
    path = _write(tmp_path, text, "consolidated.xml")
    assert sniff(path, text.encode()) == "ofac_cons"
    (ship,) = parse(path)
    assert ship.id == "ofac_cons:17069" and ship.identifiers[0].value == "7937317"


def test_sniff_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    assert sniff(path, b'<?xml version="1.0"?>\n<Sanctions xmlns="https://sanctionslistservice.'
                       b'ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">') is None
    assert sniff(path, b"<CONSOLIDATED_LIST dateGenerated=\"2026-02-27\">") is None
    assert sniff(path, b'<sdnList xmlns="urn:somebody-else">') is None
    assert sniff(path, b"Ent_num,SDN_Name,SDN_Type\n") is None
    assert sniff(path, b"") is None


def test_parse_streams(tmp_path: Path) -> None:
    """Entries are yielded as they are read: a file cut after its first entry gives that entry,
    then the error."""
    text = sdn_xml(PAEK, CHONG_CHON_GANG)
    cut = text[: text.index("<uid>17069</uid>")]
    path = _write(tmp_path, cut)
    entries = parse(path)
    assert next(entries).source_id == "15667"
    with pytest.raises(SourceError, match="truncated"):
        next(entries)


# ------------------------------------------------------------------------------------------
# Malformed input
# ------------------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.path == str(path) and "empty" in err.value.reason
    assert published(path) is None


def test_truncated_real_file(consolidated: Path, tmp_path: Path) -> None:
    data = consolidated.read_bytes()
    cut = data[: len(data) // 2]
    path = tmp_path / "consolidated.xml"
    path.write_bytes(cut)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.path == str(path)
    assert "truncated" in err.value.reason
    assert err.value.line == cut.count(b"\n") + 1


def test_wrong_root(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n\n<CONSOLIDATED_LIST dateGenerated="x">'
                            "</CONSOLIDATED_LIST>")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.element == "CONSOLIDATED_LIST" and err.value.line == 3
    assert str(path) in str(err.value)


def test_unknown_sdn_type(tmp_path: Path) -> None:
    spaceship = LAZARUS.replace("<sdnType>Entity</sdnType>", "<sdnType>Spaceship</sdnType>")
    text = sdn_xml(PAEK, spaceship)
    path = _write(tmp_path, text)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.element == "sdnType"
    assert "Spaceship" in err.value.reason and "27307" in err.value.reason
    assert err.value.line == text[: text.index("Spaceship")].count("\n") + 1


def test_entry_without_uid(tmp_path: Path) -> None:
    text = sdn_xml(CHONG_CHON_GANG.replace("<uid>17069</uid>", ""))
    path = _write(tmp_path, text)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert err.value.element == "sdnEntry"
    assert err.value.line == text[: text.index("<sdnEntry>")].count("\n") + 1
