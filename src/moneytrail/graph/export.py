"""Exports for Gephi and Cytoscape users: GraphML, GEXF and Cytoscape JSON, of the whole graph or
of a node subset (a :func:`neighbourhood`).

Written with the standard library's ElementTree (no networkx: the graph is plain lists and the
formats are small). Every node carries its kind, caption, schema, list, programs (joined with
``;``) and whether it is listed; every edge its kind, share, role, dates and the provenance of
the statement (list, entry, field, the text as written, how a name was matched), so a link seen
in Gephi can be checked in the source like one seen in ``moneytrail graph exposure``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from pathlib import Path

from moneytrail.graph.model import Edge, Graph, Node, NodeKind

# Characters XML 1.0 cannot hold even escaped; list data (pasted text) sometimes has them, and
# ElementTree would write them through into a file no parser reads back.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: (attribute name, GraphML type) of nodes and edges, in the order written.
NODE_ATTRS: tuple[tuple[str, str], ...] = (
    ("kind", "string"), ("caption", "string"), ("schema", "string"), ("source", "string"),
    ("programs", "string"), ("listed", "boolean"), ("dprk", "boolean"))
EDGE_ATTRS: tuple[tuple[str, str], ...] = (
    ("kind", "string"), ("share", "double"), ("role", "string"), ("start_date", "string"),
    ("end_date", "string"), ("prov_source", "string"), ("prov_entity", "string"),
    ("prov_field", "string"), ("prov_value", "string"), ("prov_record", "string"),
    ("prov_note", "string"))

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"


def neighbourhood(graph: Graph, node_id: str, hops: int = 2) -> set[str]:
    """The ids of the nodes within ``hops`` links of ``node_id`` (itself included), walking
    every edge in both directions.

    A shared value is not a hop: holder -> value node -> other holder counts as one, as in
    :mod:`~moneytrail.graph.exposure`, and the value node crossed is in the set (so an export
    shows what joins the two). A value node held by a party on the outer rim is left out: it
    would lead nowhere inside the picture. ``KeyError`` if ``node_id`` is not in the graph.
    """
    graph.node(node_id)  # KeyError early, with the id
    seen = {node_id}
    frontier = [node_id]
    for _ in range(hops):
        nxt: list[str] = []
        for current in frontier:
            for other in _adjacent(graph, current):
                if graph.node(other).kind is NodeKind.VALUE:
                    seen.add(other)
                    holders = [e.src for e in graph.in_edges(other)]
                else:
                    holders = [other]
                for h in holders:
                    if h not in seen:
                        seen.add(h)
                        nxt.append(h)
        frontier = nxt
        if not frontier:
            break
    return seen


def _adjacent(graph: Graph, node_id: str) -> Iterator[str]:
    for e in graph.out_edges(node_id):
        yield e.dst
    for e in graph.in_edges(node_id):
        yield e.src


def subgraph(graph: Graph, nodes: Collection[str] | None) -> tuple[list[Node], list[Edge]]:
    """The nodes among ``nodes`` (in graph order) and the edges with both ends among them;
    every node and edge when ``nodes`` is None. ``KeyError`` for an id not in the graph."""
    if nodes is None:
        return list(graph.nodes()), list(graph.edges())
    keep = set(nodes)
    missing = keep.difference(n for n in keep if n in graph)
    if missing:
        raise KeyError(f"not in the graph: {sorted(missing)[:5]}")
    picked = [n for n in graph.nodes() if n.id in keep]
    edges = [e for n in picked for e in graph.out_edges(n.id) if e.dst in keep]
    return picked, edges


def _node_values(node: Node) -> dict[str, object]:
    return {"kind": node.kind.value, "caption": node.caption, "schema": node.schema,
            "source": node.source, "programs": ";".join(node.programs) or None,
            "listed": node.listed, "dprk": node.dprk}


def _edge_values(edge: Edge) -> dict[str, object]:
    p = edge.provenance
    return {"kind": edge.kind.value, "share": edge.share, "role": edge.role,
            "start_date": edge.start_date, "end_date": edge.end_date,
            "prov_source": p.source, "prov_entity": p.entity_id, "prov_field": p.field,
            "prov_value": p.value, "prov_record": p.record, "prov_note": p.note}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _write(root: ET.Element, path: str | Path) -> None:
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def to_graphml(graph: Graph, path: str | Path, nodes: Collection[str] | None = None) -> None:
    """Write the graph (or the subgraph of ``nodes``: these nodes and the edges between them)
    as GraphML to ``path``: a directed graph, every attribute declared as a ``key`` (node keys
    ``n_<name>``, edge keys ``e_<name>``), node ids the graph's ids, edge ids ``e0``, ``e1``...;
    an attribute a node or edge lacks is left out. ``KeyError`` for an id not in the graph."""
    picked, edges = subgraph(graph, nodes)
    ET.register_namespace("", GRAPHML_NS)
    q = f"{{{GRAPHML_NS}}}"
    root = ET.Element(f"{q}graphml")
    for scope, attrs, prefix in (("node", NODE_ATTRS, "n_"), ("edge", EDGE_ATTRS, "e_")):
        for name, typ in attrs:
            ET.SubElement(root, f"{q}key", {"id": prefix + name, "for": scope,
                                            "attr.name": name, "attr.type": typ})
    g = ET.SubElement(root, f"{q}graph", {"id": "moneytrail", "edgedefault": "directed"})
    for node in picked:
        el = ET.SubElement(g, f"{q}node", {"id": _text(node.id)})
        for name, value in _node_values(node).items():
            if value is not None and value != "":
                ET.SubElement(el, f"{q}data", {"key": "n_" + name}).text = _text(value)
    for i, edge in enumerate(edges):
        el = ET.SubElement(g, f"{q}edge", {"id": f"e{i}", "source": _text(edge.src),
                                           "target": _text(edge.dst)})
        for name, value in _edge_values(edge).items():
            if value is not None:
                ET.SubElement(el, f"{q}data", {"key": "e_" + name}).text = _text(value)
    _write(root, path)


def to_gexf(graph: Graph, path: str | Path, nodes: Collection[str] | None = None) -> None:
    """Write the graph (or the subgraph of ``nodes``) as GEXF 1.2 to ``path``, as Gephi reads
    it: a static directed graph, node ``label`` the caption, edge ``label`` the kind, the
    attributes of :data:`NODE_ATTRS` / :data:`EDGE_ATTRS` declared by position (``for`` = the
    index) and given as ``attvalue``; an attribute a node or edge lacks is left out."""
    picked, edges = subgraph(graph, nodes)
    ET.register_namespace("", GEXF_NS)
    q = f"{{{GEXF_NS}}}"
    root = ET.Element(f"{q}gexf", {"version": "1.2"})
    meta = ET.SubElement(root, f"{q}meta")
    ET.SubElement(meta, f"{q}creator").text = "moneytrail"
    g = ET.SubElement(root, f"{q}graph", {"defaultedgetype": "directed", "mode": "static"})
    for scope, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        decl = ET.SubElement(g, f"{q}attributes", {"class": scope})
        for i, (name, typ) in enumerate(attrs):
            ET.SubElement(decl, f"{q}attribute", {"id": str(i), "title": name, "type": typ})
    node_pos = {name: str(i) for i, (name, _t) in enumerate(NODE_ATTRS)}
    edge_pos = {name: str(i) for i, (name, _t) in enumerate(EDGE_ATTRS)}
    els = ET.SubElement(g, f"{q}nodes")
    for node in picked:
        el = ET.SubElement(els, f"{q}node", {"id": _text(node.id), "label": _text(node.caption)})
        vals = ET.SubElement(el, f"{q}attvalues")
        for name, value in _node_values(node).items():
            if value is not None and value != "":
                ET.SubElement(vals, f"{q}attvalue", {"for": node_pos[name], "value": _text(value)})
    els = ET.SubElement(g, f"{q}edges")
    for i, edge in enumerate(edges):
        el = ET.SubElement(els, f"{q}edge", {"id": str(i), "source": _text(edge.src),
                                             "target": _text(edge.dst),
                                             "label": edge.kind.value})
        vals = ET.SubElement(el, f"{q}attvalues")
        for name, value in _edge_values(edge).items():
            if value is not None:
                ET.SubElement(vals, f"{q}attvalue", {"for": edge_pos[name], "value": _text(value)})
    _write(root, path)


def to_cytoscape(graph: Graph, nodes: Collection[str] | None = None) -> dict[str, object]:
    """The graph (or the subgraph of ``nodes``) as Cytoscape.js JSON, which Cytoscape desktop
    imports too: ``{"data": {...}, "elements": {"nodes": [{"data": {...}}], "edges":
    [{"data": {...}}]}}``. Node data: ``id``, ``label`` (the caption) and the attributes of
    :data:`NODE_ATTRS` (``programs`` a list); edge data: ``id`` (``e0``...), ``source``,
    ``target``, ``label`` (the kind, with the share when known) and those of :data:`EDGE_ATTRS`.
    Empty attributes are left out. JSON-ready (``json.dumps`` takes it as is)."""
    picked, edges = subgraph(graph, nodes)
    out_nodes = []
    for node in picked:
        data: dict[str, object] = {"id": node.id, "label": node.caption}
        for name, value in _node_values(node).items():
            if value is not None and value != "" and value is not False:
                data[name] = value
        if node.programs:
            data["programs"] = list(node.programs)
        out_nodes.append({"data": data})
    out_edges = []
    for i, edge in enumerate(edges):
        data = {"id": f"e{i}", "source": edge.src, "target": edge.dst, "label": edge_label(edge)}
        data.update((k, v) for k, v in _edge_values(edge).items() if v is not None)
        out_edges.append({"data": data})
    return {"data": {"name": "moneytrail"},
            "elements": {"nodes": out_nodes, "edges": out_edges}}


def edge_label(edge: Edge) -> str:
    """The short label of an edge for a picture: its kind, and the share when known
    (``ownership 50%``)."""
    if edge.share is not None:
        return f"{edge.kind.value} {edge.share:g}%"
    return edge.kind.value
