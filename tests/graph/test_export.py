"""Exports: GraphML, GEXF and Cytoscape JSON, read back and checked; neighbourhoods."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from moneytrail.graph.export import (
    EDGE_ATTRS,
    NODE_ATTRS,
    neighbourhood,
    to_cytoscape,
    to_gexf,
    to_graphml,
)
from moneytrail.graph.model import Graph
from moneytrail.model import Entity, Name, Program, Relation, RelationKind, Schema

GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"
ZUZAGBONG, TONGHUNG = "ofac_sdn:19583", "ofac_sdn:23723"
TONG_HUNG_1, TONG_HUNG_5 = "ofac_sdn:19598", "ofac_sdn:23743"


def test_neighbourhood_crosses_a_shared_value_in_one_hop(lists_graph):
    # ZUZAGBONG -(IMO 1991835)- TONGHUNG is one hop; TONG HUNG 1 is linked to ZUZAGBONG,
    # TONG HUNG 5 to TONGHUNG (so two hops away)
    assert neighbourhood(lists_graph, ZUZAGBONG, 0) == {ZUZAGBONG}
    assert neighbourhood(lists_graph, ZUZAGBONG, 1) == {ZUZAGBONG, "imo:1991835", TONGHUNG,
                                                        TONG_HUNG_1}
    assert neighbourhood(lists_graph, ZUZAGBONG, 2) == {ZUZAGBONG, "imo:1991835", TONGHUNG,
                                                        TONG_HUNG_1, TONG_HUNG_5}
    assert neighbourhood(lists_graph, ZUZAGBONG, 5) == neighbourhood(lists_graph, ZUZAGBONG, 2)
    with pytest.raises(KeyError):
        neighbourhood(lists_graph, "nobody:0")


def graphml_data(el) -> dict[str, str]:
    return {d.get("key"): d.text for d in el.findall(f"{GML}data")}


def test_graphml_of_a_real_neighbourhood(lists_graph, tmp_path):
    nodes = neighbourhood(lists_graph, ZUZAGBONG, 2)
    path = tmp_path / "n.graphml"
    to_graphml(lists_graph, path, nodes)
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k for k in root.findall(f"{GML}key")}
    assert len(keys) == len(NODE_ATTRS) + len(EDGE_ATTRS)
    [graph] = root.findall(f"{GML}graph")
    assert graph.get("edgedefault") == "directed"
    gnodes = graph.findall(f"{GML}node")
    gedges = graph.findall(f"{GML}edge")
    # structure: ids unique, endpoints are nodes, every data key declared for its scope
    node_ids = [n.get("id") for n in gnodes]
    assert sorted(node_ids) == sorted(nodes) and len(set(node_ids)) == len(node_ids)
    edge_ids = [e.get("id") for e in gedges]
    assert len(set(edge_ids)) == len(edge_ids) == 4
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in gedges)
    for scope, els in (("node", gnodes), ("edge", gedges)):
        for el in els:
            for key in graphml_data(el):
                assert keys[key].get("for") == scope
    # values
    by_id = {n.get("id"): graphml_data(n) for n in gnodes}
    assert by_id[ZUZAGBONG] == {"n_kind": "entity", "n_caption": "KOREA ZUZAGBONG MARITIME LTD",
                                "n_schema": "Organization", "n_source": "ofac_sdn",
                                "n_programs": "DPRK3", "n_listed": "true", "n_dprk": "true"}
    assert by_id["imo:1991835"]["n_kind"] == "value"
    assert by_id["imo:1991835"]["n_listed"] == "false"
    edges = {(e.get("source"), e.get("target")): graphml_data(e) for e in gedges}
    assert edges[(TONGHUNG, "imo:1991835")] == {
        "e_kind": "shared_imo", "e_prov_source": "ofac_sdn", "e_prov_entity": TONGHUNG,
        "e_prov_field": "identifiers[0] imo", "e_prov_value": "1991835"}
    link = edges[(TONG_HUNG_1, ZUZAGBONG)]
    assert link["e_kind"] == "linked_to"
    assert link["e_prov_value"] == "KOREA ZUZAGBONG MARITIME LTD."
    assert link["e_prov_note"] == "exact name, same list"


def small_graph() -> Graph:
    return Graph.from_entities([
        Entity(id="t:a", source="t", source_id="a", schema=Schema.ORGANIZATION,
               names=(Name("A & <Co>\x01 Ltd"),), programs=(Program("DPRK3"), Program("SDGT")),
               relations=(Relation(kind=RelationKind.OWNS, target="t:b", share=50.5),)),
        Entity(id="t:b", source="t", source_id="b", schema=Schema.ORGANIZATION,
               names=(Name("B"),)),
        Entity(id="t:c", source="t", source_id="c", schema=Schema.PERSON, names=(Name("C"),),
               relations=(Relation(kind=RelationKind.DIRECTOR_OF, target="t:b"),)),
    ])


def test_graphml_whole_graph_escapes_and_types(tmp_path):
    path = tmp_path / "g.graphml"
    to_graphml(small_graph(), path)
    root = ET.parse(path).getroot()  # parses: the control character was dropped
    nodes = {n.get("id"): graphml_data(n) for n in root.iter(f"{GML}node")}
    assert set(nodes) == {"t:a", "t:b", "t:c"}
    assert nodes["t:a"]["n_caption"] == "A & <Co> Ltd"
    assert nodes["t:a"]["n_programs"] == "DPRK3;SDGT"
    assert "n_programs" not in nodes["t:b"]
    [own] = [graphml_data(e) for e in root.iter(f"{GML}edge") if e.get("source") == "t:a"]
    assert own["e_kind"] == "ownership" and float(own["e_share"]) == 50.5


def test_gexf_of_a_real_neighbourhood(lists_graph, tmp_path):
    nodes = neighbourhood(lists_graph, ZUZAGBONG, 1)
    path = tmp_path / "n.gexf"
    to_gexf(lists_graph, path, nodes)
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.2"
    [graph] = root.findall(f"{GEXF}graph")
    assert graph.get("defaultedgetype") == "directed"
    decl = {a.get("class"): {x.get("id"): x.get("title") for x in a}
            for a in graph.findall(f"{GEXF}attributes")}
    assert list(decl["node"].values()) == [name for name, _t in NODE_ATTRS]
    assert list(decl["edge"].values()) == [name for name, _t in EDGE_ATTRS]
    gnodes = {n.get("id"): n for n in graph.iter(f"{GEXF}node")}
    assert set(gnodes) == {ZUZAGBONG, "imo:1991835", TONGHUNG, TONG_HUNG_1}
    assert gnodes[TONGHUNG].get("label") == "TONGHUNG SHIPPING & TRADING CO"
    values = {decl["node"][v.get("for")]: v.get("value")
              for v in gnodes[TONGHUNG].iter(f"{GEXF}attvalue")}
    assert values["programs"] == "DPRK4" and values["listed"] == "true"
    gedges = list(graph.iter(f"{GEXF}edge"))
    assert len(gedges) == 3  # two holders of the IMO number, TONG HUNG 1 -> ZUZAGBONG
    assert sorted(e.get("label") for e in gedges) == ["linked_to", "shared_imo", "shared_imo"]
    for e in gedges:
        assert e.get("source") in gnodes and e.get("target") in gnodes
        fields = {decl["edge"][v.get("for")]: v.get("value") for v in e.iter(f"{GEXF}attvalue")}
        assert fields["kind"] == e.get("label") and fields["prov_source"] == "ofac_sdn"


def test_cytoscape_json(lists_graph):
    nodes = neighbourhood(lists_graph, ZUZAGBONG, 2)
    doc = json.loads(json.dumps(to_cytoscape(lists_graph, nodes)))
    els = doc["elements"]
    data = {n["data"]["id"]: n["data"] for n in els["nodes"]}
    assert set(data) == nodes
    assert data[TONG_HUNG_5]["programs"] == ["DPRK4"] and data[TONG_HUNG_5]["listed"] is True
    assert data["imo:1991835"]["kind"] == "value" and "listed" not in data["imo:1991835"]
    assert len(els["edges"]) == 4
    assert all(e["data"]["source"] in data and e["data"]["target"] in data for e in els["edges"])
    assert sorted(e["data"]["label"] for e in els["edges"]) == [
        "linked_to", "linked_to", "shared_imo", "shared_imo"]
    own = to_cytoscape(small_graph())["elements"]["edges"]
    assert {e["data"]["label"] for e in own} == {"ownership 50.5%", "directorship"}
    with pytest.raises(KeyError):
        to_cytoscape(lists_graph, {"nobody:0"})
