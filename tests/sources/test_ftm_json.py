"""FtM JSON lines source: real OpenSanctions exports and deltas, and broken files written here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from moneytrail import ftm
from moneytrail.model import RelationKind, Schema
from moneytrail.sources import detect
from moneytrail.sources.base import SourceError
from moneytrail.sources.ftm_json import (
    FORMAT,
    is_delta,
    list_id,
    parse,
    parse_delta,
    published,
    read_lines,
    sniff,
)

ZALA = "zala_entities.ftm.json"
T1 = "t1_entities.ftm.json"
T2 = "t2_20240527194702-wnk_entities.delta.json"


def head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(65536)


def write_lines(path: Path, *objects) -> Path:
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


PERSON = {"id": "p1", "schema": "Person", "properties": {"name": ["KIM Su"]},
          "datasets": ["kp_test"]}


@pytest.mark.parametrize("name, expected", [
    (ZALA, "ftm_zala"),  # many datasets per entity: named after the file
    (T1, "ftm_eu_fsf"),  # a single-dataset export: named after the dataset
    (T2, "ftm_t2_wnk"),  # a delta: the export timestamp is left out of the list id
])
def test_sniff_real_files(data_dir: Path, name: str, expected: str) -> None:
    path = data_dir / "ftm" / name
    assert sniff(path, head(path)) == expected
    hit = detect(path)  # the registry picks this format for it
    assert hit is not None and hit.format is FORMAT and hit.source == expected


@pytest.mark.parametrize("content", [
    b"id,name\n1,KIM\n",
    b'[{"id": "x", "schema": "Person", "properties": {}}]\n',
    b'{"id": "x", "name": "KIM"}\n',
    b'{"op": "UPSERT", "entity": {"id": "x"}}\n',
    b"",
    b"\xff\xfe<\x00x\x00",
])
def test_sniff_rejects_other_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.json"
    path.write_bytes(content)
    assert sniff(path, content) is None


def test_sniff_reads_a_first_line_longer_than_the_head(tmp_path: Path) -> None:
    big = {**PERSON, "properties": {"name": ["KIM Su"], "notes": ["x" * 70000]}}
    path = write_lines(tmp_path / "big.ftm.json", big)
    assert sniff(path, head(path)) == "ftm_kp_test"


def test_list_id_from_names() -> None:
    assert list_id(Path("dl/sanctions/entities.ftm.json"), None) == "ftm_sanctions"
    assert list_id(Path("ofac-sdn_20240503_entities.ftm.json"), {"datasets": ["a", "b"]}) \
        == "ftm_ofac_sdn"
    assert list_id(Path("x.json"), {"datasets": ["us_ofac_sdn"]}) == "ftm_us_ofac_sdn"


def test_parse_zala(data_dir: Path) -> None:
    entities = list(parse(data_dir / "ftm" / ZALA))
    assert len(entities) == 17
    assert Counter(e.schema for e in entities) == {Schema.PERSON: 6, Schema.ORGANIZATION: 11}
    assert sum(len(e.programs) for e in entities) == 41
    assert Counter(r.kind for e in entities for r in e.relations) == {
        RelationKind.OWNS: 14, RelationKind.DIRECTOR_OF: 3, RelationKind.FAMILY: 4}
    assert all(e.source == "ftm_zala" and e.id == f"ftm_zala:{e.source_id}" for e in entities)
    # writing them back gives the 91 records of the file
    assert len(list(ftm.entities_to_ftm(entities))) == 91


def test_parse_t1_and_published(data_dir: Path) -> None:
    entities = list(parse(data_dir / "ftm" / T1))
    assert [e.source_id for e in entities][:2] == ["NK-2GdmHtZTeNXjNVrBGEXZNj",
                                                  "NK-2Ka3UvopqbpZmVDFjWd4LA"]
    assert Counter((e.schema, e.ftm_schema) for e in entities) == {
        (Schema.PERSON, None): 4, (Schema.ORGANIZATION, None): 2,
        (Schema.OTHER, "Address"): 1}  # an Address nobody refers to: a carrier
    assert published(data_dir / "ftm" / T1) == "2024-06-01"  # the export run that saw them
    assert published(data_dir / "ftm" / ZALA) == "2026-04-29"


def test_real_delta(data_dir: Path) -> None:
    path = data_dir / "ftm" / T2
    assert is_delta(path) and not is_delta(data_dir / "ftm" / T1)
    ops = list(parse_delta(path))
    assert [(op, e.source_id, e.schema) for op, e in ops] == [
        ("ADD", "NK-2T3S8Hu29ktYnKSTgQp2wL", Schema.ORGANIZATION),
        ("ADD", "NK-2sJaJRaPJcWUfMbHjTtWcL", Schema.PERSON),
    ]
    assert [e.source_id for e in parse(path)] == [e.source_id for _, e in ops]
    assert len(ops[0][1].names) == 59 + 113 + 34  # name, alias, weakAlias
    assert published(path) == "2024-05-30"


def test_delta_with_every_op(tmp_path: Path) -> None:
    org = {"id": "o1", "schema": "Organization", "properties": {"name": ["Acme"]}}
    sanction = {"id": "s1", "schema": "Sanction",
                "properties": {"entity": ["o1"], "program": ["DPRK3"]}}
    path = write_lines(
        tmp_path / "kp_delta.json",
        {"op": "DEL", "entity": {"id": "gone"}},
        {"op": "MOD", "entity": org},
        {"op": "ADD", "entity": sanction},
        {"op": "ADD", "entity": PERSON},
    )
    ops = list(parse_delta(path))
    assert [(op, e if isinstance(e, str) else e.id) for op, e in ops] == [
        ("DEL", "ftm_kp_delta:gone"), ("MOD", "ftm_kp_delta:o1"), ("ADD", "ftm_kp_delta:p1")]
    # the new sanction is folded onto its company, which comes with the company's op
    assert ops[1][1].programs[0].code == "DPRK3" and ops[1][1].dprk
    assert [e.id for e in parse(path)] == ["ftm_kp_delta:o1", "ftm_kp_delta:p1"]  # upserts only


def test_dangling_link_is_kept(tmp_path: Path) -> None:
    link = {"id": "l1", "schema": "Ownership",
            "properties": {"owner": ["p1"], "asset": ["not-in-this-file"], "percentage": ["25"]}}
    path = write_lines(tmp_path / "kp.ftm.json", PERSON, link)
    [person] = parse(path)
    [relation] = person.relations
    assert (relation.kind, relation.target, relation.share, relation.id) == (
        RelationKind.OWNS, "ftm_kp_test:not-in-this-file", 25.0, "l1")


@pytest.mark.parametrize("second, line, message", [
    ('{"id": "p2", "schema": "Person", "properties": {"name": ["X"]', 3, "invalid JSON"),
    ('["p2"]', 3, "not a JSON object but list"),
    ({"schema": "Person", "properties": {}}, 3, "missing 'id'"),
    ({"id": "p2", "properties": {}}, 3, "p2: missing 'schema'"),
    ({"id": "p2", "schema": "Starship", "properties": {}}, 3, "unknown schema 'Starship'"),
    ({"op": "ADD", "entity": PERSON}, 3, "a delta op in an entity export"),
    ({**PERSON, "properties": {"name": ["other"]}}, 3, "second, different record"),
])
def test_errors_name_file_and_line(tmp_path: Path, second, line: int, message: str) -> None:
    # a blank line 2: line numbers are the file's, not the records'
    path = write_lines(tmp_path / "bad.ftm.json", PERSON, "", second)
    with pytest.raises(SourceError, match=message) as info:
        list(parse(path))
    assert info.value.line == line and info.value.path == str(path)
    assert str(info.value).startswith(f"{path}, line {line}: ")


@pytest.mark.parametrize("second, message", [
    ({"op": "UPSERT", "entity": PERSON}, "unknown delta op 'UPSERT'"),
    ({"op": "DEL"}, "DEL without an 'entity' object"),
    ({"op": "DEL", "entity": {}}, "DEL without an entity id"),
    (PERSON, "a plain entity in a delta file"),
])
def test_delta_errors(tmp_path: Path, second, message: str) -> None:
    path = write_lines(tmp_path / "bad.delta.json", {"op": "ADD", "entity": PERSON}, second)
    with pytest.raises(SourceError, match=message) as info:
        list(parse_delta(path))
    assert info.value.line == 2


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_bytes(json.dumps(PERSON).encode() + b"\n" + b'{"id": "\xff"}\n')
    with pytest.raises(SourceError, match="not UTF-8") as info:
        read_lines(path)
    assert info.value.line == 2
