"""The graph built from the real lists: stated links with their sources, shared values through
one value node each, named targets matched only when the name is unambiguous."""

from __future__ import annotations

from moneytrail.graph.build import address_key, shared_key
from moneytrail.graph.model import EdgeKind, Graph, NodeKind
from moneytrail.model import Address, Entity, Identifier, IdKind, Name, Schema


def holders(g: Graph, value_id: str) -> dict[str, str]:
    return {e.src: e.provenance.field for e in g.in_edges(value_id)}


def test_dprk_companies_sharing_an_imo_number_are_linked(lists_graph):
    # SDN rows 19583 (KOREA ZUZAGBONG MARITIME LTD, DPRK3) and 23723 (TONGHUNG SHIPPING &
    # TRADING CO, DPRK4) both give "IMO 1991835" (a company number): two listings, one value.
    g = lists_graph
    assert holders(g, "imo:1991835") == {"ofac_sdn:19583": "identifiers[0] imo",
                                         "ofac_sdn:23723": "identifiers[0] imo"}
    assert g.node("imo:1991835").kind is NodeKind.VALUE
    assert {g.node(n).caption for n in holders(g, "imo:1991835")} == {
        "KOREA ZUZAGBONG MARITIME LTD", "TONGHUNG SHIPPING & TRADING CO"}
    assert all(g.node(n).dprk for n in holders(g, "imo:1991835"))
    # the same vessel on three lists is one value node with three holders
    assert set(holders(g, "imo:5434358")) == {"ofac_sdn:23714", "uk_ofsi:13637", "un_sc:6908680"}


def test_dprk_companies_sharing_an_address_are_linked_across_lists(lists_graph):
    # UN and UK write the country differently ("Democratic People's Republic of Korea", "DPRK");
    # the address is one value: FIRST OIL JV CO LTD and PAEKMA SHIPPING CO on both lists.
    g = lists_graph
    key = "addr:jongbaek 1 dong rakrang guyok pyongyang|kp"
    found = {g.node(n).caption: n for n in holders(g, key)}
    assert set(found) == {"FIRST OIL JV CO LTD", "PAEKMA SHIPPING CO"}
    assert set(holders(g, key)) == {"un_sc:6908671", "un_sc:6908683", "uk_ofsi:13628",
                                    "uk_ofsi:13640"}
    assert {e.kind for e in g.in_edges(key)} == {EdgeKind.SHARED_ADDRESS}
    [edge] = g.out_edges("un_sc:6908683", (EdgeKind.SHARED_ADDRESS,))
    assert edge.provenance.value.startswith("Jongbaek 1-dong, Rakrang-guyok, Pyongyang")


def test_a_city_or_country_alone_links_nobody(lists_graph):
    assert address_key(Address(full="Pyongyang, Korea, North")) is None
    assert address_key(Address(full="Pyongyang, Democratic People's Republic of Korea",
                               city="Pyongyang", country="kp")) is None
    assert address_key(Address(full="Syrian Arab Republic, as of September 2015")) is None
    assert address_key(Address(full="Sungri Street, Pyongyang", street="Sungri Street")) \
        == "addr:sungri street pyongyang"
    assert not any(n.id.startswith(("addr:pyongyang", "addr:|")) for n in
                   lists_graph.nodes(NodeKind.VALUE))


def test_short_and_dummy_identifiers_link_nobody():
    assert shared_key(IdKind.REGISTRATION, "1234") is None
    assert shared_key(IdKind.PHONE, "00000000") is None
    assert shared_key(IdKind.WEBSITE, "http://www.example.com/") == \
        shared_key(IdKind.WEBSITE, "example.com")


def test_linked_to_is_matched_by_exact_name_on_the_same_list(lists_graph):
    g = lists_graph
    kinds = {}
    for edge in g.edges((EdgeKind.LINKED_TO,)):
        kinds[edge.provenance.note] = kinds.get(edge.provenance.note, 0) + 1
        if edge.provenance.note == "exact name, same list":
            # what the list wrote normalises to a name of the entity the edge points at
            assert g.find(edge.provenance.value) and edge.dst in g.find(edge.provenance.value)
    assert kinds["exact name, same list"] > 6000
    # a name no entity has stays a name node: the statement kept, nothing guessed
    unresolved = [e for e in g.edges((EdgeKind.LINKED_TO,))
                  if g.node(e.dst).kind is NodeKind.NAME]
    assert unresolved and all(e.provenance.note.endswith(("no entity has this name",
                                                          "not resolved")) for e in unresolved)


def test_aircraft_operator_runs_from_operator_to_aircraft(lists_graph):
    g = lists_graph
    mahan = g.find("MAHAN AIR")
    assert mahan
    operated = g.out_edges(mahan[0], (EdgeKind.OPERATOR,))
    assert len(operated) > 50
    assert all(g.node(e.dst).schema == "Aircraft" for e in operated)
    assert operated[0].provenance.field.endswith("operated_by")


def test_a_value_held_by_many_is_one_node_not_a_clique():
    entities = [Entity(id=f"u:{i}", source="u", source_id=str(i), schema=Schema.PERSON,
                       names=(Name(f"P{i}"),),
                       identifiers=(Identifier(IdKind.PHONE, "+850 2 381 4410"),))
                for i in range(300)]
    g = Graph.from_entities(entities)
    assert g.edge_count == 300 and len(g) == 301
    assert len(g.in_edges("phone:85023814410")) == 300


def test_un_and_uk_associations_are_edges_checkable_by_hand(lists_graph):
    edges = list(lists_graph.edges([EdgeKind.ASSOCIATE]))
    un = [e for e in edges if e.provenance.source == "un_sc"]
    uk = [e for e in edges if e.provenance.source == "uk_ofsi"]
    assert un and uk
    # the UN writes the reference beside the name: the edge goes to that entry
    # (no note: the target was given by id; else it was matched by name)
    by_ref = [e for e in un if e.provenance.note is None]
    assert by_ref and all((e.role or "").startswith("associated with (UN ") and
                          lists_graph.node(e.dst).source == "un_sc" and
                          lists_graph.node(e.dst).kind is NodeKind.ENTITY for e in by_ref)
    qaida = [e for e in by_ref if e.role == "associated with (UN QDe.004)"]
    assert qaida and {lists_graph.node(e.dst).caption.upper() for e in qaida} == {"AL-QAIDA"}
    # the UK writes the name only: matched by exact name ("the" aside), else a name node
    resolved = [e for e in uk if lists_graph.node(e.dst).kind is NodeKind.ENTITY]
    assert resolved and all(e.provenance.note and e.provenance.note.startswith("exact name")
                            for e in resolved)
