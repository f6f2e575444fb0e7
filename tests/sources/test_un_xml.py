"""UN Security Council consolidated XML: the real 2026-02-27 list, small files, bad files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from moneytrail.model import (
    Address, Entity, IdKind, Identifier, Name, NameKind, Program, RelationKind, Schema,
)
from moneytrail.sources import SourceError, detect, format_by_name
from moneytrail.sources import un_xml
from moneytrail.sources.base import associations, imo_check_digit_ok


@pytest.fixture(scope="module")
def un_path(lists_dir) -> Path:
    return lists_dir / "un_2026-02-27" / "consolidated.xml"


@pytest.fixture(scope="module")
def un_entities(un_path) -> list[Entity]:
    return list(un_xml.parse(un_path))


@pytest.fixture(scope="module")
def by_ref(un_entities) -> dict[str, Entity]:
    return {e.programs[0].id: e for e in un_entities}


# -- the real list ------------------------------------------------------------------------------

def test_real_list_counts(un_entities):
    assert Counter(e.schema for e in un_entities) == {Schema.PERSON: 730,
                                                       Schema.ORGANIZATION: 273}
    assert len({e.id for e in un_entities}) == 1003
    assert all(e.id == f"un_sc:{e.source_id}" and e.source == "un_sc" for e in un_entities)


def test_real_list_dprk_references(un_entities):
    kp = [e for e in un_entities if e.programs[0].id[:4] in ("KPi.", "KPe.")]
    assert Counter(e.schema for e in kp) == {Schema.PERSON: 80, Schema.ORGANIZATION: 75}
    assert all(e.dprk and e.programs[0].dprk for e in kp)
    assert {e.programs[0].code for e in kp} == {"DPRK"}
    # nothing else on the list is a DPRK program, nor North Korean by content
    assert all(not e.programs[0].dprk for e in un_entities if e not in kp)
    assert sum(e.dprk for e in un_entities) == 155


def test_real_list_has_no_vessels_but_company_imo_numbers(un_entities):
    assert not any(e.schema is Schema.VESSEL for e in un_entities)
    with_imo = {e.programs[0].id: [i for i in e.identifiers if i.kind is IdKind.IMO]
                for e in un_entities if any(i.kind is IdKind.IMO for i in e.identifiers)}
    assert len(with_imo) == 16
    assert all(ref.startswith("KPe.") for ref in with_imo)
    assert with_imo["KPe.022"] == [Identifier(IdKind.IMO, "5342883", note="IMO company number")]
    assert with_imo["KPe.066"][0].value == "5434358"  # "Company Number IMO 5434358"
    # "International Maritime Organization (IMO) Number: 1790183": passes the ship check digit,
    # but its sentence names no vessel, so it is OMM's own company number
    assert with_imo["KPe.020"][0].value == "1790183"
    assert imo_check_digit_ok("1790183") and not imo_check_digit_ok("5342883")


def test_real_dprk_person_every_field(by_ref):
    e = by_ref["KPi.064"]
    assert e == Entity(
        id="un_sc:6908640", source="un_sc", source_id="6908640", schema=Schema.PERSON,
        names=(Name("CH'OE SO\u2019K MIN", NameKind.PRIMARY, given="SO\u2019K MIN", family="CH'OE"),
               Name("Choe Sok Min", NameKind.WEAK_ALIAS)),
        programs=(Program("DPRK", "UN Security Council", True, "2017-12-22", id="KPi.064"),),
        dprk=True, birth_dates=("1978-07-25",), nationalities=("kp",), gender="male",
        positions=("Former overseas Foreign Trade Bank representative",),
        listed_on="2017-12-22", modified_on="2023-06-29",
        remarks=e.remarks)
    assert e.remarks.startswith("In 2016, Ch\u2019oe So\u2019k-min was the deputy representative")
    assert e.caption == "CH'OE SO\u2019K MIN"


def test_real_dprk_person_with_passport(by_ref):
    e = by_ref["KPi.033"]
    assert e.names == (Name("RI WON HO", NameKind.PRIMARY, given="WON HO", family="RI"),)
    assert e.identifiers == (Identifier(IdKind.PASSPORT, "381310014"),)
    assert e.birth_dates == ("1964-07-17",)
    assert e.positions == ("DPRK Ministry of State Security Official",)
    assert e.modified_on is None  # LAST_DAY_UPDATED is empty


def test_real_dprk_entities_with_aliases(by_ref):
    komid = by_ref["KPe.001"]
    assert komid.schema is Schema.ORGANIZATION and komid.dprk
    assert [n.full for n in komid.names] == [
        "KOREA MINING DEVELOPMENT TRADING CORPORATION", "CHANGGWANG SINYONG CORPORATION",
        "EXTERNAL TECHNOLOGY GENERAL CORPORATION", "DPRKN MINING DEVELOPMENT TRADING COOPERATION",
        '"KOMID"']
    assert [n.kind for n in komid.names] == [NameKind.PRIMARY] + [NameKind.ALIAS] * 4
    assert komid.addresses == (Address(
        full="Central District, Pyongyang, Democratic People's Republic of Korea",
        street="Central District", city="Pyongyang", country="kp"),)
    assert komid.listed_on == "2009-04-24"
    tanchon = by_ref["KPe.003"]
    assert [(n.full, n.kind) for n in tanchon.names] == [
        ("TANCHON COMMERCIAL BANK", NameKind.PRIMARY),
        ("CHANGGWANG CREDIT BANK", NameKind.FORMER),  # f.k.a.
        ("KOREA CHANGGWANG CREDIT BANK", NameKind.FORMER)]


def test_real_non_dprk_person_keeps_name_parts_unassigned(by_ref):
    e = by_ref["CDi.001"]
    assert e.names == (Name("ERIC BADEGE", NameKind.PRIMARY),)  # FIRST_NAME is a given name here
    assert e.birth_dates == ("1971",) and e.nationalities == ("cd",) and e.gender == "male"
    assert e.addresses == (Address(full="Rwanda (as of early 2016)", country="rw"),)
    assert not e.dprk and e.programs[0].code == "DRC"


def test_real_original_script_and_places(by_ref):
    e = by_ref["IQi.001"]
    assert e.names == (Name("SADDAM HUSSEIN AL-TIKRITI", NameKind.PRIMARY),
                       Name("\u0635\u062f\u0627\u0645 \u062d\u0633\u064a\u0646 "
                            "\u0627\u0644\u062a\u0643\u0631\u064a\u062a\u064a",
                            NameKind.ORIGINAL_SCRIPT),
                       Name("Abu Ali", NameKind.WEAK_ALIAS))
    assert e.birth_places == ("al-Awja, near Tikrit, Iraq",)


def test_real_birth_date_shapes(by_ref):
    assert by_ref["CDi.030"].birth_dates == ("1973", "1974")  # BETWEEN 1973 and 1974
    assert by_ref["CDi.004"].birth_dates == ("1973-11",)  # only a NOTE "Nov. 1973"


def test_real_published_and_sniff(un_path):
    assert un_xml.published(un_path) == "2026-02-27"
    assert un_xml.sniff(un_path, un_path.read_bytes()[:65536]) == "un_sc"
    hit = detect(un_path)
    assert hit.source == "un_sc" and hit.format is format_by_name("un_xml")
    assert hit.published == "2026-02-27"


# -- small files ----------------------------------------------------------------------------------

def _doc(body: str, generated: str = "2026-02-27T00:00:09.554Z") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST '
            f'dateGenerated="{generated}">\n{body}\n</CONSOLIDATED_LIST>\n')


PERSON = """<INDIVIDUALS><INDIVIDUAL>
  <DATAID>{dataid}</DATAID><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>CHOL</SECOND_NAME>
  <THIRD_NAME>SU</THIRD_NAME>
  <UN_LIST_TYPE>{list_type}</UN_LIST_TYPE><REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER>
  <LISTED_ON>{listed}</LISTED_ON><GENDER>Male</GENDER>
  <COMMENTS1>Works for a bank.</COMMENTS1>
  <NAME_ORIGINAL_SCRIPT>김철수</NAME_ORIGINAL_SCRIPT>
  <TITLE><VALUE>Colonel</VALUE></TITLE>
  <DESIGNATION><VALUE>Bank   official</VALUE></DESIGNATION>
  <NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE>
    <VALUE>Atlantis</VALUE></NATIONALITY>
  <LAST_DAY_UPDATED><VALUE>2020-01-02</VALUE><VALUE>2021-03-04</VALUE><VALUE/></LAST_DAY_UPDATED>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Kim Chol-su</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Su</ALIAS_NAME><NOTE>nickname</NOTE>
    <DATE_OF_BIRTH>1961</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ADDRESS><STREET>1 Main St</STREET><CITY>Pyongyang</CITY>
    <COUNTRY>Democratic People's Republic of Korea</COUNTRY><NOTE>previous address</NOTE>
  </INDIVIDUAL_ADDRESS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1960-05-06</DATE>
  </INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1950</FROM_YEAR>
    <TO_YEAR>1980</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE>
    <NOTE>30-35 years old</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Sinuiju</CITY>
    <COUNTRY>Democratic People's Republic of Korea</COUNTRY>
  </INDIVIDUAL_PLACE_OF_BIRTH>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> 472310082 </NUMBER>
    <ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY>
    <DATE_OF_ISSUE>2012-05-06</DATE_OF_ISSUE><NOTE>diplomatic</NOTE></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT>
    <NOTE>number 12345 issued in 1999</NOTE></INDIVIDUAL_DOCUMENT>
</INDIVIDUAL></INDIVIDUALS>"""


def _person(**kw) -> str:
    values = {"dataid": "1", "list_type": "DPRK", "ref": "KPi.901", "listed": "2017-12-22"}
    values.update(kw)
    return PERSON.format(**values)


def test_small_person_every_field(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text(_doc(_person(listed="2015-04-07-04:00")), encoding="utf-8")
    (e,) = un_xml.parse(path)
    assert e == Entity(
        id="un_sc:1", source="un_sc", source_id="1", schema=Schema.PERSON,
        names=(Name("KIM CHOL SU", NameKind.PRIMARY, given="CHOL SU", family="KIM"),
               Name("김철수", NameKind.ORIGINAL_SCRIPT),
               Name("Kim Chol-su", NameKind.ALIAS), Name("Su", NameKind.WEAK_ALIAS)),
        programs=(Program("DPRK", "UN Security Council", True, "2015-04-07", id="KPi.901"),),
        dprk=True,
        birth_dates=("1960-05-06", "1950", "1980", "1961"),  # a 30-year span is not expanded
        birth_places=("Sinuiju, Democratic People's Republic of Korea",),
        nationalities=("kp",), gender="male", titles=("Colonel",),
        positions=("Bank official",),
        identifiers=(Identifier(IdKind.PASSPORT, "472310082", country="kp",
                                note="issued 2012-05-06; diplomatic"),),
        addresses=(Address(full="1 Main St, Pyongyang, Democratic People's Republic of Korea "
                                "(previous address)", street="1 Main St", city="Pyongyang",
                           country="kp"),),
        listed_on="2015-04-07", modified_on="2021-03-04", remarks="Works for a bank.",
        notes=("Date of birth (approximately): 30-35 years old",
               "Alias 'Su': nickname",
               "Nationality: Atlantis",
               "National Identification Number: number 12345 issued in 1999"))


def test_kp_reference_makes_program_dprk_whatever_the_list_type(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text(_doc(_person(list_type="Non-Proliferation")), encoding="utf-8")
    (e,) = un_xml.parse(path)
    assert e.programs == (Program("KPi", "UN Security Council", True, "2017-12-22",
                                  id="KPi.901"),)
    assert e.dprk and "UN list type: Non-Proliferation" in e.notes
    # the names still follow the DPRK family-name-first rule
    assert e.names[0].family == "KIM"


def test_non_dprk_person_names_are_not_split(tmp_path):
    path = tmp_path / "un.xml"
    text = _person(list_type="DRC", ref="CDi.901").replace(
        "<NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE>", "<NATIONALITY>")
    path.write_text(_doc(text), encoding="utf-8")
    (e,) = un_xml.parse(path)
    assert e.names[0] == Name("KIM CHOL SU", NameKind.PRIMARY)
    assert e.programs[0] == Program("DRC", "UN Security Council", False, "2017-12-22",
                                    id="CDi.901")
    assert e.dprk  # still North Korean by content: address, birth place, passport issuer


ENTITY = """<ENTITIES><ENTITY>
  <DATAID>2</DATAID><FIRST_NAME> SEA SHIPPING CO </FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
  <REFERENCE_NUMBER>KPe.901</REFERENCE_NUMBER><LISTED_ON>2018-03-30</LISTED_ON>
  <COMMENTS1>{comments}</COMMENTS1>
  <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>SEA SHPG</ALIAS_NAME></ENTITY_ALIAS>
  <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>OLD SEA CO</ALIAS_NAME></ENTITY_ALIAS>
  <ENTITY_ADDRESS><CITY>Nampo</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY>
  </ENTITY_ADDRESS>
</ENTITY></ENTITIES>"""


@pytest.mark.parametrize("comments, imo", [
    ("Registered owner of SEA 1. IMO number: 5342883.", ["5342883"]),
    ("Company Number IMO 9562233", ["9562233"]),
    # a valid ship number in a sentence about a vessel belongs to the vessel, not the company
    ("Registered owner of the vessel SEA 1 (IMO number: 9562233).", []),
])
def test_entity_imo_numbers(tmp_path, comments, imo):
    path = tmp_path / "un.xml"
    path.write_text(_doc(ENTITY.format(comments=comments)), encoding="utf-8")
    (e,) = un_xml.parse(path)
    assert e.schema is Schema.ORGANIZATION and e.dprk
    assert [i.value for i in e.identifiers if i.kind is IdKind.IMO] == imo
    assert e.names == (Name("SEA SHIPPING CO", NameKind.PRIMARY),
                       Name("SEA SHPG", NameKind.ALIAS), Name("OLD SEA CO", NameKind.FORMER))
    assert e.remarks == comments


# -- bad files ------------------------------------------------------------------------------------

def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(un_xml.parse(path))
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path):
    path = tmp_path / "un.xml"
    path.write_bytes(b"")
    assert "empty" in _error(path).reason
    assert un_xml.sniff(path, b"") is None


def test_truncated_file_names_the_line(tmp_path, un_path):
    data = un_path.read_bytes()
    path = tmp_path / "un.xml"
    path.write_bytes(data[: len(data) // 2])
    err = _error(path)
    assert err.line is not None and err.line > 1000
    assert "well-formed" in err.reason


def test_wrong_encoding_names_the_line(tmp_path):
    # the document says UTF-8, one byte is Latin-1 (an e-acute)
    text = _doc(_person())
    path = tmp_path / "un.xml"
    path.write_bytes(text.encode("utf-8").replace(b"Works for", b"Works f\xe9r"))
    err = _error(path)
    assert err.line == next(i for i, line in enumerate(text.splitlines(), 1) if "Works" in line)


def test_wrong_root(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text("<html><body>Service unavailable</body></html>", encoding="utf-8")
    err = _error(path)
    assert err.element == "html" and err.line == 1
    assert un_xml.sniff(path, path.read_bytes()) is None


@pytest.mark.parametrize("old, new, element", [
    ("<LISTED_ON>2017-12-22</LISTED_ON>", "<LISTED_ON>22/12/2017</LISTED_ON>",
     "INDIVIDUAL[DATAID=1]/LISTED_ON"),
    ("<DATE>1960-05-06</DATE>", "<DATE>1960-13-06</DATE>",
     "INDIVIDUAL[DATAID=1]/INDIVIDUAL_DATE_OF_BIRTH/DATE"),
    ("<FROM_YEAR>1950</FROM_YEAR>", "<FROM_YEAR>c.1950</FROM_YEAR>",
     "INDIVIDUAL[DATAID=1]/INDIVIDUAL_DATE_OF_BIRTH/FROM_YEAR"),
    ("<VALUE>2020-01-02</VALUE>", "<VALUE>2 Jan 2020</VALUE>",
     "INDIVIDUAL[DATAID=1]/LAST_DAY_UPDATED/VALUE"),
])
def test_malformed_typed_dates_are_errors(tmp_path, old, new, element):
    text = _doc(_person())
    assert old in text
    path = tmp_path / "un.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    err = _error(path)
    assert err.element == element
    assert err.line == next(i for i, line in enumerate(text.replace(old, new).splitlines(), 1)
                            if new in line)


def test_malformed_date_generated(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text(_doc(_person(), generated="yesterday"), encoding="utf-8")
    err = _error(path)
    assert err.element == "CONSOLIDATED_LIST" and "dateGenerated" in err.reason
    assert un_xml.published(path) is None


def test_entry_without_dataid_and_list_without_entries(tmp_path):
    path = tmp_path / "un.xml"
    path.write_text(_doc(_person().replace("<DATAID>1</DATAID>", "")), encoding="utf-8")
    assert _error(path).element == "INDIVIDUAL"
    path.write_text(_doc("<INDIVIDUALS/><ENTITIES/>"), encoding="utf-8")
    assert list(un_xml.parse(path)) == []  # an empty list; the store refuses it unless forced


def test_sniff_refuses_other_lists(tmp_path):
    path = tmp_path / "x.csv"
    assert un_xml.sniff(path, b"Last Updated,13/04/2018\nName 6,Name 1\n") is None
    assert un_xml.sniff(path, b'<?xml version="1.0"?>\n<sdnList>') is None
    assert un_xml.sniff(path, b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="x">') \
        == "un_sc"


def test_associations_in_comments_become_relations_to_the_referenced_entry(un_entities):
    by_id = {e.id: e for e in un_entities}
    by_ref = {p.id: e for e in un_entities for p in e.programs if p.id}
    linked = [(e, r) for e in un_entities for r in e.relations]
    assert linked and all(r.kind is RelationKind.ASSOCIATE for _, r in linked)
    # "Associated with Al-Qaida (QDe.004)": the relation points at the entry QDe.004 itself
    to_qaida = [(e, r) for e, r in linked if r.role == "associated with (UN QDe.004)"]
    assert to_qaida and all(r.target == by_ref["QDe.004"].id and r.target in by_id
                            for _, r in to_qaida)
    assert all("QDe.004" in (e.remarks or "") for e, _ in to_qaida)
    # a name without a reference, or with one no entry of this list holds (removed from the
    # list), keeps the name as written: no id guessed
    unresolved = [r for _, r in linked if r.target is None]
    assert unresolved and all(r.target_name for r in unresolved)
    assert all(r.role == "associated with" or r.role[len("associated with (UN "):-1] not in by_ref
               for r in unresolved)
