"""The one facade every face uses: :class:`Screener` (``from_store``, ``match``, ``match_many``,
``compare``).

A Screener holds an index built once from the snapshots in service; its lists never change
after that (only caches fill as queries come: similar tokens, entities read from a kept index,
each written whole, so concurrent threads at worst compute one twice), and each call is
independent of the others.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from moneytrail.match.index import Index, ListedNames
from moneytrail.match.prepare import (
    PreparedName,
    article_typos,
    entity_countries,
    id_key,
    prepare_entity,
    prepare_name,
    with_parts,
)
from moneytrail.match.score import (
    EXPLANATION_VERSION,
    MIN_SCORE,
    SCORE_DIGITS,
    THRESHOLD,
    Scored,
    entity_bonus,
    max_bonus,
    score_pair,
)
from moneytrail.match.textscan import Mention, scan
from moneytrail.model import Entity, IdKind, Name, Schema, Snapshot
from moneytrail.store import Store

# match_steps hands control back after this much work (a server's other requests go on)
STEP_SECONDS = 0.002
# names screened or compared between two moves of the caches out of the collector's way
SETTLE_CALLS = 2_000


@dataclass(frozen=True)
class Query:
    """What to screen: one or more names, and what else is known.

    ``schema`` None means unknown (matches any). Dates are ISO strings of any precision;
    countries lower-case ISO alpha-2; identifiers ``(kind, value)`` pairs, kind an
    :class:`~moneytrail.model.IdKind` value (``passport``, ``imo``, ``crypto`` ...).
    """

    names: tuple[str, ...]
    schema: Schema | None = None
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    gender: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, name: str | Iterable[str], **kw: Any) -> "Query":
        names = (name,) if isinstance(name, str) else tuple(name)
        schema = kw.pop("schema", None)
        if isinstance(schema, str):
            schema = Schema(schema)
        return cls(names=names, schema=schema, **{k: tuple(v) if isinstance(v, list) else v
                                                  for k, v in kw.items()})

    @classmethod
    def from_entity(cls, entity: Entity) -> "Query":
        """A query that describes a list entity (for ``compare`` and cross-list linking)."""
        return cls(names=tuple(n.full for n in entity.names), schema=entity.schema,
                   birth_dates=entity.birth_dates,
                   countries=tuple(sorted(entity_countries(entity))),
                   gender=entity.gender,
                   identifiers=tuple((i.kind.value, i.value) for i in entity.identifiers))


@dataclass(frozen=True)
class Match:
    """One list entity that a query resembles, with the score and its explanation."""

    entity: Entity
    score: float
    match: bool
    matched_name: str | None
    query_name: str | None
    explanation: dict[str, Any] = field(repr=False)

    @property
    def list_ref(self) -> str:
        """The list's own id: OFAC ent_num, UN reference number (``KPi.001``), UK Group ID."""
        if self.entity.source == "un_sc":
            for program in self.entity.programs:
                if program.id:
                    return program.id
        return self.entity.source_id

    def to_dict(self) -> dict[str, Any]:
        e = self.entity
        return {
            "source": e.source, "source_id": self.list_ref, "entity_id": e.id,
            "name": e.caption, "matched_name": self.matched_name, "schema": e.schema.value,
            "score": round(self.score, 4), "match": self.match, "dprk": e.dprk,
            "programs": [p.code for p in e.programs], "explanation": self.explanation,
        }


class Screener:
    """Screen names against every list in service (see the module doc)."""

    def __init__(self, index: Index, threshold: float = THRESHOLD) -> None:
        self.index = index
        self.threshold = threshold
        self._since_settled = 0

    def _settle(self, calls: int) -> None:
        """Every :data:`SETTLE_CALLS` names screened or compared, collect the young objects
        and freeze what survived out of the collector's way (:func:`gc.freeze`), as the index
        is when built. What survives is the matcher's caches; left in the collector's oldest
        generation, each full collection walks all of them: ``compare`` on 5,000 new pairs
        after 2,000 queries ran at 17,700-18,400 pairs/s instead of 21,400-21,500 (three runs
        each). They are still freed by reference counting when a cache drops them."""
        self._since_settled += calls
        if self._since_settled >= SETTLE_CALLS:
            self._since_settled = 0
            gc.collect(1)
            gc.freeze()

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], *, snapshot_ids: tuple[int, ...] = (),
                      threshold: float = THRESHOLD) -> "Screener":
        return cls(Index.build(entities, snapshot_ids), threshold)

    @classmethod
    def from_store(cls, store: Store | None = None, *, sources: Iterable[str] | None = None,
                   threshold: float = THRESHOLD, cache_dir: Path | None = None) -> "Screener":
        """Build the index from the newest snapshot of every list (or of ``sources``).

        With ``cache_dir`` the built index is kept there as a file, keyed by the snapshots and
        by the matcher's code and data, and read back by the next process instead of being
        rebuilt (about 0.6 s against 4 s on every list). The file is a pickle: keep the
        directory as private as the store (the CLI uses ``$MONEYTRAIL_HOME/index``).
        """
        if store is None:
            from moneytrail.settings import Settings
            store = Store.open(Settings.from_env().database_url)
        wanted = set(sources) if sources else None
        snaps = [s for s in store.latest_snapshots() if wanted is None or s.source in wanted]
        snapshot_ids = tuple(s.id for s in snaps if s.id is not None)
        path = None
        if cache_dir is not None:
            path = cache_dir / f"{_index_key(snaps)}.pickle"
            index = _read_index(path)
            if index is not None:
                return cls(index, threshold)

        def entities() -> Iterable[Entity]:
            for snap in snaps:
                yield from store.entities(snap.id)  # type: ignore[arg-type]

        index = Index.build(entities(), snapshot_ids)
        if path is not None:
            _write_index(path, index)
        return cls(index, threshold)

    # -- screening -----------------------------------------------------------------------

    def match(self, query: Query | str, *, limit: int = 10, threshold: float | None = None,
              cutoff: float | None = None,
              sources: frozenset[str] | None = None) -> list[Match]:
        """The best ``limit`` entities for a query, best first, each explained.

        Only entities scoring at least ``cutoff`` are returned (default :data:`MIN_SCORE`, or
        the threshold if that is lower); ``Match.match`` says whether one reached the threshold
        (the screener's default unless given). ``sources``: only entities of these lists.
        Entities are scored in decreasing order of their score bound
        (:meth:`~moneytrail.match.index.Index.bounds`) until no remaining one can enter the
        results, so the answer is the one scoring every entity would give.
        """
        return self.match_many([query], limit=limit, threshold=threshold, cutoff=cutoff,
                               sources=sources)[0]

    def match_steps(self, query: Query | str, *, limit: int = 10,
                    threshold: float | None = None, cutoff: float | None = None,
                    sources: frozenset[str] | None = None, every: float | None = STEP_SECONDS
                    ) -> Generator[None, None, list[Match]]:
        """:meth:`match` in steps: a generator that yields (``None``) each time it has worked
        ``every`` seconds since it started or last yielded, and returns the answer
        :meth:`match` gives (``answer = yield from screener.match_steps(q)``; ``every`` None:
        it never yields).

        For a server that answers on one event loop: a name that scores hundreds of
        candidates (``Q. HASSAN``, ``Mohamed MOHAMMED``: 10-60 ms, most of it unpickling and
        scoring entities) hands the loop back between steps, so the requests that arrive
        meanwhile are answered in between instead of queueing behind it. Threads would not
        do: the matcher holds the GIL, and a pool of them made the service's tail ten times
        worse (measured). Most names never yield."""
        answers = yield from self._answer_steps([query], limit=limit, threshold=threshold,
                                                cutoff=cutoff, sources=sources, every=every)
        return answers[0]

    def match_many(self, queries: Iterable[Query | str], *, limit: int = 10,
                   threshold: float | None = None, cutoff: float | None = None,
                   sources: frozenset[str] | None = None) -> list[list[Match]]:
        """:meth:`match` for each query, in order. The queries' bounds are computed together
        (:meth:`~moneytrail.match.index.Index.bounds_many`: a bulk file's chunk costs far less
        so than one query at a time); each answer is the one :meth:`match` gives."""
        return _finished(self._answer_steps(queries, limit=limit, threshold=threshold,
                                            cutoff=cutoff, sources=sources, every=None))

    def _answer_steps(self, queries: Iterable[Query | str], *, limit: int,
                      threshold: float | None, cutoff: float | None,
                      sources: frozenset[str] | None, every: float | None
                      ) -> Generator[None, None, list[list[Match]]]:
        """Each query's answer, in order, as a generator of steps (see :meth:`match_steps`):
        what :meth:`match_many` and :meth:`match_steps` share."""
        pace = _Pace(every)  # (from here: preparing and bounding are work of the first step)
        queries = [_typed(Query.of(q) if isinstance(q, str) else q) for q in queries]
        if limit <= 0:
            return [[] for _ in queries]
        threshold = self.threshold if threshold is None else threshold
        cutoff = min(MIN_SCORE, threshold) if cutoff is None else cutoff
        slack = 10.0 ** -SCORE_DIGITS  # a score is rounded, its bound is not
        self._settle(len(queries))
        prepared = [self._prepared(query) for query in queries]
        if every is not None:  # the rows the queries' bounds need, made a step at a time
            for query, names, _, _, _ in prepared:
                for path, word in self.index.rows_to_make(names, query.schema):
                    if pace.due():
                        yield
                        pace.restart()
                    self.index.make_row(path, word)
        bounds = self.index.bounds_many([(names, query.schema, cutoff - bonus - slack)
                                         for query, names, _, _, bonus in prepared])
        answers = []
        for found, bound in zip(prepared, bounds):
            answers.append((yield from self._match_steps(
                *found, *bound, limit=limit, threshold=threshold, cutoff=cutoff,
                sources=sources, pace=pace)))
        return answers

    def _prepared(self, query: Query) -> tuple[Query, tuple[PreparedName, ...], frozenset[str],
                                                frozenset[str], float]:
        """A query's names, identifier keys and countries as the index and scorer take them,
        and what its birth dates and countries can add to a score at most."""
        names, ids = _prepare_query(query, self.index)
        countries = frozenset(query.countries)
        return query, names, ids, countries, max_bonus(query.birth_dates, countries)

    def _match_steps(self, query: Query, names: tuple[PreparedName, ...], ids: frozenset[str],
                     countries: frozenset[str], bonus: float, positions: np.ndarray,
                     values: np.ndarray, listed: ListedNames, *,
                     limit: int, threshold: float, cutoff: float,
                     sources: frozenset[str] | None, pace: _Pace
                     ) -> Generator[None, None, list[Match]]:
        """One query's answer from its bounds (see :meth:`match`), yielding when ``pace``
        says a step's time is up (see :meth:`match_steps`)."""
        slack = 10.0 ** -SCORE_DIGITS
        id_hits = self.index.id_hits(ids)
        if id_hits:  # an identifier may decide: its entities come first
            hits = np.fromiter(id_hits, dtype=positions.dtype, count=len(id_hits))
            keep = ~np.isin(positions, hits)
            positions = np.concatenate([hits, positions[keep]])
            values = np.concatenate([np.ones(hits.size), values[keep]])
        eligible = values + bonus >= cutoff - slack
        positions, values = positions[eligible], values[eligible]
        if positions.size and bonus:
            # what each entity's birth dates and countries can still add (or already cost)
            entities = self.index.entities
            values = values + np.fromiter(
                (1.0 if p in id_hits else entity_bonus(query.birth_dates, countries,
                                                        entities[p])
                 for p in positions.tolist()), dtype=np.float64, count=positions.size)
            eligible = values >= cutoff - slack
            positions, values = positions[eligible], values[eligible]
        else:
            values = values + bonus
        order = np.lexsort((positions, -values))
        found: list[tuple[float, int, Scored]] = []
        kth, kth_at = -1.0, -1  # the last result kept (score, position), once there are limit
        for position, bound in zip(positions[order].tolist(), values[order].tolist()):
            if len(found) >= limit:
                # the most it may score, rounded as scores are: below the last result kept,
                # no entity after it enters; equal, only one before it in position (ties go
                # to the lower position, as in a brute-force ranking). (``FU YUAN YU 8645``:
                # the other 122 FU YUAN YUs all score 0.834; four of them are the results.)
                most = round(bound + 1e-9, SCORE_DIGITS)
                if most < kth:
                    break
                if most == kth and position > kth_at:
                    continue
            if pace.due():
                yield  # (before each entity: most of them score below the cutoff)
                pace.restart()
            entity = self.index.entities[position]
            if sources is not None and entity.source not in sources:
                continue
            names_bound = None if position in id_hits else self.index.name_bounds(position,
                                                                                   listed)
            scored = score_pair(names, query.schema, query.birth_dates, countries, query.gender,
                                ids, entity, self.index, names_bound)
            if scored is None or scored.score < cutoff or scored.score <= 0.0:
                continue
            found.append((scored.score, position, scored))
            if len(found) >= limit:
                found.sort(key=lambda r: (-r[0], r[1]))
                del found[limit:]
                kth, kth_at = found[-1][0], found[-1][1]
        found.sort(key=lambda r: (-r[0], r[1]))
        return [self._result(self.index.entities[p].entity, s, threshold)
                for _, p, s in found[:limit]]

    def fingerprint(self) -> str:
        """What this screener's answers depend on: the matcher's code and data, and the
        snapshots and entities of its index (batch runs check it before resuming)."""
        return f"{_code_fingerprint()}|{','.join(map(str, self.index.snapshot_ids))}|" \
               f"{len(self.index)}|{self.index.population}|{self.threshold}"

    def compare(self, a: Query | Entity | str, b: Entity | Query | str, *,
                threshold: float | None = None) -> Match:
        """Score one query (or entity, or name) against one entity (or query, or name)."""
        query = a if isinstance(a, Query) else Query.from_entity(a) if isinstance(a, Entity) \
            else Query.of(a)
        target = b if isinstance(b, Entity) else _entity_of(b if isinstance(b, Query)
                                                            else Query.of(b, schema=query.schema))
        threshold = self.threshold if threshold is None else threshold
        self._settle(1)
        query = _typed(query)
        names, ids = _prepare_query(query, self.index)
        prepared = self.index.prepared(target) or prepare_entity(target)
        scored = score_pair(names, query.schema, query.birth_dates, frozenset(query.countries),
                            query.gender, ids, prepared, self.index)
        if scored is None:
            scored = Scored(0.0, None, ())
        return self._result(target, scored, threshold)

    def scan_text(self, text: str, *, threshold: float | None = None
                  ) -> list[tuple[Mention, Match]]:
        """Listed entities named in free text (remittance information, payment instructions,
        a document's lines): see :mod:`moneytrail.match.textscan`. Each mention comes with the
        match it makes: a name is scored as a name query with nothing else known and kept
        when it reaches the threshold; an IMO number, BIC or wallet address decides as the
        same identifier in a query does. In the order of the text."""
        threshold = self.threshold if threshold is None else threshold
        found: list[tuple[Mention, Match]] = []
        for mention in scan(self.index, text):
            if mention.kind == "name":
                query = Query(names=(mention.text,))
            else:
                query = Query(names=(), identifiers=((_MENTION_IDS[mention.kind],
                                                      mention.text),))
            for position in mention.positions:
                match = self.compare(query, self.index.entities[position].entity,
                                     threshold=threshold)
                if match.match:
                    found.append((mention, match))
        return found

    def _result(self, entity: Entity, scored: Scored, threshold: float) -> Match:
        name = scored.name
        explanation = {
            "version": EXPLANATION_VERSION,
            "score": round(scored.score, 4),
            "threshold": threshold,
            "query_name": name.query.original if name else None,
            "matched_name": name.matched.original if name else None,
            "matched_name_kind": name.matched.kind if name else None,
            "method": name.method if name else ("identifier" if scored.features else "none"),
            "features": [f.to_dict() for f in scored.features],
            "snapshots": list(self.index.snapshot_ids),
        }
        return Match(entity, scored.score, scored.score >= threshold,
                     name.matched.original if name else None,
                     name.query.original if name else None, explanation)


_MENTION_IDS = {"imo": IdKind.IMO.value, "bic": IdKind.BIC.value, "crypto": IdKind.CRYPTO.value}


class RememberedMatches:
    """:meth:`Screener.match_many` with fixed ``limit``, ``threshold`` and ``cutoff``, each
    distinct query screened once while it is remembered (at most ``size`` queries; all are
    forgotten when full): customer books and payment days repeat their names."""

    def __init__(self, screener: Screener, *, limit: int, threshold: float, cutoff: float,
                 size: int) -> None:
        self.screener = screener
        self.limit, self.threshold, self.cutoff = limit, threshold, cutoff
        self._size = size
        self._known: dict[Query, list[Match]] = {}

    def match_many(self, queries: list[Query]) -> list[list[Match]]:
        """Each query's matches, in order; the ones not remembered are screened together."""
        known = self._known
        answers = {q: known[q] for q in dict.fromkeys(queries) if q in known}
        new = [q for q in dict.fromkeys(queries) if q not in answers]
        if new:
            found = self.screener.match_many(new, limit=self.limit, threshold=self.threshold,
                                             cutoff=self.cutoff)
            answers.update(zip(new, found))
            if len(known) + len(new) > self._size:
                known.clear()
            known.update(zip(new, found))
        return [answers[q] for q in queries]


class _Pace:
    """When a generator of steps should yield: after ``every`` seconds of work since it
    started or last resumed (``every`` None: never)."""

    __slots__ = ("deadline", "every")

    def __init__(self, every: float | None) -> None:
        self.every = every
        self.deadline = float("inf")
        self.restart()

    def restart(self) -> None:
        if self.every is not None:
            self.deadline = time.perf_counter() + self.every

    def due(self) -> bool:
        return time.perf_counter() >= self.deadline


def _finished(steps: Generator[None, None, Any]) -> Any:
    """The return value of a generator of steps that never yields (``every=None``)."""
    try:
        next(steps)
    except StopIteration as done:
        return done.value
    raise RuntimeError("a generator of steps yielded where it was told not to")


def _typed(query: Query) -> Query:
    """A query of unknown schema whose name carries a legal form (LLC, GmbH, S.A., PLC, OOO)
    is an organisation's: it is screened as one, and a person's alias of one word no longer
    meets it (``Martin LLC`` is not ``KHAKI, Parviz`` a.k.a. ``MARTIN``). Payment parties and
    files without a type column are mostly of unknown schema."""
    if query.schema is not None or not any(
            (org := prepare_name(text, None).org) is not None and org.legal_forms
            for text in query.names if text.strip()):
        return query
    return replace(query, schema=Schema.ORGANIZATION)


def _prepare_query(query: Query, index: Index) -> tuple[tuple[PreparedName, ...],
                                                      frozenset[str]]:
    """A query's prepared names and identifier keys, as the index and scorer take them (a
    person's mistyped article read with the index's words: :func:`article_typos`)."""
    person = query.schema in (Schema.PERSON, None) and index.token_df
    names: list[PreparedName] = []
    for n in query.names:
        for text in with_parts(n):
            if not text.strip():
                continue
            read = article_typos(text, index.token_df.__contains__) if person else text
            name = prepare_name(read, query.schema)
            names.append(name if read == text else replace(name, original=text))
    ids = frozenset(id_key(IdKind(k), v) for k, v in query.identifiers if v.strip())
    return tuple(names), ids


def _entity_of(query: Query) -> Entity:
    """A throw-away entity holding what a query says, for ``compare`` of two names."""
    from moneytrail.model import Identifier

    schema = query.schema or Schema.PERSON
    return Entity(id="query:b", source="query", source_id="b", schema=schema,
                  names=tuple(Name(n) for n in query.names), birth_dates=query.birth_dates,
                  countries=query.countries, gender=query.gender,
                  identifiers=tuple(Identifier(IdKind(k), v) for k, v in query.identifiers))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of everything an index depends on besides the lists: the matcher's code and data."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(EXPLANATION_VERSION.to_bytes(2, "big"))
    for folder in ("match", "names", "data"):
        for file in sorted((root / folder).rglob("*")):
            if file.is_file() and file.suffix in (".py", ".tsv", ".txt", ".json"):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def _index_key(snaps: list[Snapshot]) -> str:
    digest = hashlib.sha256(_code_fingerprint().encode())
    for snap in snaps:
        digest.update(f"{snap.id}|{snap.source}|{snap.sha256}|{snap.loaded_at}\n".encode())
    return digest.hexdigest()[:32]


def _read_index(path: Path) -> Index | None:
    """The index kept at ``path``, or None when there is none or it cannot be read."""
    if not path.is_file():
        return None
    gc.disable()  # millions of small objects: collection passes would double the load time
    try:
        with path.open("rb") as f:
            index = pickle.load(f)
    except Exception:  # a truncated or foreign file: rebuild it
        return None
    finally:
        gc.enable()
    gc.freeze()  # the index lives as long as the process: keep it out of collections
    return index if isinstance(index, Index) else None


def _write_index(path: Path, index: Index) -> None:
    """Keep the index at ``path`` (written whole, then renamed; older indexes removed). Each
    writer writes its own part file: the workers of ``moneytrail serve --workers N`` build the
    same index at once when they start, and with one shared part file the first rename took
    it from under the others (a worker then failed to start)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.part")
    with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, path)
    for old in path.parent.glob("*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
