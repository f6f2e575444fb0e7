"""`moneytrail graph ownership|exposure` over a store holding the real ZALA ownership network
(an FtM export) and the UN list: the verdict, the owners with where each stake is stated, the
proof, and clear errors for a name that is not there or names several."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from moneytrail.cli import app
from tests.graph.test_ftm_ownership import AEROSCAN, CST, ZAKHAROV


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def home(tmp_path_factory, data_dir):
    home = tmp_path_factory.mktemp("graph")
    mp = pytest.MonkeyPatch()
    mp.setenv("MONEYTRAIL_HOME", str(home))
    mp.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    mp.setenv("COLUMNS", "220")
    for path in (data_dir / "ftm" / "zala_entities.ftm.json", data_dir / "lists" / "un_2026-02-27"):
        loaded = run("lists", "update", "--from", str(path))
        assert loaded.exit_code == 0, loaded.output
    yield home
    mp.undo()


def test_ownership_blocked_by_a_listed_owner_with_its_proof(home):
    out = run("graph", "ownership", AEROSCAN, "--as-of", "2024-03-10", "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert (report["blocked"], report["by_listing"], report["blocked_share"]) == (True, False, 100)
    assert [(s["owner"], s["owned"], s["share"]) for s in report["proof"]] == \
        [(ZAKHAROV, AEROSCAN, 100.0)]
    assert report["proof"][0]["provenance"]["source"] == "ftm_zala"
    text = run("graph", "ownership", AEROSCAN, "--as-of", "2024-03-10")
    assert text.exit_code == 0 and "BLOCKED" in text.output and "(blocked owners hold 100%)" \
        in text.output and "--100%-->" in text.output
    # after Zakharov's stake ended, nobody listed owns it
    later = json.loads(run("graph", "ownership", AEROSCAN, "--as-of", "2025-01-01",
                           "--json").stdout)
    assert later["blocked"] is False and later["proof"] == []


def test_ownership_of_a_listed_company_names_its_owners(home):
    report = json.loads(run("graph", "ownership", CST, "--as-of", "2026-01-01", "--json").stdout)
    assert report["by_listing"] is True
    owners = {(o["owner"], o["share"], o["owner_blocked"]) for o in report["owners"]}
    assert (ZAKHAROV, 51.0, True) in owners


def test_exposure_and_errors(home):
    out = run("graph", "exposure", AEROSCAN, "--json")
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)["exposure"]
    assert found and found[0]["via"][0] == AEROSCAN and all(e["hops"] <= 3 for e in found)
    assert ZAKHAROV in {e["id"] for e in found}
    missing = run("graph", "ownership", "No Such Company Anywhere")
    assert missing.exit_code == 2 and "moneytrail screen" in missing.output


def test_clusters_export_and_show(home, tmp_path):
    listed = run("graph", "clusters", "--json", "--limit", "500")
    assert listed.exit_code == 0, listed.output
    out = json.loads(listed.stdout)
    assert out["total"] >= len(out["clusters"]) > 0
    # the ZALA network is one group, Zakharov and his companies in it
    zala = [c for c in out["clusters"] if ZAKHAROV in {m["id"] for m in c["listed"]}]
    assert len(zala) == 1 and AEROSCAN in {m["id"] for m in zala[0]["listed"] + zala[0]["unlisted"]}
    dprk = json.loads(run("graph", "clusters", "--program", "DPRK", "--json").stdout)
    assert all(any(m["id"].startswith("un_sc:") for m in c["listed"]) for c in dprk["clusters"])

    graphml = tmp_path / "zala.graphml"
    written = run("graph", "export", "--format", "graphml", "--around", CST, "-o", str(graphml))
    assert written.exit_code == 0, written.output
    import xml.etree.ElementTree as ET

    ids = {n.get("id") for n in ET.parse(graphml).getroot().iter()
           if n.tag.endswith("}node")}
    assert {CST, ZAKHAROV} <= ids
    cyto = tmp_path / "all.json"
    assert run("graph", "export", "--format", "cytoscape", "-o", str(cyto)).exit_code == 0
    assert len(json.loads(cyto.read_text())["elements"]["nodes"]) > 1000
    assert run("graph", "export", "--format", "dot", "-o", str(cyto)).exit_code == 2

    page = tmp_path / "cst.html"
    shown = run("graph", "show", CST, "--out", str(page))
    assert shown.exit_code == 0, shown.output
    html = page.read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "Zakharov" in html


def test_add_user_data_and_exposure_of_a_name_on_no_list(home, tmp_path):
    owners = tmp_path / "owners.csv"
    owners.write_text("source,target,relation,share,start_date,end_date\n"
                      "KOREA KWANGSON BANKING CORPORATION,Acme Harbour Trading Ltd,owns,60,,\n"
                      "Maria Schneider,Becker Logistik GmbH,owns,80,,\n"
                      "Someone,Something,owns,160,,\n", encoding="utf-8")
    out = run("graph", "add", str(owners), "--json")
    assert out.exit_code == 1, out.output  # one bad row: named, the others read
    result = json.loads(out.stdout)
    [error] = result["errors"]
    assert error["line"] == 4 and error["column"] == "share"
    assert result["blocked_by_ownership"] == ["user:acme harbour trading ltd"]
    matched = {p["name"]: p["matched"] for p in result["parties"]}
    assert matched["KOREA KWANGSON BANKING CORPORATION"] is True
    assert matched["Maria Schneider"] is False
    text = run("graph", "add", str(owners))
    assert "BLOCKED under the 50% rule: Acme Harbour Trading Ltd" in text.output
    assert "--60%-->" in text.output and "owners.csv line 2" in text.output
    assert "not kept" in text.output and not (home / "graph").exists()  # a bad row: kept not

    # a clean file is kept, and every graph command reads it from then on
    owners.write_text("\n".join(owners.read_text(encoding="utf-8").splitlines()[:3]) + "\n",
                      encoding="utf-8")
    assert run("graph", "add", str(owners), "--dry-run").exit_code == 0
    assert not (home / "graph").exists()
    kept = run("graph", "add", str(owners), "--json")
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout)["kept"].endswith("-owners.csv")
    report = json.loads(run("graph", "ownership", "Acme Harbour Trading Ltd", "--json").stdout)
    assert report["blocked"] is True and report["blocked_share"] == 60
    # (the kept copy, named in the proof: checkable by hand)
    assert report["proof"][0]["provenance"]["field"].endswith("-owners.csv line 2 owns")

    # a name on no list is screened first, and starts from what it matches
    exposed = run("graph", "exposure", "Korea Kwangson Banking Corp.")
    assert exposed.exit_code == 0, exposed.output
    assert "is in no list; screened: KOREA KWANGSON BANKING CORPORATION" in exposed.output
