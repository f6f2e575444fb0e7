"""Lists update without downtime: a reload under a stream of requests loses none; a failed one
keeps the old lists in service and says so; a schedule picks up new snapshots by itself."""

from __future__ import annotations

import gc
import shutil
import threading
import time
import weakref

import httpx
from fastapi.testclient import TestClient

from moneytrail.api.app import ApiConfig, create_app
from moneytrail.api.service import ROW_CACHE_ITEMS
from moneytrail.store import Store
from tests.api.conftest import LiveServer, auth, load, make_service

NEW_NAME = "Inter Tobacco"  # only in the FtM file loaded as a new list during the tests


def match_ids(http, env, name: str) -> list[str]:
    reply = http.post("/match/default", headers=auth(env, "analyst"), json={"queries": {"q": {
        "schema": "LegalEntity", "properties": {"name": [name]}}}}, params={"threshold": 0.8})
    assert reply.status_code == 200, reply.text
    return [r["id"] for r in reply.json()["responses"]["q"]["results"] if r["match"]]


def test_reload_under_load_loses_no_request(api_env, data_dir):
    service = make_service(api_env)
    before = service.current
    old = weakref.ref(before.screener)
    stop = threading.Event()
    outcomes: list[int | str] = []
    seen_generations: set[str] = set()

    def hammer(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                try:
                    reply = http.post("/v1/screen", headers=auth(api_env, "analyst"),
                                      json={"queries": [{"name": "RI WON HO"},
                                                        {"name": "KOREA MINING"}]})
                    lines = reply.content.splitlines()
                    # a whole answer, from one snapshot set: the end line names it
                    outcomes.append(reply.status_code if len(lines) == 3 else "cut")
                    seen_generations.add(reply.headers.get("x-moneytrail-snapshots", ""))
                except httpx.HTTPError as exc:
                    outcomes.append(type(exc).__name__)

    with LiveServer(create_app(service, ApiConfig(rate=100_000))) as server:
        workers = [threading.Thread(target=hammer, args=(server.url,)) for _ in range(4)]
        for w in workers:
            w.start()
        time.sleep(1.0)
        load(Store.open(api_env.url), data_dir / "ftm" / "t1_entities.ftm.json")
        with httpx.Client(base_url=server.url, timeout=120) as http:
            assert match_ids(http, api_env, NEW_NAME) == []  # not in service yet
            during = len(outcomes)
            reply = http.post("/admin/reload", headers=auth(api_env, "admin"))
            assert reply.status_code == 200, reply.text
            body = reply.json()
            assert body["status"] == "reloaded" and body["changed"] is True
            time.sleep(1.0)
            stop.set()
            for w in workers:
                w.join()
            assert len(outcomes) > during  # requests were answered while it reloaded
            assert match_ids(http, api_env, NEW_NAME)  # the new list answers now
            ready = http.get("/readyz").json()
            assert ready["generation"] == 2 and ready["status"] == "ready"
            assert len(ready["snapshots"]) == len(before.snapshot_ids) + 1
    assert outcomes and all(o == 200 for o in outcomes), \
        {o: outcomes.count(o) for o in set(outcomes)}
    assert len(seen_generations) == 2  # answers came from the old lists and from the new
    del before
    gc.collect()
    assert old() is None  # the old index was let go once its last request finished


def test_failed_reload_keeps_serving_and_reports(api_env, tmp_path):
    service = make_service(api_env)
    serving = service.current.snapshot_ids
    with TestClient(create_app(service, ApiConfig())) as client:
        # the index folder cannot be written: a full or read-only disk, a wrong mount
        shutil.rmtree(service.cache_dir, ignore_errors=True)
        service.cache_dir.write_text("not a folder")
        _add_snapshot(api_env)
        reply = client.post("/admin/reload", headers=auth(api_env, "admin"))
        assert reply.status_code == 503
        assert reply.json()["status"] == "failed" and reply.json()["error"]
        assert reply.json()["snapshots"] == list(serving)
        ready = client.get("/readyz").json()
        assert ready["status"] == "degraded" and ready["snapshots"] == list(serving)
        assert ready["last_reload"]["ok"] is False and ready["last_reload"]["error"]
        metrics = client.get("/metrics", headers=auth(api_env, "viewer")).text
        assert "moneytrail_last_reload_ok 0.0" in metrics
        assert "moneytrail_reload_failures 1.0" in metrics
        # still answering, from the old lists
        reply = client.post("/match/default", headers=auth(api_env, "analyst"), json={
            "queries": {"q": {"schema": "Person", "properties": {"name": ["RI WON HO"]}}}})
        assert reply.status_code == 200
        assert reply.json()["responses"]["q"]["results"][0]["id"] == "un_sc:6908555"
        # repaired: the next reload succeeds and the report clears
        service.cache_dir.unlink()
        reply = client.post("/admin/reload", headers=auth(api_env, "admin"))
        assert reply.status_code == 200 and reply.json()["status"] == "reloaded"
        assert client.get("/readyz").json()["status"] == "ready"


def test_a_reload_already_running_is_409(api_env):
    service = make_service(api_env)
    with TestClient(create_app(service, ApiConfig())) as client:
        with service._reload_lock:  # a reload in progress (from the schedule, say)
            reply = client.post("/admin/reload", headers=auth(api_env, "admin"))
            assert reply.status_code == 409 and "already running" in reply.json()["error"]
            assert client.get("/readyz").json()["reloading"] is True


def test_schedule_picks_up_new_snapshots(api_env):
    service = make_service(api_env)
    first = service.current.generation
    old_index = service.current.screener.index
    with TestClient(create_app(service, ApiConfig(reload_every=0.2))) as client:
        match_ids(client, api_env, "RI WON HO")
        assert old_index._row_items > 0
        _add_snapshot(api_env)
        deadline = time.monotonic() + 60
        while service.current.generation == first:
            assert time.monotonic() < deadline, "the schedule did not reload"
            time.sleep(0.1)
        assert client.get("/readyz").json()["snapshots"] == list(service.current.snapshot_ids)
        assert service.current.snapshot_ids == tuple(
            s.id for s in service.store.latest_snapshots())
        # the old index's caches were dropped before the new one was read; the new one's
        # caches are bounded for a service
        assert old_index._row_items == 0 and not old_index._similar
        assert service.current.screener.index.row_cache_items == ROW_CACHE_ITEMS


def _add_snapshot(env) -> None:
    """A new snapshot of the UN list (loaded again with force: a new publication)."""
    from moneytrail import lists as lists_cap
    from moneytrail.sources import find_lists
    from moneytrail.settings import Settings

    store = Store.open(env.url)
    found, _ = find_lists(Settings.from_env().data_dir / "lists" / "un_2026-02-27")
    outcome = lists_cap.load_file(store, found[0], force=True)
    assert outcome.ok, outcome.error



def test_freed_memory_goes_back_to_the_system_where_glibc_can():
    import platform

    from moneytrail.api import service as service_module

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert service_module._LIBC is not None  # malloc_trim found
    service_module.release_freed_memory()  # (never raises, also where there is none)
