"""EU Financial Sanctions Files: the real 2018 CSV sample, XML and CSV 1.1 files written here, and
malformed inputs. Figures for the sample were measured on the file itself (see the report)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from moneytrail.model import (Address, Entity, Identifier, IdKind, Name, NameKind, Program,
                              Schema)
from moneytrail.sources.base import SourceError, classify_dprk
from moneytrail.sources.eu_fsf import CSV_FORMAT, FORMATS, XML_FORMAT

SAMPLE = "eu_fsf_sample_2018-07/EUSanctionsShort.csv"
NS = "http://eu.europa.ec/fpi/fsd/export"


@pytest.fixture(scope="module")
def sample_path(lists_dir: Path) -> Path:
    return lists_dir / SAMPLE


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> dict[str, Entity]:
    entities = list(CSV_FORMAT.parse(sample_path))
    by_id = {e.source_id: e for e in entities}
    assert len(by_id) == len(entities), "logical ids must be unique"
    return by_id


def parse(fmt, path: Path) -> dict[str, Entity]:
    return {e.source_id: e for e in fmt.parse(path)}


def sniff(fmt, path: Path) -> str | None:
    return fmt.sniff(path, path.read_bytes()[:65536])


# ---------------------------------------------------------------------------------------------
# The real CSV 1.0 sample (first 999 lines of the 2018-07-04 file, cp1252, rows wrapped in quotes)


def test_sample_is_recognised_by_content_and_dated(sample_path: Path) -> None:
    assert sniff(CSV_FORMAT, sample_path) == "eu_fsf"
    assert sniff(XML_FORMAT, sample_path) is None
    assert CSV_FORMAT.published(sample_path) == "2018-07-04"  # Date_file 04/07/2018 is D/M/Y
    assert [f.name for f in FORMATS] == ["eu_fsf_xml", "eu_fsf_csv"]


def test_sample_counts_and_schema_split(sample: dict[str, Entity]) -> None:
    assert len(sample) == 93
    assert Counter(e.schema for e in sample.values()) == {Schema.PERSON: 61,
                                                          Schema.ORGANIZATION: 32}
    assert all(e.id == f"eu_fsf:{e.source_id}" and e.source_id.isdigit() and e.source == "eu_fsf"
               for e in sample.values())
    assert Counter(p.code for e in sample.values() for p in e.programs) == {
        "IRQ": 57, "TERR": 17, "TAQA": 17, "ZWE": 2}
    assert not any(e.dprk for e in sample.values())  # the first 999 lines hold no DPRK entry
    assert sum(len(e.names) for e in sample.values()) == 679
    assert Counter(n.kind for e in sample.values() for n in e.names) == {
        NameKind.PRIMARY: 93, NameKind.ALIAS: 586}
    # the model's JSON round trip holds for every entity the parser makes
    assert all(Entity.from_dict(e.to_dict()) == e for e in sample.values())


def test_sample_person_spot_check(sample: dict[str, Entity]) -> None:
    mugabe = sample["1"]  # rows 2-6: two name rows, two birth rows, one identification row
    assert mugabe.schema is Schema.PERSON
    assert mugabe.names == (Name("Robert Gabriel Mugabe", NameKind.PRIMARY, given="Robert Gabriel",
                                 family="Mugabe"),)
    assert mugabe.gender == "male"
    assert mugabe.positions == ("Former President", "president")
    assert mugabe.birth_dates == ("1924-02-21",)
    assert mugabe.birth_places == ("Kutama",)
    assert mugabe.identifiers == (Identifier(IdKind.PASSPORT, "AD001095",
                                             note="National passport; (passport)"),)
    assert mugabe.programs == (Program("ZWE", "European Union", listed_on="2002-09-13"),)
    assert mugabe.listed_on == "2002-09-13"  # earliest of its own acts 2018/223 and 1643/2002
    assert mugabe.modified_on == "2018-02-16"
    # the file writes newlines as a literal backslash-n
    assert mugabe.remarks == ("(Date of UN designation: 2002-02-21)\n"
                              "(Date of designation referred to in Article 7 (2): 21.2.2002.)")
    assert mugabe.notes[0] == "EU reference number EU.36.64"
    assert ("Legal act 898/2005 (OJ L153), published 2005-06-16: http://eur-lex.europa.eu/"
            "LexUriServ/LexUriServ.do?uri=OJ:L:2005:153:0009:0014:EN:PDF") in mugabe.notes
    assert len(mugabe.notes) == 5  # the reference number and four distinct legal acts


def test_sample_ids_citizenship_and_comma_tabs(sample: dict[str, Entity]) -> None:
    saddam = sample["13"]
    assert [n.full for n in saddam.names] == ["Saddam Hussein Al-Tikriti", "Abu Ali", "Abou Ali"]
    assert saddam.names[2].lang == "fr"
    assert saddam.citizenships == ("iq",)  # Citi_country IRQ (alpha-3)
    assert saddam.countries == ("iq",)  # birth country
    # the sample has a tab where the original had a comma ("al-Awja\t near Tikrit")
    assert saddam.birth_places == ("al-Awja, near Tikrit",)
    assert sample["70"].identifiers == (
        Identifier(IdKind.OTHER, "AD001159", note="Other identification number"),
        Identifier(IdKind.NATIONAL_ID, "63-646650 Q70", note="National identification card; (id)"))
    assert sample["93"].identifiers[0] == Identifier(
        IdKind.OTHER, "33301/862",
        note="Other identification number; issued: 17 october 1997 expires: 1 october 2005")
    # line 55 quotes a field that holds a semicolon
    assert "Former Governor of Karbala and An Najaf;" in sample["43"].positions


def test_sample_addresses_contacts_and_cp1252(sample: dict[str, Entity]) -> None:
    trust = sample["330"]
    assert trust.schema is Schema.ORGANIZATION
    assert trust.caption == "Al Rashid Trust"
    assert len(trust.addresses) == 11
    assert Address("Kitab Ghar, Darul Ifta Wal Irshad, Nazimbad No 4, Karachi, PAK",
                   street="Kitab Ghar, Darul Ifta Wal Irshad, Nazimbad No 4", city="Karachi",
                   country="pk") in trust.addresses
    # Addr_other "PHONE[668 33 01\t 0300-820 91 99]\nFAX[662 38 14]"
    assert Identifier(IdKind.PHONE, "0300-820 91 99") in trust.identifiers
    assert Identifier(IdKind.PHONE, "662 38 14", note="fax") in trust.identifiers
    assert len(trust.identifiers) == 7
    # cp1252 bytes 0x92 (’) and 0x9E (ž), not Latin-1 control characters
    assert any("Dha’rbi-M’unin" in a.full for a in trust.addresses)
    assert "Palestinský islámský džihád" in [n.full for n in sample["217"].names]
    bank = sample["233"]
    assert bank.addresses[0] == Address("Haifa Street, PO Box 7177, Baghdad, IRQ",
                                        street="Haifa Street", city="Baghdad",
                                        postal_code="PO Box 7177", country="iq")


def test_sample_drops_names_the_export_destroyed(sample: dict[str, Entity]) -> None:
    abu_nidal = [n.full for n in sample["201"].names]
    assert abu_nidal[:3] == ["Abu Nidal Organisation", "ANO", "Fatah Revolutionary Council"]
    assert len(abu_nidal) == 87
    # Bulgarian and Greek names came out as "??????? ????": none is kept
    assert not any(n.full.count("?") > sum(c.isalnum() for c in n.full)
                   for e in sample.values() for n in e.names)
    # a name with a few lost letters stays, as written
    assert "Revolu?ní rada Fatáhu" in abu_nidal


def test_sample_last_entity_is_cut_but_parses(sample: dict[str, Entity]) -> None:
    gspc = sample["481"]  # the sample ends inside this entity's rows
    assert gspc.caption == "Salafist Group for Call and Combat"
    assert len(gspc.names) == 13 and "AQIM" in [n.full for n in gspc.names]
    assert [a.country for a in gspc.addresses] == ["dz", "ml", "mr", "ma"]
    assert gspc.programs[0].code == "TAQA"


# ---------------------------------------------------------------------------------------------
# XML written here


XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="{NS}" generationDate="2024-05-17T19:02:33.122+02:00" globalFileId="170123">
    <sanctionEntity designationDetails="" unitedNationId="KPi.901" euReferenceNumber="EU.9001.11" logicalId="90001" designationDate="2017-08-05">
        <remark>Senior official of a North Korean state bureau.</remark>
        <regulation regulationType="regulation" organisationType="council" publicationDate="2017-08-30" entryIntoForceDate="2017-08-31" numberTitle="2017/1509 (OJ L224)" programme="PRK" logicalId="110001">
            <publicationUrl>https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32017R1509</publicationUrl>
        </regulation>
        <subjectType code="person" classificationCode="P"/>
        <nameAlias firstName="Chol Su" middleName="" lastName="PAK" wholeName="PAK Chol Su" function="Vice-director of the Example Bureau" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="200001">
            <regulationSummary regulationType="amendment" publicationDate="2018-04-20" numberTitle="2018/600 (OJ L101)" publicationUrl="https://eur-lex.europa.eu/example/2018-600"/>
        </nameAlias>
        <nameAlias firstName="" middleName="" lastName="" wholeName="박철수" function="" gender="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="200002"/>
        <citizenship region="" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="200003"/>
        <birthdate circa="false" calendarType="GREGORIAN" city="Pyongyang" zipCode="" birthdate="1962-03-15" dayOfMonth="15" monthOfYear="3" year="1962" region="" place="" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="200004"/>
        <identification diplomatic="true" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" latinNumber="" nameOnDocument="" number="836220035" region="" countryIso2Code="KP" countryDescription="NORTH KOREA" identificationTypeCode="passport" identificationTypeDescription="National passport" regulationLanguage="en" logicalId="200005">
            <remark>issued 2016</remark>
        </identification>
    </sanctionEntity>
    <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.9002.22" logicalId="90002" designationDate="2016-06-02">
        <regulation regulationType="regulation" organisationType="council" publicationDate="2017-08-30" entryIntoForceDate="2017-08-31" numberTitle="2017/1509 (OJ L224)" programme="PRK" logicalId="110002">
            <publicationUrl>https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32017R1509</publicationUrl>
        </regulation>
        <subjectType code="enterprise" classificationCode="E"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Example Trade Bank of Korea" function="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="200011"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="ETBK" function="" title="" nameLanguage="" strong="false" regulationLanguage="en" logicalId="200012"/>
        <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" latinNumber="" nameOnDocument="" number="EXTBKPPY" region="" countryIso2Code="00" countryDescription="UNKNOWN" identificationTypeCode="swiftbic" identificationTypeDescription="SWIFT BIC" regulationLanguage="en" logicalId="200013"/>
        <address city="Pyongyang" street="Central District, Sungri Street" poBox="" zipCode="" region="" place="" asAtListingTime="false" countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="200014">
            <contactInfo key="PHONE" value="+850 2 18111, +850 2 18222"/>
            <contactInfo key="EMAIL" value="info@example.kp"/>
        </address>
    </sanctionEntity>
    <sanctionEntity designationDetails="Leader of the armed wing" unitedNationId="" euReferenceNumber="EU.9003.33" logicalId="90003">
        <regulation regulationType="amendment" organisationType="council" publicationDate="2019-01-15" entryIntoForceDate="2019-01-16" numberTitle="2019/62 (OJ L13)" programme="TERR" logicalId="110003">
            <publicationUrl>https://eur-lex.europa.eu/example/2019-62</publicationUrl>
        </regulation>
        <regulation regulationType="regulation" organisationType="council" publicationDate="2002-05-03" entryIntoForceDate="2002-05-03" numberTitle="2002/340/CFSP (OJ L116)" programme="TERR" logicalId="110004">
            <publicationUrl>https://eur-lex.europa.eu/example/2002-340</publicationUrl>
        </regulation>
        <subjectType code="enterprise" classificationCode="E"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Example Liberation Front" function="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="200021"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Примерен фронт за освобождение" function="" title="" nameLanguage="BG" strong="true" regulationLanguage="en" logicalId="200022"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Front de libération exemplaire" function="" title="" nameLanguage="FR" strong="true" regulationLanguage="en" logicalId="200023"/>
        <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="Registrar of Companies" latinNumber="" nameOnDocument="" number="C-12345" region="" countryIso2Code="CY" countryDescription="CYPRUS" identificationTypeCode="regnumber" identificationTypeDescription="Registration Number" regulationLanguage="en" logicalId="200024"/>
        <address city="Nicosia" street="1 Example Avenue" poBox="PO Box 42" zipCode="1065" region="" place="" asAtListingTime="true" countryIso2Code="CY" countryDescription="CYPRUS" regulationLanguage="en" logicalId="200025">
            <remark>Former office</remark>
        </address>
        <remark>Also operates under front names.</remark>
    </sanctionEntity>
</export>
"""


@pytest.fixture()
def xml_path(tmp_path: Path) -> Path:
    path = tmp_path / "eu_fsf.xml"
    path.write_text(XML, encoding="utf-8")
    return path


@pytest.fixture()
def xml(xml_path: Path) -> dict[str, Entity]:
    return parse(XML_FORMAT, xml_path)


def test_xml_is_recognised_by_content_and_dated(xml_path: Path) -> None:
    assert sniff(XML_FORMAT, xml_path) == "eu_fsf"
    assert sniff(CSV_FORMAT, xml_path) is None
    assert XML_FORMAT.published(xml_path) == "2024-05-17"


def test_xml_dprk_person(xml: dict[str, Entity]) -> None:
    assert list(xml) == ["90001", "90002", "90003"]
    person = xml["90001"]
    assert person.id == "eu_fsf:90001" and person.schema is Schema.PERSON
    assert person.names == (
        Name("PAK Chol Su", NameKind.PRIMARY, given="Chol Su", family="PAK"),
        Name("박철수", NameKind.ORIGINAL_SCRIPT),
    )
    assert person.gender == "male"
    assert person.positions == ("Vice-director of the Example Bureau",)
    assert person.citizenships == ("kp",)
    assert person.birth_dates == ("1962-03-15",)
    assert person.birth_places == ("Pyongyang",)
    assert person.countries == ("kp",)
    assert person.identifiers == (Identifier(IdKind.PASSPORT, "836220035", country="kp",
                                             note="National passport; issued 2016; diplomatic"),)
    assert person.programs == (Program("PRK", "European Union", dprk=True,
                                       listed_on="2017-08-05"),)
    assert person.dprk
    assert person.listed_on == "2017-08-05"
    assert person.modified_on == "2018-04-20"  # the amendment cited by the first name
    assert person.remarks == "Senior official of a North Korean state bureau."
    assert person.notes == (
        "EU reference number EU.9001.11",
        "UN reference KPi.901",
        "Legal act 2017/1509 (OJ L224), published 2017-08-30, in force 2017-08-31: "
        "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32017R1509",
        "Legal act 2018/600 (OJ L101), published 2018-04-20: "
        "https://eur-lex.europa.eu/example/2018-600",
    )


def test_xml_dprk_bank(xml: dict[str, Entity]) -> None:
    bank = xml["90002"]
    assert bank.schema is Schema.ORGANIZATION
    assert bank.names == (Name("Example Trade Bank of Korea", NameKind.PRIMARY),
                          Name("ETBK", NameKind.WEAK_ALIAS))
    assert bank.addresses == (Address("Central District, Sungri Street, Pyongyang, NORTH KOREA",
                                      street="Central District, Sungri Street", city="Pyongyang",
                                      country="kp"),)
    assert bank.identifiers == (
        Identifier(IdKind.BIC, "EXTBKPPY", note="SWIFT BIC"),  # country 00 = unknown
        Identifier(IdKind.PHONE, "+850 2 18111"),
        Identifier(IdKind.PHONE, "+850 2 18222"),
        Identifier(IdKind.EMAIL, "info@example.kp"),
    )
    assert bank.programs == (Program("PRK", "European Union", dprk=True, listed_on="2016-06-02"),)
    assert bank.dprk and bank.gender is None and bank.positions == ()


def test_xml_non_dprk_entity(xml: dict[str, Entity]) -> None:
    front = xml["90003"]
    assert front.names == (
        Name("Example Liberation Front", NameKind.PRIMARY),
        Name("Примерен фронт за освобождение", NameKind.ALIAS, lang="bg"),  # an EU translation
        Name("Front de libération exemplaire", NameKind.ALIAS, lang="fr"),
    )
    assert front.identifiers == (Identifier(
        IdKind.REGISTRATION, "C-12345", country="cy",
        note="Registration Number; issued by Registrar of Companies"),)
    assert front.addresses == (Address("1 Example Avenue, PO Box 42, 1065, Nicosia, CYPRUS",
                                       street="1 Example Avenue", city="Nicosia",
                                       postal_code="1065", country="cy"),)
    # no designationDate: listed on the earliest of its acts, modified by the latest
    assert front.programs == (Program("TERR", "European Union", listed_on="2002-05-03"),)
    assert front.listed_on == "2002-05-03" and front.modified_on == "2019-01-15"
    assert not front.dprk
    assert front.remarks == "Also operates under front names."
    assert "Designation details: Leader of the armed wing" in front.notes
    assert "Address 1 Example Avenue, PO Box 42, 1065, Nicosia, CYPRUS: Former office" in front.notes


def test_prk_programme_alone_makes_the_entity_dprk(tmp_path: Path) -> None:
    """A non-Korean company listed under PRK: DPRK only by its programme."""
    path = tmp_path / "prk.xml"
    path.write_text(f"""<export xmlns="{NS}" generationDate="2024-01-02T10:00:00+01:00">
      <sanctionEntity logicalId="7"><regulation programme="PRK" publicationDate="2020-01-01"/>
        <subjectType code="enterprise" classificationCode="E"/>
        <nameAlias wholeName="Example Shipping Pte Ltd" strong="true"/>
        <address city="Singapore" countryIso2Code="SG" countryDescription="SINGAPORE"/>
      </sanctionEntity></export>""", encoding="utf-8")
    (entity,) = XML_FORMAT.parse(path)
    assert entity.programs == (Program("PRK", "European Union", dprk=True,
                                       listed_on="2020-01-01"),)
    assert entity.dprk


def test_classify_dprk_again_keeps_prk(xml: dict[str, Entity]) -> None:
    """base.is_dprk_program does not know the EU code PRK: classify_dprk must not undo the flag
    the parser set, whoever runs it again (store, FtM export)."""
    for entity in xml.values():
        assert classify_dprk(entity) == entity
    assert classify_dprk(xml["90002"]).programs[0].dprk


def test_xml_partial_birth_dates_and_latin_number(tmp_path: Path) -> None:
    path = tmp_path / "births.xml"
    path.write_text(f"""<export xmlns="{NS}" generationDate="2024-01-02T10:00:00+01:00">
      <sanctionEntity logicalId="8"><subjectType code="person" classificationCode="P"/>
        <nameAlias wholeName="Example Person" strong="true"><?editor note?></nameAlias>
        <?editor note?>
        <birthdate year="1961" circa="true" countryIso2Code="00" countryDescription="UNKNOWN"/>
        <birthdate year="1970" monthOfYear="4"/>
        <birthdate yearRangeFrom="1980" yearRangeTo="1982" place="-"/>
        <birthdate birthdate="" year=""/>
        <identification number="№ 123" latinNumber="N 123" identificationTypeCode="id"
            identificationTypeDescription="National identification card" countryIso2Code="RU"/>
      </sanctionEntity></export>""", encoding="utf-8")
    (entity,) = XML_FORMAT.parse(path)
    assert entity.birth_dates == ("1961", "1970-04", "1980", "1981", "1982")
    assert entity.birth_places == () and entity.countries == ()
    assert "Birth date 1961 is approximate (circa)" in entity.notes
    assert "Born between 1980 and 1982" in entity.notes
    assert [i.value for i in entity.identifiers] == ["№ 123", "N 123"]
    assert {i.kind for i in entity.identifiers} == {IdKind.NATIONAL_ID}
    assert entity.programs == () and entity.listed_on is None


# Two real FSF XML excerpts (as published by the Commission and quoted in public code, see the
# module docstring) for entries that are also in the 2018 CSV sample: both formats must agree.
REAL_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="{NS}" generationDate="2018-12-21T14:39:54.511+01:00" globalFileId="118887">
    <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.36.64" logicalId="1">
        <regulation regulationType="amendment" organisationType="commission" publicationDate="2018-02-16" entryIntoForceDate="2018-02-16" numberTitle="2018/223 (OJ L43)" programme="ZWE" logicalId="110201">
            <publicationUrl>http://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32018R0223&amp;from=EN</publicationUrl>
        </regulation>
        <subjectType code="person" classificationCode="P"/>
        <nameAlias firstName="Robert" middleName="Gabriel" lastName="Mugabe" wholeName="Robert Gabriel Mugabe" function="Former President" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="1">
            <regulationSummary regulationType="amendment" publicationDate="2018-02-16" numberTitle="2018/223 (OJ L43)" publicationUrl="http://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32018R0223&amp;from=EN"/>
        </nameAlias>
        <birthdate circa="false" calendarType="GREGORIAN" city="" zipCode="" birthdate="1924-02-21" dayOfMonth="21" monthOfYear="2" year="1924" region="" place="" countryIso2Code="00" countryDescription="UNKNOWN" regulationLanguage="en" logicalId="1">
            <regulationSummary regulationType="amendment" publicationDate="2005-06-16" numberTitle="898/2005 (OJ L153)" publicationUrl="http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2005:153:0009:0014:EN:PDF"/>
        </birthdate>
        <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" latinNumber="" nameOnDocument="" number="AD001095" region="" countryIso2Code="00" countryDescription="UNKNOWN" identificationTypeCode="passport" identificationTypeDescription="National passport" regulationLanguage="en" logicalId="315">
            <remark>(passport)</remark>
            <regulationSummary regulationType="amendment" publicationDate="2012-02-22" numberTitle="151/2012 (OJ L49)" publicationUrl="http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2012:049:0002:0016:EN:PDF"/>
        </identification>
    </sanctionEntity>
    <sanctionEntity designationDetails="" unitedNationId="" logicalId="13">
        <remark>UNSC RESOLUTION 1483</remark>
        <regulation regulationType="regulation" organisationType="commission" publicationDate="2003-07-08" entryIntoForceDate="2003-07-07" numberTitle="1210/2003 (OJ L169)" programme="IRQ" logicalId="348">
            <publicationUrl>http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF</publicationUrl>
        </regulation>
        <subjectType code="person" classificationCode="P"/>
        <nameAlias firstName="Saddam" middleName="" lastName="Hussein Al-Tikriti" wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="17"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Abu Ali" function="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="19"/>
        <nameAlias firstName="" middleName="" lastName="" wholeName="Abou Ali" function="" title="" nameLanguage="FR" strong="true" regulationLanguage="en" logicalId="380"/>
        <citizenship region="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="1"/>
        <birthdate circa="false" calendarType="GREGORIAN" city="al-Awja, near Tikrit" zipCode="" birthdate="1937-04-28" dayOfMonth="28" monthOfYear="4" year="1937" region="" place="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="14"/>
    </sanctionEntity>
</export>
"""


def test_real_xml_excerpts_agree_with_the_csv_sample(tmp_path: Path,
                                                     sample: dict[str, Entity]) -> None:
    path = tmp_path / "real.xml"
    path.write_text(REAL_XML, encoding="utf-8")
    xml = parse(XML_FORMAT, path)
    assert XML_FORMAT.published(path) == "2018-12-21"
    for key in ("1", "13"):
        from_xml, from_csv = xml[key], sample[key]
        assert from_xml.id == from_csv.id and from_xml.schema is from_csv.schema
        assert from_xml.names == from_csv.names
        assert from_xml.birth_dates == from_csv.birth_dates
        assert from_xml.citizenships == from_csv.citizenships
        assert from_xml.gender == from_csv.gender
        assert [p.code for p in from_xml.programs] == [p.code for p in from_csv.programs]
    assert xml["1"].identifiers == sample["1"].identifiers
    assert xml["13"].birth_places == sample["13"].birth_places
    assert xml["13"].countries == sample["13"].countries


# ---------------------------------------------------------------------------------------------
# CSV 1.1 written here (UTF-8 with BOM, XML attribute names behind block prefixes)


CSV11_HEADER = ("fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;"
                "Entity_UnitedNationId;Entity_DesignationDate;Entity_DesignationDetails;"
                "Entity_Remark;Entity_SubjectType;Entity_SubjectType_ClassificationCode;"
                "Entity_Regulation_Type;Entity_Regulation_PublicationDate;"
                "Entity_Regulation_NumberTitle;Entity_Regulation_Programme;"
                "Entity_Regulation_PublicationUrl;NameAlias_LastName;NameAlias_FirstName;"
                "NameAlias_MiddleName;NameAlias_WholeName;NameAlias_NameLanguage;NameAlias_Gender;"
                "NameAlias_Function;BirthDate_BirthDate;BirthDate_City;BirthDate_CountryIso2Code;"
                "Identification_Number;Identification_TypeCode;Identification_TypeDescription;"
                "Identification_CountryIso2Code;Citizenship_CountryIso2Code;"
                "Citizenship_CountryDescription;Address_City;Address_Street;"
                "Address_CountryIso2Code;Address_CountryDescription;Address_ContactInfo")
CSV11_ROWS = [
    "05/08/2024;90001;EU.9001.11;KPi.901;05/08/2017;;;P;person;regulation;2017-08-30;"
    "2017/1509 (OJ L224);PRK;https://eur-lex.europa.eu/x;PAK;Chol Su;;PAK Chol Su;;M;"
    "Vice-director;1962-03-15;Pyongyang;KP;836220035;passport;National passport;KP;KP;"
    "NORTH KOREA;;;;;",
    "05/08/2024;90001;EU.9001.11;KPi.901;05/08/2017;;;P;person;regulation;2017-08-30;"
    "2017/1509 (OJ L224);PRK;https://eur-lex.europa.eu/x;;;;박철수;;;;1962-03-15;Pyongyang;"
    "KP;836220035;passport;National passport;KP;KP;NORTH KOREA;;;;;",
    "05/08/2024;90003;EU.9003.33;;;;\"Remark; with a semicolon\";E;enterprise;regulation;"
    "2002-05-03;2002/340/CFSP (OJ L116);TERR;https://eur-lex.europa.eu/y;;;;"
    "Example Liberation Front;;;;;;;;;;;;;Nicosia;1 Example Avenue;CY;CYPRUS;PHONE[+357 1]",
]


def test_csv_11(tmp_path: Path) -> None:
    path = tmp_path / "eu_fsf_11.csv"
    path.write_bytes(("\ufeff" + "\n".join([CSV11_HEADER, *CSV11_ROWS]) + "\n").encode("utf-8"))
    assert sniff(CSV_FORMAT, path) == "eu_fsf"
    assert CSV_FORMAT.published(path) == "2024-08-05"
    entities = parse(CSV_FORMAT, path)
    assert list(entities) == ["90001", "90003"]
    person = entities["90001"]
    assert person.schema is Schema.PERSON
    assert person.names == (Name("PAK Chol Su", NameKind.PRIMARY, given="Chol Su", family="PAK"),
                            Name("박철수", NameKind.ORIGINAL_SCRIPT))
    assert person.birth_dates == ("1962-03-15",) and person.birth_places == ("Pyongyang",)
    assert person.citizenships == ("kp",)
    assert person.identifiers == (Identifier(IdKind.PASSPORT, "836220035", country="kp",
                                             note="National passport"),)
    assert person.programs == (Program("PRK", "European Union", dprk=True,
                                       listed_on="2017-08-05"),)
    assert person.positions == ("Vice-director",)
    assert person.notes[:2] == ("EU reference number EU.9001.11", "UN reference KPi.901")
    front = entities["90003"]
    assert front.schema is Schema.ORGANIZATION and not front.dprk
    assert front.remarks == "Remark; with a semicolon"
    assert front.addresses == (Address("1 Example Avenue, Nicosia, CYPRUS",
                                       street="1 Example Avenue", city="Nicosia", country="cy"),)
    assert front.identifiers == (Identifier(IdKind.PHONE, "+357 1"),)


# ---------------------------------------------------------------------------------------------
# Malformed input: SourceError naming the file and the line or element


CSV10_HEADER = ("Date_file;Entity_logical_id;Subject_type;Leba_numtitle;Leba_publication_date;"
                "Leba_url;Programme;Entity_remark;Naal_logical_id;Entity_logical_id;"
                "Naal_wholename;Birt_logical_id;Entity_logical_id;Birt_date;EU_ref_num")
GOOD_ROW = "04/07/2018;5;P;1/2003 (OJ L1);2003-01-01;http://x;IRQ;;51;5;Good Name;;;;EU.1.1"


def write_csv(tmp_path: Path, *rows: str, header: str = CSV10_HEADER) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def csv_error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(CSV_FORMAT.parse(path))
    assert info.value.path == str(path)
    return info.value


def xml_error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(XML_FORMAT.parse(path))
    assert info.value.path == str(path)
    return info.value


def test_csv_minimal_good_file_parses(tmp_path: Path) -> None:
    # the baseline the malformed cases below change one thing in
    (entity,) = CSV_FORMAT.parse(write_csv(tmp_path, GOOD_ROW))
    assert entity.id == "eu_fsf:5" and entity.caption == "Good Name"


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_csv_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert "empty file" in str(csv_error(path))


def test_csv_wrong_header(tmp_path: Path) -> None:
    error = csv_error(write_csv(tmp_path, "1;2;3", header="Id;Name;Programme"))
    assert error.line == 1 and "Entity_logical_id" in error.reason


def test_csv_non_numeric_logical_id(tmp_path: Path) -> None:
    error = csv_error(write_csv(tmp_path, GOOD_ROW, GOOD_ROW.replace(";5;P;", ";X5;P;")))
    assert error.line == 3 and "'X5' is not a number" in error.reason
    assert f"{tmp_path / 'bad.csv'}, line 3" in str(error)


@pytest.mark.parametrize("bad", ["1960-13-45", "31.02.1960", "sometime"])
def test_csv_bad_birth_date(tmp_path: Path, bad: str) -> None:
    row = f"04/07/2018;5;P;1/2003 (OJ L1);2003-01-01;http://x;IRQ;;;;;52;5;{bad};EU.1.1"
    error = csv_error(write_csv(tmp_path, GOOD_ROW, row))
    assert error.line == 3 and "birth date" in error.reason and bad in error.reason


def test_csv_bad_file_and_act_dates(tmp_path: Path) -> None:
    assert csv_error(write_csv(tmp_path, GOOD_ROW.replace("04/07/2018", "2018/07/04"))).line == 2
    error = csv_error(write_csv(tmp_path, GOOD_ROW.replace("2003-01-01", "2003-02-30")))
    assert error.line == 2 and "publicationDate" in error.reason


def test_csv_unknown_subject_type(tmp_path: Path) -> None:
    error = csv_error(write_csv(tmp_path, GOOD_ROW.replace(";5;P;", ";5;V;")))
    assert error.line == 2 and "subject type 'V'" in error.reason


def test_csv_row_width(tmp_path: Path) -> None:
    assert csv_error(write_csv(tmp_path, GOOD_ROW + ";extra")).line == 2
    short = GOOD_ROW.rsplit(";", 3)[0]
    assert csv_error(write_csv(tmp_path, short, GOOD_ROW)).line == 2
    # only the last row of a cut file may be short
    (entity,) = CSV_FORMAT.parse(write_csv(tmp_path, GOOD_ROW, short))
    assert entity.caption == "Good Name"


def test_csv_block_names_another_entity(tmp_path: Path) -> None:
    error = csv_error(write_csv(tmp_path, GOOD_ROW.replace(";51;5;", ";51;6;")))
    assert error.line == 2 and "names Entity_logical_id 6" in error.reason


def test_xml_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    assert "empty file" in str(xml_error(path))


def test_xml_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    cut = XML.index("<sanctionEntity designationDetails=\"Leader")
    path.write_text(XML[:cut + 60], encoding="utf-8")
    error = xml_error(path)
    assert error.line is not None and error.line >= XML[:cut].count("\n")
    assert "not well-formed XML" in error.reason


def test_xml_wrong_root_or_namespace(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<sdnList><sdnEntry/></sdnList>", encoding="utf-8")
    assert xml_error(path).element == "sdnList"
    assert sniff(XML_FORMAT, path) is None
    path.write_text("<export><sanctionEntity logicalId='1'/></export>", encoding="utf-8")
    assert xml_error(path).element == "export"
    assert sniff(XML_FORMAT, path) is None


def test_xml_non_numeric_logical_id(tmp_path: Path) -> None:
    path = tmp_path / "id.xml"
    path.write_text(XML.replace('logicalId="90002"', 'logicalId="A90002"'), encoding="utf-8")
    error = xml_error(path)
    assert error.element == "sanctionEntity" and "'A90002'" in error.reason
    assert error.line == XML[:XML.index('logicalId="90002"')].count("\n") + 1


def test_xml_bad_birth_date(tmp_path: Path) -> None:
    path = tmp_path / "date.xml"
    path.write_text(XML.replace('birthdate="1962-03-15"', 'birthdate="1962-02-30"'),
                    encoding="utf-8")
    error = xml_error(path)
    assert error.element == "sanctionEntity[@logicalId=90001]/birthdate"
    assert error.line == XML[:XML.index('birthdate="1962-03-15"')].count("\n") + 1
    assert "'1962-02-30'" in error.reason


def test_xml_duplicate_logical_id(tmp_path: Path) -> None:
    path = tmp_path / "dup.xml"
    path.write_text(XML.replace('logicalId="90002"', 'logicalId="90001"'), encoding="utf-8")
    assert "appears twice" in xml_error(path).reason


def test_sniff_rejects_other_lists(tmp_path: Path) -> None:
    ofac = tmp_path / "sdn.csv"
    ofac.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n', encoding="utf-8")
    uk = tmp_path / "ConList.csv"
    uk.write_text("Last Updated,13/04/2018\nName 6,Name 1,Group ID\n", encoding="utf-8")
    for path in (ofac, uk):
        assert sniff(CSV_FORMAT, path) is None and sniff(XML_FORMAT, path) is None
