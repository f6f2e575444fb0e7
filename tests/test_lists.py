"""The lists capability end to end: official updates against a local server, and bad files.

Every failure case checks the same promise: one clear error naming the file (and line or
element), a failed outcome, and the store exactly as it was.
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from moneytrail import lists as lists_cap
from moneytrail.cli import app
from moneytrail.store import Store
from moneytrail.store.schema import entity_versions, snapshot_entities, snapshots
from tests.test_fetch import raw_server, truncating_server


@pytest.fixture
def store(tmp_path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture(scope="module")
def un_xml(lists_dir) -> bytes:
    return (lists_dir / "un_2026-02-27" / "consolidated.xml").read_bytes()


def store_state(store: Store) -> tuple:
    """Everything in the store, as comparable values."""
    with store.engine.connect() as conn:
        return (
            tuple(conn.execute(select(snapshots).order_by(snapshots.c.id)).all()),
            conn.execute(select(func.count()).select_from(snapshot_entities)).scalar_one(),
            conn.execute(select(func.count()).select_from(entity_versions)).scalar_one(),
        )


def update(store, tmp_path, url, **kw):
    return lists_cap.update_official(store, tmp_path / "dl", sources=["un_sc"],
                                     urls={"un_sc": url}, backoff=0, **kw)


@pytest.fixture
def loaded(store, tmp_path, httpserver, un_xml):
    """A store holding the UN list downloaded from the local server with ETag "v1"."""
    httpserver.expect_oneshot_request("/un.xml").respond_with_data(un_xml, headers={"ETag": '"v1"'})
    (outcome,) = update(store, tmp_path, httpserver.url_for("/un.xml"))
    assert outcome.status == "loaded", outcome.error
    assert outcome.snapshot.counts["Person"] == 730
    assert outcome.snapshot.published == "2026-02-27"
    httpserver.clear()
    return outcome.snapshot


def test_update_then_not_modified(store, tmp_path, httpserver, loaded):
    httpserver.expect_request("/un.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    before = store_state(store)
    (outcome,) = update(store, tmp_path, httpserver.url_for("/un.xml"))
    assert outcome.status == "not_modified" and outcome.previous.id == loaded.id
    assert store_state(store) == before


def test_same_bytes_without_etag_are_unchanged(store, tmp_path, httpserver, loaded, un_xml):
    httpserver.expect_request("/un.xml").respond_with_data(un_xml)
    before = store_state(store)
    (outcome,) = update(store, tmp_path, httpserver.url_for("/un.xml"), force=False)
    assert outcome.status in ("unchanged", "not_modified")
    assert store_state(store) == before


@pytest.mark.parametrize("case", ["500", "html", "half-xml"])
def test_failed_update_keeps_last_good_snapshot(store, tmp_path, httpserver, loaded, un_xml, case):
    route = httpserver.expect_request("/un.xml")
    if case == "500":
        route.respond_with_data("down", status=500)
    elif case == "html":
        route.respond_with_data("<html><body>Service unavailable</body></html>")
    else:  # a complete HTTP response carrying a cut XML document
        route.respond_with_data(un_xml[: len(un_xml) // 2])
    before = store_state(store)
    (outcome,) = update(store, tmp_path, httpserver.url_for("/un.xml"), timeout=0.3, retries=1)
    assert outcome.status == "failed" and outcome.error
    assert outcome.previous.id == loaded.id
    assert store_state(store) == before
    assert store.latest("un_sc").id == loaded.id
    if case == "half-xml":
        assert "un.xml" in outcome.error or "un_consolidated.xml" in outcome.error
        assert "line" in outcome.error
        # the ETag of the last good load is kept, so the next run fetches the file again
        state = json.loads((tmp_path / "dl" / "state.json").read_text())
        assert state["un_sc"]["etag"] == '"v1"'


@pytest.mark.parametrize("case", ["timeout", "truncated"])
def test_timeout_or_truncated_download_keeps_last_good_snapshot(store, tmp_path, loaded, un_xml,
                                                                  case):
    before = store_state(store)
    server = raw_server(None) if case == "timeout" else truncating_server(len(un_xml),
                                                                          un_xml[:5000])
    with server as url:
        (outcome,) = update(store, tmp_path, url, retries=1, timeout=0.3)
    assert outcome.status == "failed"
    assert "gave up after 2 attempts" in outcome.error
    assert ("timed out" if case == "timeout" else "RemoteProtocolError") in outcome.error
    assert outcome.previous.id == loaded.id
    assert store_state(store) == before


def test_unknown_source_name_is_refused(store, tmp_path):
    with pytest.raises(ValueError, match="no official source named 'nope'"):
        lists_cap.update_official(store, tmp_path, sources=["nope"])


# -- the CLI on bad files --------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MONEYTRAIL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    return tmp_path / "home"


def cli(*args):
    return CliRunner().invoke(app, list(args))


def test_cli_loads_status_and_diff_json(cli_env, tmp_path, lists_dir):
    folder = tmp_path / "in"
    shutil.copytree(lists_dir / "un_2026-02-27", folder / "un_2026-02-27")
    result = cli("lists", "update", "--from", str(folder), "--json")
    assert result.exit_code == 0, result.output
    (outcome,) = json.loads(result.output)["outcomes"]
    assert outcome["status"] == "loaded" and outcome["snapshot"]["counts"]["Person"] == 730
    status = json.loads(cli("lists", "status", "--json").output)
    assert [(s["source"], s["in_service"]) for s in status] == [("un_sc", True)]
    again = json.loads(cli("lists", "update", "--from", str(folder), "--json").output)
    assert again["outcomes"][0]["status"] == "unchanged"


BAD_FILES = {
    "empty": ("un_consolidated.xml", b""),
    "truncated": ("consolidated.xml", None),  # filled from the real file below
    "wrong-encoding": ("consolidated.xml", None),
    "wrong-format": ("consolidated.xml", b"this is not a sanctions list\n" * 10),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_cli_bad_file_fails_clearly_and_store_is_untouched(cli_env, tmp_path, un_xml, case):
    good = tmp_path / "good" / "un.xml"
    good.parent.mkdir()
    good.write_bytes(un_xml)
    assert cli("lists", "update", "--from", str(good)).exit_code == 0
    store = Store.open(f"sqlite:///{cli_env / 'moneytrail.db'}")
    before = store_state(store)

    name, content = BAD_FILES[case]
    if case == "truncated":
        content = un_xml[: len(un_xml) * 2 // 3]
    elif case == "wrong-encoding":
        # the document says UTF-8 but the bytes are Latin-1 (an e-acute in a name)
        content = un_xml.replace("ERIC".encode(), "ÉRIC".encode("latin-1"), 1)
    bad = tmp_path / "bad" / name
    bad.parent.mkdir()
    bad.write_bytes(content)
    result = cli("lists", "update", "--from", str(bad))
    assert result.exit_code == 1
    assert str(bad) in result.output.replace("\n", "")
    if case in ("truncated", "wrong-encoding"):
        assert "line" in result.output
    assert store_state(store) == before


# -- FollowTheMoney delta files --------------------------------------------------------------

def _ftm(fid: str, name: str, **props) -> dict:
    return {"id": fid, "schema": "Person", "datasets": ["demo"],
            "properties": {"name": [name], **{k: [v] for k, v in props.items()}}}


def test_ftm_delta_is_applied_to_the_snapshot_in_service(store, tmp_path):
    export = tmp_path / "demo.ftm.json"
    export.write_text("\n".join(json.dumps(r) for r in [
        _ftm("p1", "Kim Su Gil"), _ftm("p2", "Ri Song Il"), _ftm("p3", "Pak Tong Gu")]) + "\n")
    (first,), _ = lists_cap.load_path(store, export)
    assert first.status == "loaded" and first.source == "ftm_demo"
    delta = tmp_path / "demo.delta.json"
    delta.write_text("\n".join(json.dumps(r) for r in [
        {"op": "DEL", "entity": _ftm("p2", "Ri Song Il")},
        {"op": "MOD", "entity": _ftm("p3", "Pak Tong Gu", birthDate="1958")},
        {"op": "ADD", "entity": _ftm("p4", "Jon Il Ho", nationality="kp")},
    ]) + "\n")
    (second,), _ = lists_cap.load_path(store, delta)
    assert second.status == "loaded", second.error
    diff = store.diff(first.snapshot.id, second.snapshot.id)
    assert [e.entity_id for e in diff.added] == ["ftm_demo:p4"] and diff.added[0].dprk
    assert [e.entity_id for e in diff.removed] == ["ftm_demo:p2"]
    assert [(c.entity_id, [f.field for f in c.fields]) for c in diff.changed] == [
        ("ftm_demo:p3", ["birth_dates"])]
    assert store.entity("ftm_demo:p1", second.snapshot.id).caption == "Kim Su Gil"


# -- every real list, through the CLI --------------------------------------------------------

def test_loading_every_real_list(cli_env, lists_dir):
    result = cli("lists", "update", "--from", str(lists_dir), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert all(o["status"] == "loaded" for o in report["outcomes"])
    counts = {(o["source"], o["snapshot"]["published"]): o["snapshot"]["counts"]
              for o in report["outcomes"]}
    assert counts[("ofac_sdn", "2021-07")] == {
        "Person": 4620, "Organization": 3673, "Vessel": 406, "Aircraft": 277,
        "total": 8976, "dprk": counts[("ofac_sdn", "2021-07")]["dprk"]}
    assert counts[("ofac_sdn", "2024-05-03")]["total"] == 14965
    assert counts[("un_sc", "2026-02-27")]["Person"] == 730
    assert counts[("un_sc", "2026-02-27")]["Organization"] == 273
    assert counts[("uk_ofsi", "2018-04-13")]["total"] == 2106
    assert counts[("ofac_cons", "2025-12")]["total"] == 442
    # DPRK-related: program or content; at least every DPRK-program entry (484 in 2024).
    assert counts[("ofac_sdn", "2024-05-03")]["dprk"] >= 484 + 44
    # the history table and OFAC's format spec are not lists, and are said to be skipped
    skipped = {p.rsplit("/", 1)[-1] for p in report["unrecognised"]}
    assert {"first_last_seen_2021-08_to_2024-05.csv", "cons_dat_spec.txt"} <= skipped


def test_export_ftm_reads_back_equal(cli_env, tmp_path, lists_dir):
    from moneytrail import ftm

    assert cli("lists", "update", "--from", str(lists_dir / "un_2026-02-27")).exit_code == 0
    out = tmp_path / "un.ftm.json"
    result = cli("lists", "export", "--format", "ftm", "--source", "un_sc", "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.open()]
    assert {r["schema"] for r in records} >= {"Person", "Organization", "Sanction"}
    store = Store.open(f"sqlite:///{cli_env / 'moneytrail.db'}")
    original = list(store.entities(store.latest("un_sc").id))
    assert list(ftm.ftm_to_entities(records, source="un_sc")) == original


def test_official_sources_name_real_formats():
    from moneytrail.sources import format_by_name

    for source, info in lists_cap.official_sources().items():
        assert info["url"].startswith("https://"), source
        assert format_by_name(info["format"]).name == info["format"]


def test_cli_refuses_an_empty_list_where_a_full_one_was_unless_forced(cli_env, tmp_path, un_xml):
    good = tmp_path / "good" / "un.xml"
    good.parent.mkdir()
    good.write_bytes(un_xml)
    assert cli("lists", "update", "--from", str(good)).exit_code == 0
    empty = tmp_path / "empty" / "un.xml"
    empty.parent.mkdir()
    empty.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST '
                      b'dateGenerated="2026-03-01T00:00:00.000Z"><INDIVIDUALS/><ENTITIES/>'
                      b'</CONSOLIDATED_LIST>\n')
    store = Store.open(f"sqlite:///{cli_env / 'moneytrail.db'}")
    before = store_state(store)
    refused = cli("lists", "update", "--from", str(empty))
    assert refused.exit_code == 1 and "refusing" in refused.output
    assert store_state(store) == before
    forced = cli("lists", "update", "--from", str(empty), "--force", "--json")
    assert forced.exit_code == 0
    assert store.latest("un_sc").counts == {} and store.latest("un_sc").published == "2026-03-01"
