"""Reloads by swapping worker processes: ``moneytrail serve`` as a small supervisor.

A reload inside one process leaves the old index's memory behind: Python returns an arena to
the system only when every object in it is freed, and the caches that outlive the swap keep
many of them alive (measured: 480 MB before a reload, 580 MB after). So the service runs as a
supervisor that holds the listening socket and starts the workers; a reload starts new workers
beside the old ones and retires the old ones once the new ones answer:

1. a worker is asked to reload (``POST /admin/reload``, or its schedule sees new snapshots);
   it builds the new index file in a child process, as before, and asks the supervisor for a
   swap (:class:`Swapper`); it goes on answering meanwhile;
2. the supervisor starts as many new workers on the same socket; each reads the index file
   and says it is ready, or why it failed;
3. when all are ready, the old workers retire: they stop accepting connections, close each
   open one after its next answer (``Connection: close``), finish what they have in flight
   and exit (:class:`Retiring`). The reload call is answered before that;
4. if a new worker fails, the ones started are stopped and the old ones stay: the reload
   reports the error, as ``/readyz`` and ``/metrics`` do.

The socket is one socket shared by every worker (passed down, not reopened), so connections
waiting to be accepted are taken by whichever worker accepts first and none is refused during
the swap. A worker that dies on its own is replaced. The supervisor is what ``moneytrail
serve`` ``exec``s into once it has checked its options (:func:`main`): it imports the standard
library only (16 MB resident), the workers everything else.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

log = logging.getLogger("moneytrail.api.supervise")

READY_TIMEOUT = 300.0  # seconds a new worker may take to read the lists
RETIRE_GRACE = 2.0  # seconds a retiring worker keeps its connections for a last answer


@dataclass
class WorkerSpec:
    """What a worker needs to start (picklable: workers are spawned, not forked)."""

    host: str
    port: int
    log_level: str
    auth: bool
    reload_every: float
    generation: int = 1
    reload_failures: int = 0


class Swapper:
    """A worker's line to its supervisor: :meth:`swap` asks for new workers and waits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        self._answer: tuple[bool, str | None] | None = None
        self._answered = threading.Event()
        self.retire = threading.Event()

    def swap(self, snapshot_ids: tuple[int, ...]) -> tuple[bool, str | None]:
        """Ask for workers on ``snapshot_ids`` (their index file built); (ok, error)."""
        with self._lock:
            self._answered.clear()
            self.conn.send(("swap", snapshot_ids))
            if not self._answered.wait(READY_TIMEOUT + 30):
                return False, "the supervisor did not answer the swap"
            assert self._answer is not None
            return self._answer

    def listen(self) -> None:
        """Read the supervisor's messages (a thread of the worker)."""
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                self.retire.set()  # the supervisor is gone: stop too
                return
            if message[0] == "swapped":
                self._answer = (message[1], message[2])
                self._answered.set()
            elif message[0] == "retire":
                self.retire.set()
                return


class Retiring:
    """ASGI wrapper: once ``retiring``, every answer says ``Connection: close`` (uvicorn then
    closes the connection after it), so clients move to the new workers between two requests
    rather than finding a connection closed under a request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.retiring = False
        self.loop: Any = None  # the server's event loop (seen at the app's start)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            import asyncio

            self.loop = asyncio.get_running_loop()
        if scope["type"] != "http" or not self.retiring:
            await self.app(scope, receive, send)
            return

        async def closing(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


def worker_main(spec: WorkerSpec, sock: socket.socket, conn: Connection) -> None:
    """A worker: load the lists, say ready (or why not), serve until retired."""
    import dataclasses

    import uvicorn

    from moneytrail.api.app import create_app
    from moneytrail.api.config import config_from_settings, configure_logging, uvicorn_options
    from moneytrail.api.service import ReloadError, Service
    from moneytrail.settings import Settings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops the workers
    configure_logging(spec.log_level)
    settings = Settings.from_env()
    swapper = Swapper(conn)
    service = Service(settings.database_url, settings.home / "index", swap=swapper.swap,
                      generation=spec.generation, reload_failures=spec.reload_failures)
    try:
        serving = service.load()
    except ReloadError as exc:
        conn.send(("failed", str(exc)))
        return
    log.info("worker %d: %d entities from snapshots %s (generation %d)", os.getpid(),
             len(serving.screener.index), ",".join(map(str, serving.snapshot_ids)),
             serving.generation)
    config = dataclasses.replace(config_from_settings(settings, auth=spec.auth),
                                 reload_every=spec.reload_every)
    app = Retiring(create_app(service, config))
    server = uvicorn.Server(uvicorn.Config(app, host=spec.host, port=spec.port,
                                           **uvicorn_options(spec.log_level.lower())))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]

    def retire() -> None:
        swapper.retire.wait()
        app.retiring = True
        if app.loop is not None:  # stop accepting: the new workers take the connections
            app.loop.call_soon_threadsafe(lambda: [s.close() for s in server.servers])
        time.sleep(RETIRE_GRACE)
        server.should_exit = True

    threading.Thread(target=swapper.listen, name="moneytrail-supervisor", daemon=True).start()
    threading.Thread(target=retire, name="moneytrail-retire", daemon=True).start()
    conn.send(("ready", serving.snapshot_ids))
    server.run(sockets=[sock])  # (uvicorn's loop: uvloop where installed)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    retiring: bool = False


@dataclass
class Supervisor:
    """Starts, replaces and stops the workers (see the module doc)."""

    spec: WorkerSpec
    workers: int = 1
    _current: list[_Worker] = field(default_factory=list)
    _stop: bool = False

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM; the exit code."""
        ctx = multiprocessing.get_context("spawn")
        self._ctx = ctx
        # (IPPROTO_TCP said, not left 0: asyncio sets TCP_NODELAY only on sockets that say
        # so, and without it every answer waited 40 ms for the client's delayed ACK)
        self._sock = socket.socket(socket.AF_INET6 if ":" in self.spec.host else socket.AF_INET,
                                   socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.spec.host, self.spec.port))
        self._sock.listen(2048)
        self._sock.set_inheritable(True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        started, error = self._start(self.workers)
        if error:
            log.error("the workers could not start: %s", error)
            return 1
        self._current = started
        while not self._stop:
            self._tick()
        self._retire(self._current, grace=False)
        return 0

    def _on_signal(self, *_: Any) -> None:
        self._stop = True

    def _start(self, n: int) -> tuple[list[_Worker], str | None]:
        """Start ``n`` workers and wait until each is ready (or one fails: then none stay)."""
        started = []
        for _ in range(n):
            mine, theirs = multiprocessing.Pipe()
            process = self._ctx.Process(target=worker_main, args=(self.spec, self._sock, theirs),
                                        name="moneytrail-worker")
            process.start()
            theirs.close()
            started.append(_Worker(process, mine))
        error = None
        deadline = time.monotonic() + READY_TIMEOUT
        for worker in started:
            left = deadline - time.monotonic()
            if not worker.conn.poll(max(0.0, left)):
                error = "a new worker was not ready in time"
                break
            try:
                message = worker.conn.recv()
            except EOFError:
                message = ("failed", f"a new worker exited (code {worker.process.exitcode})")
            if message[0] != "ready":
                error = message[1]
                break
        if error:
            self._retire(started, grace=False)
            return [], error
        return started, None

    def _tick(self) -> None:
        """Wait for a message from a worker (or its end) and act on it."""
        conns = {w.conn: w for w in self._current}
        sentinels = {w.process.sentinel: w for w in self._current}
        try:
            ready = wait([*conns, *sentinels], timeout=0.5)
        except InterruptedError:
            return
        for item in ready:
            if item in sentinels:
                worker = sentinels[item]
                if worker in self._current and not self._stop:
                    log.error("a worker exited (code %s); starting another",
                              worker.process.exitcode)
                    self._current.remove(worker)
                    replacement, error = self._start(1)
                    self._current.extend(replacement)
                    if error:
                        log.error("its replacement did not start: %s", error)
                continue
            worker = conns[item]
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                continue
            if message[0] == "swap":
                self._swap(worker)

    def _swap(self, asking: _Worker) -> None:
        old = list(self._current)
        self.spec.generation += 1
        new, error = self._start(len(old))
        if error:
            self.spec.generation -= 1
            self.spec.reload_failures += 1
            log.error("reload: the new workers did not start, the old ones stay: %s", error)
            asking.conn.send(("swapped", False, error))
            return
        self._current = new
        asking.conn.send(("swapped", True, None))
        log.info("reload: %d new worker(s) in service (generation %d)", len(new),
                 self.spec.generation)
        self._retire(old, grace=True)

    def _retire(self, workers: list[_Worker], *, grace: bool) -> None:
        """Tell workers to finish and exit; wait for them (in a thread when ``grace``: the
        supervisor goes on meanwhile)."""
        for worker in workers:
            try:
                worker.conn.send(("retire",))
            except (OSError, BrokenPipeError):
                pass

        def join() -> None:
            for worker in workers:
                worker.process.join(RETIRE_GRACE + 30)
                if worker.process.is_alive():
                    os.kill(worker.process.pid, signal.SIGKILL)
                    worker.process.join(5)

        if grace:
            threading.Thread(target=join, name="moneytrail-join", daemon=True).start()
        else:
            join()


def main(argv: list[str] | None = None) -> int:
    """``python -m moneytrail.api.supervise``: what ``moneytrail serve`` becomes once it has
    checked its options (an ``exec``, so the supervisor holds none of the CLI's imports)."""
    import argparse

    parser = argparse.ArgumentParser(prog="moneytrail serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--reload-every", type=float, default=0.0)
    parser.add_argument("--no-auth", action="store_true")
    args = parser.parse_args(argv)
    from moneytrail.api.config import MEMO_ITEMS, configure_logging  # (light)
    from moneytrail.names.memo import MEMO_ITEMS_ENV  # (light: no tables)

    configure_logging(args.log_level)
    # the workers' memo caches evict one entry at a time within the budget (names/memo.py)
    # instead of being emptied whole by the service's trim (a 6-34 ms stall each time)
    os.environ.setdefault(MEMO_ITEMS_ENV, str(MEMO_ITEMS))
    spec = WorkerSpec(host=args.host, port=args.port, log_level=args.log_level,
                      auth=not args.no_auth, reload_every=args.reload_every)
    try:
        code = Supervisor(spec, args.workers).run()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if code:
        print("error: the workers could not start (see the log above)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
