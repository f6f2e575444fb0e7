"""FollowTheMoney mapping: lossless both ways, on real OpenSanctions files and built entities."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from moneytrail import ftm
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
from moneytrail.sources.base import classify_dprk, is_dprk_program

FTM_FILES = (
    "zala_entities.ftm.json",
    "t1_entities.ftm.json",
    "t2_20240527194702-wnk_entities.delta.json",
)
S = "ofac_sdn"


def read_records(path: Path) -> list[dict]:
    """The entity objects of an FtM export or delta file (delta ops unwrapped)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out.append(obj["entity"] if "op" in obj else obj)
    return out


def by_id(records) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for record in records:
        assert record["id"] not in out, f"duplicate record {record['id']}"
        out[record["id"]] = record
    return out


@pytest.fixture(scope="module")
def zala(data_dir: Path) -> list[Entity]:
    records = read_records(data_dir / "ftm" / "zala_entities.ftm.json")
    return list(ftm.ftm_to_entities(records, source="ftm_zala"))


# --- (a) FtM -> entities -> FtM, on every real file ----------------------------------------------

@pytest.mark.parametrize("name", FTM_FILES)
def test_real_ftm_round_trip_is_exact(data_dir: Path, name: str) -> None:
    records = read_records(data_dir / "ftm" / name)
    entities = list(ftm.ftm_to_entities(records, source="ftm_test"))
    written = list(ftm.entities_to_ftm(entities))

    before, after = by_id(records), by_id(written)
    assert set(after) == set(before)
    for fid, record in before.items():
        again = after[fid]
        # same top-level keys and values (caption, datasets, referents, first_seen, last_seen,
        # last_change, target, schema): no exception
        assert {k: v for k, v in again.items() if k != "properties"} \
            == {k: v for k, v in record.items() if k != "properties"}, fid
        # same properties, same values; FtM values are sets, and only the name parts, which are
        # given back to the names they belong to, may come back in another order
        props, props_again = record["properties"], again["properties"]
        assert {p: sorted(v) for p, v in props_again.items()} \
            == {p: sorted(v) for p, v in props.items()}, fid
        assert {p for p in props if props[p] != props_again[p]} <= {"firstName", "lastName"}
    assert not any(ftm.EXTENSION in record for record in written)
    # and reading the written records again gives the same entities
    assert list(ftm.ftm_to_entities(written, source="ftm_test")) == entities


def test_zala_folds_into_seventeen_entities(zala: list[Entity]) -> None:
    assert Counter((e.schema, e.ftm_schema) for e in zala) == {
        (Schema.PERSON, None): 6,
        (Schema.ORGANIZATION, "Company"): 11,
    }
    assert not any(ftm.is_carrier(e) for e in zala)  # every Sanction, link, address is folded
    programs = [p for e in zala for p in e.programs]
    assert len(programs) == 41 and len({p.id for p in programs}) == 41  # one per Sanction
    relations = [r for e in zala for r in e.relations]
    assert Counter(r.kind for r in relations) == {
        RelationKind.OWNS: 14, RelationKind.DIRECTOR_OF: 3, RelationKind.FAMILY: 4,
    }
    assert all(r.id and r.target and r.target.startswith("ftm_zala:") for r in relations)
    ids = {e.id for e in zala}
    # every link target is in the file except the owned company ru-inn-5920040846 (also there)
    assert {r.target for r in relations} <= ids
    # the 11 Address entities and the 1 Passport are kept whole on their holders
    kept = Counter(v for e in zala for k, v in e.properties if k.endswith(":~schema"))
    assert kept == {"Address": 11, "Passport": 1}
    assert sum(e.dprk for e in zala) == 0  # Russian drone makers: no DPRK program or content


def test_zala_person_fields(zala: list[Entity]) -> None:
    person = next(e for e in zala if e.source_id == "NK-aU5ybkbRFJucf8YMwsJvDw")
    assert person.id == "ftm_zala:NK-aU5ybkbRFJucf8YMwsJvDw" and person.source == "ftm_zala"
    assert person.names[0] == Name("Aleksandr Vyacheslavovich Zakharov", NameKind.PRIMARY,
                                   given="Aleksandr Vyacheslavovich", family="Zakharov")
    assert sum(1 for n in person.names if n.given) == 9 and len(person.names) == 18
    # name parts that no name is made of stay as properties
    assert [p for p in person.properties if p[0] in ("firstName", "lastName")] == [
        ("lastName", "Zacharov"), ("lastName", "Захаров"), ("firstName", "Александр")]
    assert person.birth_dates == ("1965-09-21",)
    assert person.gender == "male" and person.nationalities == ("ru",)
    assert person.listed_on == "2025-02-13" and person.modified_on == "2025-03-04"
    assert Identifier(IdKind.TAX_ID, "183111242406") in person.identifiers
    assert ("innCode", "183111242406") in person.properties  # no model field: kept under its name
    sanction = next(p for p in person.programs
                    if p.id == "usgsa-ba113227e99428330534da99ddc61b6a34bec89a")
    assert sanction == Program(code="Reciprocal", authority="OFAC", listed_on="2023-11-02",
                               id=sanction.id)
    assert (f"{sanction.id}:provisions", "Prohibition/Restriction") in person.properties
    assert (f"{sanction.id}:$first_seen", '"2026-03-30T15:36:11"') in person.properties
    # a percentage becomes the share; shares count and dates stay exact
    own = next(r for r in person.relations if r.id == "ru-159c785ad927d3e153b23a26620730465ed26f1c")
    assert own == Relation(RelationKind.OWNS, target="ftm_zala:NK-iE6m5ryPeTAMZozfECVSL7",
                           share=100.0, start_date="2024-03-01", end_date="2024-03-24", id=own.id)
    assert (f"{own.id}:sharesCount", "10000") in person.properties
    director = next(r for r in person.relations if r.kind is RelationKind.DIRECTOR_OF
                    and r.id == "ofac-d8ecdd62dca8ba39b832a77c170926630683ea05")
    assert director.role == "Leader or official of"
    assert director.target == "ftm_zala:NK-abdzbEBkqyT29GyREbiURZ"


def test_relatives_and_topics(zala: list[Entity]) -> None:
    relatives = [e for e in zala for r in e.relations if r.kind is RelationKind.FAMILY]
    assert {e.source_id for e in relatives} == {
        "NK-2Tbri3s6GgNtAwsSXh4qpL", "NK-DQ98GPMgdVH8DSZd8g9Xtc", "NK-JseaPJctnK9o8wrmz8xmoT",
        "NK-hUAjuiA3vTKXF6v2X6MYnS",
    }
    # topics are FtM values without a model field: kept, including "sanction" beside others
    company = next(e for e in zala if e.source_id == "NK-SiYwWfxwLVrVeFswsvAvsm")
    assert ("topics", "sanction.linked") in company.properties and not company.programs


def test_t1_address_nobody_refers_to_is_a_carrier(data_dir: Path) -> None:
    records = read_records(data_dir / "ftm" / "t1_entities.ftm.json")
    entities = list(ftm.ftm_to_entities(records, source="ftm_eu_fsf"))
    assert [e.schema for e in entities if not ftm.is_carrier(e)].count(Schema.PERSON) == 4
    carriers = [e for e in entities if ftm.is_carrier(e)]
    assert [(c.source_id, c.ftm_schema, c.names) for c in carriers] == [
        ("NK-2MQE6AmhAk4tqhENJAMUG9", "Address", ())]
    assert ("full", "Majengo area, Mombasa, KENYA") in carriers[0].properties
    # "Vitalij Kuzmenko" is made of a first and a last name of the entity: they are its parts
    kuzmenko = next(e for e in entities if e.source_id == "NK-2Ka3UvopqbpZmVDFjWd4LA")
    assert [n for n in kuzmenko.names if n.given] == [
        Name("Vitalij Kuzmenko", given="Vitalij", family="Kuzmenko")]
    assert ("firstName", "Vitaly") in kuzmenko.properties  # "Vitaly Yurievich KUZMENKO": no


# --- (b) entities -> FtM -> entities -------------------------------------------------------------

def dprk_person() -> Entity:
    return classify_dprk(Entity(
        id=f"{S}:9001", source=S, source_id="9001", schema=Schema.PERSON,
        names=(Name("KIM Chol Su", NameKind.PRIMARY, given="Chol Su", family="KIM"),
               Name("KIM Cheol-su", NameKind.ALIAS), Name("Big Kim", NameKind.WEAK_ALIAS),
               Name("PAK Chol Su", NameKind.FORMER),
               Name("김철수", NameKind.ORIGINAL_SCRIPT, lang="ko")),
        programs=(Program("DPRK3", authority="OFAC", listed_on="2017-06-01",
                          reason="WMD procurement"),
                  Program("KPi", authority="UN Security Council", listed_on="2016-03-02",
                          id="un-kpi-033")),
        birth_dates=("1970-01-08", "1971"), birth_places=("Pyongyang, North Korea",),
        death_dates=("2020",), nationalities=("kp",), citizenships=("kp",), countries=("cn",),
        gender="male", titles=("Dr.",),
        positions=("Representative of Korea Mining Development Trading Corporation",),
        identifiers=(Identifier(IdKind.NATIONAL_ID, "12345"),
                     Identifier(IdKind.EMAIL, "kim@example.kp"),
                     Identifier(IdKind.PHONE, "+850 2 123"),
                     Identifier(IdKind.WEBSITE, "http://kim.example"),
                     Identifier(IdKind.PASSPORT, "745320144", country="kp",
                                note="issued 2015-01-01"),
                     Identifier(IdKind.CRYPTO, "1AbCdEf", asset="XBT"),
                     Identifier(IdKind.TAX_ID, "T-1", country="cn"),
                     Identifier(IdKind.OTHER, "X9", note="residence permit")),
        addresses=(Address("Pyongyang, North Korea", city="Pyongyang", country="kp"),
                   Address("Dandong, China")),
        relations=(Relation(RelationKind.FAMILY, target=f"{S}:9002", role="Son"),
                   Relation(RelationKind.LINKED_TO, target_name="LAZARUS GROUP"),
                   Relation(RelationKind.ASSOCIATE, target="un_sc:KPi.001", start_date="2010")),
        listed_on="2017-06-01", modified_on="2024-05-03", remarks="Free text remarks.",
        notes=("Secondary sanctions risk: North Korea Sanctions Regulations",),
        properties=(("fatherName", "Il Sung"), ("birthCountry", "kp")),
    ))


def vessel() -> Entity:
    return classify_dprk(Entity(
        id=f"{S}:9100", source=S, source_id="9100", schema=Schema.VESSEL,
        names=(Name("CHON MA SAN"), Name("PAEK MA", NameKind.FORMER)),
        programs=(Program("DPRK4", authority="OFAC", listed_on="2018-02-23"),),
        identifiers=(Identifier(IdKind.IMO, "8660313"), Identifier(IdKind.MMSI, "445539000"),
                     Identifier(IdKind.CALL_SIGN, "HMYB")),
        relations=(Relation(RelationKind.OPERATED_BY, target=f"{S}:9200"),
                   Relation(RelationKind.OWNED_BY, target_name="KOREA ANSAN SHIPPING")),
        properties=(("flag", "kp"), ("tonnage", "2734"), ("pastFlags", "sl"),
                    ("pastFlags", "tg")),
    ))


def company() -> Entity:
    return classify_dprk(Entity(
        id=f"{S}:9200", source=S, source_id="9200", schema=Schema.ORGANIZATION,
        ftm_schema="Company",
        names=(Name("KOREA SHIPPING CO"), Name("KSC", NameKind.ALIAS)),
        programs=(Program("DPRK2", authority="OFAC", listed_on="2016-12-02"),),
        countries=("kp",),
        identifiers=(Identifier(IdKind.BIC, "KSCOKPPY"),
                     Identifier(IdKind.LEI, "5493001KJTIIGC8Y1R12"),
                     Identifier(IdKind.REGISTRATION, "R-77", country="kp"),
                     Identifier(IdKind.CRYPTO, "0xabc", asset="ETH"),
                     Identifier(IdKind.CRYPTO, "bc1qxyz", asset="XBT")),
        addresses=(Address("Sochon-dong, Pyongyang", street="Sochon-dong", city="Pyongyang",
                           country="kp"),),
        relations=(Relation(RelationKind.OWNS, target=f"{S}:9100", share=51.0,
                            start_date="2015", end_date="2019-06"),
                   Relation(RelationKind.OWNS, target=f"{S}:9300", share=12.5),
                   Relation(RelationKind.HAS_DIRECTOR, target=f"{S}:9001", role="Director")),
        listed_on="2016-12-02",
    ))


def relative() -> Entity:
    return classify_dprk(Entity(id=f"{S}:9002", source=S, source_id="9002",
                                schema=Schema.PERSON, names=(Name("KIM Il"),),
                                nationalities=("kp",)))


@pytest.mark.parametrize("make", [dprk_person, vessel, company, relative])
def test_built_entity_round_trip(make) -> None:
    entity = make()
    records = ftm.entity_to_ftm(entity)
    assert records[0]["id"] == entity.source_id  # the FtM id is the list's own id
    assert list(ftm.ftm_to_entities(records, source=S)) == [entity]


def test_built_entities_round_trip_together() -> None:
    entities = [dprk_person(), relative(), vessel(), company()]
    records = list(ftm.entities_to_ftm(entities))
    assert list(ftm.ftm_to_entities(records, source=S)) == entities
    assert entities[0].dprk and entities[0].programs[0].dprk and not entities[1].programs
    assert all(e.dprk for e in entities)  # DPRK programs, or North Korean content (relative)


def test_only_what_ftm_cannot_say_goes_into_the_extension() -> None:
    # the vessel and the company are said entirely in FtM terms
    assert ftm.EXTENSION not in ftm.entity_to_ftm(vessel())[0]
    assert ftm.EXTENSION not in ftm.entity_to_ftm(company())[0]
    # the person: names with lang / original script / parts, and identifiers written as
    # separate entities ahead of plain ones; programs, relations, addresses need nothing
    extension = ftm.entity_to_ftm(dprk_person())[0][ftm.EXTENSION]
    assert set(extension) <= {"names", "identifiers", "properties"}
    assert extension["names"][4] == {"full": "김철수", "kind": "original_script", "lang": "ko"}


def test_written_ftm_uses_ftm_terms() -> None:
    records = by_id(ftm.entity_to_ftm(vessel()))
    thing = records["9100"]
    assert thing["schema"] == "Vessel" and thing["caption"] == "CHON MA SAN"
    assert thing["properties"] == {
        "name": ["CHON MA SAN"], "previousName": ["PAEK MA"], "imoNumber": ["8660313"],
        "mmsi": ["445539000"], "callSign": ["HMYB"], "topics": ["sanction"],
        "flag": ["kp"], "tonnage": ["2734"], "pastFlags": ["sl", "tg"],
    }
    operated = next(r for r in records.values() if r["schema"] == "UnknownLink")
    assert operated["id"].startswith("9100-operated-by-")
    assert operated["properties"] == {"subject": ["9100"], "object": ["9200"]}
    assert "dprk" not in json.dumps(list(records.values()))  # derived, never written
    sanction = next(r for r in records.values() if r["schema"] == "Sanction")
    assert sanction["id"].startswith("9100-sanction-")
    assert sanction["properties"] == {"entity": ["9100"], "program": ["DPRK4"],
                                      "authority": ["OFAC"], "startDate": ["2018-02-23"]}
    owner = next(r for r in records.values() if r["schema"] == "Ownership")
    stub = records[owner["properties"]["owner"][0]]
    assert owner["properties"]["asset"] == ["9100"]
    assert stub == {"id": ftm.stub_id("KOREA ANSAN SHIPPING"), "schema": "LegalEntity",
                    "properties": {"name": ["KOREA ANSAN SHIPPING"]}}

    company_records = ftm.entity_to_ftm(company())
    wallets = [r for r in company_records if r["schema"] == "CryptoWallet"]
    assert [(w["properties"]["publicKey"], w["properties"]["currency"], w["properties"]["holder"])
            for w in wallets] == [(["0xabc"], ["ETH"], ["9200"]), (["bc1qxyz"], ["XBT"], ["9200"])]
    ident = next(r for r in company_records if r["schema"] == "Identification")
    assert ident["properties"] == {"holder": ["9200"], "number": ["R-77"], "country": ["kp"],
                                   "type": ["registration"]}
    # the number is on the company too, as FtM tools match identifiers there
    assert company_records[0]["properties"]["registrationNumber"] == ["R-77"]
    address = next(r for r in company_records if r["schema"] == "Address")
    assert company_records[0]["properties"]["addressEntity"] == [address["id"]]
    own = next(r for r in company_records if r["properties"].get("percentage") == ["51"])
    assert own["properties"]["startDate"] == ["2015"] and own["properties"]["asset"] == ["9100"]


def test_derived_ids_are_stable_and_read_back_as_none() -> None:
    first, second = ftm.entity_to_ftm(vessel()), ftm.entity_to_ftm(vessel())
    assert [r["id"] for r in first] == [r["id"] for r in second]
    changed = replace(vessel(), programs=(Program("DPRK4", authority="OFAC",
                                                  listed_on="2018-02-24"),))
    assert ftm.entity_to_ftm(changed)[1]["id"] != first[1]["id"]
    back = next(ftm.ftm_to_entities(first, source=S))
    assert back.programs[0].id is None and all(r.id is None for r in back.relations)


def test_stub_is_not_an_entity_but_a_target_name() -> None:
    entities = list(ftm.ftm_to_entities(ftm.entity_to_ftm(dprk_person()), source=S))
    assert [e.source_id for e in entities] == ["9001"]
    assert Relation(RelationKind.LINKED_TO, target_name="LAZARUS GROUP") in entities[0].relations


def test_explicit_relation_ids_survive_with_both_sides_present() -> None:
    owner = replace(company(), relations=(
        Relation(RelationKind.OWNS, target=f"{S}:9100", share=51.0, id="own-1"),))
    entities = [vessel(), owner]
    back = list(ftm.ftm_to_entities(ftm.entities_to_ftm(entities), source=S))
    assert back == entities


# --- FtM shapes moneytrail must read -------------------------------------------------------------

def test_link_folds_onto_second_side_when_first_is_absent() -> None:
    records = [
        {"id": "B", "schema": "Person", "properties": {"name": ["Bee"]}},
        {"id": "fam", "schema": "Family",
         "properties": {"person": ["A"], "relative": ["B"], "relationship": ["Father"]}},
        {"id": "own", "schema": "Ownership",
         "properties": {"owner": ["X"], "asset": ["B"], "percentage": ["50.0"]}},
        {"id": "job", "schema": "Employment",
         "properties": {"employee": ["B"], "employer": ["Y"], "role": ["clerk"]}},
    ]
    [bee] = ftm.ftm_to_entities(records, source="t")
    assert bee.relations == (
        Relation(RelationKind.FAMILY, target="t:A", role="Father", id="fam"),
        # "50.0" would be written back as "50": kept as text, not as the share
        Relation(RelationKind.OWNED_BY, target="t:X", id="own"),
        Relation(RelationKind.UNKNOWN_LINK, target="t:Y", role="clerk", id="job"),
    )
    assert ("own:percentage", "50.0") in bee.properties
    assert by_id(ftm.entity_to_ftm(bee)) == by_id(records)


def test_records_without_a_holder_become_carriers() -> None:
    records = [
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["elsewhere"],
                                                          "program": ["DPRK3"]}},
        {"id": "pos", "schema": "Position", "properties": {"name": ["Minister"]}},
    ]
    carriers = list(ftm.ftm_to_entities(records, source="t"))
    assert [(c.id, c.ftm_schema, ftm.is_carrier(c), c.names, c.programs) for c in carriers] == [
        ("t:s1", "Sanction", True, (), ()), ("t:pos", "Position", True, (), ())]
    assert [r for c in carriers for r in ftm.entity_to_ftm(c)] == records


def test_dprk_is_derived_on_reading() -> None:
    records = [
        {"id": "p", "schema": "Person", "properties": {"name": ["Ri"], "nationality": ["kp"]}},
        {"id": "o", "schema": "Organization", "properties": {"name": ["Acme"]}},
        {"id": "s", "schema": "Sanction", "properties": {"entity": ["o"], "program": ["DPRK3"],
                                                         "authority": ["OFAC"]}},
    ]
    person, org = ftm.ftm_to_entities(records, source="t")
    assert person.dprk and not person.programs
    assert org.dprk and org.programs == (Program("DPRK3", authority="OFAC", dprk=True, id="s"),)
    # the topic and caption FtM would have are not invented on the way back
    assert by_id(ftm.entities_to_ftm([person, org])) == by_id(records)


def test_name_parts_attach_to_a_single_primary_name() -> None:
    # one name, one first and one last name: theirs, even if not visibly made of them
    record = {"id": "x", "schema": "Person", "properties": {
        "name": ["KIM Chol-su"], "firstName": ["Chol Su"], "lastName": ["Kim"],
        "alias": ["Kim C."]}}
    [entity] = ftm.ftm_to_entities([record], source="t")
    assert entity.names == (Name("KIM Chol-su", given="Chol Su", family="Kim"),
                            Name("Kim C.", NameKind.ALIAS))
    assert entity.properties == (("~caption", "none"),)  # nothing left over but the marker
    assert ftm.entity_to_ftm(entity) == [record]
    # two names: only the one visibly made of a first and a last name gets them
    names = ["KIM Chol-su", "Kim, Chol Su"]
    two = {**record, "properties": {**record["properties"], "name": names}}
    [entity] = ftm.ftm_to_entities([two], source="t")
    assert [n.given for n in entity.names] == [None, "Chol Su", None]
    # and a list entry with given and family name needs no extension in FtM
    built = Entity(id="s:y", source="s", source_id="y", schema=Schema.PERSON,
                   names=(Name("RI Su", given="Su", family="RI"), Name("Ri", NameKind.ALIAS)))
    assert ftm.EXTENSION not in ftm.entity_to_ftm(built)[0]


def test_dprk_flag_a_parser_set_beyond_the_code_survives() -> None:
    # a parser may mark a program DPRK from what it knows beyond the code (UN reference
    # numbers); classify_dprk keeps that, and so must the FtM round trip
    entity = classify_dprk(Entity(
        id="x:13", source="x", source_id="13", schema=Schema.ORGANIZATION,
        names=(Name("Korea Kwangson Banking Corp"),),
        programs=(Program("NPWMD", authority="OFAC", dprk=True),)))
    assert entity.dprk and not is_dprk_program("NPWMD")
    records = ftm.entity_to_ftm(entity)
    assert records[0][ftm.EXTENSION]["programs"] == [{"code": "NPWMD", "authority": "OFAC",
                                                       "dprk": True}]
    assert list(ftm.ftm_to_entities(records, source="x")) == [entity]


def test_program_code_falls_back_to_program_id() -> None:
    records = [{"id": "o", "schema": "Company", "properties": {"name": ["Acme"]}},
               {"id": "s", "schema": "Sanction",
                "properties": {"entity": ["o"], "programId": ["NZ-RSA2022"]}}]
    [org] = ftm.ftm_to_entities(records, source="t")
    assert org.programs[0].code == "NZ-RSA2022" and org.ftm_schema == "Company"
    assert by_id(ftm.entity_to_ftm(org)) == by_id(records)


def test_extension_is_applied_when_reading() -> None:
    record = {"id": "k", "schema": "Person", "properties": {"name": ["김철수"]},
              ftm.EXTENSION: {"names": [{"full": "김철수", "kind": "original_script",
                                         "lang": "ko"}]}}
    [entity] = ftm.ftm_to_entities([record], source="t")
    assert entity.names == (Name("김철수", NameKind.ORIGINAL_SCRIPT, lang="ko"),)
    with pytest.raises(ftm.FtMError, match="invalid 'moneytrail' key"):
        list(ftm.ftm_to_entities([{**record, ftm.EXTENSION: {"colour": "red"}}], source="t"))


@pytest.mark.parametrize("record, message", [
    ([], "not a JSON object"),
    ({"schema": "Person", "properties": {}}, "missing 'id'"),
    ({"id": "a:b", "schema": "Person", "properties": {}}, "invalid id"),
    ({"id": "x", "properties": {}}, "missing 'schema'"),
    ({"id": "x", "schema": "Spaceship", "properties": {}}, "unknown schema 'Spaceship'"),
    ({"id": "x", "schema": "Person"}, "missing or invalid 'properties'"),
    ({"id": "x", "schema": "Person", "properties": {"name": "Kim"}}, "not a list of strings"),
])
def test_invalid_records(record, message) -> None:
    with pytest.raises(ftm.FtMError, match=message) as info:
        list(ftm.ftm_to_entities([{"id": "ok", "schema": "Person", "properties": {}}, record]))
    assert info.value.index == 1


def test_duplicate_ids() -> None:
    record = {"id": "x", "schema": "Person", "properties": {"name": ["A"]}}
    assert len(list(ftm.ftm_to_entities([record, dict(record)]))) == 1  # the same twice: once
    with pytest.raises(ftm.FtMError, match="second, different record") as info:
        list(ftm.ftm_to_entities([record, {**record, "properties": {"name": ["B"]}}]))
    assert info.value.index == 1
    a = Entity(id="s:x", source="s", source_id="x", schema=Schema.PERSON, names=(Name("A"),))
    with pytest.raises(ftm.FtMError, match="share the id 'x'"):
        list(ftm.entities_to_ftm([a, replace(a, names=(Name("B"),))]))
