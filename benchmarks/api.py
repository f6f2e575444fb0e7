"""Benchmark: the screening service under a bounded load, on loopback, with every list.

Starts ``moneytrail serve`` (one worker, API keys on, as deployed: a supervisor and its worker
process) over a store holding the newest snapshot of every list in
``$MONEYTRAIL_DATA_DIR/lists`` (kept in ``.bench-data/api``), then drives it from this process
with an asyncio HTTP/1.1 client of its own (:class:`LeanClient`: kept connections, requests
made once; httpx cost ~2 ms of CPU a request, taken from the 2 cores the server shares):

- closed loop at concurrency 1, 8 and 32, a fixed number of requests each, for ``POST /match``
  (one query per call), ``GET /v2/search`` and ``POST /v1/screen`` (100 queries per call):
  throughput and p50/p95/p99 latency;
- a soak of distinct queries (20,000 by default) that fills the caches;
- open loop at a fixed 200 requests/s of single-query ``/match`` (the issue's target: p99 at
  200 requests/s), latency measured from each request's scheduled start: once on names the
  soak sent (the first of them: traffic repeats its names, and the service keeps the answers
  that cost most for their repeats), once on names never sent before;
- the same open loop while a new snapshot is loaded and ``POST /admin/reload`` swaps it in
  (new worker processes): failed requests (must be 0) and the latency while it reloads;
- the resident memory of the worker that answers, of the supervisor and of all the service's
  processes, after each phase (from /proc).

Queries: made as ``benchmarks/screening.py`` makes them (``make_queries``): list names as written
and with one letter changed (hits), and first and last names of different listed persons put
together (misses), half and half. The baseline is the same
queries through ``Screener.match`` in this process, without HTTP, measured in the same run.

The load generator shares the machine's 2 cores with the server: figures include its cost.
The open loops send each request when it is due (the last 1.5 ms polled, not slept: asyncio's
sleeps end on millisecond ticks, and made every send 0.6 ms late at the median before session
9) and time it from then; the lateness left is printed beside them.

Run: ``.venv/bin/python benchmarks/api.py [--requests 2000] [--rate 200] [--seconds 20]
[--soak 20000] [--skip-closed]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import orjson

from moneytrail import lists as lists_cap
from moneytrail.ftm import DEFAULT_SCHEMA
from moneytrail.model import Schema
from moneytrail.screening import Query, Screener
from moneytrail.store import Store
from moneytrail.store.access import create_key
from screening import make_queries, newest_files  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench-data" / "api"


def prepare_store(lists_dir: Path) -> tuple[Store, str]:
    """The store with the newest file of every list (made once, then reused)."""
    WORK.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{WORK / 'moneytrail.db'}"
    store = Store.open(url)
    have = {s.source for s in store.latest_snapshots()}
    for hit in newest_files(lists_dir):
        if hit.source not in have:
            outcome = lists_cap.load_file(store, hit)
            assert outcome.ok, outcome.error
    return store, url


def list_queries(store: Store, n: int) -> list[Query]:
    """``n`` queries made as the screening benchmark makes them, from the store's lists."""
    entities = [e for s in store.latest_snapshots() for e in store.entities(s.id)]
    return make_queries(entities, max(1, n // 2))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of a process."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def service_memory(pid: int) -> dict[str, float]:
    """Resident MB of ``moneytrail serve``'s processes: the worker that answers (the largest;
    ``worker``, with its peak), the supervisor, and all of them together (``total``: the
    supervisor, its workers and multiprocessing's resource tracker)."""
    def children(p: int) -> list[int]:
        try:
            found = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in found] + [g for c in found for g in children(int(c))]

    sizes = {}
    for p in [pid, *children(pid)]:
        try:
            sizes[p] = rss_mb(p)
        except (OSError, KeyError):
            continue  # (ended meanwhile)
    workers = [sizes[p] for p in sizes if p != pid]
    worker = max(workers, default=(0.0, 0.0))
    return {"worker": worker[0], "worker_peak": worker[1], "supervisor": sizes[pid][0],
            "total": sum(r for r, _ in sizes.values())}


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    ordered = sorted(ms)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return at(0.50), at(0.95), at(0.99)


class LeanClient:
    """The load generator's HTTP/1.1 client: kept connections, each request's bytes made once
    (:meth:`prepare`), the answer read by its ``Content-Length`` or its chunks. httpx, the
    benchmark's client until session 6, spent ~2 ms of CPU a request: at 200 requests/s that
    was 40% of a core taken from a 2-core machine the server shares, and its own pauses
    counted as the server's latency. This one spends about a tenth of that. A request on a
    kept connection the server has closed meanwhile goes again on a new one, as HTTP clients
    do; any other failure is an error."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        host, _, port = base_url.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    def prepare(self, spec: dict) -> bytes:
        url = spec["url"]
        if spec.get("params"):
            url += "?" + urlencode(spec["params"])
        body = orjson.dumps(spec["json"]) if "json" in spec else b""
        head = (f"{spec['method']} {url} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"{self.headers}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        return head.encode() + body

    async def send(self, raw: bytes) -> int:
        """Send prepared bytes; the answer's status (its body read and dropped)."""
        while True:
            kept = bool(self.idle)
            reader, writer = self.idle.pop() if kept else \
                await asyncio.open_connection(self.host, self.port)
            writer.write(raw)
            try:
                line = await reader.readline()
            except ConnectionError:
                line = b""
            if line or not kept:
                break
            writer.close()  # closed by the server while kept: again on a new connection
        if not line:
            raise ConnectionError("the server closed the connection without an answer")
        status = int(line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = value == b"chunked"
            elif name == b"connection":
                close = value == b"close"
        if chunked:
            while size := int((await reader.readline()).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        else:
            await reader.readexactly(length)
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


# -- requests -----------------------------------------------------------------------------

def match_request(q: Query) -> dict:
    return {"method": "POST", "url": "/match/default",
            "json": {"queries": {"q": {"schema": DEFAULT_SCHEMA[q.schema],
                                       "properties": {"name": list(q.names)}}}}}


def watchman_request(q: Query) -> dict:
    kind = {Schema.PERSON: "person", Schema.VESSEL: "vessel",
            Schema.AIRCRAFT: "aircraft"}.get(q.schema, "business")
    return {"method": "GET", "url": "/v2/search",
            "params": {"name": q.names[0], "type": kind, "limit": 10, "minMatch": 0.8}}


def screen_request(batch: list[Query]) -> dict:
    return {"method": "POST", "url": "/v1/screen",
            "json": {"queries": [{"names": list(q.names), "schema": q.schema.value}
                                 for q in batch]}}


FAILURES = (OSError, asyncio.IncompleteReadError, ValueError, IndexError)


async def closed_loop(client: LeanClient, requests: list[bytes], concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(requests))

    async def worker() -> None:
        nonlocal errors
        while queue:
            raw = queue.pop()
            started = time.perf_counter()
            try:
                if await client.send(raw) != 200:
                    errors += 1
            except FAILURES:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    p50, p95, p99 = percentiles(latencies)
    return {"requests": len(latencies), "rps": len(latencies) / seconds, "p50": p50, "p95": p95,
            "p99": p99, "errors": errors}


# How long before a request is due the open loop stops sleeping and polls the clock instead:
# asyncio's sleeps end on the selector's millisecond ticks, so they woke 0.6 ms late at the
# median and 1.2-1.5 ms at p99, lateness each request's latency counted
PUNCTUAL = 0.0015


async def open_loop(client: LeanClient, requests: list[bytes], rate: float,
                    seconds: float, during=None) -> dict:
    """``rate`` requests per second for ``seconds``, each timed from when it was due (so a
    server that falls behind is charged for the queue, not only the service time). Each is
    sent on time: the loop sleeps until just before, then yields to the event loop (which
    reads answers meanwhile) until it is due; how late the sends still were is reported
    (``late_p50``, ``late_p99``, ms)."""
    latencies: list[float] = []
    late: list[float] = []
    errors: list[str] = []
    tasks = []
    t0 = time.perf_counter()
    total = int(rate * seconds)

    async def one(raw: bytes, due: float) -> None:
        late.append((time.perf_counter() - due) * 1000)
        try:
            status = await client.send(raw)
            if status != 200:
                errors.append(str(status))
        except FAILURES as exc:
            errors.append(type(exc).__name__)
        latencies.append((time.perf_counter() - due) * 1000)

    side = asyncio.get_running_loop().run_in_executor(None, during) if during else None
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > PUNCTUAL:
            await asyncio.sleep(delay - PUNCTUAL)
        while time.perf_counter() < due:
            await asyncio.sleep(0)
        tasks.append(asyncio.create_task(one(requests[i % len(requests)], due)))
    await asyncio.gather(*tasks)
    side_result = await side if side else None
    p50, p95, p99 = percentiles(latencies)
    late_p50, _, late_p99 = percentiles(late)
    return {"requests": total, "rps": total / (time.perf_counter() - t0), "p50": p50,
            "p95": p95, "p99": p99, "errors": len(errors), "error_kinds": sorted(set(errors)),
            "side": side_result, "late_p50": late_p50, "late_p99": late_p99}


def _late(r: dict) -> str:
    return f" (sent late by p50 {r['late_p50']:.2f}, p99 {r['late_p99']:.2f} ms)"


# -- main ---------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000,
                        help="requests per closed-loop run (/v1/screen: a fortieth, of 100 "
                             "names each)")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests/s")
    parser.add_argument("--seconds", type=float, default=20.0, help="open-loop duration")
    parser.add_argument("--skip-closed", action="store_true",
                        help="no closed-loop runs (memory of a /match-only load)")
    parser.add_argument("--soak", type=int, default=20_000,
                        help="distinct queries sent last, to see the caches fill (memory)")
    args = parser.parse_args()

    from moneytrail.settings import Settings

    data = Settings.from_env().data_dir
    t = time.perf_counter()
    store, url = prepare_store(data / "lists")
    snaps = store.latest_snapshots()
    print(f"store: {len(snaps)} lists ({', '.join(s.source for s in snaps)}), "
          f"{sum(s.counts.get('total', 0) for s in snaps):,} entities "
          f"({time.perf_counter() - t:.1f} s to prepare)")
    # the soak's names, then as many never sent before for the second open loop
    queries = list_queries(store, max(args.requests, 2000, args.soak)
                           + int(args.rate * args.seconds))
    _, token = create_key(store, "admin", "benchmarks/api.py", rate=1_000_000)

    # the baseline: Screener.match in this process, no HTTP
    screener = Screener.from_store(store, cache_dir=WORK / "home" / "index")
    for q in queries[:200]:
        screener.match(q)
    base = []
    for q in queries[:args.requests]:
        started = time.perf_counter()
        screener.match(q, limit=5)
        base.append((time.perf_counter() - started) * 1000)
    b50, b95, b99 = percentiles(base)
    print(f"baseline Screener.match in process: p50 {b50:.2f} ms, p95 {b95:.2f} ms, "
          f"p99 {b99:.2f} ms ({len(base):,} queries)")
    del screener

    port = free_port()
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": url,
           "MONEYTRAIL_HOME": str(WORK / "home")}
    server = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--port",
                               str(port), "--log-level", "warning"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {server.stderr.read().decode()}")
            time.sleep(0.2)
        print(f"server ready {time.perf_counter() - t:.1f} s after start of run; resident "
              f"{_memory(service_memory(server.pid))}")
        # the load generator's own full collections walked its setup (the store's entities,
        # the queries): 50-100 ms stalls measured as the server's latency. Frozen, they are not
        gc.collect()
        gc.freeze()
        asyncio.run(drive(base_url, token, queries, args, server.pid, url))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


async def drive(base_url: str, token: str, queries: list, args, pid: int, url: str) -> None:
    from moneytrail.settings import Settings

    headers = {"Authorization": f"Bearer {token}"}
    client = LeanClient(base_url, headers)
    prepare = client.prepare
    try:
        warm = [prepare(match_request(q)) for q in queries[:300]]
        await closed_loop(client, warm, 4)
        n = args.requests
        batches = [queries[i:i + 100] for i in range(0, len(queries) - 99, 100)]
        suites = {
            "/match (1 query)": [prepare(match_request(q)) for q in queries[:n]],
            "/v2/search": [prepare(watchman_request(q)) for q in queries[:n]],
            "/v1/screen (100 names)": [prepare(screen_request(batches[i % len(batches)]))
                                       for i in range(max(8, n // 40))],
        }
        print(f"\n{'endpoint':<24}{'conc':>5}{'requests':>9}{'req/s':>9}{'names/s':>9}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>7}")
        for label, requests in ([] if args.skip_closed else suites.items()):
            per = 100 if "screen" in label else 1
            for concurrency in (1, 8, 32):
                r = await closed_loop(client, requests, concurrency)
                print(f"{label:<24}{concurrency:>5}{r['requests']:>9,}{r['rps']:>9,.0f}"
                      f"{r['rps'] * per:>9,.0f}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['p99']:>9.2f}"
                      f"{r['errors']:>7}")
        steady = service_memory(pid)
        soak = [prepare(match_request(q)) for q in queries[:args.soak]]
        r = await closed_loop(client, soak, 8)
        soaked = service_memory(pid)
        print(f"\nsoak: {r['requests']:,} distinct /match queries at concurrency 8, "
              f"{r['rps']:,.0f} req/s, p99 {r['p99']:.1f} ms, errors {r['errors']}; "
              f"server: {_memory(soaked)}")
        singles = [prepare(match_request(q)) for q in queries]
        r = await open_loop(client, singles, args.rate, args.seconds)
        print(f"\nopen loop /match at {args.rate:.0f} req/s for {args.seconds:.0f} s, names "
              f"sent before (the soak's first): {r['requests']:,} requests, p50 "
              f"{r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, p99 {r['p99']:.2f} ms, errors "
              f"{r['errors']}{_late(r)}")
        fresh = singles[max(args.requests, 2000, args.soak):]
        r = await open_loop(client, fresh, args.rate, args.seconds)
        print(f"open loop /match at {args.rate:.0f} req/s for {args.seconds:.0f} s, names "
              f"never sent before: {r['requests']:,} requests, p50 {r['p50']:.2f} ms, p95 "
              f"{r['p95']:.2f} ms, p99 {r['p99']:.2f} ms, errors {r['errors']}{_late(r)}")

        def reload() -> dict:
            time.sleep(args.seconds / 4)
            # a new snapshot of the UN list, loaded by another process (as `lists update`
            # from cron would): loading it here would stall this process's load generator
            un = next(h for h in newest_files(Settings.from_env().data_dir / "lists")
                      if h.source == "un_sc")
            subprocess.run([sys.executable, "-m", "moneytrail.cli", "lists", "update",
                            "--from", str(un.path), "--force"], check=True,
                           stdout=subprocess.DEVNULL,
                           env={**os.environ, "MONEYTRAIL_DATABASE_URL": url})
            started = time.perf_counter()
            reply = httpx.post(f"{base_url}/admin/reload", headers=headers, timeout=300)
            return {"status": reply.json().get("status"), "code": reply.status_code,
                    "seconds": time.perf_counter() - started}

        r = await open_loop(client, singles, args.rate, args.seconds, during=reload)
        side = r["side"]
        print(f"open loop /match at {args.rate:.0f} req/s across a reload "
              f"({side['status']}, HTTP {side['code']}, {side['seconds']:.1f} s): "
              f"{r['requests']:,} requests, failed {r['errors']} {r['error_kinds'] or ''}, "
              f"p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, p99 {r['p99']:.2f} ms{_late(r)}")
        await asyncio.sleep(3)  # (the old worker retires in 2 s)
        now = service_memory(pid)
        print(f"\nserver memory after the closed loops: {_memory(steady)}")
        print(f"server memory after the soak (before any reload): {_memory(soaked)}")
        print(f"server memory after the reload: {_memory(now)}")
    finally:
        await client.close()


def _memory(m: dict[str, float]) -> str:
    return (f"worker {m['worker']:.0f} MB resident (peak {m['worker_peak']:.0f}), supervisor "
            f"{m['supervisor']:.0f} MB, all processes {m['total']:.0f} MB")

if __name__ == "__main__":
    main()
