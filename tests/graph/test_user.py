"""A user's own data in the graph: read (CSV, FtM), screened, linked; the 50% rule and exposure
over it, on the real SDN."""

from __future__ import annotations

import json

import pytest

from moneytrail.graph.exposure import exposure
from moneytrail.graph.model import EdgeKind, NodeKind
from moneytrail.graph.ownership import ofac_blocked, ownership_report
from moneytrail.graph.user import (
    add_user_data,
    combine,
    name_data,
    party_id,
    read_user_edges,
)
from moneytrail.screening import Screener

KIM = "ofac_sdn:20157"  # KIM, Jong Un (DPRK3)
LAZARUS = "ofac_sdn:27307"
LAZARUS_WALLET = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"  # on Lazarus Group's SDN entry
HEADER = "source,target,relation,share,start_date,end_date\n"


@pytest.fixture(scope="module")
def sdn(list_entities):
    return [e for e in list_entities if e.source == "ofac_sdn"]


@pytest.fixture(scope="module")
def screener(sdn):
    return Screener.from_entities(sdn)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_are_read_and_bad_rows_reported_without_stopping_the_others(tmp_path):
    path = write(tmp_path, "owners.csv", HEADER + (
        "Acme Holdings,Beta Trading,owns,60%,2020-01,\n"
        "Beta Trading,Gamma Ltd,owned_by,\"12,5\",,\n"
        "Acme Holdings,X,owns,150,,\n"  # line 4: share out of range
        "Acme Holdings,,likes,,2024-13-01,\n"  # line 5: three errors
        "Dana Smith,Beta Trading,director_of,30,,\n"  # line 6: a share on a directorship
        "Dana Smith,ofac_sdn:27307,associate,,2021,2020\n"))  # line 7: ends before it starts
    data = read_user_edges(path)
    assert data.format == "csv"
    assert [(e.line, e.column) for e in data.errors] == [
        (4, "share"), (5, "target"), (5, "relation"), (5, "start_date"), (6, "share"),
        (7, "end_date")]
    assert str(data.errors[0]).startswith(f"{path}, line 4, column share: ")
    acme, beta, gamma = party_id("Acme Holdings"), party_id("Beta Trading"), party_id("Gamma Ltd")
    assert [(x.src, x.dst, x.kind, x.share, x.start_date) for x in data.links] == [
        (acme, beta, EdgeKind.OWNERSHIP, 60.0, "2020-01"),
        # "Beta Trading owned_by Gamma Ltd": Gamma owns Beta, stated by Beta
        (gamma, beta, EdgeKind.OWNERSHIP, 12.5, None)]
    assert data.links[1].holder == beta and data.links[1].record == "owners.csv:3"
    assert {p.id for p in data.parties} == {acme, beta, gamma}


def test_a_file_that_is_neither_format_is_one_error(tmp_path):
    data = read_user_edges(write(tmp_path, "notes.csv", "name,amount\nx,1\n"))
    [error] = data.errors
    assert error.line == 1 and "missing: source, target, relation" in error.message
    assert not data.parties and not data.links


def test_a_stake_of_a_party_screened_as_a_listed_person_blocks_the_company(tmp_path, sdn,
                                                                           screener):
    # "Kim Jong-Un" screens as KIM, Jong Un (score 1.0): his 60% is the listed person's stake,
    # so the company is blocked under the 50% rule, the proof naming the user's file and line
    path = write(tmp_path, "owners.csv", HEADER + (
        "Kim Jong-Un,Sunrise Trading Ltd,owns,60,,\n"
        "Kim Jon Un,Harbour Light Shipping,owns,60,,\n"))  # scores 0.625: below the threshold
    result = add_user_data(sdn, read_user_edges(path), screener)
    g = result.graph
    parties = {p.id: p for p in result.parties}
    kim = parties[party_id("Kim Jong-Un")]
    assert (kim.candidate, kim.matched) == (KIM, True)
    near = parties[party_id("Kim Jon Un")]
    assert near.candidate == KIM and not near.matched and near.score < screener.threshold
    # the match is an edge too, with its score
    [match] = [e for e in g.out_edges(kim.id) if e.dst == KIM]
    assert match.kind is EdgeKind.LINKED_TO and match.role.startswith("screened match, score")
    assert g.out_edges(near.id, (EdgeKind.LINKED_TO,)) == []

    statuses = ofac_blocked(g, as_of="2026-01-01")
    sunrise = statuses[party_id("Sunrise Trading Ltd")]
    assert sunrise.blocked and not sunrise.by_listing and sunrise.blocked_share == 60.0
    [stake] = sunrise.proof
    assert stake.owner == KIM
    prov = stake.edge.provenance
    assert (prov.source, prov.entity_id, prov.record) == ("user", kim.id, "owners.csv:2")
    assert "screened as ofac_sdn:20157" in prov.note
    # the near name is not the listed person: its stake stays its own, nothing is blocked
    harbour = statuses[party_id("Harbour Light Shipping")]
    assert not harbour.blocked and harbour.blocked_share == 0.0
    report = ownership_report(g, party_id("Harbour Light Shipping"), as_of="2026-01-01",
                              statuses=statuses)
    assert [s.owner for s in report.owners] == [near.id] and not report.blocked_owners

    # the same file at a threshold above the match's score: no match, nothing blocked
    strict = add_user_data(sdn, read_user_edges(path), screener, threshold=1.01)
    assert not any(p.matched for p in strict.parties)
    assert not ofac_blocked(strict.graph)[party_id("Sunrise Trading Ltd")].blocked
    # the lists' graph is untouched: the user's parties are only in the new graphs
    assert party_id("Sunrise Trading Ltd") not in add_user_data(
        sdn, read_user_edges(write(tmp_path, "empty.csv", HEADER)), screener).graph


def test_an_ftm_party_two_hops_from_lazarus_through_a_shared_wallet(tmp_path, sdn, screener):
    # A holds a Lazarus wallet (stated in the user's FtM file), B is A's associate: B is two
    # hops from Lazarus Group, through the wallet the SDN entry lists
    records = [
        {"id": "cust-a", "schema": "Person", "properties": {"name": ["Customer Alpha Trader"]}},
        {"id": "cust-b", "schema": "Person", "properties": {"name": ["Customer Beta Trader"]}},
        {"id": "wallet-a", "schema": "CryptoWallet",
         "properties": {"publicKey": [LAZARUS_WALLET], "currency": ["ETH"],
                        "holder": ["cust-a"]}},
        {"id": "assoc-ab", "schema": "Associate",
         "properties": {"person": ["cust-b"], "associate": ["cust-a"],
                        "relationship": ["business partner"]}},
    ]
    path = write(tmp_path, "customers.ftm.json", "".join(json.dumps(r) + "\n" for r in records))
    data = read_user_edges(path)
    assert data.format == "ftm" and not data.errors
    # the wallet is its holder's address, not a party between them
    assert {p.id for p in data.parties} == {"user:cust-a", "user:cust-b"}
    result = add_user_data(sdn, data, screener)
    assert not any(p.matched for p in result.parties)
    g = result.graph
    assert g.node("user:cust-b").source == "user"
    hits = {x.id: x for x in exposure(g, "user:cust-b", max_hops=3)}
    lazarus = hits[LAZARUS]
    assert lazarus.hops == 2
    assert lazarus.via[0] == "user:cust-b" and lazarus.via[-1] == LAZARUS
    first, wallet_hop = lazarus.edges
    assert first[0].kind is EdgeKind.ASSOCIATE and first[0].provenance.source == "user"
    assert first[0].provenance.record == "assoc-ab"
    assert [e.kind for e in wallet_hop] == [EdgeKind.SHARED_CRYPTO] * 2
    assert g.node(wallet_hop[0].dst).kind is NodeKind.VALUE
    assert LAZARUS not in {x.id for x in exposure(g, "user:cust-b", max_hops=1)}


def test_a_bad_ftm_line_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "bad.ftm.json",
                 '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": \n')
    data = read_user_edges(path)
    assert data.format == "ftm"
    [error] = data.errors
    assert error.line == 2 and "invalid JSON" in error.message


def test_an_ftm_link_to_an_id_of_a_list_in_service_reaches_that_entity(tmp_path, data_dir):
    # the user's file names AEROSCAN by its OpenSanctions id: the ZALA list's entity, not a
    # missing node; the edge says where it was stated and how the id was read
    from moneytrail.sources import detect

    hit = detect(data_dir / "ftm" / "zala_entities.ftm.json")
    zala = list(hit.format.parse(hit.path))
    aeroscan = "ftm_zala:NK-iE6m5ryPeTAMZozfECVSL7"
    records = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Someone Quite Else"]}},
        {"id": "o1", "schema": "Ownership", "properties": {
            "owner": ["p1"], "asset": ["NK-iE6m5ryPeTAMZozfECVSL7"], "percentage": ["30"]}},
    ]
    path = write(tmp_path, "stakes.ftm.json", "".join(json.dumps(r) + "\n" for r in records))
    result = add_user_data(zala, read_user_edges(path), Screener.from_entities(zala))
    assert result.unresolved == ()
    [edge] = result.graph.in_edges(aeroscan, (EdgeKind.OWNERSHIP,))[-1:]
    assert (edge.src, edge.share) == ("user:p1", 30.0)
    assert edge.provenance.field == "stakes.ftm.json line 2 owns"
    assert edge.provenance.record == "o1" and "same FtM id" in edge.provenance.note


def test_a_name_not_in_the_graph_is_placed_by_screening_it(sdn, screener):
    from moneytrail.graph.user import name_data

    result = add_user_data(sdn, name_data("Kim Jong-Un"), screener)
    start = party_id("Kim Jong-Un")
    hits = {x.id: x for x in exposure(result.graph, start, max_hops=1)}
    assert hits[KIM].hops == 1 and hits[KIM].edges[0][0].role.startswith("screened match")
    # a name that screens as nobody reaches nobody
    alone = add_user_data(sdn, name_data("Kimberly Jones"), screener)
    assert not alone.parties[0].matched
    assert exposure(alone.graph, party_id("Kimberly Jones"), max_hops=3) == []


def test_combined_files_keep_each_party_once_and_every_link_and_error(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("source,target,relation,share,start_date,end_date\n"
                 "Anna Berg,Berg Holdings,owns,70,,\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("source,target,relation,share,start_date,end_date\n"
                 "Berg Holdings,Nord Shipping,owns,100,,\n"
                 "Berg Holdings,,owns,,,\n", encoding="utf-8")
    one, two = read_user_edges(a), read_user_edges(b)
    both = combine([one, two, name_data("Anna Berg")])
    ids = [p.id for p in both.parties]
    assert len(ids) == len(set(ids)) == 3  # Anna Berg, Berg Holdings, Nord Shipping: once each
    assert party_id("Berg Holdings") in ids
    assert len(both.links) == len(one.links) + len(two.links) == 2
    assert both.errors == two.errors and len(both.errors) == 1  # b.csv line 3: no target
    assert both.format == "csv" and both.path.startswith(str(a))
