"""The picture: a self-contained HTML page drawing a node's neighbourhood.

The drawing is vis-network's (Apache-2.0 / MIT), as shipped inside the ``gravis`` package
(Apache-2.0, on PyPI, a dependency of moneytrail): its script and the RequireJS loader it is
wrapped for are read from the installed package and written into the page, so the page opens
offline, fetches nothing, and no copy of the library lives in this repository. gravis's own
page builder is not used: it writes list text into a ``<script>`` unescaped, so a name holding
``</script>`` would end the script and run whatever follows.

What the page shows: listed parties as boxes coloured by program (a legend maps each colour to
its code, and the codes are in the label), unlisted parties grey, names the list gives without
listing them dashed, shared values as small diamonds; every edge labelled by kind (and share),
with an arrow where the direction means something, and the provenance on hover. Below the
drawing, the same nodes and edges as plain HTML tables, for print and for reading by hand.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

from moneytrail.graph.export import edge_label, neighbourhood, subgraph
from moneytrail.graph.model import UNDIRECTED, Graph, Node, NodeKind

# gravis 0.1 keeps its third-party scripts here (pinned <0.2 in pyproject for this reason)
_THIRD_PARTY = "_internal/plotting/third_party"
_SCRIPTS = ("require/require.min.js", "vis-network/vis-network.min.def.js")
_MODULE = "gravis-vis-network"  # the RequireJS name gravis defines vis-network under

# Colour-blind-friendly, distinct on white (Okabe-Ito, then Tableau): one per program code
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
           "#FF9DA7", "#9C755F")
UNLISTED = "#D9D9D9"
VALUE = "#FFFFFF"


def vis_network_js() -> str:
    """The vis-network script (and its loader) from the installed gravis package, ready to
    inline: ``ImportError`` with the fix when gravis is missing."""
    try:
        base = resources.files("gravis").joinpath(_THIRD_PARTY)
    except ModuleNotFoundError as exc:  # pragma: no cover - a broken install
        raise ImportError("moneytrail graph show needs gravis: pip install 'gravis<0.2'") from exc
    parts = []
    for name in _SCRIPTS:
        text = base.joinpath(name).read_text(encoding="utf-8")
        # inlined text must not close the <script> it sits in; the shipped files never do,
        # and a future one that did is refused rather than written broken
        if "</script" in text.lower():
            raise ValueError(f"gravis {name} holds '</script': cannot be inlined")
        parts.append(text)
    return "\n".join(parts)


def _script_json(value: object) -> str:
    """JSON safe inside a ``<script>``: ``<``, ``>``, ``&`` and the two JavaScript line
    separators as ``\\u`` escapes, so no list text can close the script or open a comment."""
    text = json.dumps(value, ensure_ascii=False)
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def program_colours(nodes: list[Node]) -> dict[str, str]:
    """A colour per program code of the listed nodes, codes sorted; past the palette's end the
    colours repeat (the labels still name the codes)."""
    codes = sorted({p for n in nodes if n.listed for p in n.programs})
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}


def _vis_node(node: Node, colours: dict[str, str], start: str) -> dict[str, object]:
    label = node.caption if len(node.caption) <= 60 else node.caption[:57] + "..."
    tip = [node.caption, f"id: {node.id}", f"kind: {node.kind.value}"]
    if node.schema:
        tip.append(f"schema: {node.schema}")
    if node.source:
        tip.append(f"list: {node.source}")
    out: dict[str, object] = {"id": node.id}
    if node.kind is NodeKind.VALUE:
        out.update(shape="diamond", size=8, color={"background": VALUE, "border": "#666666"},
                   font={"size": 10, "color": "#555555"})
    elif node.listed:
        codes = node.programs or ("listed",)
        label += "\n[" + ", ".join(codes) + "]"
        tip.append("programs: " + ", ".join(codes))
        out.update(shape="box", borderWidth=2,
                   color={"background": colours.get(codes[0], PALETTE[0]), "border": "#222222"})
    elif node.kind is NodeKind.ENTITY:
        out.update(shape="box", color={"background": UNLISTED, "border": "#888888"})
    else:  # a name or id the list gives without an entry
        out.update(shape="box", shapeProperties={"borderDashes": [4, 3]},
                   color={"background": "#FFFFFF", "border": "#888888"})
    if node.id == start:
        out.update(borderWidth=4, font={"size": 18})
    out["label"] = label
    out["title"] = "\n".join(tip)  # vis-network 9 shows a string title as plain text
    return out


def _vis_edge(i: int, edge, graph: Graph) -> dict[str, object]:
    p = edge.provenance
    tip = [edge_label(edge), f"{graph.node(edge.src).caption} -> {graph.node(edge.dst).caption}",
           f"source: {p.source} {p.entity_id}", f"field: {p.field}"]
    if p.value:
        tip.append(f"as written: {p.value}")
    if p.note:
        tip.append(f"matched: {p.note}")
    if edge.role:
        tip.append(f"role: {edge.role}")
    out: dict[str, object] = {"id": f"e{i}", "from": edge.src, "to": edge.dst,
                              "label": edge_label(edge), "title": "\n".join(tip),
                              "font": {"size": 10, "align": "middle"}}
    if edge.kind not in UNDIRECTED:
        out["arrows"] = "to"
    if edge.kind.shared:
        out["dashes"] = True
        out["color"] = {"color": "#999999"}
    return out


def write_html(graph: Graph, node_id: str, path: str | Path, hops: int = 2) -> None:
    """Write to ``path`` one self-contained HTML page drawing the neighbourhood of ``node_id``
    (:func:`~moneytrail.graph.export.neighbourhood`, ``hops`` links, a shared value not
    counting as one): listed nodes coloured and labelled by program with a legend, edges
    labelled by kind and share, hover text giving each edge's provenance, and the nodes and
    edges again as HTML tables. The page loads nothing from the network. All list text is
    escaped (HTML in the tables, ``\\u`` escapes in the script data). ``KeyError`` if
    ``node_id`` is not in the graph; ``ImportError`` without gravis.
    """
    picked, edges = subgraph(graph, neighbourhood(graph, node_id, hops))
    colours = program_colours(picked)
    data = {"nodes": [_vis_node(n, colours, node_id) for n in picked],
            "edges": [_vis_edge(i, e, graph) for i, e in enumerate(edges)]}
    start = graph.node(node_id)
    esc = html.escape
    legend = "".join(
        f'<li><span class="sw" style="background:{c}"></span>{esc(code)}</li>'
        for code, c in colours.items())
    node_rows = "".join(
        f"<tr><td>{esc(n.caption)}</td><td>{esc(n.kind.value)}</td>"
        f"<td>{esc(', '.join(n.programs))}</td><td>{esc(n.source or '')}</td>"
        f"<td><code>{esc(n.id)}</code></td></tr>" for n in picked)
    edge_rows = "".join(
        f"<tr><td>{esc(graph.node(e.src).caption)}</td><td>{esc(edge_label(e))}</td>"
        f"<td>{esc(graph.node(e.dst).caption)}</td>"
        f"<td>{esc(e.provenance.source)} <code>{esc(e.provenance.entity_id)}</code> "
        f"{esc(e.provenance.field)}</td></tr>" for e in edges)
    title = f"{start.caption}: {len(picked)} nodes within {hops} hops"
    page = _PAGE.format(
        title=esc(title), legend=legend, node_rows=node_rows, edge_rows=edge_rows,
        library=vis_network_js(), data=_script_json(data), module=_script_json(_MODULE))
    Path(path).write_text(page, encoding="utf-8")


# Braces of CSS and JavaScript doubled for str.format
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
#graph {{ width: 100%; height: 75vh; border: 1px solid #ccc; }}
.sw {{ display: inline-block; width: 1em; height: 1em; margin-right: .4em;
       border: 1px solid #222; vertical-align: middle; }}
#legend li {{ display: inline-block; margin-right: 1.2em; }}
#legend {{ padding: 0; }}
table {{ border-collapse: collapse; margin-top: 1em; font-size: 90%; }}
td, th {{ border: 1px solid #ddd; padding: 2px 6px; text-align: left; }}
</style>
</head>
<body>
<h1>{title}</h1>
<ul id="legend">{legend}<li><span class="sw" style="background:#D9D9D9"></span>not listed</li>
<li><span class="sw" style="background:#fff;border-style:dashed"></span>named only</li></ul>
<div id="graph"></div>
<h2>Nodes</h2>
<table><tr><th>caption</th><th>kind</th><th>programs</th><th>list</th><th>id</th></tr>
{node_rows}</table>
<h2>Edges</h2>
<table><tr><th>from</th><th>link</th><th>to</th><th>stated in</th></tr>
{edge_rows}</table>
<script>
{library}
</script>
<script>
require([{module}], function (vis) {{
  "use strict";
  var data = {data};
  var network = new vis.Network(document.getElementById("graph"), {{
    nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)
  }}, {{
    physics: {{ solver: "forceAtlas2Based", stabilization: {{ iterations: 300 }} }},
    edges: {{ smooth: {{ type: "dynamic" }} }},
    interaction: {{ hover: true, tooltipDelay: 150 }}
  }});
  network.once("stabilizationIterationsDone", function () {{ network.fit(); }});
}});
</script>
</body>
</html>
"""
