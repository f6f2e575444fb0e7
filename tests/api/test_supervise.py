"""``moneytrail serve`` as a supervisor: a reload starts new worker processes on the new lists
and retires the old ones, losing no request; a worker that cannot start leaves the old ones
serving; the pieces (a Service that swaps, the ``Connection: close`` of a retiring worker)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from moneytrail.api.service import Service
from moneytrail.api.supervise import Retiring, Supervisor, WorkerSpec, _Worker
from moneytrail.store import Store
from tests.api.conftest import auth, free_port, load, make_service
from tests.api.test_reload import NEW_NAME, match_ids


def children(pid: int) -> list[int]:
    """Live worker processes of ``pid`` (multiprocessing's resource tracker left out)."""
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in found
            if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status").read_text()
    return "zombie" not in status


def retired(pids) -> None:
    """Wait until these worker processes have exited (a retiring worker answers for 2 s more,
    then drains)."""
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in pids):
        assert time.monotonic() < deadline, "an old worker did not retire"
        time.sleep(0.1)


@pytest.fixture
def served(api_env, tmp_path, request):
    """A real ``moneytrail serve`` over a copy of the test store (one worker unless the test
    asks for more: ``indirect`` parametrisation)."""
    workers = getattr(request, "param", 1)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with sqlite3.connect(api_env.url.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(tmp_path / "store.db") as copy:
        source.backup(copy)  # (the test store, WAL and all)
    port = free_port()
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": url, "MONEYTRAIL_HOME": str(tmp_path),
           "MONEYTRAIL_API_RATE": "100000"}
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--port",
                                   str(port), "--log-level", "info", "--workers",
                                   str(workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.2)
    try:
        yield server, base, url, tmp_path
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_a_reload_swaps_worker_processes_and_loses_no_request(served, api_env, data_dir):
    server, base, url, home = served
    [old_worker] = children(server.pid)
    stop = threading.Event()
    outcomes: list[int | str] = []

    async def hammer() -> None:
        # keep-alive connections, as a payment system's client holds them
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while not stop.is_set():
                try:
                    reply = await http.post("/match/default", headers=auth(api_env, "analyst"),
                                            json={"queries": {"q": {"schema": "Person",
                                                  "properties": {"name": ["RI WON HO"]}}}})
                    outcomes.append(reply.status_code)
                except httpx.HTTPError as exc:
                    outcomes.append(type(exc).__name__)

    async def hammers() -> None:
        await asyncio.gather(*(hammer() for _ in range(4)))

    thread = threading.Thread(target=asyncio.run, args=(hammers(),))
    thread.start()
    try:
        time.sleep(1.0)
        load(Store.open(url), data_dir / "ftm" / "t1_entities.ftm.json")
        with httpx.Client(base_url=base, timeout=120) as http:
            assert match_ids(http, api_env, NEW_NAME) == []
            during = len(outcomes)
            reply = http.post("/admin/reload", headers=auth(api_env, "admin"))
            assert reply.status_code == 200, reply.text
            assert reply.json()["status"] == "reloaded"
            retired([old_worker])  # while requests go on
            time.sleep(0.5)
            stop.set()
            thread.join()
            assert len(outcomes) > during
            assert match_ids(http, api_env, NEW_NAME)  # the new worker answers the new list
            ready = http.get("/readyz").json()
            assert ready["generation"] == 2 and ready["status"] == "ready"
    finally:
        stop.set()
        thread.join()
    [new_worker] = children(server.pid)
    assert new_worker != old_worker and not alive(old_worker)
    assert outcomes and all(o == 200 for o in outcomes), \
        {o: outcomes.count(o) for o in set(outcomes)}
    log = (home / "serve.log").read_text()
    assert f"Finished server process [{old_worker}]" in log  # it drained and exited


@pytest.mark.parametrize("served", [2], indirect=True)
def test_with_two_workers_a_reload_replaces_both(served, api_env, data_dir):
    server, base, url, home = served
    old = set(children(server.pid))
    assert len(old) == 2
    load(Store.open(url), data_dir / "ftm" / "t1_entities.ftm.json")
    with httpx.Client(base_url=base, timeout=120) as http:
        reply = http.post("/admin/reload", headers=auth(api_env, "admin"))
        assert reply.status_code == 200 and reply.json()["status"] == "reloaded", reply.text
    retired(old)
    new = set(children(server.pid))
    assert len(new) == 2 and not new & old and not any(alive(pid) for pid in old)
    for _ in range(8):  # new connections, taken by either worker: both serve the new list
        with httpx.Client(base_url=base, timeout=60) as http:
            assert match_ids(http, api_env, NEW_NAME)
            assert http.get("/readyz").json()["generation"] == 2


def test_a_reload_that_cannot_build_leaves_the_old_worker_serving(served, api_env, data_dir):
    server, base, url, home = served
    [worker] = children(server.pid)
    index_dir = home / "index"
    for f in index_dir.glob("*"):
        f.unlink()
    index_dir.rmdir()
    index_dir.write_text("not a directory")  # the build of the new lists cannot keep its file
    load(Store.open(url), data_dir / "ftm" / "t1_entities.ftm.json")
    with httpx.Client(base_url=base, timeout=120) as http:
        reply = http.post("/admin/reload", headers=auth(api_env, "admin"))
        assert reply.status_code == 503, reply.text
        assert reply.json()["status"] == "failed"
        ready = http.get("/readyz").json()
        assert ready["status"] == "degraded" and ready["last_reload"]["ok"] is False
        assert ready["generation"] == 1
        assert http.post("/match/default", headers=auth(api_env, "analyst"), json={
            "queries": {"q": {"schema": "Person", "properties": {"name": ["RI WON HO"]}}}
        }).status_code == 200
        assert children(server.pid) == [worker]  # no new worker was started
        index_dir.unlink()  # repaired: the next reload swaps
        reply = http.post("/admin/reload", headers=auth(api_env, "admin"))
        assert reply.status_code == 200 and reply.json()["status"] == "reloaded"
        retired([worker])  # (its kept connections answer until then)
        ready = http.get("/readyz").json()
        assert ready["status"] == "ready" and ready["generation"] == 2
    assert children(server.pid) != [worker] and not alive(worker)


def test_new_workers_that_fail_leave_the_old_ones_and_say_why():
    """The supervisor's side of a failed swap: the worker that asked is told why, the old
    workers stay in service, the generation stays and the failure is counted."""
    supervisor = Supervisor(WorkerSpec("127.0.0.1", 0, "info", True, 0.0))
    mine, theirs = multiprocessing.Pipe()
    old = _Worker(process=None, conn=mine)
    supervisor._current = [old]
    supervisor._start = lambda n: ([], "a new worker exited (code 1)")  # type: ignore
    supervisor._swap(old)
    assert theirs.recv() == ("swapped", False, "a new worker exited (code 1)")
    assert supervisor._current == [old]
    assert supervisor.spec.generation == 1 and supervisor.spec.reload_failures == 1


def test_serve_on_a_store_without_lists_exits_with_the_reason(tmp_path):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
           "MONEYTRAIL_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "moneytrail.cli", "serve", "--port",
                           str(free_port())], check=False, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "the store holds no lists" in done.stderr
    assert "the workers could not start" in done.stderr


def test_a_service_that_swaps_builds_the_file_and_hands_over(api_env, data_dir, tmp_path):
    """In a worker, a reload builds the index file and asks the supervisor for new workers;
    it never reads the new index itself. A refused swap is a failed reload; the old lists
    stay."""
    asked: list[tuple[int, ...]] = []
    answer = [(False, "a new worker exited (code 1)")]

    def swap(ids: tuple[int, ...]) -> tuple[bool, str | None]:
        asked.append(ids)
        return answer[0]

    service = make_service(api_env, swap=swap)
    before = service.current
    assert service.reload().changed is False and not asked  # nothing new: no swap
    load(Store.open(api_env.url), data_dir / "ftm" / "t1_entities.ftm.json")
    failed = service.reload()
    assert not failed.ok and "a new worker exited" in failed.error
    assert service.current is before and service.reload_failures == 1
    answer[0] = (True, None)
    done = service.reload()
    assert done.ok and done.changed and asked[-1] == done.snapshots
    assert len(done.snapshots) == len(before.snapshot_ids) + 1
    assert service.current is before  # this worker keeps its lists until it retires
    assert list((api_env.home / "index").glob("*.pickle"))  # the file the new one reads
    assert service.reload() is done and len(asked) == 2  # retiring: no second swap
    service.close()


def test_a_retiring_worker_closes_each_connection_after_its_answer():
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"connection", b"keep-alive")]})
        await send({"type": "http.response.body", "body": b"{}"})

    async def send(message):
        sent.append(message)

    wrapped = Retiring(app)
    asyncio.run(wrapped({"type": "http"}, None, send))
    assert sent[0]["headers"] == [(b"connection", b"keep-alive")]
    wrapped.retiring = True
    sent.clear()
    asyncio.run(wrapped({"type": "http"}, None, send))
    assert sent[0]["headers"] == [(b"connection", b"close")] and sent[1]["body"] == b"{}"


def test_service_default_is_in_process(api_env):
    service = Service(api_env.url, api_env.home / "index")
    assert service.swap is None and service.retired is False
    service.close()
