"""Clusters: the connected groups around the listed parties of a program, with the unlisted
parties joined to them (the candidate front companies).

Two parties are in one cluster when a chain of links joins them. Every link counts, in either
direction: stated relations (ownership, control, directorship, operator, and also ``family``,
``associate``, ``linked_to`` and ``unknown_link``: a front company is as often an associate's
business as a subsidiary) and shared values (two holders of one IMO number, wallet, address...
are joined through the value node). Value nodes join parties but are not members: they are
reported apart, as the evidence that holds the group together.

Members are the entity nodes and the targets known only by name or id (``name`` and ``missing``
nodes, parties the list names without listing them). The *listed* members are those with a
sanctions program (any program: a DPRK cluster may hold an Iranian bank, and it is listed);
the *unlisted* members are the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from moneytrail.graph.model import Graph, Node, NodeKind


@dataclass(frozen=True, slots=True)
class Cluster:
    """One connected group: ``listed`` and ``unlisted`` members (listed first by id order of
    the graph), the ``values`` (shared identifier and address nodes) joining them, and how many
    edges of each kind lie inside (``edge_kinds``, most frequent first)."""

    listed: tuple[Node, ...]
    unlisted: tuple[Node, ...]
    values: tuple[Node, ...]
    edge_kinds: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        """The number of members, listed and unlisted (value nodes are not members)."""
        return len(self.listed) + len(self.unlisted)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"size": self.size,
                "listed": [n.to_dict() for n in self.listed],
                "unlisted": [n.to_dict() for n in self.unlisted],
                "values": [n.to_dict() for n in self.values],
                "edge_kinds": dict(self.edge_kinds)}


def program_matches(node: Node, program: str) -> bool:
    """Whether a listed node is under ``program``: a code of the node starting with it, case
    ignored (``DPRK`` matches ``DPRK3``, ``dprk4``); ``DPRK`` (or ``KP``) also matches a node
    flagged as a North Korea program whatever the list calls it (the UN writes ``KPi``)."""
    if not node.listed:
        return False
    want = program.casefold()
    if any(code.casefold().startswith(want) for code in node.programs):
        return True
    return want in ("dprk", "kp") and node.dprk


def _find(parent: list[int], n: int) -> int:
    root = n
    while parent[root] != root:
        root = parent[root]
    while parent[n] != root:  # path compression: later finds are near constant
        parent[n], n = root, parent[n]
    return root


def clusters(graph: Graph, *, program: str | None = None, min_size: int = 2) -> list[Cluster]:
    """The connected groups holding at least one listed party of ``program`` (matched as
    :func:`program_matches` says; None: any program) and at least ``min_size`` members, largest
    first (then most listed members, then the first member's id).

    Every edge joins its two ends (see the module docstring); a group is reported whole,
    including listed parties of other programs.
    """
    index = graph._index
    nodes = graph._nodes
    parent = list(range(len(nodes)))
    for edge in graph._edges:
        a, b = _find(parent, index[edge.src]), _find(parent, index[edge.dst])
        if a != b:
            parent[a] = b
    groups: dict[int, list[int]] = {}
    for n in range(len(nodes)):
        groups.setdefault(_find(parent, n), []).append(n)

    def wanted(node: Node) -> bool:
        return node.listed if program is None else program_matches(node, program)

    out: list[Cluster] = []
    for members in groups.values():
        if len(members) < min_size or not any(wanted(nodes[n]) for n in members):
            continue
        listed, unlisted, values = [], [], []
        for n in members:
            node = nodes[n]
            if node.kind is NodeKind.VALUE:
                values.append(node)
            elif node.listed:
                listed.append(node)
            else:
                unlisted.append(node)
        if len(listed) + len(unlisted) < min_size:
            continue
        # both ends are in the group by construction, so the out-edges of its members are
        # exactly the edges inside it
        kinds = Counter(graph._edges[e].kind.value for n in members for e in graph._out[n])
        out.append(Cluster(listed=tuple(listed), unlisted=tuple(unlisted), values=tuple(values),
                           edge_kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))))
    out.sort(key=lambda c: (-c.size, -len(c.listed), (c.listed or c.unlisted)[0].id))
    return out
