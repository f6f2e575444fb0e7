"""Exposure: which listed parties a node reaches within a few hops, how strongly, and by what path.

A hop is one link between two parties: a stated relation (either direction: exposure is about
being connected, not about who owns whom), or a shared value (holder -> value node -> other
holder counts as one hop, since the value node is bookkeeping, not a party). A path's score is
the product of its hops' weights times ``HOP_DECAY`` for every hop after the first; each reached
party keeps its best-scoring path. Weights rank the evidence: an ownership stake says more than a
directorship, which says more than a shared address, which says more than a shared phone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from moneytrail.graph.model import Edge, EdgeKind, Graph, Node, NodeKind

EDGE_WEIGHTS: dict[EdgeKind, float] = {
    EdgeKind.OWNERSHIP: 1.0,
    EdgeKind.CONTROL: 0.95,
    EdgeKind.SHARED_CRYPTO: 0.9,  # one wallet, one key holder
    EdgeKind.SHARED_IMO: 0.9,
    EdgeKind.SHARED_DOCUMENT: 0.9,  # the same passport: often the same person on two lists
    EdgeKind.SHARED_LEI: 0.9,
    EdgeKind.DIRECTORSHIP: 0.85,
    EdgeKind.OPERATOR: 0.85,
    EdgeKind.SHARED_BIC: 0.8,
    EdgeKind.SHARED_MMSI: 0.8,
    EdgeKind.SHARED_REGISTRATION: 0.75,
    EdgeKind.SHARED_TAX_ID: 0.75,
    EdgeKind.FAMILY: 0.7,
    EdgeKind.LINKED_TO: 0.7,
    EdgeKind.ASSOCIATE: 0.65,
    EdgeKind.SHARED_EMAIL: 0.6,
    EdgeKind.SHARED_ADDRESS: 0.5,
    EdgeKind.SHARED_WEBSITE: 0.5,
    EdgeKind.UNKNOWN_LINK: 0.45,
    EdgeKind.SHARED_PHONE: 0.4,
}
HOP_DECAY = 0.8  # each hop after the first: a friend of a friend is further away


@dataclass(frozen=True, slots=True)
class Exposure:
    """A party reached from the start: its best ``score`` (0-1), the ``hops`` of that path,
    the parties along it (``via``: start first, this party last) and the ``edges`` of each hop
    (two edges for a hop through a shared value), every edge with its provenance."""

    id: str
    score: float
    hops: int
    via: tuple[str, ...]
    edges: tuple[tuple[Edge, ...], ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"id": self.id, "score": round(self.score, 6), "hops": self.hops,
                "via": list(self.via),
                "edges": [[e.to_dict() for e in hop] for hop in self.edges]}


def _hops(graph: Graph, n: int) -> Iterator[tuple[int, tuple[Edge, ...], float]]:
    """The parties one hop from node number ``n``: (node number, the hop's edges, weight)."""
    index, edges, nodes = graph._index, graph._edges, graph._nodes
    for adjacency in (graph._out, graph._in):
        for e in adjacency[n]:
            edge = edges[e]
            other = index[edge.dst] if index[edge.src] == n else index[edge.src]
            weight = EDGE_WEIGHTS.get(edge.kind, 0.4)
            if nodes[other].kind is NodeKind.VALUE:
                for e2 in graph._in[other]:
                    holder = index[edges[e2].src]
                    if holder != n:
                        yield holder, (edge, edges[e2]), weight
            else:
                yield other, (edge,), weight


def exposure(graph: Graph, entity_id: str, *, max_hops: int = 3, limit: int | None = 50,
             listed: Callable[[Node], bool] | None = None) -> list[Exposure]:
    """The listed parties within ``max_hops`` of ``entity_id``, best score first (then fewest
    hops, then id), at most ``limit`` of them (None: all). ``listed`` picks the parties that
    count (default: any sanctions program); the start itself is never in the answer.
    ``KeyError`` if ``entity_id`` is not in the graph.

    The search goes level by level and carries a party further only when its score improved,
    so it ends on cycles and costs about the edges within ``max_hops`` of the start.
    """
    listed = listed or (lambda node: node.listed)
    start = graph._index[entity_id]
    # node number -> (score, the path: node numbers from the start, the edges of each hop);
    # whole paths, not back pointers: a node whose best path changes later must not change
    # the path already reported for the parties reached through it
    best: dict[int, tuple[float, tuple[int, ...], tuple[tuple[Edge, ...], ...]]] = {
        start: (1.0, (start,), ())}
    frontier = [start]
    for _level in range(max_hops):
        improved: list[int] = []
        # the states as the level starts: a node improved during this level is expanded from
        # its new path at the next one, so no path grows past max_hops
        for n, (score, path, hop_edges) in [(n, best[n]) for n in frontier]:
            if len(path) > 1:
                score *= HOP_DECAY
            for other, edges, weight in _hops(graph, n):
                s = score * weight
                if (other not in best or s > best[other][0]) and other not in path:
                    best[other] = (s, (*path, other), (*hop_edges, edges))
                    improved.append(other)
        frontier = list(dict.fromkeys(improved))
        if not frontier:
            break
    nodes = graph._nodes
    found = sorted((-score, len(path) - 1, nodes[n].id, n)
                   for n, (score, path, _e) in best.items() if n != start and listed(nodes[n]))
    if limit is not None:
        found = found[:limit]
    out = []
    for _s, _h, node_id, n in found:
        score, path, hop_edges = best[n]
        out.append(Exposure(id=node_id, score=score, hops=len(path) - 1,
                            via=tuple(nodes[p].id for p in path), edges=hop_edges))
    return out
