"""What the service tells about itself: Prometheus metrics, a log line per request without
personal data, and the audit record of every call (who called what, when, on which lists).

:class:`Guard` is the outermost layer of the app (pure ASGI, no per-request objects beyond a
dict): it gives each request an id, refuses bodies over the size limit with ``413`` before
anything parses them, answers an unexpected exception with a bare ``500`` (the request id, no
detail: the log has the traceback), and when the response is done counts it, times it, logs
it and queues its call record. Call records are written to the store by one background
thread in batches (:class:`CallWriter`), so a request never waits for the database; what is
queued when the service stops is written before it exits.

Logs carry the method, the route's template (``/match/{dataset}``, never the path with its
values or the query string), the status, the time, the key id and the request id: names and
birth dates are not logged (uvicorn's own access log, which prints query strings, is off).
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from typing import Any, Callable

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from moneytrail.store import Store
from moneytrail.store.access import CallRecord, now_ms, record_calls

log = logging.getLogger("moneytrail.api")
access_log = logging.getLogger("moneytrail.api.access")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                   5.0, 10.0, 30.0)


class Metrics:
    """The service's Prometheus registry (one per app, so tests may run several apps)."""

    def __init__(self, state: Callable[[], dict[str, Any]]) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # memory (resident bytes), CPU, open files
        PlatformCollector(registry=self.registry)
        self.requests = Counter("moneytrail_http_requests", "HTTP requests answered",
                                ("method", "route", "status"), registry=self.registry)
        self.latency = Histogram("moneytrail_http_request_duration_seconds",
                                 "Time from the request's arrival to the end of its response",
                                 ("route",), buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queries = Counter("moneytrail_screening_queries", "Names screened",
                               ("route",), registry=self.registry)
        self.registry.register(_StateCollector(state))


class _StateCollector:
    """Gauges read from the service at each scrape: the index, the snapshots, the reloads."""

    def __init__(self, state: Callable[[], dict[str, Any]]) -> None:
        self.state = state

    def describe(self) -> list:
        return []

    def collect(self):  # noqa: ANN201 - prometheus_client's protocol
        s = self.state()
        simple = [
            ("moneytrail_index_entities", "Entities in the index in service", s["entities"]),
            ("moneytrail_index_names", "Names in the index in service", s["names"]),
            ("moneytrail_index_keys", "Candidate keys in the index in service", s["keys"]),
            ("moneytrail_serving_generation", "How many times lists were swapped in",
             s["generation"]),
            ("moneytrail_reload_failures", "Reloads that failed since the start "
             "(the lists in service stayed)", s["reload_failures"]),
            ("moneytrail_last_reload_ok", "1 if the last reload succeeded, 0 if it failed",
             s["last_reload_ok"]),
            ("moneytrail_last_reload_timestamp_seconds", "When the last reload ended",
             s["last_reload_at"]),
            ("moneytrail_lists_loaded_timestamp_seconds", "When the lists in service were "
             "swapped in", s["loaded_at"]),
        ]
        for name, doc, value in simple:
            yield GaugeMetricFamily(name, doc, value=float(value or 0))
        age = GaugeMetricFamily("moneytrail_snapshot_age_seconds",
                                "Age of each list in service, from its publication date",
                                labels=["source", "snapshot"])
        for source, snapshot, seconds in s["ages"]:
            age.add_metric([source, str(snapshot)], seconds)
        yield age


class CallWriter:
    """Writes call records to the store from a queue, in batches, on one thread."""

    def __init__(self, store: Store, *, batch: int = 500, every: float = 0.5) -> None:
        self.store = store
        self.batch = batch
        self.every = every
        self.queue: queue.SimpleQueue[CallRecord | None] = queue.SimpleQueue()
        self.written = 0
        self.failures = 0
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="moneytrail-audit", daemon=True)
        self._thread.start()

    def put(self, record: CallRecord) -> None:
        self.queue.put(record)

    def close(self) -> None:
        """Write what is queued, then stop."""
        self.queue.put(None)
        self._closing.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        """Wait for a record, let ``every`` seconds' worth gather, write them in one
        transaction (``batch`` at most), again. The thread wakes once per batch: woken per
        record (as it was, writing whatever had come), it ran a transaction per request or
        two at 200 requests/s, and each time took the GIL from the requests being answered."""
        stop = full = False
        while not stop:
            first = self.queue.get()
            if first is None:
                break
            pending = [first]
            if not full:  # (behind: no wait until the queue is drained)
                self._closing.wait(self.every)  # (cut short when the service stops)
            while len(pending) < self.batch:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                pending.append(item)
            full = len(pending) >= self.batch
            self._write(pending)

    def _write(self, records: list[CallRecord]) -> None:
        for attempt in range(3):
            try:
                self.written += record_calls(self.store, records)
                return
            except Exception as exc:  # the database is busy or gone: retry, then say so
                if attempt == 2:
                    self.failures += len(records)
                    log.error("could not write %d call records: %s", len(records), exc)
                else:
                    time.sleep(0.2 * (attempt + 1))


async def _send_json(send: Callable, status: int, body: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})


class Guard:
    """The outermost ASGI layer (see the module doc)."""

    def __init__(self, app: Any, *, max_body: int, metrics: Metrics,
                 calls: CallWriter | None, after: Callable[[], None] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.metrics = metrics
        self.calls = calls
        self.after = after

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = secrets.token_hex(8)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status, begun = [500], [False]

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                begun[0] = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            replay = await self._read_body(scope, receive)
            if replay is None:
                status[0] = 413
                await _send_json(send_wrapper, 413, {
                    "detail": f"request body too large: the limit is {self.max_body:,} bytes"})
                return
            await self.app(scope, replay, send_wrapper)
        except Exception as exc:  # a bug: answer 500 without details, log it with the id
            log.error("request %s failed: %s", request_id, type(exc).__name__, exc_info=exc)
            if not begun[0]:
                await _send_json(send_wrapper, 500, {"detail": "internal error",
                                                     "request_id": request_id})
            status[0] = 500
        finally:
            self._done(scope, state, status[0], time.perf_counter() - started, request_id)
            if self.after is not None:
                self.after()

    async def _read_body(self, scope: dict, receive: Callable) -> Callable | None:
        """The body read whole (None when over the limit), as a ``receive`` that replays it."""
        length = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return None
                break
        if length is not None and length > self.max_body:
            return None
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and not length:
            return receive
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return receive
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    def _done(self, scope: dict, state: dict, status: int, seconds: float,
              request_id: str) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "(unmatched)"
        method = scope.get("method", "")
        self.metrics.requests.labels(method, template, str(status)).inc()
        self.metrics.latency.labels(template).observe(seconds)
        queries = state.get("queries", 0)
        if queries:
            self.metrics.queries.labels(template).inc(queries)
        key = state.get("key")
        key_id = key.id if key is not None else None
        access_log.info("%s %s %d %.1fms key=%s request=%s", method, template, status,
                        seconds * 1000, key_id or "-", request_id)
        if self.calls is not None and template not in _UNAUDITED:
            snapshots = state.get("snapshots")
            self.calls.put(CallRecord(
                at=now_ms(), request_id=request_id, key_id=key_id,
                role=key.role if key is not None else None, method=method, route=template,
                dataset=state.get("dataset"), queries=queries, status=status,
                snapshots=",".join(map(str, snapshots)) if snapshots else None,
                duration_ms=round(seconds * 1000, 3)))


#: Probes and scrapes come every few seconds and carry nothing to audit.
_UNAUDITED = frozenset({"/healthz", "/readyz", "/metrics"})
