"""The 50 percent rule, look-through ownership and EU/UK owned-or-controlled on hand-built graphs
with known answers.

The OFAC cases are the worked examples of OFAC's 2014 "Revised Guidance on Entities Owned by
Persons whose Property and Interests in Property are Blocked" and FAQs 398-401 (aggregation
across blocked persons and programs; an entity blocked by ownership passes its own stakes on in
full; control is not ownership).
"""

from __future__ import annotations

import pytest

from moneytrail.graph.model import EdgeKind, Graph
from moneytrail.graph.ownership import (
    lookthrough,
    ofac_blocked,
    owned_or_controlled,
    ownership_report,
)
from moneytrail.model import Entity, Name, Program, Relation, RelationKind, Schema

DAY = "2025-01-01"


def ent(name: str, *links: Relation, listed: bool = False, program: str = "SDGT",
        schema: Schema = Schema.ORGANIZATION) -> Entity:
    return Entity(id=f"t:{name}", source="t", source_id=name, schema=schema,
                  names=(Name(name),), programs=(Program(program),) if listed else (),
                  relations=links)


def owns(target: str, share: float | None, **kw) -> Relation:
    return Relation(kind=RelationKind.OWNS, target=f"t:{target}", share=share, **kw)


def graph(*entities: Entity) -> Graph:
    return Graph.from_entities(entities)


def status(g: Graph, name: str):
    return ofac_blocked(g, as_of=DAY)[f"t:{name}"]


def stakes(chain) -> list[tuple[str, str, float | None]]:
    return [(s.owner[2:], s.owned[2:], s.share) for s in chain]


# -- OFAC 50 percent rule ------------------------------------------------------------------

def test_blocked_owner_with_exactly_50_percent_blocks():
    # Guidance example 1: Blocked Person X owns 50% of Entity A -> A is blocked.
    g = graph(ent("X", owns("A", 50), listed=True), ent("A"))
    a = status(g, "A")
    assert a.blocked and not a.by_listing and a.blocked_share == 50
    assert stakes(a.proof) == [("X", "A", 50)]


def test_just_under_50_percent_does_not_block():
    g = graph(ent("X", owns("A", 49.9), listed=True), ent("A"))
    assert not status(g, "A").blocked
    assert status(g, "A").blocked_share == pytest.approx(49.9)


def test_two_blocked_owners_at_25_percent_each_make_50_and_block():
    # Guidance example 3 / FAQ 399: holdings of different blocked persons are added up, and
    # across programs (X is SDGT, Y is DPRK3).
    g = graph(ent("X", owns("C", 25), listed=True),
              ent("Y", owns("C", 25), listed=True, program="DPRK3"), ent("C"))
    c = status(g, "C")
    assert c.blocked and c.blocked_share == 50
    assert sorted(stakes(c.proof)) == [("X", "C", 25), ("Y", "C", 25)]


def test_chain_of_50_percent_stakes_blocks_down_the_chain():
    # FAQ 401, example 1: X owns 50% of A, A owns 50% of B -> A and B are blocked.
    g = graph(ent("X", owns("A", 50), listed=True), ent("A", owns("B", 50)), ent("B"))
    b = status(g, "B")
    assert status(g, "A").blocked and b.blocked and b.blocked_share == 50
    assert stakes(b.proof) == [("X", "A", 50), ("A", "B", 50)]  # owner proved first


def test_blocked_entity_stake_below_50_does_not_block():
    # X owns 50% of A (blocked); A owns 25% of B: B is not blocked.
    g = graph(ent("X", owns("A", 50), listed=True), ent("A", owns("B", 25)), ent("B"))
    assert status(g, "A").blocked
    assert not status(g, "B").blocked and status(g, "B").blocked_share == 25


def test_faq_401_stakes_count_in_full_not_multiplied():
    # FAQ 401, example 3: X owns 50% of A and 10% of B; A owns 40% of B. A is blocked, so its 40% counts
    # in full (not 50% x 40% = 20%): 10 + 40 = 50 and B is blocked.
    g = graph(ent("X", owns("A", 50), owns("B", 10), listed=True),
              ent("A", owns("B", 40)), ent("B"))
    b = status(g, "B")
    assert b.blocked and b.blocked_share == 50
    assert stakes(b.proof) == [("X", "B", 10), ("X", "A", 50), ("A", "B", 40)]
    # look-through would have said 10 + 50% x 40% = 30%: the two measures differ
    by_owner = {lt.owner: lt.share for lt in lookthrough(g, "t:B", as_of=DAY)}
    assert by_owner == pytest.approx({"t:A": 40, "t:X": 30})


def test_faq_401_two_blocked_entities_at_25_percent_each():
    # FAQ 401, example 2: X owns 50% of A and 50% of B; A and B each own 25% of C. A and B are
    # blocked, and their 25% + 25% block C.
    g = graph(ent("X", owns("A", 50), owns("B", 50), listed=True),
              ent("A", owns("C", 25)), ent("B", owns("C", 25)), ent("C"))
    c = status(g, "C")
    assert status(g, "A").blocked and status(g, "B").blocked
    assert c.blocked and not c.by_listing and c.blocked_share == 50
    assert sorted(stakes(c.stakes)) == [("A", "C", 25), ("B", "C", 25)]


def test_60_percent_of_60_percent_blocks_but_looks_through_at_36():
    g = graph(ent("X", owns("A", 60), listed=True), ent("A", owns("B", 60)), ent("B"))
    assert status(g, "A").blocked and status(g, "B").blocked
    assert status(g, "B").blocked_share == 60  # A's stake in full
    by_owner = {lt.owner: lt for lt in lookthrough(g, "t:B", as_of=DAY)}
    assert by_owner["t:X"].share == pytest.approx(36)
    assert by_owner["t:A"].share == pytest.approx(60)
    assert [stakes(p) for p in by_owner["t:X"].paths] == [[("X", "A", 60), ("A", "B", 60)]]


def test_look_through_without_a_blocked_owner_blocks_nothing():
    # P is not listed: its 36% look-through in B is shown, and nothing is blocked.
    g = graph(ent("P", owns("A", 60)), ent("A", owns("B", 60)), ent("B"))
    assert not status(g, "A").blocked and not status(g, "B").blocked
    by_owner = {lt.owner: lt.share for lt in lookthrough(g, "t:B", as_of=DAY)}
    assert by_owner == pytest.approx({"t:A": 60, "t:P": 36})


def test_stake_of_a_person_not_blocked_never_counts():
    g = graph(ent("N", owns("C", 45)), ent("X", owns("C", 10), listed=True), ent("C"))
    c = status(g, "C")
    assert not c.blocked and c.blocked_share == 10
    assert stakes(c.stakes) == [("X", "C", 10)]


def test_control_and_directorship_do_not_block_under_the_rule():
    # FAQ 398: the rule is about ownership; an entity controlled but not 50%-owned by blocked
    # persons is not blocked by it (OFAC: it may be designated, or a risk).
    g = graph(ent("X", Relation(kind=RelationKind.DIRECTOR_OF, target="t:D"), listed=True,
                  schema=Schema.PERSON), ent("D"))
    assert not status(g, "D").blocked
    ooc = owned_or_controlled(g, "t:D", as_of=DAY)
    assert ooc.flag and [e.kind for e in ooc.path] == [EdgeKind.DIRECTORSHIP]


def test_cycle_terminates_and_is_proved_once():
    # X owns 50% of A; A owns 60% of B; B owns 30% of A (a cross-holding).
    g = graph(ent("X", owns("A", 50), listed=True), ent("A", owns("B", 60)),
              ent("B", owns("A", 30)))
    a, b = status(g, "A"), status(g, "B")
    assert a.blocked and b.blocked
    assert a.blocked_share == 80  # X's 50 and B's 30 (B is blocked through A)
    assert lookthrough(g, "t:A", as_of=DAY)  # returns, cycle cut
    # no owner blocked: the cycle neither blocks nor loops
    g2 = graph(ent("X", owns("A", 30), listed=True), ent("A", owns("B", 60)),
               ent("B", owns("A", 40)))
    assert not status(g2, "A").blocked and not status(g2, "B").blocked
    assert status(g2, "A").blocked_share == 30


def test_unknown_share_is_reported_not_guessed():
    g = graph(ent("X", owns("D", None), listed=True), ent("Y", owns("D", 30), listed=True),
              ent("D"))
    d = status(g, "D")
    assert not d.blocked and d.blocked_share == 30
    assert d.undetermined
    assert stakes(d.unknown) == [("X", "D", None)]
    # enough known stakes block whatever the unknown ones are; the unknown is still shown
    g2 = graph(ent("X", owns("D", None), listed=True), ent("Y", owns("D", 50), listed=True),
               ent("D"))
    d2 = status(g2, "D")
    assert d2.blocked and not d2.undetermined and stakes(d2.unknown) == [("X", "D", None)]
    lt = {x.owner: x for x in lookthrough(g, "t:D", as_of=DAY)}
    assert lt["t:X"].share == 0 and len(lt["t:X"].unknown_paths) == 1


def test_listed_entity_is_blocked_by_listing():
    g = graph(ent("X", owns("L", 10), listed=True), ent("L", listed=True))
    s = status(g, "L")
    assert s.blocked and s.by_listing and s.proof == () and s.blocked_share == 10


def test_ended_stake_holds_nothing():
    g = graph(ent("X", owns("A", 100, start_date="2020-01-01", end_date="2023-06-30"),
                  listed=True), ent("A"))
    assert ofac_blocked(g, as_of="2023-01-01")["t:A"].blocked
    assert not ofac_blocked(g, as_of="2024-01-01")["t:A"].blocked
    assert ofac_blocked(g, as_of="2023-06")["t:A"].blocked  # a month-precise day: still held


def test_owned_by_relation_runs_from_the_owner():
    # OFAC's "Owned or Controlled By: X" on A is an ownership edge X -> A of unknown share.
    g = graph(ent("A", Relation(kind=RelationKind.OWNED_BY, target_name="X")),
              ent("X", listed=True))
    [edge] = g.in_edges("t:A", (EdgeKind.OWNERSHIP,))
    assert edge.src == "t:X" and edge.share is None
    assert edge.provenance.note == "exact name, same list"
    a = status(g, "A")
    assert not a.blocked and a.undetermined
    assert owned_or_controlled(g, "t:A", as_of=DAY).possible


# -- EU / UK owned or controlled -------------------------------------------------------------

def test_eu_uk_need_more_than_50_percent():
    g = graph(ent("X", owns("E", 50), listed=True), ent("E"))
    assert status(g, "E").blocked  # OFAC: 50% or more
    ooc = owned_or_controlled(g, "t:E", as_of=DAY)
    assert not ooc.flag and not ooc.possible  # EU/UK: more than 50%


def test_eu_uk_follow_majority_chains_and_control():
    g = graph(ent("X", owns("A", 60), listed=True, schema=Schema.PERSON),
              ent("A", owns("B", 60)), ent("B"))
    ooc = owned_or_controlled(g, "t:B", as_of=DAY)
    assert ooc.flag
    assert [(e.src, e.dst) for e in ooc.path] == [("t:X", "t:A"), ("t:A", "t:B")]
    # a chain through a director of an unlisted majority owner
    g2 = graph(ent("X", Relation(kind=RelationKind.DIRECTOR_OF, target="t:H"), listed=True,
                   schema=Schema.PERSON), ent("H", owns("S", 75)), ent("S"))
    assert not status(g2, "S").blocked  # OFAC: no blocked owner
    assert [e.kind for e in owned_or_controlled(g2, "t:S", as_of=DAY).path] == [
        EdgeKind.DIRECTORSHIP, EdgeKind.OWNERSHIP]


def test_report_lists_all_owners_and_marks_blocked_ones():
    g = graph(ent("X", owns("C", 30), listed=True), ent("Y", owns("C", 25), listed=True),
              ent("N", owns("C", 45)), ent("C"))
    rep = ownership_report(g, "t:C", as_of=DAY)
    assert sorted(s.owner for s in rep.owners) == ["t:N", "t:X", "t:Y"]
    assert rep.blocked_owners == {"t:X", "t:Y"}
    assert rep.status.blocked and rep.status.blocked_share == 55
    data = rep.to_dict()
    assert data["blocked"] is True and data["blocked_share"] == 55
    assert {o["owner"]: o["owner_blocked"] for o in data["owners"]} == {
        "t:X": True, "t:Y": True, "t:N": False}
    assert data["proof"][0]["provenance"] == {"source": "t", "entity_id": "t:X",
                                              "field": "relations[0] owns", "value": "t:C"}


def test_a_long_chain_is_proved_without_recursion_limits():
    # 3,000 companies each owning 50% of the next: every one blocked, the last one's proof
    # is the whole chain, in order, from the listed owner down
    n = 3000
    g = graph(*(ent(f"E{i}", owns(f"E{i + 1}", 50), listed=i == 0) for i in range(n)),
              ent(f"E{n}"))
    last = status(g, f"E{n}")
    assert last.blocked and len(last.proof) == n
    assert stakes(last.proof[:2]) == [("E0", "E1", 50), ("E1", "E2", 50)]
    assert stakes(last.proof[-1:]) == [(f"E{n - 1}", f"E{n}", 50)]


def test_a_stake_stated_at_both_ends_counts_once():
    # X's entry says it owns 30% of A; A's entry says X owns 30% of it: one stake, not 60%.
    g = graph(ent("X", owns("A", 30), listed=True),
              ent("A", Relation(kind=RelationKind.OWNED_BY, target="t:X", share=30)))
    a = status(g, "A")
    assert not a.blocked and a.blocked_share == 30 and len(a.stakes) == 1
    assert [lt.share for lt in lookthrough(g, "t:A", as_of=DAY)] == [30]
    # two holdings of 30% stated by the same entry (two records) are two holdings
    g2 = graph(ent("X", owns("A", 30, id="r1"), owns("A", 30, id="r2"), listed=True), ent("A"))
    assert status(g2, "A").blocked and status(g2, "A").blocked_share == 60
