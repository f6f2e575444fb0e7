"""Build a :class:`~moneytrail.graph.model.Graph` from list entities.

Two kinds of edge come out of the entities:

- **stated links**: every :class:`~moneytrail.model.Relation` of every entity (OFAC ``Linked To:``
  and ``Owned or Controlled By:``, vessel owners and aircraft operators, UK parent companies and
  owners, FollowTheMoney ``Ownership`` / ``Directorship`` / ``Family`` / ``Associate`` /
  ``UnknownLink``). A target given by id is that node; a target given only by name (OFAC writes
  ``Linked To: LAZARUS GROUP.``) is matched to the one entity with exactly that name once
  normalised, on the same list first, then on any list; otherwise it stays a ``name`` node, so the
  statement is kept and never pinned on a guess.
- **shared values**: entities holding the same identifier (by :func:`match.prepare.id_key`) or
  the same specific address (by :func:`names.text.normalize` of the full address; an address that
  is only a city or a country is no evidence of anything) are joined through one ``value`` node
  per value, so a value held by a thousand entities costs a thousand edges, not half a million.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from moneytrail.countries import country_code
from moneytrail.graph.model import Edge, EdgeKind, Graph, Node, NodeKind, Provenance
from moneytrail.match.prepare import id_key
from moneytrail.model import Address, Entity, IdKind, NameKind, Relation, RelationKind, Schema
from moneytrail.names.text import normalize

if TYPE_CHECKING:
    from moneytrail.store.store import Store

#: Relation kind -> (edge kind, True when the edge runs target -> holder).
RELATION_EDGES: dict[RelationKind, tuple[EdgeKind, bool]] = {
    RelationKind.OWNS: (EdgeKind.OWNERSHIP, False),
    RelationKind.OWNED_BY: (EdgeKind.OWNERSHIP, True),
    RelationKind.DIRECTOR_OF: (EdgeKind.DIRECTORSHIP, False),
    RelationKind.HAS_DIRECTOR: (EdgeKind.DIRECTORSHIP, True),
    RelationKind.OPERATED_BY: (EdgeKind.OPERATOR, True),
    RelationKind.FAMILY: (EdgeKind.FAMILY, False),
    RelationKind.ASSOCIATE: (EdgeKind.ASSOCIATE, False),
    RelationKind.LINKED_TO: (EdgeKind.LINKED_TO, False),
    RelationKind.UNKNOWN_LINK: (EdgeKind.UNKNOWN_LINK, False),
}

#: Identifier kinds that join their holders, and the edge kind they give. Call signs are left
#: out: they are reassigned from ship to ship. Aircraft serials and tails likewise.
SHARED_IDS: dict[IdKind, EdgeKind] = {
    IdKind.IMO: EdgeKind.SHARED_IMO,
    IdKind.MMSI: EdgeKind.SHARED_MMSI,
    IdKind.BIC: EdgeKind.SHARED_BIC,
    IdKind.LEI: EdgeKind.SHARED_LEI,
    IdKind.REGISTRATION: EdgeKind.SHARED_REGISTRATION,
    IdKind.TAX_ID: EdgeKind.SHARED_TAX_ID,
    IdKind.PASSPORT: EdgeKind.SHARED_DOCUMENT,
    IdKind.NATIONAL_ID: EdgeKind.SHARED_DOCUMENT,
    IdKind.CRYPTO: EdgeKind.SHARED_CRYPTO,
    IdKind.EMAIL: EdgeKind.SHARED_EMAIL,
    IdKind.PHONE: EdgeKind.SHARED_PHONE,
    IdKind.WEBSITE: EdgeKind.SHARED_WEBSITE,
}
_KIND_TEXT = {kind: kind.value for kind in RelationKind}  # enum .value is slow in a hot loop
MIN_VALUE_CHARS = 5  # shorter identifiers ("1234", "0") collide by chance, not by relation
_WEB_PREFIX = re.compile(r"^(?:[a-z]+://)?(?:www\.)?", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_BRACKETS = re.compile(r"\(.*?\)")
_AS_OF = re.compile(r"\b(?:as (?:of|at)|located|possible)\b", re.IGNORECASE)


def build_graph(entities: Iterable[Entity]) -> Graph:
    """The graph of ``entities``: one node per entity (FtM carriers of schema Other left out),
    an edge per stated relation, and a value node per identifier or address held by two or
    more entities, with an edge from each holder.

    Every edge carries a :class:`Provenance` naming the list, the entity and the field it was
    read from. Two entities with the same id: the first is kept (the store never holds two).
    The cyclic garbage collector is paused during the build; a long-lived holder of a large
    graph should ``gc.freeze()`` after it, as the service does, or the first full collection
    walks every edge (about a second at a million edges).
    """
    # The build makes millions of small objects that all live as long as the graph: the
    # cyclic collector would walk them again and again for nothing (a third of the time of a
    # million edges). Paused for the build, restored as it was.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(entities)
    finally:
        if paused:
            gc.enable()


def _build(entities: Iterable[Entity]) -> Graph:
    graph = Graph()
    kept: list[Entity] = []
    for entity in entities:
        if entity.schema is Schema.OTHER or entity.id in graph:
            continue
        kept.append(entity)
        graph._add_node(Node(
            id=entity.id, kind=NodeKind.ENTITY, caption=entity.caption,
            schema=entity.schema.value, source=entity.source,
            programs=tuple(dict.fromkeys(p.code for p in entity.programs if p.code)),
            listed=bool(entity.programs), dprk=entity.dprk))
        for name in entity.names:
            if name.kind is not NameKind.WEAK_ALIAS:
                ids = graph._names.setdefault(normalize(name.full), [])
                if not ids or ids[-1] != entity.id:
                    ids.append(entity.id)
    for entity in kept:
        for i, rel in enumerate(entity.relations):
            _add_relation(graph, entity, i, rel)
    _add_shared(graph, kept)
    return graph


def graph_from_store(store: Store, sources: Iterable[str] | None = None) -> Graph:
    """The graph of the newest snapshot of every list in ``store`` (or of ``sources`` only):
    the lists in service, as the Screener reads them."""
    wanted = set(sources) if sources is not None else None
    snaps = [s for s in store.latest_snapshots() if wanted is None or s.source in wanted]

    def entities() -> Iterable[Entity]:
        for snap in snaps:
            yield from store.entities(snap.id)

    return build_graph(entities())


def _add_relation(graph: Graph, entity: Entity, i: int, rel: Relation) -> None:
    kind, reverse = RELATION_EDGES.get(rel.kind, (EdgeKind.UNKNOWN_LINK, False))
    target, note = _resolve(graph, entity, rel)
    if target == entity.id:
        return  # a list naming the entry itself (a former name) is no link
    field = f"relations[{i}] {_KIND_TEXT[rel.kind]}"
    if rel.kind is RelationKind.OWNED_BY and entity.schema is Schema.VESSEL and not rel.role:
        field += " (vessel owner)"
    prov = Provenance(source=entity.source, entity_id=entity.id, field=field,
                      value=rel.target_name or rel.target, record=rel.id, note=note)
    src, dst = (target, entity.id) if reverse else (entity.id, target)
    graph._add_edge(Edge(src=src, dst=dst, kind=kind, provenance=prov,
                         share=rel.share if kind is EdgeKind.OWNERSHIP else None,
                         role=rel.role, start_date=rel.start_date, end_date=rel.end_date))


def _resolve(graph: Graph, entity: Entity, rel: Relation) -> tuple[str, str | None]:
    """The node a relation points at (added if need be), and how a name was matched."""
    if rel.target:
        if rel.target not in graph._index:
            graph._add_node(Node(id=rel.target, kind=NodeKind.MISSING,
                                 caption=rel.target_name or rel.target))
        return rel.target, None
    name = rel.target_name or ""
    norm = normalize(name)
    found = [c for c in graph._names.get(norm, ()) if c != entity.id]
    if not found and norm.startswith("the "):  # "associated with the Abu Sayyaf Group"
        norm = norm[4:]
        found = [c for c in graph._names.get(norm, ()) if c != entity.id]
    same = [c for c in found if graph.node(c).source == entity.source]
    if len(same) == 1:
        return same[0], "exact name, same list"
    if not same and len(found) == 1:
        return found[0], f"exact name, on {graph.node(found[0]).source}"
    node_id = f"name:{norm}"
    if node_id not in graph:
        graph._add_node(Node(id=node_id, kind=NodeKind.NAME, caption=name))
    many = same or found
    return node_id, (f"{len(many)} entities have this name: not resolved" if many
                     else "no entity has this name")


def shared_key(kind: IdKind, value: str) -> str | None:
    """The value-node id of an identifier, or None when it is too short to be evidence.

    Websites lose their scheme and ``www.`` first, so ``http://www.x.com`` and ``x.com`` are one
    value; everything else is :func:`id_key` (passports and national ids share the ``doc``
    family, as the matcher compares them).
    """
    if kind is IdKind.WEBSITE:
        value = _WEB_PREFIX.sub("", value.strip()).rstrip("/")
    key = id_key(kind, value)
    body = key.partition(":")[2]
    if len(body) < MIN_VALUE_CHARS or len(set(body)) == 1:
        return None
    return key


def address_key(address: Address) -> str | None:
    """The value-node id of an address, or None when it names no place more precise than a
    city (``Pyongyang, Korea, North``): only a street, a postal code, a number, or four words
    beyond city, region and country make two holders' addresses evidence of a link.

    A country written at the end is keyed by its ISO code, so the UN's ``..., Pyongyang,
    Democratic People's Republic of Korea`` and the UK's ``..., Pyongyang, DPRK`` are one value.
    """
    parts = [p.strip() for p in address.full.split(",") if p.strip()]
    code = None
    if len(parts) > 1 and (found := country_code(", ".join(parts[-2:]))):  # "Korea, North"
        code, parts = found, parts[:-2]
    elif parts and (found := country_code(parts[-1])):
        code, parts = found, parts[:-1]
    code = code or address.country
    body = normalize(", ".join(parts))
    if not body:
        return None
    if not (address.street or address.postal_code):
        # "(located in as at Aug. 2015)", "as of September 2015": when the list said it, not
        # where; a year is no house number
        text = _AS_OF.split(_BRACKETS.sub(" ", ", ".join(parts)))[0]
        place = set(normalize(" ".join(filter(None, (address.city, address.region)))).split())
        words = [w for p in text.split(",") if not country_code(p.strip())
                 for w in normalize(p).split() if w not in place]
        if not _DIGIT.search(" ".join(words)) and len(words) < 4:
            return None
    return f"addr:{body}|{code}" if code else f"addr:{body}"


def _add_shared(graph: Graph, entities: list[Entity]) -> None:
    # key -> [(entity id, field, raw value, edge kind)], holders in entity order
    groups: dict[str, list[tuple[str, str, str, EdgeKind]]] = {}
    for entity in entities:
        for i, ident in enumerate(entity.identifiers):
            kind = SHARED_IDS.get(ident.kind)
            key = shared_key(ident.kind, ident.value) if kind else None
            if key:
                groups.setdefault(key, []).append(
                    (entity.id, f"identifiers[{i}] {ident.kind.value}", ident.value, kind))
        for i, address in enumerate(entity.addresses):
            key = address_key(address)
            if key:
                groups.setdefault(key, []).append(
                    (entity.id, f"addresses[{i}]", address.full, EdgeKind.SHARED_ADDRESS))
    for key, holders in groups.items():
        distinct = {h[0] for h in holders}
        if len(distinct) < 2:
            continue
        graph._add_node(Node(id=key, kind=NodeKind.VALUE, caption=holders[0][2]))
        seen: set[str] = set()
        for entity_id, field, raw, kind in holders:
            if entity_id in seen:  # an entry listing its own value twice is one holder
                continue
            seen.add(entity_id)
            node = graph.node(entity_id)
            graph._add_edge(Edge(src=entity_id, dst=key, kind=kind, provenance=Provenance(
                source=node.source or "", entity_id=entity_id, field=field, value=raw)))
