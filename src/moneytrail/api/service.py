"""What the service serves: the Screener over the newest snapshot of every list, swapped whole.

:class:`Service` holds one :class:`Serving` at a time: a Screener, the snapshots its index was
built from and when it was loaded. A request takes ``service.current`` once and uses that object
to the end, so a reload that swaps in a new one never changes the lists under a request that
is already running; the old one is freed when its last request lets go of it (by reference
counting: the index holds no reference cycles, so its being frozen out of collection passes
does not keep it alive).

A load (at start, and at each reload) builds the index in a child process, which writes it
to the index cache (``$MONEYTRAIL_HOME/index``) unless it is there already; the service then
reads the file (0.1-0.6 s for every list: entities stay pickled until a query needs one) and
swaps. Building in a child keeps the serving process's memory to one index plus the file being
read, leaves the process's core to requests during the 5-8 s build (the child runs at low
priority), and keeps whatever goes wrong in a bad load (an exception, running out of memory)
out of the process that serves.
A reload that fails leaves the current lists in service and is reported by ``/readyz`` and
``/metrics`` until one succeeds.

Under ``moneytrail serve`` a reload swaps processes rather than indexes (``swap``, see
:mod:`moneytrail.api.supervise`): once the child has built the index file, the supervisor
starts new workers that read it, and this one retires when they answer. A process that has
served never holds two indexes, and its memory goes with it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from moneytrail.api.config import MEMO_ITEMS
from moneytrail.match.caches import trim as trim_caches
from moneytrail.model import Entity, Snapshot
from moneytrail.screening import Screener
from moneytrail.store import Store

log = logging.getLogger("moneytrail.api")


class ReloadError(Exception):
    """A reload failed; the lists in service are unchanged."""


class CostlyAnswers:
    """Answers kept for their repeats, the costliest first: at most ``size``; when full, a new
    answer takes the place of the cheapest one kept if it cost more (so the names that cost
    most stay, however many cheaper ones come between their repeats). Used from the event
    loop's thread only."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._found: dict[Hashable, Any] = {}
        self._cheapest: list[tuple[float, int, Hashable]] = []  # heap of (cost, order, key)
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._found)

    def get(self, key: Hashable) -> Any:
        return self._found.get(key)

    def keep(self, key: Hashable, answer: Any, cost: float) -> None:
        if key in self._found or self.size <= 0:
            return
        if len(self._found) >= self.size:
            if self._cheapest[0][0] >= cost:
                return
            _, _, out = heapq.heappop(self._cheapest)
            del self._found[out]
        self._found[key] = answer
        heapq.heappush(self._cheapest, (cost, next(self._order), key))

    def clear(self) -> None:
        self._found.clear()
        self._cheapest.clear()


@dataclass(frozen=True)
class Serving:
    """One loaded state of the lists: never changed once made."""

    screener: Screener
    snapshots: tuple[Snapshot, ...]
    loaded_at: float  # time.time() of the swap
    generation: int
    _relations_in: dict[str, list[tuple[str, str]]] | None = field(default=None, compare=False)
    #: entity id -> its yente-style response without scores (made once: FtM properties cost
    #: about as much as scoring), filled as entities are returned
    responses: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict,
                                                        compare=False, repr=False)
    #: the results of /match queries that cost most, serialised, for their repeats (see
    #: :data:`moneytrail.api.dialects.KEEP_ANSWERS_AFTER`): kept per Serving, so a swap of
    #: lists never answers from the old ones
    answers: CostlyAnswers = field(default_factory=lambda: CostlyAnswers(ANSWERS_KEPT),
                                   compare=False, repr=False)

    @property
    def snapshot_ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.snapshots if s.id is not None)

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(s.source for s in self.snapshots)

    def snapshot_of(self, source: str) -> Snapshot | None:
        for snap in self.snapshots:
            if snap.source == source:
                return snap
        return None


@dataclass(frozen=True)
class ReloadStatus:
    """The outcome of the last reload attempt."""

    ok: bool
    at: float
    snapshots: tuple[int, ...]
    changed: bool = False
    error: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "at": datetime.fromtimestamp(self.at).astimezone().isoformat(
            timespec="seconds"), "snapshots": list(self.snapshots), "changed": self.changed,
            "error": self.error, "seconds": round(self.seconds, 3)}


#: Requests between two moves of what survived them out of the collector's way (see
#: :meth:`Service.settle`). Each move walks what the requests since the last one left:
#: every 200 requests that took 5-10 ms, a stall at every second of a 200 requests/s load;
#: every 20, 1-2 ms (measured in session 7 with a collector callback in the worker).
SETTLE_EVERY = 20
#: The index caches' bounds in the service (a bulk run keeps more): name entries of bound
#: rows (~29 bytes each) and tokens with their similar words. With every list the process
#: stays under 500 MB (docs/performance.md).
ROW_CACHE_ITEMS = 1_000_000
SIMILAR_CACHE_TOKENS = 30_000
ANSWERS_KEPT = 1_000  # costly /match answers kept for repeats, ~6 KB each (CostlyAnswers)
ENTITIES_KEPT = 6_000  # unpickled entities (of ~18,600 on every list), ~5 KB each
TRIM_EVERY = 1_000  # requests between two trims of the memo caches


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()


def release_freed_memory() -> None:
    """Hand the memory the C allocator holds free back to the system (glibc's
    ``malloc_trim``; elsewhere nothing). Freed blocks in the middle of the heap otherwise stay
    with the process: after a reload the old index's ~60 MB did (measured: 408 -> 344 MB
    resident). About a millisecond."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


class Service:
    """The lists in service and their reloads (see the module doc)."""

    def __init__(self, database_url: str, cache_dir: Path, *, threshold: float | None = None,
                 build_in_child: bool = True,
                 swap: Callable[[tuple[int, ...]], tuple[bool, str | None]] | None = None,
                 generation: int = 1, reload_failures: int = 0) -> None:
        self.database_url = database_url
        self.cache_dir = cache_dir
        self.threshold = threshold
        self.build_in_child = build_in_child or swap is not None
        self.swap = swap  # reloads start new worker processes (supervise.Swapper.swap)
        self.first_generation = generation
        self.store = Store.open(database_url)
        self._current: Serving | None = None
        self._reload_lock = threading.Lock()
        self.last_reload: ReloadStatus | None = None
        self.reload_failures = reload_failures
        self.retired = False  # swapped out: new workers answer from now on
        self._relations_lock = threading.Lock()
        self._watch: threading.Thread | None = None
        self._stop = threading.Event()
        self._answered = 0

    # -- state ---------------------------------------------------------------------------

    @property
    def current(self) -> Serving:
        serving = self._current
        if serving is None:
            raise ReloadError("no lists are loaded yet")
        return serving

    @property
    def ready(self) -> bool:
        return self._current is not None

    @property
    def reloading(self) -> bool:
        return self._reload_lock.locked()

    def settle(self) -> None:
        """Called after each request: every :data:`SETTLE_EVERY` requests, collect the young
        generations and freeze what survived (:func:`gc.freeze`).

        The caches the index fills as queries come (similar words, bound rows, prepared
        names, entity answers) are long-lived objects; left in the collector's oldest
        generation, each full collection walks all of them, and those pauses grew to half a
        second after a few thousand queries. Frozen, they are never walked; they are still
        freed by reference counting when a cache drops them.

        Every :data:`TRIM_EVERY` requests, the matcher's memo caches that grew past
        :data:`~moneytrail.api.config.MEMO_ITEMS` entries are emptied
        (:func:`moneytrail.match.caches.trim`): sized for bulk runs, they would take the
        process past 500 MB. Under ``moneytrail serve`` they are capped at that size when the
        worker starts (``names/memo.py``) and never grow past it; the trim is for a service
        run without the cap (the tests, an app of one's own). What they held goes back to
        the system (:func:`release_freed_memory`).
        """
        self._answered += 1
        if self._answered % TRIM_EVERY == 0 and trim_caches(MEMO_ITEMS):
            release_freed_memory()
        if self._answered % SETTLE_EVERY == 0:
            gc.collect(1)
            gc.freeze()

    # -- loading -------------------------------------------------------------------------

    def load(self) -> Serving:
        """Load the lists at start; raises :class:`ReloadError` when there are none."""
        status = self.reload()
        if not status.ok:
            raise ReloadError(status.error or "the lists could not be loaded")
        return self.current

    def reload(self, *, wait: bool = True) -> ReloadStatus:
        """Build an index of the newest snapshots and swap it in; never raises.

        Unchanged snapshots keep the index in service (``changed`` False). With ``wait``
        False, a reload already running makes this one return at once with ``ok`` False.
        """
        if self.retired and self.last_reload is not None:
            return self.last_reload  # new workers serve the newest lists; this one retires
        if not self._reload_lock.acquire(blocking=wait):
            return ReloadStatus(False, time.time(), self._serving_ids(),
                                error="a reload is already running")
        started = time.perf_counter()
        try:
            snaps = tuple(self.store.latest_snapshots())
            if not snaps:
                raise ReloadError("the store holds no lists: run `moneytrail lists update`")
            ids = tuple(s.id for s in snaps if s.id is not None)
            if self._current is not None and self._current.snapshot_ids == ids:
                status = ReloadStatus(True, time.time(), ids, changed=False,
                                      seconds=time.perf_counter() - started)
            elif self.swap is not None and self._current is not None:
                self._build_file()
                ok, error = self.swap(ids)  # new workers read the file; this one retires
                if not ok:
                    raise ReloadError(f"the new workers did not start: {error}")
                self.retired = True
                status = ReloadStatus(True, time.time(), ids, changed=True,
                                      seconds=time.perf_counter() - started)
                log.info("lists in service: snapshots %s, in new workers (%.1f s)",
                         ",".join(map(str, ids)), status.seconds)
            else:
                if self._current is not None:  # make room: one index's caches at a time
                    self._current.screener.index.clear_caches()
                    self._current.responses.clear()
                    self._current.answers.clear()
                screener = self._build()
                screener.index.row_cache_items = ROW_CACHE_ITEMS
                screener.index.similar_cache_tokens = SIMILAR_CACHE_TOKENS
                screener.index.keep_entities(ENTITIES_KEPT)
                if screener.index.snapshot_ids != ids:  # lists changed during the build
                    ids = screener.index.snapshot_ids
                    snaps = tuple(s for s in self.store.snapshots() if s.id in set(ids))
                old = self._current
                generation = old.generation + 1 if old else self.first_generation
                self._current = Serving(screener, snaps, time.time(), generation)
                del old  # (requests still running on it keep it until they finish)
                gc.collect()
                release_freed_memory()
                status = ReloadStatus(True, time.time(), ids, changed=True,
                                      seconds=time.perf_counter() - started)
                log.info("lists in service: snapshots %s (generation %d, %.1f s)",
                         ",".join(map(str, ids)), generation, status.seconds)
        except Exception as exc:  # a failed reload must never take the service down
            self.reload_failures += 1
            message = f"{type(exc).__name__}: {exc}"
            status = ReloadStatus(False, time.time(), self._serving_ids(), error=message,
                                  seconds=time.perf_counter() - started)
            log.error("reload failed, still serving snapshots %s: %s",
                      ",".join(map(str, status.snapshots)) or "none", message)
        finally:
            self._reload_lock.release()
        self.last_reload = status
        return status

    def _serving_ids(self) -> tuple[int, ...]:
        return self._current.snapshot_ids if self._current else ()

    def _build(self) -> Screener:
        kw: dict[str, Any] = {"cache_dir": self.cache_dir}
        if self.threshold is not None:
            kw["threshold"] = self.threshold
        if self.build_in_child:  # also at start: the parent then holds only what it reads
            self._build_file()
        started = time.perf_counter()
        screener = Screener.from_store(self.store, **kw)
        log.info("reload: index read in %.1f s", time.perf_counter() - started)
        return screener

    def _build_file(self) -> None:
        """Build the index file of the newest snapshots in a child process (if not there)."""
        ctx = multiprocessing.get_context("spawn")
        result = ctx.Queue()
        child = ctx.Process(target=_build_index_file, name="moneytrail-index-build",
                            args=(self.database_url, self.cache_dir, result), daemon=True)
        started = time.perf_counter()
        child.start()
        child.join()
        error = result.get() if not result.empty() else None
        if child.exitcode != 0 or error:
            raise ReloadError(error or f"the index build exited with code {child.exitcode}")
        log.info("reload: index built in a child process in %.1f s",
                 time.perf_counter() - started)

    # -- scheduled reloads ---------------------------------------------------------------

    def watch(self, every: float) -> None:
        """Check the store every ``every`` seconds and reload when a list has a new snapshot
        (loaded by ``moneytrail lists update`` from cron, say, or by another worker)."""
        if self._watch is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    ids = tuple(s.id for s in self.store.latest_snapshots())
                except Exception as exc:
                    self.reload_failures += 1
                    self.last_reload = ReloadStatus(False, time.time(), self._serving_ids(),
                                                    error=f"{type(exc).__name__}: {exc}")
                    log.error("scheduled check failed: %s", exc)
                    continue
                if ids != self._serving_ids():
                    self.reload()

        self._watch = threading.Thread(target=loop, name="moneytrail-reload-watch", daemon=True)
        self._watch.start()

    def close(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
        self.store.engine.dispose()

    # -- entities ------------------------------------------------------------------------

    def entity(self, serving: Serving, entity_id: str) -> Entity | None:
        """An entity as the snapshot in service holds it (None when no list in service has it)."""
        source = entity_id.partition(":")[0]
        snap = serving.snapshot_of(source)
        if snap is None or snap.id is None:
            return None
        return self.store.entity(entity_id, snap.id)

    def relations_in(self, serving: Serving) -> dict[str, list[tuple[str, str]]]:
        """For each entity id, the entities in service whose relations point at it, with the
        relation kind (read once per Serving, on first use)."""
        found = serving._relations_in
        if found is not None:
            return found
        with self._relations_lock:
            if serving._relations_in is None:
                incoming: dict[str, list[tuple[str, str]]] = {}
                for snap in serving.snapshots:
                    for entity in self.store.entities(snap.id):  # type: ignore[arg-type]
                        for rel in entity.relations:
                            if rel.target:
                                incoming.setdefault(rel.target, []).append(
                                    (entity.id, rel.kind.value))
                object.__setattr__(serving, "_relations_in", incoming)
        return serving._relations_in  # type: ignore[return-value]


def _build_index_file(database_url: str, cache_dir: Path, result: Any) -> None:
    """In a child process: build the index of the newest snapshots into the cache file, at
    low priority (the requests the parent answers meanwhile come first)."""
    try:
        os.nice(10)
        Screener.from_store(Store.open(database_url), cache_dir=cache_dir)
    except BaseException as exc:  # reported to the parent, which keeps serving
        result.put(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1)
    result.put(None)

