"""Graph.from_store reads the lists in service: the newest snapshot of every list."""

from __future__ import annotations

from moneytrail.graph.model import EdgeKind, Graph
from moneytrail.graph.ownership import ofac_blocked
from moneytrail.model import Entity, Name, Program, Relation, RelationKind, Schema, Snapshot
from moneytrail.store.store import Store


def org(source: str, n: str, *rels: Relation, listed: bool = False) -> Entity:
    return Entity(id=f"{source}:{n}", source=source, source_id=n, schema=Schema.ORGANIZATION,
                  names=(Name(f"ORG {n}"),), programs=(Program("DPRK3"),) if listed else (),
                  relations=rels)


def snap(source: str, published: str) -> Snapshot:
    return Snapshot(id=None, source=source, format="test", published=published,
                    loaded_at="2025-01-01T00:00:00Z", sha256=source + published)


def test_from_store_reads_the_newest_snapshot_of_every_list(database_url):
    store = Store.open(database_url)
    # the old snapshot says A owns 30% of B; the newest says 60%
    store.add_snapshot(snap("l1", "2024-01"),
                       [org("l1", "A", Relation(kind=RelationKind.OWNS, target="l1:B",
                                                share=30), listed=True), org("l1", "B")])
    store.add_snapshot(snap("l1", "2024-06"),
                       [org("l1", "A", Relation(kind=RelationKind.OWNS, target="l1:B",
                                                share=60), listed=True), org("l1", "B")])
    store.add_snapshot(snap("l2", "2024-03"), [org("l2", "C", listed=True)])
    g = Graph.from_store(store)
    assert {n.id for n in g.nodes()} == {"l1:A", "l1:B", "l2:C"}
    [edge] = g.edges((EdgeKind.OWNERSHIP,))
    assert edge.share == 60
    assert ofac_blocked(g, as_of="2025-01-01")["l1:B"].blocked
    assert {n.id for n in Graph.from_store(store, sources=["l2"]).nodes()} == {"l2:C"}
