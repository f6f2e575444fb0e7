"""The network of list entities: typed nodes, typed directed edges, each edge with its source.

A :class:`Graph` is built once (:mod:`moneytrail.graph.build`) and never changes afterwards, so
it is safe to share between threads. Nodes and edges are numbered; adjacency is kept as lists of
edge numbers per node, in and out, which is what the ownership fixed point and the breadth-first
walks need and costs a few ints per edge (a million edges build in a few seconds, no library).

Edge direction is fixed per kind, so a walk can follow "who owns this" without guessing:

- ``ownership``: owner -> owned, with ``share`` in percent, or None when the source gives none
  (unknown, never read as zero);
- ``control``: controller -> controlled; ``directorship``: director -> organisation;
- ``operator``: operator -> vessel or aircraft;
- ``family``, ``associate``, ``linked_to``, ``unknown_link``: holder of the relation -> the other
  side (the direction carries no meaning; walks treat them as undirected);
- ``shared_<kind>`` (``shared_imo``, ``shared_address``, ...): holder -> a *value* node standing
  for one normalised identifier or address, so a value held by n entities is n edges, not n².
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from moneytrail.model import Entity
    from moneytrail.store.store import Store


class NodeKind(StrEnum):
    """What a node stands for."""

    ENTITY = "entity"  # a list entry (or a user-added party)
    VALUE = "value"  # a normalised identifier or address held by entities (a hub)
    NAME = "name"  # a relation's target the list only names, matched to no entity
    MISSING = "missing"  # a relation's target id that is not among the entities read


class EdgeKind(StrEnum):
    """The type of a link; see the module docstring for each kind's direction."""

    OWNERSHIP = "ownership"
    CONTROL = "control"
    DIRECTORSHIP = "directorship"
    OPERATOR = "operator"
    FAMILY = "family"
    ASSOCIATE = "associate"
    LINKED_TO = "linked_to"
    UNKNOWN_LINK = "unknown_link"
    SHARED_ADDRESS = "shared_address"
    SHARED_PHONE = "shared_phone"
    SHARED_EMAIL = "shared_email"
    SHARED_WEBSITE = "shared_website"
    SHARED_IMO = "shared_imo"
    SHARED_MMSI = "shared_mmsi"
    SHARED_BIC = "shared_bic"
    SHARED_LEI = "shared_lei"
    SHARED_REGISTRATION = "shared_registration"
    SHARED_TAX_ID = "shared_tax_id"
    SHARED_DOCUMENT = "shared_document"  # passport or national id
    SHARED_CRYPTO = "shared_crypto"

    @property
    def shared(self) -> bool:
        """True for an edge from a holder to a shared value node."""
        return self.value.startswith("shared_")


#: Kinds whose direction means nothing: walks follow them both ways.
UNDIRECTED = frozenset({EdgeKind.FAMILY, EdgeKind.ASSOCIATE, EdgeKind.LINKED_TO,
                        EdgeKind.UNKNOWN_LINK}) | frozenset(k for k in EdgeKind if k.shared)


class Provenance(NamedTuple):
    """Where an edge was read, precise enough to check it by hand in the source.

    ``source`` is the list (``ofac_sdn``), ``entity_id`` the entry holding the statement,
    ``field`` the place in that entry (``relations[2] owned_by``, ``identifiers[0] imo``,
    ``addresses[1]``), ``value`` the text as the list wrote it, ``record`` the id of the
    statement itself where the source has one (an FtM ``Ownership`` entity), and ``note`` how a
    named target was matched to an entity (``exact name, same list``).
    """

    source: str
    entity_id: str
    field: str
    value: str | None = None
    record: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, str]:
        """JSON-ready, empty fields left out."""
        return {k: v for k, v in zip(self._fields, self) if v is not None}


@dataclass(frozen=True, slots=True)
class Node:
    """A node: a list entity, a shared value, or a target known only by name or id."""

    id: str
    kind: NodeKind
    caption: str
    schema: str | None = None  # Person, Organization, Vessel ... (entities only)
    source: str | None = None  # the list the entity is on (entities only)
    programs: tuple[str, ...] = ()  # the list's program codes
    listed: bool = False  # the entity has a sanctions program
    dprk: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, empty fields left out."""
        out: dict[str, object] = {}
        for k in self.__slots__:
            v = getattr(self, k)
            if v is None or v == () or v is False:
                continue
            out[k] = list(v) if isinstance(v, tuple) else v
        return out


class Edge(NamedTuple):
    """A directed, typed link between two nodes (by id), with the statement it came from.

    A named tuple rather than a frozen dataclass: as immutable, and three times cheaper to
    make, which is most of the build time of a million-edge graph.
    """

    src: str
    dst: str
    kind: EdgeKind
    provenance: Provenance
    share: float | None = None  # ownership only: percent, None = unknown
    role: str | None = None  # as the source words it ("Director", "Son", "Vessel Owner")
    start_date: str | None = None
    end_date: str | None = None

    def current(self, as_of: str) -> bool:
        """Whether the link holds on ``as_of`` (ISO date): begun and not ended.

        Dates may be of any precision; a date equal to ``as_of`` at its own precision (an end
        date of ``2024`` on 2024-05-01) counts as still holding, so a vague date never drops a
        stake early.
        """
        if self.start_date and self.start_date > as_of[:len(self.start_date)]:
            return False
        return not (self.end_date and self.end_date < as_of[:len(self.end_date)])

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, empty fields left out."""
        out: dict[str, object] = {"src": self.src, "dst": self.dst, "kind": self.kind.value}
        for k in ("share", "role", "start_date", "end_date"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        out["provenance"] = self.provenance.to_dict()
        return out


class Graph:
    """Nodes and edges with in/out adjacency; built by :mod:`moneytrail.graph.build`.

    Read-only once built. Node lookups are by id; ``out_edges`` / ``in_edges`` give the edges
    leaving / entering a node in the order they were added (the order of the sources).
    """

    __slots__ = ("_edges", "_in", "_index", "_names", "_nodes", "_out")

    def __init__(self) -> None:
        self._nodes: list[Node] = []
        self._index: dict[str, int] = {}
        self._edges: list[Edge] = []
        self._out: list[list[int]] = []
        self._in: list[list[int]] = []
        self._names: dict[str, list[str]] = {}  # normalised name -> entity ids (see find)

    # -- building (used by build.py only) -------------------------------------------------

    def _add_node(self, node: Node) -> int:
        found = self._index.get(node.id)
        if found is not None:
            return found
        n = len(self._nodes)
        self._nodes.append(node)
        self._index[node.id] = n
        self._out.append([])
        self._in.append([])
        return n

    def _add_edge(self, edge: Edge) -> None:
        e = len(self._edges)
        self._edges.append(edge)
        self._out[self._index[edge.src]].append(e)
        self._in[self._index[edge.dst]].append(e)

    # -- reading --------------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._index

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def edge_count(self) -> int:
        """The number of edges."""
        return len(self._edges)

    def node(self, node_id: str) -> Node:
        """The node with this id; ``KeyError`` if there is none."""
        return self._nodes[self._index[node_id]]

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Every node (of one kind, if given), in the order added."""
        return (n for n in self._nodes if kind is None or n.kind is kind)

    def edges(self, kinds: Iterable[EdgeKind] | None = None) -> Iterator[Edge]:
        """Every edge (of these kinds, if given), in the order added."""
        wanted = frozenset(kinds) if kinds is not None else None
        return (e for e in self._edges if wanted is None or e.kind in wanted)

    def out_edges(self, node_id: str, kinds: Iterable[EdgeKind] | None = None) -> list[Edge]:
        """The edges leaving a node (of these kinds, if given); [] for an unknown id."""
        return self._select(self._out, node_id, kinds)

    def in_edges(self, node_id: str, kinds: Iterable[EdgeKind] | None = None) -> list[Edge]:
        """The edges entering a node (of these kinds, if given); [] for an unknown id."""
        return self._select(self._in, node_id, kinds)

    def _select(self, adjacency: list[list[int]], node_id: str,
                kinds: Iterable[EdgeKind] | None) -> list[Edge]:
        n = self._index.get(node_id)
        if n is None:
            return []
        edges = [self._edges[e] for e in adjacency[n]]
        if kinds is None:
            return edges
        wanted = frozenset(kinds)
        return [e for e in edges if e.kind in wanted]

    def find(self, text: str) -> list[str]:
        """Node ids for an id or a name: the id itself if it is a node, otherwise the entities
        with a name (primary or alias) equal to ``text`` once normalised, in list order."""
        if text in self._index:
            return [text]
        from moneytrail.names.text import normalize

        return list(self._names.get(normalize(text), ()))

    # -- construction shortcuts (the work is in build.py) ---------------------------------

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Graph:
        """The graph of these entities: see :func:`moneytrail.graph.build.build_graph`."""
        from moneytrail.graph.build import build_graph

        return build_graph(entities)

    @classmethod
    def from_store(cls, store: Store, sources: Iterable[str] | None = None) -> Graph:
        """The graph of the newest snapshot of every list in the store (or of ``sources``)."""
        from moneytrail.graph.build import graph_from_store

        return graph_from_store(store, sources)
