"""OFAC legacy CSV sets: the real SDN sets of 2021-07, 2023 and 2024-05-03, the real
consolidated set of 2025-12, and small malformed sets written by the tests."""

from __future__ import annotations

import csv
import logging
from collections import Counter
from pathlib import Path

import pytest

from moneytrail.model import (
    Address,
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Program,
    Relation,
    RelationKind,
    Schema,
)
from moneytrail.sources.base import SourceError
from moneytrail.sources.ofac_csv import FORMAT, companions, list_id, parse, published, sniff

EMPTY = "-0- "


def by_id(path: Path) -> dict[str, Entity]:
    found = list(parse(path))
    out = {e.source_id: e for e in found}
    assert len(out) == len(found), "ent_nums must be unique"
    return out


def named(entities: dict[str, Entity], caption: str) -> Entity:
    hits = [e for e in entities.values() if e.caption == caption]
    assert len(hits) == 1, caption
    return hits[0]


def npwmd_only_dprk(entities: dict[str, Entity]) -> list[Entity]:
    """DPRK-related by content while filed under NPWMD alone (no DPRK program)."""
    return [e for e in entities.values()
            if e.dprk and [p.code for p in e.programs] == ["NPWMD"]]


@pytest.fixture(scope="module")
def sdn_2021(lists_dir: Path) -> dict[str, Entity]:
    return by_id(lists_dir / "ofac_sdn_2021-07" / "sdn.csv")


@pytest.fixture(scope="module")
def sdn_2024(lists_dir: Path) -> dict[str, Entity]:
    return by_id(lists_dir / "ofac_sdn_2024-05-03" / "sdn.csv")


@pytest.fixture(scope="module")
def cons_2025(lists_dir: Path) -> dict[str, Entity]:
    return by_id(lists_dir / "ofac_cons_2025-12" / "cons_prim.csv")


# ------------------------------------------------------------------------------------------
# Real sets: counts


@pytest.mark.slow
def test_sdn_2021_counts(sdn_2021: dict[str, Entity]) -> None:
    assert len(sdn_2021) == 8976
    assert Counter(e.schema for e in sdn_2021.values()) == {
        Schema.PERSON: 4620, Schema.ORGANIZATION: 3673, Schema.VESSEL: 406,
        Schema.AIRCRAFT: 277}
    assert all(e.id == f"ofac_sdn:{e.source_id}" and e.source == "ofac_sdn"
               for e in sdn_2021.values())


@pytest.mark.slow
def test_sdn_2024_counts(sdn_2024: dict[str, Entity]) -> None:
    assert len(sdn_2024) == 14965
    assert Counter(e.schema for e in sdn_2024.values()) == {
        Schema.PERSON: 6854, Schema.ORGANIZATION: 6884, Schema.VESSEL: 851,
        Schema.AIRCRAFT: 376}
    by_program = [e for e in sdn_2024.values() if any(p.dprk for p in e.programs)]
    # The data README: 484 DPRK* rows, 164 people, 199 entities, 105 vessels, 16 aircraft.
    assert Counter(e.schema for e in by_program) == {
        Schema.PERSON: 164, Schema.ORGANIZATION: 199, Schema.VESSEL: 105, Schema.AIRCRAFT: 16}
    assert all(e.dprk for e in by_program)
    # ... and 69 crypto addresses on them.
    assert sum(1 for e in by_program for i in e.identifiers if i.kind is IdKind.CRYPTO) == 69


@pytest.mark.slow
def test_sdn_2023_stops_at_the_end_of_file_mark(lists_dir: Path, caplog) -> None:
    path = lists_dir / "ofac_sdn_2023" / "sdn.csv"
    with caplog.at_level(logging.WARNING, logger="moneytrail.sources.ofac_csv"):
        entities = by_id(path)
    # The file holds 11,567 data rows, but 449 of them follow the 0x1A end-of-file byte: they
    # are the consolidated (non-SDN) list pasted on, 58 of them with ent_nums of SDN entries.
    raw = path.read_text(encoding="utf-8")
    assert sum(1 for row in csv.reader(raw.splitlines()) if len(row) == 12) == 11567
    assert len(entities) == 11567 - 449 == 11118
    assert "9639" not in entities  # HANIYA, Ismail: consolidated list only
    assert any("line 11119" in r.getMessage() and "449 row(s)" in r.getMessage()
               for r in caplog.records)


@pytest.mark.slow
def test_cons_2025(cons_2025: dict[str, Entity], lists_dir: Path) -> None:
    assert len(cons_2025) == 442
    assert Counter(e.schema for e in cons_2025.values()) == {
        Schema.PERSON: 79, Schema.ORGANIZATION: 363}
    assert all(e.id.startswith("ofac_cons:") and e.source == "ofac_cons"
               for e in cons_2025.values())
    assert not any(e.dprk for e in cons_2025.values())
    haniya = cons_2025["9639"]
    assert haniya.names[0] == Name("HANIYA, Ismail Abdul Salah", family="HANIYA",
                                   given="Ismail Abdul Salah")
    assert Name("HANIYYA, Ismaeel", NameKind.ALIAS, family="HANIYYA",
                given="Ismaeel") in haniya.names
    assert haniya.birth_dates == ("1962",) and haniya.birth_places == ("Shati",)
    assert haniya.programs == (Program("NS-PLC", authority="OFAC"),)
    assert haniya.addresses == ()  # cons_add.csv has a row for him, but every field is -0-
    assert cons_2025["9641"].addresses == (
        Address(full="Gaza, Palestinian", city="Gaza", country="ps"),)


# ------------------------------------------------------------------------------------------
# Real sets: the entries the issue names


@pytest.mark.slow
def test_kim_jong_un(sdn_2021: dict[str, Entity], sdn_2024: dict[str, Entity]) -> None:
    for entities in (sdn_2021, sdn_2024):
        kim = entities["20157"]
        assert kim.schema is Schema.PERSON
        assert kim.names[0] == Name("KIM, Jong Un", family="KIM", given="Jong Un")
        assert kim.birth_dates == ("1984-01-08",)
        assert [p.code for p in kim.programs] == ["DPRK3"]
        assert kim.programs[0].dprk and kim.programs[0].authority == "OFAC"
        assert kim.dprk
    assert sdn_2021["20157"].addresses == (Address(full="Korea, North", country="kp"),)


@pytest.mark.slow
def test_office_39_alias_from_alt_csv(sdn_2021: dict[str, Entity]) -> None:
    office = named(sdn_2021, "OFFICE 39")
    assert Name("BUREAU 39", NameKind.ALIAS) in office.names
    assert office.dprk


@pytest.mark.slow
def test_lazarus_group_eth_addresses(sdn_2024: dict[str, Entity]) -> None:
    lazarus = named(sdn_2024, "LAZARUS GROUP")
    eth = [i for i in lazarus.identifiers if i.kind is IdKind.CRYPTO and i.asset == "ETH"]
    assert len(eth) == 8
    assert Identifier(IdKind.CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                      asset="ETH") in eth
    # Its remarks are cut at 1,000 characters in this set: the cut alias is a note, not a name.
    assert ("notes", "truncated: a.k.a. 'WHOIS HACKIN") in lazarus.properties
    assert not any(n.full.startswith("WHOIS") for n in lazarus.names)


@pytest.mark.slow
def test_dprk_vessel_carries_its_imo_number(sdn_2024: dict[str, Entity]) -> None:
    ship = sdn_2024["17069"]
    assert ship.caption == "CHONG CHON GANG" and ship.schema is Schema.VESSEL
    assert Identifier(IdKind.IMO, "7937317") in ship.identifiers
    assert ("flag", "kp") in ship.properties and "kp" in ship.countries  # Vess_flag column
    assert ("type", "General Cargo") in ship.properties
    assert ship.dprk
    dprk_ships = [e for e in sdn_2024.values() if e.schema is Schema.VESSEL and e.dprk]
    assert len(dprk_ships) == 105
    assert all(any(i.kind is IdKind.IMO for i in e.identifiers) for e in dprk_ships)


@pytest.mark.slow
def test_npwmd_only_north_korean_entities(sdn_2021: dict[str, Entity],
                                          sdn_2024: dict[str, Entity]) -> None:
    bank = named(sdn_2021, "KOREA KWANGSON BANKING CORP")
    assert [p.code for p in bank.programs] == ["NPWMD"] and not bank.programs[0].dprk
    assert bank.dprk  # by its Pyongyang address in add.csv
    # Measured: 88 NPWMD-only entities are North Korean in 2021-07, as the data README says:
    # 58 by address, nationality, birth place, passport or BIC, and 30 whose only link is the
    # "Secondary sanctions risk: North Korea Sanctions Regulations" note.
    assert len(npwmd_only_dprk(sdn_2021)) == 88
    # 2024-05-03 has no add.csv; the bank is still DPRK-related through that note.
    bank_2024 = named(sdn_2024, "KOREA KWANGSON BANKING CORP")
    assert bank_2024.dprk and [p.code for p in bank_2024.programs] == ["NPWMD"]
    assert not bank_2024.addresses
    # Measured: 109 in 2024-05-03.
    assert len(npwmd_only_dprk(sdn_2024)) >= 100


@pytest.mark.slow
def test_remarks_overflow_is_joined(sdn_2021: dict[str, Entity]) -> None:
    cifuentes = sdn_2021["12300"]
    # sdn.csv cuts the remarks at "Linked To: PROMO RAI"; sdn_comments.csv goes on "Z S.A.S.; ..."
    assert Relation(RelationKind.LINKED_TO, target_name="PROMO RAIZ S.A.S.") in cifuentes.relations
    assert cifuentes.relations[-1] == Relation(RelationKind.LINKED_TO, target_name="R D I S.A.")
    assert len(cifuentes.remarks) > 1000
    assert not any(v.startswith("truncated") for _, v in cifuentes.properties)


@pytest.mark.slow
def test_identifier_kinds_2024(sdn_2024: dict[str, Entity]) -> None:
    kinds = Counter(i.kind for e in sdn_2024.values() for i in e.identifiers)
    # Measured: registration 4620, tax_id 3845, national_id 2504, passport 2148, imo 984,
    # website 943, aircraft_serial 411, other 317, email 303, crypto 288, call_sign 253,
    # bic 162, aircraft_tail 158, phone 157, mmsi 154, lei 74.
    assert kinds[IdKind.PASSPORT] >= 2100 and kinds[IdKind.IMO] >= 950
    assert kinds[IdKind.CRYPTO] >= 280 and kinds[IdKind.MMSI] >= 150
    assert kinds[IdKind.LEI] >= 70 and kinds[IdKind.BIC] >= 150
    assert all(i.value and i.value == i.value.strip() and not i.value.endswith(".")
               for e in sdn_2024.values() for i in e.identifiers)
    assert all(len(i.value) == 7 and i.value.isdigit()
               for e in sdn_2024.values() for i in e.identifiers if i.kind is IdKind.IMO)


# ------------------------------------------------------------------------------------------
# Recognising files


@pytest.mark.slow
def test_sniff_and_companions(lists_dir: Path) -> None:
    def head(path: Path) -> bytes:
        return path.read_bytes()[:65536]

    sdn = lists_dir / "ofac_sdn_2021-07" / "sdn.csv"
    cons = lists_dir / "ofac_cons_2025-12" / "cons_prim.csv"
    assert sniff(sdn, head(sdn)) == "ofac_sdn"
    assert sniff(cons, head(cons)) == "ofac_cons"
    for companion in ("alt.csv", "add.csv", "sdn_comments.csv"):
        path = sdn.parent / companion
        assert sniff(path, head(path)) is None
    for path in (lists_dir / "uk_ofsi_2018-04-13" / "ConList.csv",
                 lists_dir / "ofac_sdn_history" / "first_last_seen_2021-08_to_2024-05.csv",
                 lists_dir / "eu_fsf_sample_2018-07" / "EUSanctionsShort.csv"):
        assert sniff(path, head(path)) is None
    assert companions(sdn) == [sdn.parent / "alt.csv", sdn.parent / "add.csv",
                               sdn.parent / "sdn_comments.csv"]
    assert companions(cons) == [cons.parent / f"cons_{role}.csv"
                                for role in ("alt", "add", "comments")]
    assert companions(lists_dir / "ofac_sdn_2024-05-03" / "sdn.csv") == []
    assert published(sdn) == "2021-07"
    assert published(lists_dir / "ofac_sdn_2024-05-03" / "sdn.csv") == "2024-05-03"
    assert FORMAT.name == "ofac_csv" and FORMAT.parse is parse and FORMAT.sniff is sniff
    assert FORMAT.companions is companions and FORMAT.published is published


def test_list_id_needs_the_file_name(tmp_path: Path) -> None:
    row = b'9639,"HANIYA, Ismail","individual","NS-PLC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "primary.csv").write_bytes(row)
    assert sniff(tmp_path / "a" / "primary.csv", row) == "ofac_sdn"
    (tmp_path / "a" / "cons_alt.csv").write_bytes(b'9639,1,"aka","HANIYYA, Ismaeel",-0- \r\n')
    assert sniff(tmp_path / "a" / "primary.csv", row) == "ofac_cons"
    assert list_id(Path("x/CONS_PRIM.CSV")) == "ofac_cons"
    assert list_id(Path("x/SDN.CSV")) == "ofac_sdn"
    assert sniff(Path("x/sdn.csv"), b"") is None
    header = (b"ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,"
              b"Vess_flag,Vess_owner,Remarks\r\n")
    assert sniff(Path("x/sdn.csv"), header) is None
    assert sniff(Path("x/sdn.csv"), b"\x1a") is None


# ------------------------------------------------------------------------------------------
# Small sets written by the tests


def row(*fields: str) -> str:
    """A CSV line the way OFAC writes one: strings quoted, -0- markers bare."""
    return ",".join(f if f == EMPTY or f.isdigit() else f'"{f}"' for f in fields) + "\r\n"


PRIMARY = [
    row("20157", "KIM, Jong Un", "individual", "DPRK3", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY,
        EMPTY, EMPTY, "DOB 08 Jan 1984; Gender Male."),
    row("17069", "CHONG CHON GANG", "vessel", "DPRK", EMPTY, "HMYQ", "General Cargo", "9,000",
        "6,685", "Democratic People's Republic of Korea", "OCEAN MARITIME MANAGEMENT",
        "Vessel Registration Identification IMO 7937317."),
    row("11581", "KOREA KWANGSON BANKING CORP", EMPTY, "NPWMD", EMPTY, EMPTY, EMPTY, EMPTY,
        EMPTY, EMPTY, EMPTY, "Secondary sanctions risk: North Korea Sanctions Regulations, "
        "sections 510.201 and 510.210; Linked To: PROMO RAI"),
    row("20540", "P-532", "aircraft", "DPRK3] [NPWMD", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY,
        EMPTY, EMPTY, EMPTY),
]


def write_set(folder: Path, primary: list[str], *, alt: list[str] | None = None,
              add: list[str] | None = None, comments: list[str] | None = None,
              name: str = "sdn.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(primary) + "\x1a", encoding="utf-8", newline="")
    prefix = "cons_" if name.startswith("cons") else ""
    for file, rows in ((f"{prefix}alt.csv", alt), (f"{prefix}add.csv", add),
                       ("cons_comments.csv" if prefix else "sdn_comments.csv", comments)):
        if rows is not None:
            (folder / file).write_text("".join(rows) + "\x1a", encoding="utf-8", newline="")
    return path


def test_primary_table_alone(tmp_path: Path) -> None:
    entities = by_id(write_set(tmp_path / "ofac_sdn_2024-05-03", PRIMARY))
    assert list(entities) == ["20157", "17069", "11581", "20540"]
    kim, ship, bank, plane = entities.values()
    assert kim.gender == "male" and kim.birth_dates == ("1984-01-08",)
    assert ship.schema is Schema.VESSEL and bank.schema is Schema.ORGANIZATION
    assert plane.schema is Schema.AIRCRAFT
    assert plane.programs == (Program("DPRK3", authority="OFAC", dprk=True),
                              Program("NPWMD", authority="OFAC"))
    assert ship.identifiers == (Identifier(IdKind.CALL_SIGN, "HMYQ"),
                                Identifier(IdKind.IMO, "7937317"))
    assert ship.properties == (("type", "General Cargo"), ("tonnage", "9,000"),
                               ("grossRegisteredTonnage", "6,685"), ("flag", "kp"),
                               ("owner", "OCEAN MARITIME MANAGEMENT"))
    assert ship.countries == ("kp",)
    assert ship.relations == (Relation(RelationKind.OWNED_BY,
                                       target_name="OCEAN MARITIME MANAGEMENT"),)
    assert bank.dprk  # only the secondary-sanctions note names North Korea, and that is enough
    assert bank.relations == (Relation(RelationKind.LINKED_TO, target_name="PROMO RAI"),)


def test_companions_are_joined(tmp_path: Path) -> None:
    remarks_1000 = ("Secondary sanctions risk: North Korea Sanctions Regulations, sections "
                    "510.201 and 510.210; ")
    primary = PRIMARY[:2] + [
        row("11581", "KOREA KWANGSON BANKING CORP", EMPTY, "NPWMD", EMPTY, EMPTY, EMPTY,
            EMPTY, EMPTY, EMPTY, EMPTY, remarks_1000 + "Linked To: PROMO RAI"),
    ]
    path = write_set(
        tmp_path, primary,
        alt=[row("20157", "1", "aka", "KIM, Jong-un", EMPTY),
             row("17069", "2", "fka", "MU DU BONG", EMPTY)],
        add=[row("11581", "3", "Jungson-dong, Sungri Street, Central District", "Pyongyang",
                 "Korea, North", EMPTY),
             row("20157", "4", EMPTY, "Moscow 117587", "Russia", EMPTY),
             row("17069", "5", EMPTY, "Presidio, TX", "United States", EMPTY),
             row("17069", "6", EMPTY, EMPTY, EMPTY, EMPTY)],
        comments=[row("11581", "Z S.A.S.; Linked To: LAZARUS GROUP.")])
    kim, ship, bank = by_id(path).values()
    assert kim.names[1] == Name("KIM, Jong-un", NameKind.ALIAS, family="KIM", given="Jong-un")
    assert ship.names[1] == Name("MU DU BONG", NameKind.FORMER)
    assert kim.addresses == (Address(full="Moscow 117587, Russia", city="Moscow",
                                     postal_code="117587", country="ru"),)
    assert ship.addresses == (Address(full="Presidio, TX, United States", city="Presidio",
                                      region="TX", country="us"),)
    assert bank.addresses[0].country == "kp" and bank.dprk
    assert bank.relations == (Relation(RelationKind.LINKED_TO, target_name="PROMO RAIZ S.A.S."),
                              Relation(RelationKind.LINKED_TO, target_name="LAZARUS GROUP"))
    assert bank.remarks.endswith("PROMO RAIZ S.A.S.; Linked To: LAZARUS GROUP.")


def test_consolidated_set(tmp_path: Path) -> None:
    path = write_set(tmp_path, PRIMARY[:1], alt=[row("20157", "1", "aka", "KIM", EMPTY)],
                     name="cons_prim.csv")
    (kim,) = parse(path)
    assert kim.id == "ofac_cons:20157" and kim.source == "ofac_cons"
    assert kim.names[1] == Name("KIM", NameKind.ALIAS)


# ------------------------------------------------------------------------------------------
# Malformed files


def error_of(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        list(parse(path))
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    for content in (b"", b"\x1a", b"\r\n\r\n"):
        path = tmp_path / "sdn.csv"
        path.write_bytes(content)
        err = error_of(path)
        assert err.path == str(path) and err.line == 1
        assert str(path) in str(err) and "line 1" in str(err) and "empty" in str(err)


def test_wrong_column_count(tmp_path: Path) -> None:
    path = write_set(tmp_path, [PRIMARY[0], '17069,"CHONG CHON GANG",-0- ,"DPRK"\r\n'])
    err = error_of(path)
    assert err.line == 2 and "expected 12 columns, found 4" in str(err)
    assert f"{path}, line 2" in str(err)


def test_non_integer_ent_num(tmp_path: Path) -> None:
    path = write_set(tmp_path, PRIMARY[:3] + [PRIMARY[3].replace("20540", "20540a", 1)])
    err = error_of(path)
    assert err.line == 4 and "'20540a' is not an integer" in str(err)
    assert f"{path}, line 4" in str(err)


def test_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    data = "".join(PRIMARY[:2]).encode() + row(
        "36", "AEROCARIBBEAN AIRLINES", EMPTY, "CUBA", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY,
        EMPTY, EMPTY, "POB Bogot\xe1").encode("cp1252")
    path.write_bytes(data)
    err = error_of(path)
    assert err.line == 3 and "not UTF-8: byte 0xe1" in str(err)
    assert f"{path}, line 3" in str(err)


def test_duplicate_ent_num(tmp_path: Path) -> None:
    err = error_of(write_set(tmp_path, PRIMARY + [PRIMARY[1]]))
    assert err.line == 5 and "ent_num 17069 also on line 2" in str(err)


def test_companion_row_for_an_unknown_ent_num(tmp_path: Path) -> None:
    path = write_set(tmp_path, PRIMARY,
                     alt=[row("20157", "1", "aka", "KIM, Jong-un", EMPTY),
                          row("99999", "2", "aka", "NOBODY", EMPTY)])
    err = error_of(path)
    assert err.path == str(tmp_path / "alt.csv") and err.line == 2
    assert "ent_num 99999 is not in sdn.csv" in str(err)


def test_wrong_columns_in_a_companion(tmp_path: Path) -> None:
    path = write_set(tmp_path, PRIMARY, add=[row("20157", "4", "Moscow", "Russia")])
    err = error_of(path)
    assert err.path == str(tmp_path / "add.csv") and err.line == 1
    assert "expected 6 columns, found 4" in str(err)


def test_rows_after_the_end_of_file_mark_are_ignored(tmp_path: Path, caplog) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(PRIMARY[0] + "\x1a" + PRIMARY[1] + "\x1a\r\n", encoding="utf-8",
                    newline="")
    with caplog.at_level(logging.WARNING, logger="moneytrail.sources.ofac_csv"):
        assert [e.source_id for e in parse(path)] == ["20157"]
    assert any(f"{path}, line 2: ignoring 1 row(s)" in r.getMessage() for r in caplog.records)
