"""Clusters: connected groups around a program's listed parties, listed and unlisted members."""

from __future__ import annotations

import itertools

from moneytrail.graph.clusters import clusters, program_matches
from moneytrail.graph.model import Graph, Node, NodeKind
from moneytrail.model import (
    Entity,
    Identifier,
    IdKind,
    Name,
    Program,
    Relation,
    RelationKind,
    Schema,
)


def ent(name, *rels, program=None, ids=(), dprk=False):
    progs = (Program(program, dprk=dprk),) if program else ()
    return Entity(id=f"t:{name}", source="t", source_id=name, schema=Schema.ORGANIZATION,
                  names=(Name(name),), programs=progs, relations=rels, identifiers=ids,
                  dprk=dprk)


def hand_graph() -> Graph:
    imo = Identifier(IdKind.IMO, "IMO 7654321")
    return Graph.from_entities([
        # group 1: a DPRK3 company, its unlisted subsidiary, a front sharing the subsidiary's
        # company IMO number, an associate (a name the list gives) and an Iranian bank linked
        ent("K1", Relation(kind=RelationKind.OWNS, target="t:F1", share=60),
            Relation(kind=RelationKind.ASSOCIATE, target_name="GHOST TRADING"),
            program="DPRK3", dprk=True),
        ent("F1", ids=(imo,)),
        ent("F2", Relation(kind=RelationKind.LINKED_TO, target="t:IR"), ids=(imo,)),
        ent("IR", program="IRAN"),
        # group 2: a DPRK4 pair joined by family only
        ent("K2", Relation(kind=RelationKind.FAMILY, target="t:K3"), program="DPRK4"),
        ent("K3"),
        # group 3: a UN KPi entry (a DPRK program under another code) and its operator link
        ent("U1", Relation(kind=RelationKind.OPERATED_BY, target="t:U2"), program="KPi",
            dprk=True),
        ent("U2"),
        # group 4: Iran only; group 5: a lone DPRK entry (size 1)
        ent("I1", Relation(kind=RelationKind.LINKED_TO, target="t:I2"), program="IRAN"),
        ent("I2", program="IRAN"),
        ent("LONE", program="DPRK2"),
    ])


def captions(nodes) -> set[str]:
    return {n.caption for n in nodes}


def test_hand_built_graph_known_answer():
    g = hand_graph()
    found = clusters(g, program="dprk")
    assert [c.size for c in found] == [5, 2, 2]
    big = found[0]
    assert captions(big.listed) == {"K1", "IR"}  # the Iranian bank is listed, though not DPRK
    assert captions(big.unlisted) == {"F1", "F2", "GHOST TRADING"}
    assert {n.kind for n in big.unlisted} == {NodeKind.ENTITY, NodeKind.NAME}
    assert [n.id for n in big.values] == ["imo:7654321"]
    assert dict(big.edge_kinds) == {"ownership": 1, "associate": 1, "linked_to": 1,
                                    "shared_imo": 2}
    # the two pairs: K2+K3 (family joins) and U1+U2 (UN's KPi counts as DPRK)
    assert {frozenset(captions(c.listed) | captions(c.unlisted)) for c in found[1:]} == {
        frozenset({"K2", "K3"}), frozenset({"U1", "U2"})}
    # a lone listed entry is no group; with min_size=1 it is
    assert "LONE" not in {n.caption for c in found for n in c.listed}
    assert "LONE" in {n.caption for c in clusters(g, program="DPRK", min_size=1)
                      for n in c.listed}
    # a prefix narrows: DPRK4 is only K2's group
    [only] = clusters(g, program="DPRK4")
    assert captions(only.listed) == {"K2"} and captions(only.unlisted) == {"K3"}
    # Iran: the big group (IR in it) and the I1-I2 pair; no program: every listed group
    assert [c.size for c in clusters(g, program="IRAN")] == [5, 2]
    assert [c.size for c in clusters(g)] == [5, 2, 2, 2]
    assert clusters(g, program="SDGT") == []
    d = big.to_dict()
    assert d["size"] == 5 and {x["caption"] for x in d["unlisted"]} == {"F1", "F2",
                                                                        "GHOST TRADING"}


def test_program_match_is_by_prefix_and_case_blind():
    node = Node(id="x", kind=NodeKind.ENTITY, caption="X", programs=("DPRK3", "SDGT"),
                listed=True)
    assert program_matches(node, "dprk") and program_matches(node, "DPRK3")
    assert program_matches(node, "sdg")
    assert not program_matches(node, "DPRK4") and not program_matches(node, "IRAN")
    unlisted = Node(id="y", kind=NodeKind.ENTITY, caption="Y", programs=("DPRK3",))
    assert not program_matches(unlisted, "DPRK")


def test_real_lists_dprk_cluster_of_the_shared_imo_number(lists_graph):
    # SDN rows 19583 (KOREA ZUZAGBONG MARITIME LTD, DPRK3) and 23723 (TONGHUNG SHIPPING &
    # TRADING CO, DPRK4) both give "IMO 1991835"; each is linked to a vessel of its own
    # (TONG HUNG 1, TONG HUNG 5): one group of four, held together by the one value.
    found = clusters(lists_graph, program="DPRK")
    assert found and all(a.size >= b.size for a, b in itertools.pairwise(found))
    [zuz] = [c for c in found if "KOREA ZUZAGBONG MARITIME LTD" in captions(c.listed)]
    assert captions(zuz.listed) == {"KOREA ZUZAGBONG MARITIME LTD",
                                    "TONGHUNG SHIPPING & TRADING CO", "TONG HUNG 1",
                                    "TONG HUNG 5"}
    assert zuz.unlisted == ()
    assert [n.id for n in zuz.values] == ["imo:1991835"]
    assert dict(zuz.edge_kinds) == {"shared_imo": 2, "linked_to": 2}
    # every group holds a DPRK-listed member, and nobody is in two groups
    assert all(any(program_matches(n, "DPRK") for n in c.listed) for c in found)
    ids = [n.id for c in found for n in (*c.listed, *c.unlisted)]
    assert len(ids) == len(set(ids))
    # the lists name parties they do not list: some DPRK groups have unlisted members
    assert any(c.unlisted for c in found)
