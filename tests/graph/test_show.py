"""The picture: one self-contained page, offline, with list text escaped."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from moneytrail.graph.model import Graph
from moneytrail.graph.show import PALETTE, vis_network_js, write_html
from moneytrail.model import Entity, Name, Program, Relation, RelationKind, Schema

ZUZAGBONG = "ofac_sdn:19583"
EVIL = "EVIL </script><script>alert(1)</script> & <b>CO</b>"


def page_data(page: str) -> dict:
    """The node and edge data the page hands to vis-network, decoded as a browser would."""
    m = re.search(r"var data = (\{.*?\});\n", page)
    assert m
    return json.loads(m.group(1))


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page, re.IGNORECASE)


def test_real_neighbourhood_page_is_offline_and_marked(lists_graph, tmp_path):
    path = tmp_path / "z.html"
    write_html(lists_graph, ZUZAGBONG, path, hops=2)
    page = path.read_text(encoding="utf-8")
    assert len(page.encode()) < 3_000_000
    # no script loaded from anywhere: every <script> is inline, and the library is in it
    # (the library itself writes a "<script>" string, in an iframe helper: not a tag)
    assert scripts(page.replace(vis_network_js(), "")) == ["<script>", "<script>"]
    assert not re.search(r"<script[^>]*\bsrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*https?://", page, re.IGNORECASE)
    assert vis_network_js()[:2000] in page
    assert 'require(["gravis-vis-network"]' in page
    data = page_data(page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {ZUZAGBONG, "imo:1991835", "ofac_sdn:23723", "ofac_sdn:19598",
                          "ofac_sdn:23743"}
    # listed nodes: program in the label, colour from the legend's palette, one per code
    assert nodes[ZUZAGBONG]["label"] == "KOREA ZUZAGBONG MARITIME LTD\n[DPRK3]"
    assert nodes["ofac_sdn:23723"]["label"] == "TONGHUNG SHIPPING & TRADING CO\n[DPRK4]"
    assert nodes[ZUZAGBONG]["color"]["background"] == PALETTE[0]  # DPRK3 sorts first
    assert nodes["ofac_sdn:23723"]["color"]["background"] == PALETTE[1]
    assert nodes["imo:1991835"]["shape"] == "diamond"
    assert nodes[ZUZAGBONG]["borderWidth"] == 4  # the start stands out
    assert sorted(e["label"] for e in data["edges"]) == ["linked_to", "linked_to", "shared_imo",
                                                         "shared_imo"]
    linked = [e for e in data["edges"] if e["label"] == "linked_to"]
    assert all("arrows" not in e for e in linked)  # linked_to has no direction
    assert "exact name, same list" in linked[0]["title"]
    # the legend and the tables, as HTML text
    assert '<span class="sw" style="background:#E69F00"></span>DPRK3</li>' in page
    assert "<td>TONGHUNG SHIPPING &amp; TRADING CO</td>" in page
    assert "<td>DPRK4</td>" in page


def test_list_text_cannot_break_out_of_the_page(tmp_path):
    g = Graph.from_entities([
        Entity(id="t:x", source="t", source_id="x", schema=Schema.ORGANIZATION,
               names=(Name(EVIL),), programs=(Program("<img src=x onerror=alert(2)>"),),
               relations=(Relation(kind=RelationKind.OWNS, target="t:y", share=75),)),
        Entity(id="t:y", source="t", source_id="y", schema=Schema.ORGANIZATION,
               names=(Name("Y\u2028LINE"),)),
    ])
    path = tmp_path / "x.html"
    write_html(g, "t:x", path, hops=1)
    page = path.read_text(encoding="utf-8")
    library = vis_network_js()
    ours = page.replace(library, "")
    assert "alert(1)" in ours  # the text is there, but only escaped:
    assert "</script><script>alert(1)" not in ours
    assert "<b>CO</b>" not in ours and "<img src=x" not in ours
    assert ours.lower().count("</script>") == 2 and len(scripts(ours)) == 2
    # a raw line separator is harmless in HTML text but not in older JavaScript parsers
    assert "\u2028" not in ours[ours.rindex("<script>"):]
    assert "<td>EVIL &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in ours
    data = page_data(page)
    byid = {n["id"]: n for n in data["nodes"]}
    # decoded by the browser's JSON reading, the label is the name as the list wrote it
    assert byid["t:x"]["label"] == EVIL + "\n[<img src=x onerror=alert(2)>]"
    assert byid["t:y"]["label"] == "Y\u2028LINE"
    [edge] = data["edges"]
    assert edge["label"] == "ownership 75%" and edge["arrows"] == "to"


def test_unknown_start_is_a_key_error(tmp_path):
    with pytest.raises(KeyError):
        write_html(Graph(), "nobody", tmp_path / "n.html")
    assert not (tmp_path / "n.html").exists()


# Runs the page's two scripts in Node with a stub DOM: RequireJS loads the inlined vis-network
# module, and the page hands vis.DataSet its nodes (a recording Network stands in for the
# drawing, which needs a real canvas). Prints the labels as JavaScript decoded them.
NODE_RUNNER = r"""
const vm = require('vm'), fs = require('fs');
const page = fs.readFileSync(process.argv[1], 'utf8');
const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>\n/g)].map(m => m[1]);
const el = () => ({style: {}, appendChild() {}, setAttribute() {}, addEventListener() {},
                   getElementsByTagName() { return []; }});
const ctx = {console, setTimeout, clearTimeout, navigator: {userAgent: 'node'},
  document: {createElement: el, getElementsByTagName: () => [], getElementById: () => el(),
             documentElement: {style: {}}, addEventListener() {}, readyState: 'complete'},
  addEventListener() {}};
ctx.window = ctx; ctx.self = ctx;
vm.createContext(ctx);
vm.runInContext(scripts[0], ctx);
vm.runInContext('require(["gravis-vis-network"], function (vis) { __vis = vis; });', ctx);
setTimeout(() => {
  const vis = ctx.__vis;
  if (!vis || typeof vis.DataSet !== 'function') { console.log('NO VIS'); process.exit(1); }
  let seen = null;
  vis.Network = function (c, d) { seen = d; this.once = () => {}; };
  vm.runInContext(scripts[1], ctx);
  setTimeout(() => {
    console.log(JSON.stringify({nodes: seen.nodes.get().map(n => n.label),
                                edges: seen.edges.get().map(e => e.label)}));
  }, 50);
}, 200);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the page's JS")
def test_page_scripts_run_and_decode_the_labels(tmp_path):
    g = Graph.from_entities([
        Entity(id="t:x", source="t", source_id="x", schema=Schema.ORGANIZATION,
               names=(Name(EVIL),), programs=(Program("DPRK3"),),
               relations=(Relation(kind=RelationKind.OWNS, target="t:y", share=75),)),
        Entity(id="t:y", source="t", source_id="y", schema=Schema.ORGANIZATION,
               names=(Name("Y"),)),
    ])
    path = tmp_path / "x.html"
    write_html(g, "t:x", path)
    run = subprocess.run(["node", "-e", NODE_RUNNER, str(path)], check=False,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out == {"nodes": [EVIL + "\n[DPRK3]", "Y"], "edges": ["ownership 75%"]}
