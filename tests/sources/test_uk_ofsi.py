"""UK OFSI ConList.csv: the real 2018-04-13 list, small files in both layouts, bad files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from moneytrail.model import (
    Address, Entity, IdKind, Identifier, Name, NameKind, Program, RelationKind, Schema,
)
from moneytrail.sources import SourceError, detect, format_by_name
from moneytrail.sources import uk_ofsi
from moneytrail.sources.base import associations, imo_check_digit_ok

DPRK_REGIME = "North Korea (Democratic People's Republic of Korea)"


@pytest.fixture(scope="module")
def ofsi_path(lists_dir) -> Path:
    return lists_dir / "uk_ofsi_2018-04-13" / "ConList.csv"


@pytest.fixture(scope="module")
def ofsi(ofsi_path) -> dict[str, Entity]:
    return {e.source_id: e for e in uk_ofsi.parse(ofsi_path)}


@pytest.fixture(scope="module")
def rows(ofsi_path) -> list[dict[str, str]]:
    with open(ofsi_path, encoding="cp1252", newline="") as f:
        f.readline()
        return list(csv.DictReader(f))


# -- the real list ------------------------------------------------------------------------------

def test_real_list_groups(ofsi, rows):
    assert len(rows) == 9487
    assert len(ofsi) == 2106 == len({r["Group ID"] for r in rows})
    assert Counter(e.schema for e in ofsi.values()) == {
        Schema.PERSON: 1426, Schema.ORGANIZATION: 655, Schema.VESSEL: 25}
    assert all(e.id == f"uk_ofsi:{gid}" for gid, e in ofsi.items())


def test_real_list_dprk(ofsi, rows):
    by_program = {gid for gid, e in ofsi.items() if any(p.dprk for p in e.programs)}
    assert len(by_program) == 242
    assert sum(1 for r in rows if r["Group ID"] in by_program) == 574
    assert all(ofsi[gid].dprk for gid in by_program)
    assert sum(e.dprk for e in ofsi.values()) == 242  # none more by content
    assert {p.code for gid in by_program for p in ofsi[gid].programs if p.dprk} == {DPRK_REGIME}
    assert Counter(ofsi[gid].schema for gid in by_program) == {
        Schema.PERSON: 135, Schema.ORGANIZATION: 84, Schema.VESSEL: 23}


def test_real_list_ships_and_imo_numbers(ofsi):
    vessels = {e.caption: e for e in ofsi.values() if e.schema is Schema.VESSEL}
    assert len(vessels) == 25
    assert all(len([i for i in e.identifiers if i.kind is IdKind.IMO]) == 1
               for e in vessels.values())
    assert all(imo_check_digit_ok(i.value) for e in vessels.values()
               for i in e.identifiers if i.kind is IdKind.IMO)
    assert {"PETREL 8", "WOORY STAR", "NADINE", "LYNN S", "YU JONG 2"} <= set(vessels)
    assert sum(1 for e in vessels.values() if e.dprk) == 23  # NADINE, LYNN S: Libya
    # The data README counts 26 "ships with IMO numbers": the 25 ships plus CHONG-CHONGANG
    # SHIPPING COMPANY, whose "IMO Number: 5342883" is a company number (it fails the ship
    # check digit). KOREA YUJONG's "Company Number IMO 5434358" is the other company number.
    companies = {e.caption: [i for i in e.identifiers if i.kind is IdKind.IMO]
                 for e in ofsi.values() if e.schema is Schema.ORGANIZATION
                 and any(i.kind is IdKind.IMO for i in e.identifiers)}
    assert companies == {
        "CHONG-CHONGANG SHIPPING COMPANY": [Identifier(IdKind.IMO, "5342883",
                                                      note="IMO company number")],
        "KOREA YUJONG SHIPPING CO LTD": [Identifier(IdKind.IMO, "5434358",
                                                    note="IMO company number")]}


def test_real_dprk_person_every_field(ofsi):
    e = ofsi["13562"]
    assert e == Entity(
        id="uk_ofsi:13562", source="uk_ofsi", source_id="13562", schema=Schema.PERSON,
        names=(Name("Kim Kyong IL", NameKind.PRIMARY, given="Kim Kyong", family="IL"),
               Name("Kim KYO'NG-IL", NameKind.ALIAS, given="Kim", family="KYO'NG-IL")),
        programs=(Program(DPRK_REGIME, "HM Treasury (OFSI)", True, "2017-12-22"),),
        dprk=True, birth_dates=("1979-08-01",),
        positions=("Foreign Trade Bank deputy chief representative in Libya",),
        identifiers=(Identifier(IdKind.PASSPORT, "836210029", note="Passport No. 836210029"),),
        addresses=(Address(full="Libya"),),
        listed_on="2017-12-22", modified_on="2018-01-09",
        remarks="Annex XIII. UN Listing. UN Ref.KPI.067.")


def test_real_rows_per_date_of_birth_are_merged(ofsi):
    e = ofsi["12844"]  # three rows, one per date of birth
    assert e.birth_dates == ("1968-02-19", "1965", "1966")  # 00/00/1965 -> 1965
    assert [n.full for n in e.names] == ["Myong-Chin CHANG", "Myong-Jin JANG"]
    assert e.gender == "male"  # "Gender: male." in Other Information


def test_real_cp1252_text_and_birth_place(ofsi):
    assert "Worker\u2019s Party of Korea\u2019s" in ofsi["13489"].remarks  # 0x92 in the file
    han = ofsi["13528"]
    assert han.birth_places == ("Pyongyang, DPRK",) and han.nationalities == ("kp",)
    assert han.identifiers == (Identifier(
        IdKind.PASSPORT, "745420176",
        note="Passport no: 745420176 expires on 19 October 2020."),)


def test_real_vessels(ofsi):
    nadine = ofsi["13519"]
    assert nadine.schema is Schema.VESSEL and not nadine.dprk
    assert nadine.names == (Name("NADINE", NameKind.PRIMARY), Name("Capricorn", NameKind.FORMER))
    assert nadine.identifiers == (Identifier(IdKind.IMO, "8900878"),)
    assert nadine.countries == ("pw",) and nadine.properties == (("flag", "pw"),)
    tong_san = ofsi["13556"]
    assert tong_san.identifiers == (Identifier(IdKind.IMO, "8937675"),
                                    Identifier(IdKind.MMSI, "445539000"))
    assert tong_san.dprk and tong_san.programs[0].listed_on == "2017-10-19"


def test_real_operator_of_vessels_stays_a_company(ofsi):
    omm = ofsi["13143"]  # "operator/manager of the following vessels with IMO Number: ((a)..."
    assert omm.schema is Schema.ORGANIZATION and omm.identifiers == ()
    assert omm.addresses[0] == Address(
        full="Dongheung-dong Changgwang Street, Chung-Ku, Pyongyang, PO Box 125, DPRK",
        postal_code="PO Box 125", country="kp")


def test_real_multiple_regimes(ofsi):
    e = ofsi["10638"]
    assert [p.code for p in e.programs] == ["Syria", "Iran (nuclear proliferation)",
                                            "Iran (human rights)"]


def test_real_published_and_sniff(ofsi_path):
    assert uk_ofsi.published(ofsi_path) == "2018-04-13"
    assert uk_ofsi.sniff(ofsi_path, ofsi_path.read_bytes()[:65536]) == "uk_ofsi"
    hit = detect(ofsi_path)
    assert hit.source == "uk_ofsi" and hit.format is format_by_name("uk_ofsi")
    assert hit.published == "2018-04-13"


# -- small files ----------------------------------------------------------------------------------

HEADER_2018 = ("Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,"
               "Country of Birth,Nationality,Passport Details,NI Number,Position,Address 1,"
               "Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,"
               "Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID")


def _csv(rows: list[dict[str, str]], header: str = HEADER_2018,
         first: str = "Last Updated,13/04/2018") -> str:
    names = header.split(",")
    lines = [first + "," * (len(names) - 2), header]
    for row in rows:
        assert set(row) <= set(names), set(row) - set(names)
        lines.append(",".join('"' + row.get(n, "").replace('"', '""') + '"' for n in names))
    return "\r\n".join(lines) + "\r\n"


BASE = {"Regime": DPRK_REGIME, "Listed On": "22/01/2018", "Last Updated": "23/01/2018",
        "Group ID": "900", "Group Type": "Individual"}


def _person_rows() -> list[dict[str, str]]:
    person = {**BASE, "Title": "Colonel", "Town of Birth": "Pyongyang", "Country of Birth": "DPRK",
              "Nationality": "(1) DPRK (2) Possibly Chinese", "Position": "Bank official",
              "Passport Details": "(1) 472310082 (DPRK diplomatic) (2) G5512 issued 2010",
              "NI Number": "Ration card no. 0094195",
              "Address 1": "1 Main St", "Address 6": "Pyongyang", "Post/Zip Code": "PO Box 1",
              "Country": "DPRK",
              "Other Information": "UN Ref KPi.901. Gender: male. Caf\u00e9 owner.",
              "Name 1": "Chol", "Name 2": "Su", "Name 6": "KIM"}
    return [
        {**person, "Alias Type": "Prime Alias", "DOB": "06/05/1960"},
        {**person, "Alias Type": "Prime Alias", "DOB": "00/00/1961"},
        {**person, "Alias Type": "Prime Alias", "DOB": "00/07/1962"},
        {**person, "Alias Type": "AKA", "DOB": "00/00/0000", "Name 1": "Cheol", "Name 2": "",
         "Name 6": "GIM"},
        {**person, "Alias Type": "FKA", "DOB": "06/05/1960", "Name 1": "", "Name 2": "",
         "Name 6": "PARK"},
    ]


def test_small_2018_layout_every_field(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_bytes(_csv(_person_rows()).encode("cp1252"))
    assert uk_ofsi.sniff(path, path.read_bytes()) == "uk_ofsi"
    (e,) = uk_ofsi.parse(path)
    assert e == Entity(
        id="uk_ofsi:900", source="uk_ofsi", source_id="900", schema=Schema.PERSON,
        names=(Name("Chol Su KIM", NameKind.PRIMARY, given="Chol Su", family="KIM"),
               Name("Cheol GIM", NameKind.ALIAS, given="Cheol", family="GIM"),
               Name("PARK", NameKind.FORMER)),
        programs=(Program(DPRK_REGIME, "HM Treasury (OFSI)", True, "2018-01-22"),),
        dprk=True, birth_dates=("1960-05-06", "1961", "1962-07"),
        birth_places=("Pyongyang, DPRK",), nationalities=("kp", "cn"), gender="male",
        titles=("Colonel",), positions=("Bank official",),
        identifiers=(
            Identifier(IdKind.PASSPORT, "472310082", country="kp",
                       note="472310082 (DPRK diplomatic)"),
            Identifier(IdKind.PASSPORT, "G5512", note="G5512 issued 2010"),
            Identifier(IdKind.NATIONAL_ID, "0094195", note="Ration card no. 0094195")),
        addresses=(Address(full="1 Main St, Pyongyang, PO Box 1, DPRK", postal_code="PO Box 1",
                           country="kp"),),
        listed_on="2018-01-22", modified_on="2018-01-23",
        remarks="UN Ref KPi.901. Gender: male. Caf\u00e9 owner.",
        notes=("Nationality: (1) DPRK (2) Possibly Chinese",
               "Date of birth as published: 00/00/0000"))


def test_small_ship_rows_and_group_type_ship(tmp_path):
    ship = {**BASE, "Group ID": "901", "Group Type": "Entity", "Alias Type": "Prime Alias",
            "Name 6": "SEA STAR 3",
            "Other Information": "(IMO number: 9562233). MMSI: 123456789. Flag State: Panama. "
                                 "Formerly known as OCEAN STAR."}
    company = {**BASE, "Group ID": "902", "Group Type": "Entity", "Alias Type": "Prime Alias",
               "Name 6": "SEA STAR SHIPPING CO LTD",
               "Other Information": "Owner. IMO: 9562233."}  # valid ship number, company name
    typed = {**BASE, "Group ID": "903", "Group Type": "Ship", "Alias Type": "Primary name",
             "Name 6": "TYPED SHIP"}
    path = tmp_path / "ConList.csv"
    path.write_text(_csv([ship, company, typed]), encoding="utf-8")
    star, owner, typed_ship = uk_ofsi.parse(path)
    assert star.schema is Schema.VESSEL
    assert star.names == (Name("SEA STAR 3", NameKind.PRIMARY),
                          Name("OCEAN STAR", NameKind.FORMER))
    assert star.identifiers == (Identifier(IdKind.IMO, "9562233"),
                                Identifier(IdKind.MMSI, "123456789"))
    assert star.properties == (("flag", "pa"),) and star.countries == ("pa",)
    assert owner.schema is Schema.ORGANIZATION
    assert owner.identifiers == (Identifier(IdKind.IMO, "9562233", note="IMO company number"),)
    assert typed_ship.schema is Schema.VESSEL and typed_ship.identifiers == ()


LATER_HEADER = ("Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,"
                "Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,"
                "Country of Birth,Nationality,Passport Number,Passport Details,"
                "National Identification Number,National Identification Details,Position,"
                "Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,"
                "Country,Other Information,Group Type,Alias Type,Alias Quality,Regime,Listed On,"
                "UK Sanctions List Date Designated,Last Updated,Group ID")


def test_small_later_layout(tmp_path):
    base = {**BASE, "UK Sanctions List Date Designated": "31/12/2020",
            "Passport Number": "745420176", "Passport Details": "Diplomatic, expires 2020",
            "National Identification Number": "123-45", "National Identification Details": "ID",
            "Name Non-Latin Script": "\ud55c\uc7a5\uc218", "Non-Latin Script Type": "Korean",
            "Non-Latin Script Language": "Korean", "Name 1": "Jang Su", "Name 6": "HAN"}
    rows = [{**base, "Alias Type": "Primary name"},
            {**base, "Alias Type": "Primary name variation", "Name 1": "Chang-Su"},
            {**base, "Alias Type": "Alias", "Alias Quality": "Low quality", "Name 1": "",
             "Name 6": "Jang"}]
    path = tmp_path / "ConList.csv"
    path.write_text(_csv(rows, header=LATER_HEADER), encoding="utf-8-sig")
    (e,) = uk_ofsi.parse(path)
    assert e.names == (Name("Jang Su HAN", NameKind.PRIMARY, given="Jang Su", family="HAN"),
                       Name("\ud55c\uc7a5\uc218", NameKind.ORIGINAL_SCRIPT, lang="ko"),
                       Name("Chang-Su HAN", NameKind.ALIAS, given="Chang-Su", family="HAN"),
                       Name("Jang", NameKind.WEAK_ALIAS))
    assert e.identifiers == (
        Identifier(IdKind.PASSPORT, "745420176", note="Diplomatic, expires 2020"),
        Identifier(IdKind.NATIONAL_ID, "123-45", note="ID"))
    assert e.notes == ("UK Sanctions List date designated: 2020-12-31",)


# -- bad files ------------------------------------------------------------------------------------

def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(uk_ofsi.parse(path))
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"")
    assert "empty" in _error(path).reason


def test_utf16_file_is_refused(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_text(_csv(_person_rows()), encoding="utf-16")
    err = _error(path)
    assert err.line == 1 and "UTF-16" in err.reason
    assert uk_ofsi.sniff(path, path.read_bytes()) is None


def test_bytes_in_neither_utf8_nor_cp1252(tmp_path):
    data = _csv(_person_rows()).encode("cp1252").replace(b"Bank official", b"Bank \x81fficial", 1)
    path = tmp_path / "ConList.csv"
    path.write_bytes(data)
    err = _error(path)
    assert err.line == 3 and "0x81" in err.reason


@pytest.mark.parametrize("first, reason", [
    ("Report Date: 13-Apr-2018", "line 1 should be"),
    ("Last Updated,2018-04-13", "malformed date"),
])
def test_bad_first_line(tmp_path, first, reason):
    path = tmp_path / "ConList.csv"
    path.write_text(_csv(_person_rows(), first=first), encoding="utf-8")
    err = _error(path)
    assert err.line == 1 and reason in err.reason
    assert uk_ofsi.published(path) is None


def test_wrong_headers(tmp_path):
    path = tmp_path / "ConList.csv"
    header = HEADER_2018.replace("Group ID", "Group").replace("Regime", "Programme")
    rows = [{k.replace("Group ID", "Group").replace("Regime", "Programme"): v
             for k, v in r.items()} for r in _person_rows()]
    path.write_text(_csv(rows, header=header), encoding="utf-8")
    err = _error(path)
    assert err.line == 2 and "Regime" in err.reason and "Group ID" in err.reason


@pytest.mark.parametrize("column, value, reason", [
    ("Listed On", "2018-01-22", "malformed date"),
    ("Last Updated", "31/02/2018", "day is out of range"),
    ("Group Type", "Aircraft", "unknown Group Type"),
    ("Group ID", "", "not a number"),
])
def test_bad_values_name_the_line(tmp_path, column, value, reason):
    rows = _person_rows()
    rows[3][column] = value
    path = tmp_path / "ConList.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    err = _error(path)
    assert err.line == 6 and reason in err.reason


def test_row_with_wrong_field_count(tmp_path):
    text = _csv(_person_rows()).splitlines()
    text[4] += ',"extra"'
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    err = _error(path)
    assert err.line == 5 and "30 fields" in err.reason


def test_associations_in_other_information_become_relations(ofsi):
    linked = {(e.id, r.target_name) for e in ofsi.values() for r in e.relations
              if r.kind is RelationKind.ASSOCIATE}
    assert any(name == "Khairullah Barakzai" for _, name in linked)
    # the whole name, "and" inside it included; a clause after it is not part of it
    names = {name for _, name in linked}
    assert "Islamic State in Iraq and the Levant" in names or not any(
        "Levant" in n for n in names)
    assert not any(" who " in n for n in names)


def test_associations_read_from_a_remark():
    assert associations("Associated with the Abu Sayyaf Group (QDe.001), and associated with "
                        "Al-Qaida (QDe.004).") == [("the Abu Sayyaf Group", "QDe.001"),
                                                  ("Al-Qaida", "QDe.004")]
    assert associations("Associated with Wael Abdulkarim who is listed as a business person") \
        == [("Wael Abdulkarim", None)]
    assert associations("He has been associated with cash transfers to banks") == []
