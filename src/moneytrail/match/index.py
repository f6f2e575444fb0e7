"""The in-memory index, built once per set of snapshots, and the score bounds that make a query
cost a millisecond instead of scoring every entity that shares a word with it.

What is indexed:

- every list **name** (not entity): its tokens in the forms each comparison path uses (all
  tokens; an organisation's distinctive words; a vessel's words), as postings from a vocabulary
  token to the names holding it, in compressed-row form (numpy arrays);
- a **token-key map** from :func:`moneytrail.match.tokens.token_keys` (the token, its first and
  last three letters, its phonetic code) to vocabulary tokens;
- whole-name keys: the name with its spaces removed, an organisation's compact form and its
  acronyms;
- **Korean reading keys**: surname + given syllables, given syllables alone, each given syllable
  at its position, surname alone;
- exact **identifier keys** (passport, IMO, BIC, wallet ...) to entities.

A query gets, for every list name it could possibly match, an **upper bound** of the score the
scorer would give (:meth:`Index.bounds`). For the token comparison the bound is the scorer's own
formula (rarity-weighted coverage of both names, see :func:`moneytrail.match.score.aligned_tokens`)
evaluated as if every query token could take its best similar token in the list name at once:
the one-to-one alignment can only do worse. Similar tokens are found through the token keys,
and :func:`~moneytrail.match.tokens.token_sim` is 0 for tokens that share no key, so nothing
the scorer could align is missed. Where "at once" would be loose, the bound follows the
scorer's own rules: a query initial counts only where the list name holds a word starting with
its letter, and covers at most the heaviest such word (:meth:`Index._initials_met`); query
words that may take the same list words (``Mohamed MOHAMMED``) add only their largest part
where the name holds one such word (:meth:`Index._groups`); a name reached only by articles and
links (``al``, ``bin``) is no candidate, as the scorer finds no evidence there; two words
written as one (``Patr Ushev`` / ``Patrushev``) are rows of their own
(:meth:`Index._join_rows`); and different numbers lower it as they lower the score
(:meth:`Index._numbers_factor`). Korean names are bounded by their reading keys, compact forms
by 1.0, and acronyms by the scorer's two acronym rules (a query that is an acronym of a list
name, a list name that the query's initials spell: see
:data:`~moneytrail.match.prepare.ACRONYM_OF`): two full names that share their initials are no
candidates. The screener then scores entities in decreasing order of bound and stops when the
next bound cannot enter the results: it returns exactly what scoring every entity would, which
``tests/test_screening.py`` checks by brute force.
"""

from __future__ import annotations

import gc
import math
import pickle
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Iterable, Sequence, overload

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, JaroWinkler

from moneytrail.match.prepare import (
    ACRONYM_OF,
    NUMBER_ONE_SIDE_ORG,
    NUMBERS_DIFFER,
    SPELT_BY_INITIALS,
    PreparedEntity,
    WEAK_FACTOR,
    PreparedName,
    acronym_word,
    joined_pairs,
    korean_key,
    numbers_key,
    path_words,
    prepare_entity,
)
from moneytrail.match.tokens import (
    ARTICLES,
    PATRONYMIC_LINKS,
    AFFIX_CUTOFF as _AFFIX_CUTOFF,
    AFFIX_EDITS as _AFFIX_EDITS,
    CONFLICT_WEIGHT,
    TITLED_SIM,
    TITLED_SURNAME,
    TOKEN_FLOOR,
    is_filler,
    is_initial,
    titled_rare,
    token_keys,
    token_sim,
    words_mask,
)
from moneytrail.model import Entity, NameKind, Schema

PATHS = ("tokens", "organization", "vessel")
_SCHEMAS = tuple(Schema)
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)
_WEIGHTS_KEPT = 200_000  # names whose word weights are kept (Index.weights)


# Per-token rows kept for queries to come (Index._row), up to this many name entries in all
# (29 bytes each: ~175 MB at most per process). A bulk file's distinct words come back again and
# again: 100,000 rows of a customer book hold ~20,000 distinct words whose rows take ~4.5
# million entries, and a row made again costs ~60 us (at 2 million, a third of a row's cost).
_ROW_CACHE_ITEMS = 6_000_000
# A group of queries bounded together numbers its (query, list name) pairs in a per-thread array
# of this many slots at most (4 bytes each), so as many queries go in a group as it holds
# copies of the names (a few hundred on every list: see Index.bounds_many).
_SLOT_ITEMS = 1 << 22
# (path, letter) arrays of what an initial may stand for in each name, kept at most (a byte a
# name, ~30 KB each on every list: 7.5 MB at most). Queries are read into ASCII, so their
# initials are a-z: 78 on three paths; the bound keeps a caller with other characters from
# growing the cache.
_INITIALS_KEPT = 256
_INITIAL_STEPS = 16  # an initial's list-side weight is kept in 1/16ths (see _initial_holders)


@dataclass(frozen=True, slots=True)
class _Row:
    """What one query token can add, on one path, to the bound of each list name holding a
    token similar to it. Additive over a query's tokens: where two query tokens are similar to
    one list token, both add it, which only loosens the bound (except where the name holds
    only one such token: see :meth:`Index._groups`)."""

    names: np.ndarray  # int32: distinct name positions, fewest words first
    # per name, a column each: the query token's weight x its best similarity among the name's
    # tokens; and over the similar tokens the name holds, the sum of their weight x similarity
    # and the sum of their weight
    block: np.ndarray  # float64, (3, names)
    word: np.ndarray  # bool per name: reached through a word (not only an initial)
    # what the token adds to each name as the query weight it reaches: its weight (0 for a
    # filler: it is no conflict when unaligned)
    reach: float
    short_end: tuple[int, ...]  # [k]: how many names have fewer than k words
    similar: np.ndarray  # int32, sorted: the vocabulary tokens similar to the token

    @classmethod
    def of(cls, weight: float, filler: bool, holders: np.ndarray, sims: np.ndarray,
           weights: np.ndarray, is_word: np.ndarray, name_counts: np.ndarray,
           similar: Sequence[int]) -> "_Row":
        names, inverse = np.unique(holders, return_inverse=True)
        block = np.zeros((3, names.size))
        np.maximum.at(block[0], inverse, sims)
        block[0] *= weight
        block[1] = np.bincount(inverse, weights=weights * sims, minlength=names.size)
        block[2] = np.bincount(inverse, weights=weights, minlength=names.size)
        word = np.zeros(names.size, dtype=bool)
        if not filler:  # (an article or a link aligned is no evidence: see aligned_tokens)
            word[inverse[is_word]] = True
        counts = name_counts[names]
        order = np.argsort(counts, kind="stable")
        counts = counts[order]
        short_end = np.searchsorted(counts, np.arange(int(counts[-1]) + 2))
        return cls(names[order].astype(np.int32), block[:, order], word[order],
                   0.0 if filler else weight, tuple(short_end.tolist()),
                   np.asarray(similar, dtype=np.int32))

    @classmethod
    def exact(cls, weight: float, holders: np.ndarray, listed_weight: float,
              name_counts: np.ndarray, similar: Sequence[int]) -> _Row:
        """A row met exactly (similarity 1, by a word, not a filler) in every name of
        ``holders``, by list words weighing ``listed_weight`` there (joined words: see
        :meth:`Index._join_rows`)."""
        size = holders.size
        return cls.of(weight, False, holders, np.ones(size), np.full(size, listed_weight),
                      np.ones(size, dtype=bool), name_counts, similar)

    def shorter(self, n_words: int) -> int:
        """How many of the names (a prefix) have fewer than ``n_words`` words."""
        ends = self.short_end
        return ends[n_words] if n_words < len(ends) else ends[-1]


@dataclass(frozen=True, slots=True)
class _Unit:
    """One query name's words on one path, planned for :meth:`Index.bounds_many`: its rows,
    lightest first, and how many of them are light (see :meth:`Index._plan`)."""

    name: PreparedName
    path: int  # index into PATHS
    n_query: int  # words
    weight: float  # their total weight
    filler: float  # the weight of the fillers among them
    initials: int
    initials_weight: float
    rows: list  # (weight, token, _Row), lightest first
    light_short: int  # the lightest rows reach no name of fewer words than the query alone
    light_long: int  # ... nor one of as many or more
    letters: tuple[tuple[str, float], ...] = ()  # its initials, with their weights
    # rows of query words similar to the same list words (Mohamed MOHAMMED, Taha TAHA), with
    # the names holding only one word any of them may take (see Index._groups)
    groups: tuple[tuple[tuple[int, ...], np.ndarray], ...] = ()


@dataclass
class Postings:
    """Vocabulary token -> positions of the names holding it (one entry per occurrence), for one
    comparison path; and per name, how many tokens it has on that path and their weights."""

    offsets: np.ndarray  # int64, len(vocab) + 1
    data: np.ndarray  # int32 name positions
    count: np.ndarray  # int16 per name (0: the name is not compared on this path)
    # per name, in one row for one gather: the sum of its tokens' rarity weights, the largest
    # weight, the weight of its initials, links and articles, its token count (as a float),
    # and 1.0 for a person's name
    facts: np.ndarray = field(default_factory=lambda: np.zeros((0, 5)))

    def names_of(self, vocab_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the names holding each vocabulary token, and the index into vocab_ids
        of the token that brought each position."""
        ids = np.asarray(vocab_ids, dtype=np.int64)
        starts, ends = self.offsets[ids], self.offsets[ids + 1]
        lengths = ends - starts
        if not lengths.any():
            return _EMPTY_I, _EMPTY_I
        data = self.data
        held = np.concatenate([data[a:b] for a, b in zip(starts.tolist(), ends.tolist()) if b > a])
        return held, np.repeat(np.arange(len(ids), dtype=np.int32), lengths)


@dataclass
class Index:
    """Entities prepared for screening, their names, and the keys and postings over them."""

    entities: Sequence[PreparedEntity] = field(default_factory=list)
    names: list[PreparedName] = field(default_factory=list)
    name_entity: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    first_name: np.ndarray = field(default_factory=lambda: _EMPTY_I)  # per entity, + sentinel
    name_factor: np.ndarray = field(default_factory=lambda: _EMPTY_F)  # weak alias: 0.95
    name_schema: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    name_numbers: np.ndarray = field(default_factory=lambda: _EMPTY_I)  # numbers_key, int64
    korean_names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    vocab: dict[str, int] = field(default_factory=dict)
    vocab_list: list[str] = field(default_factory=list)
    vocab_idf: np.ndarray = field(default_factory=lambda: _EMPTY_F)
    vocab_is_word: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    token_index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    postings: dict[str, Postings] = field(default_factory=dict)
    name_keys: dict[str, tuple[int, ...]] = field(default_factory=dict)
    korean_keys: dict[str, tuple[int, ...]] = field(default_factory=dict)
    id_postings: dict[str, list[int]] = field(default_factory=dict)
    token_df: dict[str, int] = field(default_factory=dict)
    population: int = 0  # entities the rarity of words was counted over
    snapshot_ids: tuple[int, ...] = ()
    _idf: dict[str, float] = field(default_factory=dict, repr=False)
    _similar: OrderedDict[str, tuple[list[int], list[float]]] = field(default_factory=OrderedDict,
                                                                       repr=False)
    _rows: OrderedDict[tuple[str, str], "_Row | None"] = field(default_factory=OrderedDict,
                                                                repr=False)
    _row_items: int = field(default=0, repr=False)
    #: the caches' bounds: name entries in the per-token rows (~29 bytes each), tokens whose
    #: similar words are kept. A bulk run wants them large; the service keeps them smaller.
    row_cache_items: int = _ROW_CACHE_ITEMS
    similar_cache_tokens: int = 200_000
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)
    _path_facts: np.ndarray | None = field(default=None, repr=False)
    _weights: OrderedDict[tuple[str, ...], tuple[list[float], float]] = field(
        default_factory=OrderedDict, repr=False)
    #: (path, letter) -> what an initial may cover in each name, a byte each (see
    #: :meth:`_initial_holders`), and letter -> the vocabulary's words starting with it
    _initials: OrderedDict[tuple[str, str], np.ndarray] = field(default_factory=OrderedDict,
                                                                 repr=False)
    _by_letter: dict[str, list[int]] | None = field(default=None, repr=False)

    @property
    def name_count(self) -> int:
        return len(self.name_entity)

    def __getstate__(self) -> dict:
        """Pickled for :func:`moneytrail.screening.Screener.from_store`'s index file: entities
        go as one pickle each, read back only when a query needs one (a query scores a
        handful), so a process answers within a second of reading the file."""
        state = dict(self.__dict__)
        state["_similar"] = OrderedDict()  # caches, rebuilt as queries come
        state["_rows"] = OrderedDict()
        state["_row_items"] = 0
        state["_local"] = None
        state["_lock"] = None
        state["_positions"] = None
        state["_path_facts"] = None
        state["_weights"] = OrderedDict()
        state["_initials"] = OrderedDict()
        state["_by_letter"] = None
        state["names"] = []  # the entities hold them
        state["entities"] = _LazyEntities.of(self.entities)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()  # (not picklable: each process makes its own)
        self._lock = threading.Lock()

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, entities: Iterable[Entity], snapshot_ids: tuple[int, ...] = (),
              rarity: "Index | None" = None) -> "Index":
        """Prepare every entity and index its names; entities of schema Other are skipped.

        ``rarity``: take how rare each word is from that index instead of from these entities
        (an index of the entities changed since a snapshot weighs words as the index of every
        list does, so an entity scores the same in both).

        The index is millions of small objects that live as long as the process. Collection
        passes are paused while it is built, and it is frozen out of later ones
        (:func:`gc.freeze`): a full pass would walk all of it, ~0.3 s in the middle of
        whatever query triggered it.
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            index = cls._build(entities, snapshot_ids, rarity)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()
        return index

    @classmethod
    def _build(cls, entities: Iterable[Entity], snapshot_ids: tuple[int, ...],
               rarity: "Index | None") -> "Index":
        index = cls(snapshot_ids=snapshot_ids)
        df: dict[str, int] = defaultdict(int)
        ids: dict[str, list[int]] = defaultdict(list)
        name_entity, factor, schema_code, first = [], [], [], []
        prepared_all: list[PreparedEntity] = []
        index.entities = prepared_all
        for entity in entities:
            if entity.schema is Schema.OTHER:
                continue
            prepared = prepare_entity(entity)
            position = len(prepared_all)
            prepared_all.append(prepared)
            first.append(len(index.names))
            tokens: set[str] = set()
            for name in prepared.names:
                index.names.append(name)
                name_entity.append(position)
                factor.append(WEAK_FACTOR if name.kind == NameKind.WEAK_ALIAS.value else 1.0)
                schema_code.append(_SCHEMAS.index(entity.schema))
                tokens.update(name.tokens)
            for token in tokens:
                df[token] += 1
            for key in prepared.id_keys:
                ids[key].append(position)
        index.id_postings = dict(ids)
        if rarity is not None:
            index.token_df, index._idf = rarity.token_df, rarity._idf
            index.population = rarity.population
        else:
            index.token_df = dict(df)
            n = index.population = len(index.entities)
            index._idf = {t: max(0.5, math.log((n + 1) / (d + 1))) for t, d in df.items()}
        index.name_entity = np.array(name_entity, dtype=np.int32)
        index.first_name = np.array(first + [len(index.names)], dtype=np.int32)
        index.name_factor = np.array(factor, dtype=np.float64)
        index.name_schema = np.array(schema_code, dtype=np.int32)
        index.name_numbers = np.array([numbers_key(n.numbers) for n in index.names],
                                      dtype=np.int64)
        index._build_postings()
        return index

    def _path_tokens(self, position: int) -> dict[str, tuple[str, ...]]:
        name = self.names[position]
        schema = _SCHEMAS[self.name_schema[position]]
        found = {"tokens": path_words(name, "tokens")}
        if schema is Schema.ORGANIZATION and name.org is not None:
            found["organization"] = path_words(name, "organization")
        if schema is Schema.VESSEL and name.vessel:
            found["vessel"] = path_words(name, "vessel")
        return found

    def _build_postings(self) -> None:
        n_names = len(self.names)
        pairs: dict[str, tuple[list[int], list[int]]] = {p: ([], []) for p in PATHS}
        count = {p: np.zeros(n_names, dtype=np.int16) for p in PATHS}
        weight = {p: np.zeros(n_names, dtype=np.float64) for p in PATHS}
        max_weight = {p: np.zeros(n_names, dtype=np.float64) for p in PATHS}
        filler = {p: np.zeros(n_names, dtype=np.float64) for p in PATHS}
        name_keys: dict[str, list[int]] = defaultdict(list)
        korean: dict[str, list[int]] = defaultdict(list)
        korean_names = np.zeros(n_names, dtype=bool)
        for position, name in enumerate(self.names):
            for path, tokens in self._path_tokens(position).items():
                words_mask(tokens)  # computed once here, for every compare (cached)
                vocab_ids, holders = pairs[path]
                weights = [self.weight(t) for t in tokens]
                for token in tokens:
                    vocab_ids.append(self._vocab_id(token))
                    holders.append(position)
                count[path][position] = len(tokens)
                weight[path][position] = sum(weights)
                max_weight[path][position] = max(weights, default=0.0)
                filler[path][position] = sum(w for t, w in zip(tokens, weights) if is_filler(t))
            for key in name.keys:
                if key[:2] in ("c:", "a:", "w:"):
                    name_keys[key].append(position)
            for joined in joined_pairs(path_words(name, "tokens")):
                name_keys["jp:" + joined].append(position)
            if _SCHEMAS[self.name_schema[position]] is Schema.PERSON and name.korean:
                korean_names[position] = True
                for key in _korean_index_keys(name):
                    korean[key].append(position)
        size = len(self.vocab_list)
        for path in PATHS:
            vocab_ids = np.array(pairs[path][0], dtype=np.int64)
            holders = np.array(pairs[path][1], dtype=np.int32)
            order = np.argsort(vocab_ids, kind="stable")
            offsets = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(np.bincount(vocab_ids, minlength=size), out=offsets[1:])
            person = (self.name_schema == _SCHEMAS.index(Schema.PERSON)).astype(np.float64)
            facts = np.column_stack([weight[path], max_weight[path], filler[path],
                                     count[path].astype(np.float64), person])
            self.postings[path] = Postings(offsets, holders[order], count[path], facts)
        token_index: dict[str, list[int]] = defaultdict(list)
        for vocab_id, token in enumerate(self.vocab_list):
            for key in token_keys(token):
                token_index[key].append(vocab_id)
        self.token_index = {k: tuple(v) for k, v in token_index.items()}
        self.vocab_idf = np.array([self.weight(t) for t in self.vocab_list], dtype=np.float64)
        self.vocab_is_word = np.array([not is_filler(t) for t in self.vocab_list], dtype=bool)
        self.name_keys = {k: tuple(sorted(set(v))) for k, v in name_keys.items()}
        self.korean_keys = {k: tuple(sorted(set(v))) for k, v in korean.items()}
        self.korean_names = korean_names

    def _vocab_id(self, token: str) -> int:
        found = self.vocab.get(token)
        if found is None:
            found = self.vocab[token] = len(self.vocab_list)
            self.vocab_list.append(token)
        return found

    # -- facts ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entities)

    def weight(self, token: str) -> float:
        """A word's weight in a name: its rarity; 0 for a patronymic link or an article
        (bin, al: they say nothing about who it is)."""
        return 0.0 if token in PATRONYMIC_LINKS or token in ARTICLES else self.idf(token)

    def weights(self, tokens: tuple[str, ...]) -> tuple[list[float], float]:
        """The weights of a name's words and their sum (in the words' order), kept per name:
        the scorer weighs the same names again and again."""
        found = self._weights.get(tokens)
        if found is None:
            weights = [self.weight(t) for t in tokens]
            found = (weights, sum(weights))
            keep(self._weights, tokens, found, _WEIGHTS_KEPT)
        return found

    def idf(self, token: str) -> float:
        """How rare a token is among the indexed entities (log-scaled, at least 0.5)."""
        known = self._idf.get(token)
        if known is not None:
            return known
        return max(0.5, math.log((self.population + 1) / (self.token_df.get(token, 0) + 1)))

    def key_count(self) -> int:
        """Distinct keys of every kind (token keys, name keys, Korean keys, identifiers)."""
        return (len(self.token_index) + len(self.name_keys) + len(self.korean_keys)
                + len(self.id_postings))

    def prepared(self, entity: Entity) -> PreparedEntity | None:
        """The index's prepared form of this very entity (same id and content), if it holds it."""
        if self._positions is None:
            self._positions = {e.entity.id: i for i, e in enumerate(self.entities)}
        position = self._positions.get(entity.id)
        if position is None:
            return None
        found = self.entities[position]
        return found if found.entity is entity or found.entity == entity else None

    def id_hits(self, id_keys: Iterable[str]) -> set[int]:
        """Positions of the entities holding any of these identifier keys."""
        found: set[int] = set()
        for key in id_keys:
            found.update(self.id_postings.get(key, ()))
        return found

    # -- bounds --------------------------------------------------------------------------

    def similar_tokens(self, token: str) -> tuple[list[int], list[float]]:
        """Vocabulary tokens the scorer could align with ``token`` (similarity at least the
        floor), and their similarities. Found through the token keys; cached per token."""
        cached = self._similar.get(token)
        if cached is not None:
            return cached
        sure: set[int] = set()  # found by a key that may mean a high similarity on its own
        affix: set[int] = set()  # found by first or last letters only: Jaro-Winkler decides
        for key in token_keys(token):
            (affix if key[0] in "be" else sure).update(self.token_index.get(key, ()))
        if len(token) > 1 and (initial := self.vocab.get(token[0])) is not None:
            sure.add(initial)  # the list writes an initial (V PUTIN)
        affix -= sure
        if affix:
            # Through an affix key alone, token_sim reaches the floor only if Jaro-Winkler or
            # the edit ratio is at least 0.9, or two edits at most separate the tokens (see
            # tokens.token_sim): filter in one C call each.
            listed = sorted(affix)
            words = [self.vocab_list[v] for v in listed]
            for scorer in (JaroWinkler.normalized_similarity, Indel.normalized_similarity):
                for _, _, i in process.extract(token, words, scorer=scorer,
                                               score_cutoff=_AFFIX_CUTOFF, limit=None):
                    sure.add(listed[i])
            for _, _, i in process.extract(token, words, scorer=OSA.distance,
                                           score_cutoff=_AFFIX_EDITS, limit=None):
                sure.add(listed[i])
        found_ids, found_sims = [], []
        for vocab_id in sorted(sure):
            sim = token_sim(token, self.vocab_list[vocab_id])
            if sim >= TOKEN_FLOOR:
                found_ids.append(vocab_id)
                found_sims.append(sim)
        keep(self._similar, token, (found_ids, found_sims), self.similar_cache_tokens)
        return found_ids, found_sims

    def keep_entities(self, count: int | None) -> None:
        """Keep at most ``count`` entities unpickled (None: every one), where the index was
        read from its file; a built index holds them all anyway."""
        if isinstance(self.entities, _LazyEntities):
            self.entities.keep = count

    def clear_caches(self) -> None:
        """Drop what the caches hold (a service that is about to load the next index frees
        this one's caches first; queries still running on it recompute what they need)."""
        with self._lock:
            self._rows.clear()
            self._row_items = 0
        self._similar.clear()
        self._initials.clear()

    def rows_to_make(self, names: Sequence[PreparedName], schema: Schema | None
                     ) -> list[tuple[str, str]]:
        """The ``(path, word)`` rows that bounding ``names`` would make, not kept yet: a
        caller that works in steps (:meth:`~moneytrail.screening.Screener.match_steps`) makes
        them one by one with :meth:`make_row` (a common word's row is a few milliseconds
        when new), and the bounds then find them kept. An initial's "row" is which names
        hold a word it may stand for (:meth:`_initial_holders`)."""
        found: dict[tuple[str, str], None] = {}
        for q in names:
            for _, path_name in _bounded_paths(q, schema):
                for word in path_words(q, path_name):
                    key = (path_name, word)
                    if key not in (self._initials if is_initial(word) else self._rows):
                        found[key] = None
        return list(found)

    def make_row(self, path: str, word: str) -> None:
        """Make and keep the row of ``word`` on ``path`` (see :meth:`rows_to_make`)."""
        if is_initial(word):
            self._initial_holders(path, word)
        else:
            self._row(path, word)

    def _initial_holders(self, path: str, letter: str) -> np.ndarray:
        """Per name, on ``path``, what an initial ``letter`` may align with there: a word
        starting with it (:func:`~moneytrail.match.tokens.token_sim` gives any other 0). One
        byte per name (~30 KB on every list): 0 where the name holds no such word, else 1 +
        the heaviest such word's weight in 1/16ths, rounded up. Kept per path and letter: a
        handful of letters and paths make them all."""
        key = (path, letter)
        found = self._initials.get(key)
        if found is None:
            by_letter = self._by_letter
            if by_letter is None:
                by_letter = defaultdict(list)
                for vocab_id, token in enumerate(self.vocab_list):
                    by_letter[token[0]].append(vocab_id)
                by_letter = self._by_letter = dict(by_letter)
            found = np.zeros(self.name_count, dtype=np.uint8)
            vocab_ids = by_letter.get(letter)
            if vocab_ids:
                holders, which = self.postings[path].names_of(vocab_ids)
                weights = self.vocab_idf[vocab_ids][which]
                np.maximum.at(found, holders, np.minimum(
                    255, 1 + np.ceil(weights * _INITIAL_STEPS)).astype(np.uint8))
            keep(self._initials, key, found, _INITIALS_KEPT)  # (any character may be one)
        return found

    def _row(self, path: str, token: str) -> "_Row | None":
        """What ``token`` can add to the bound of each list name it reaches on ``path`` (None:
        no name). Kept for the queries to come, least recently used out first: a bulk file
        repeats its common first names and surnames, whose rows are the longest to make."""
        return self._kept((path, token), lambda: self._make_row(path, token))

    def _make_row(self, path: str, token: str) -> "_Row | None":
        vocab_ids, sims = self.similar_tokens(token)
        if vocab_ids:
            holders, which = self.postings[path].names_of(vocab_ids)
            if holders.size:
                return _Row.of(self.weight(token), is_filler(token), holders,
                               np.asarray(sims)[which], self.vocab_idf[vocab_ids][which],
                               self.vocab_is_word[vocab_ids][which],
                               self.postings[path].count, vocab_ids)
        return None

    def _join_rows(self, words: tuple[str, ...]) -> list[tuple[float, str, "_Row"]]:
        """Rows for the scorer's joined words (``aligned_tokens(joins=True)``: two neighbouring
        words of one name written as one word of the other, Patr ushev / Patrushev), on the
        tokens path, as (weight, key, row) like a word's:

        - two query words ``x y`` against the names holding ``xy``: they add ``x`` and
          ``y``'s weight on the query's side, ``xy``'s on the name's;
        - a query word ``z`` against the names holding two neighbouring words that make it:
          its weight on the query's side, on the name's the most any two vocabulary words
          making ``z`` weigh.

        Added to the query's word rows, they only loosen the bound where a name is reached
        both ways. (These names were bounded by 1.0 at once: ``ABD ALLAH MOHAMED RAGAB
        ABDEL RAHMAN`` bounded 165 entities so, where it now bounds 64.)"""
        found = []
        tokens = self.postings["tokens"]
        for x, y in pairwise(words):
            if x.isdigit() or y.isdigit() or (vocab_id := self.vocab.get(x + y)) is None:
                continue  # (numbers are never joined: see prepare.joined_pairs)
            weight = self.weight(x) + self.weight(y)

            def pair(vocab_id: int = vocab_id, weight: float = weight) -> "_Row | None":
                holders, _ = tokens.names_of([vocab_id])
                return _Row.exact(weight, holders, self.vocab_idf[vocab_id], tokens.count,
                                  [vocab_id]) if holders.size else None

            if (row := self._kept(("tokens", f"+{x} {y}"), pair)) is not None:
                found.append((weight, "+" + x + y, row))
        for z in words:
            if (held := self.name_keys.get("jp:" + z)) is None:
                continue

            def split(z: str = z, held: tuple[int, ...] = held) -> "_Row":
                vocab = self.vocab
                most = max((self.vocab_idf[vocab[z[:k]]] + self.vocab_idf[vocab[z[k:]]]
                            for k in range(1, len(z)) if z[:k] in vocab and z[k:] in vocab),
                           default=1e9)  # (a listed pair's words are in the vocabulary)
                return _Row.exact(self.weight(z), np.array(held, dtype=np.int32), most,
                                  tokens.count, [])

            found.append((self.weight(z), "|" + z, self._kept(("tokens", "|" + z), split)))
        return found

    def _kept(self, key: tuple[str, str], make) -> "_Row | None":
        """The row kept under ``key``, else ``make()``'s, kept for the queries to come (least
        recently used out first, within :attr:`row_cache_items` names in all)."""
        rows = self._rows
        with self._lock:  # (an OrderedDict's reordering is not safe across threads)
            if key in rows:
                rows.move_to_end(key)
                return rows[key]
        row = make()
        with self._lock:
            if row is not None and key not in rows:
                self._row_items += row.names.size
            rows[key] = row
            while self._row_items > self.row_cache_items and len(rows) > 1:
                _, old = rows.popitem(last=False)
                self._row_items -= 0 if old is None else old.names.size
        return row

    def _plan(self, q: PreparedName, path: int, query: tuple[str, ...],
              floor: float) -> _Unit | None:
        """One query name's words on one path, ready to be bounded (None: no list name can
        reach ``floor`` through them).

        The bound is a sum over the query's tokens of what each can add to a name (a
        :class:`_Row`), evaluated as if each query token took its best similar token in the
        name at once. A name must be reached by query tokens weighing at least a share of the
        query that ``floor`` sets (below): the lightest tokens, together under that share, only
        add to names that heavier tokens reach (MaxScore pruning, as search engines do).
        """
        if not query:
            return None
        name = PATHS[path]
        query_weight = query_filler = initials_weight = 0.0  # (summed in the query's order)
        initials = 0
        rows = []
        letters = []
        for t in query:
            w = self.weight(t)
            query_weight += w
            if is_initial(t):
                initials += 1
                initials_weight += w
                query_filler += w
                letters.append((t, w))
            else:
                if is_filler(t):
                    query_filler += w
                if (row := self._row(name, t)) is not None:
                    rows.append((w, t, row))
        if name == "tokens":
            rows += self._join_rows(query)
        if not rows:
            return None
        rows.sort(key=lambda r: r[0])
        n_query = len(query)
        # A name of fewer words than the query scores at most 0.7 + 0.3 x the query's coverage,
        # one of as many or more at most 0.7 x that coverage + 0.3: the share of the query's
        # weight its words must reach. Tokens lighter in all than that share (``light``) find
        # no name on their own: a name must hold one of the heavier ones.
        light_short = self._light(rows, (floor - 0.7) / 0.3 * query_weight - initials_weight)
        light_long = self._light(rows, (floor - 0.3) / 0.7 * query_weight - initials_weight)
        if light_short >= len(rows):
            return None
        return _Unit(q, path, n_query, query_weight, query_filler, initials, initials_weight,
                     rows, light_short, light_long, tuple(letters), self._groups(name, rows))

    def _groups(self, path: str, rows: list) -> tuple[tuple[tuple[int, ...], np.ndarray], ...]:
        """The query's words that may share similar list words, in groups (indexes into
        ``rows``), each with the names holding just one occurrence of any of the group's
        similar words: there only one word of the group can align (the scorer aligns one to
        one), where the rows, added up, would let each take that word. ``Mohamed MOHAMMED``
        against ``MOHAMMED Ali Hassan`` is one word aligned and one left over, a conflict."""
        if len(rows) < 2:
            return ()
        parent = list(range(len(rows)))

        def root(k: int) -> int:
            while parent[k] != k:
                k = parent[k]
            return k

        # grouped by a shared token key (the same word twice, Mohamed / Mohammed): a cheap
        # test, which may miss words that share similar words but no key (their bounds then
        # stay looser) or group words that share none (then a name holding one occurrence of
        # their similar words still has one word for all of them: the cap holds)
        # (articles and links weigh nothing: they add nothing to cap)
        # (a joined pair's row takes two words on one side: it joins no group)
        keys = [frozenset() if is_filler(token) or token[0] in "+|" else token_keys(token)
                for _, token, _ in rows]
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                if not keys[i].isdisjoint(keys[j]):
                    parent[root(j)] = root(i)
        members: dict[int, list[int]] = defaultdict(list)
        for k in range(len(rows)):
            members[root(k)].append(k)
        groups = []
        for group in members.values():
            if len(group) > 1:
                similar = np.unique(np.concatenate([rows[k][2].similar for k in group]))
                held = self.postings[path].names_of(similar.tolist())[0]
                names, occurrences = np.unique(held, return_counts=True)
                groups.append((tuple(group), names[occurrences == 1]))
        return tuple(groups)

    @staticmethod
    def _light(rows: list, needed: float) -> int:
        """How many of the lightest ``rows`` (sorted by weight) weigh less than ``needed`` in
        all."""
        light, carried = 0, 0.0
        for weight, _, _ in rows:
            if carried + weight >= needed:
                break
            carried += weight
            light += 1
        return light

    def _slots(self, size: int) -> np.ndarray:
        """A per-thread array of at least ``size`` slots, -1 between calls: it numbers the
        distinct (query, list name) pairs of a group of queries (see :meth:`bounds_many`), a
        scan of the pairs where sorting them would cost more than the work done on them."""
        local = self._local
        found = getattr(local, "slots", None)
        if found is None or found.size < size:
            found = local.slots = np.full(size, -1, dtype=np.int32)
        return found

    def _facts(self) -> np.ndarray:
        """The postings' per-name facts of every path, one path after the other, one fact per
        row (gathered a row at a time, each fact comes out contiguous: the arithmetic on them
        runs about twice as fast as on the strided columns of a gather by name)."""
        found = self._path_facts
        if found is None:
            found = self._path_facts = np.ascontiguousarray(
                np.concatenate([self.postings[p].facts for p in PATHS]).T)
        return found

    def _unit_bounds(self, units: list[_Unit], slot: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For units of several queries at once, the list names their rows reach and the bound
        there: (unit of each pair, name of each pair, bound). One run of array operations for
        all of them, where one query at a time costs a few dozen numpy calls of a few
        microseconds each whatever the sizes.

        The rows go in one run of entries, unit by unit and each unit's rows lightest first;
        the names the heavier rows reach are numbered in ``slot`` (by unit and name), and each
        column of the rows is summed per numbered pair in that order (``np.bincount`` adds in
        the order it is given): the sums are those of adding the rows one by one."""
        n_names = self.name_count
        names, blocks, words, reaches, lengths, owner = [], [], [], [], [], []
        reaching: list[tuple[int, int]] = []  # entries of the rows that reach names
        firsts: list[list[int]] = []  # per unit, where each of its rows' entries start
        start = 0
        for u, unit in enumerate(units):
            light_short, light_long = unit.light_short, unit.light_long
            firsts.append([])
            for k, (_, _, row) in enumerate(unit.rows):
                firsts[u].append(start)
                size = len(row.word)
                names.append(row.names)
                blocks.append(row.block)
                words.append(row.word)
                reaches.append(row.reach)
                lengths.append(size)
                owner.append(u)
                if k >= light_long:  # a heavy token: all its names
                    reaching.append((start, size))
                elif k >= light_short:  # a middle one: its names shorter than the query
                    reaching.append((start, row.shorter(unit.n_query)))
                start += size
        if len(units) == 1:  # (one unit: its pairs are its names)
            keys = np.concatenate(names)
        else:
            keys = np.repeat(np.array(owner, dtype=np.int64) * n_names, lengths)
            keys += np.concatenate(names)
        reach = np.zeros(keys.size, dtype=bool)
        for first, size in reaching:
            reach[first:first + size] = True
        reached = keys[reach]
        touched = reached
        try:
            # the distinct reached pairs (one of the writes to a slot stays, whichever: it
            # marks its pair once), then numbered; their order matters nowhere below
            order = np.arange(reached.size, dtype=np.int32)
            slot[reached] = order
            touched = reached[slot[reached] == order]
            n = touched.size
            slot[touched] = np.arange(n, dtype=np.int32)
            pair = slot[keys]
        finally:
            slot[touched] = -1
        # light rows add only where the heavier ones reach: elsewhere into a bin left out
        pair[pair < 0] = n
        block = np.concatenate(blocks, axis=1)
        query_sum = np.bincount(pair, weights=block[0], minlength=n + 1)[:n]
        query_reach = np.bincount(pair, weights=np.repeat(reaches, lengths), minlength=n + 1)[:n]
        list_sum = np.bincount(pair, weights=block[1], minlength=n + 1)[:n]
        list_reach = np.bincount(pair, weights=block[2], minlength=n + 1)[:n]
        word_met = np.zeros(n + 1, dtype=bool)  # met by a word, not only by initials
        word_met[pair[np.concatenate(words)]] = True
        for u, unit in enumerate(units):
            for group, single in unit.groups:
                # where one list word is all a group of similar query words may take, one
                # of them aligns: each sum keeps only the group's largest part there
                parts, most = np.zeros((4, n + 1)), np.zeros((4, n + 1))
                for k in group:
                    row = unit.rows[k][2]
                    there = np.isin(row.names, single, assume_unique=True)
                    at_pair = pair[firsts[u][k]:firsts[u][k] + row.names.size][there]
                    part = np.empty((4, at_pair.size))
                    part[:3] = row.block[:, there]
                    part[3] = row.reach
                    parts[:, at_pair] += part  # (a row holds a name once: no pair twice,
                    most[:, at_pair] = np.maximum(most[:, at_pair], part)  # bin n aside)
                excess = (parts - most)[:, :n]
                query_sum -= excess[0]
                list_sum -= excess[1]
                list_reach -= excess[2]
                query_reach -= excess[3]
        at, name = (None, touched) if len(units) == 1 else np.divmod(touched, n_names)
        return at, name, self._bound(units, at, name, query_sum, query_reach, list_sum,
                                     list_reach, word_met[:n], self._initials_met(units, at, name))

    def _initials_met(self, units: list[_Unit], at: np.ndarray | None, name: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Per (unit ``at``, list name ``name``) pair, the weight of the unit's initials
        that some word of the name may align with (one starting with the letter), the most
        those words weigh (an initial's heaviest each, rounded up), and how many initials
        have a word there (None: no unit has initials). An initial the name has no word for
        adds nothing: ``Y. SALMAN`` is bounded against the SALMANs as ``SALMAN`` alone, save
        those with a Y-word; ``A.`` covers at most AHMAD's weight in ``DAHIR, Ahmad``, not
        DAHIR's."""
        if not any(u.letters for u in units):
            return None
        weight, cover, count = np.zeros(name.size), np.zeros(name.size), np.zeros(name.size)
        for i, unit in enumerate(units):
            if not unit.letters:
                continue
            where = None if at is None else np.flatnonzero(at == i)
            names = name if where is None else name[where]
            for letter, letter_weight in unit.letters:
                steps = self._initial_holders(PATHS[unit.path], letter)[names]
                held = steps > 0
                most = np.where(held, steps.astype(np.float64) - 1.0, 0.0) / _INITIAL_STEPS
                if where is None:
                    weight += letter_weight * held
                    cover += most
                    count += held
                else:
                    weight[where] += letter_weight * held
                    cover[where] += most
                    count[where] += held
        return weight, cover, count

    def _bound(self, units: list[_Unit], at: np.ndarray | None, name: np.ndarray,
               query_sum: np.ndarray, query_reach: np.ndarray, list_sum: np.ndarray,
               list_reach: np.ndarray, reached: np.ndarray,
               initials_met: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> np.ndarray:
        """The bound of each (unit ``at``, list name ``name``) pair from the sums of the unit's
        rows there (see :class:`_Row`) and what its initials may meet there (see
        :meth:`_initials_met`): the scorer's formula, see the module doc. (``at`` None: all
        pairs are of the one unit, whose figures are then scalars.)"""
        per_unit = [(u.weight, u.weight - u.filler, float(u.n_query), float(u.path))
                    for u in units]
        if at is None:
            query_weight, query_left, n_query, path = per_unit[0]
            at_path = name + int(path) * self.name_count
        else:
            # (a figure per row, gathered per pair: each comes out contiguous)
            query_weight, query_left, n_query, path = \
                np.array(per_unit, dtype=np.float64).T.take(at, axis=1)
            at_path = path.astype(np.int64) * self.name_count + name
        # per name: its words' total weight, largest weight, fillers' weight, word count, and
        # whether it is a person's
        total, max_weight, filler_weight, counts, person = self._facts().take(at_path, axis=1)
        # coverages as the scorer computes them (0 for a name whose words all weigh 0); each
        # initial that may meet a word of the name covers itself and that word: at most the
        # heaviest of the name's words starting with its letter (kept rounded up), and at
        # most the name's heaviest word
        if initials_met is None:
            met_weight, by_initials = 0.0, 0.0
        else:
            met_weight, cover, met_count = initials_met
            by_initials = np.minimum(cover, met_count * max_weight)
        q_cover = np.minimum(1.0, _ratio(query_sum + met_weight, query_weight))
        l_cover = np.minimum(1.0, _ratio(list_sum + by_initials, total))
        bound = np.where(n_query <= counts, 0.7 * q_cover + 0.3 * l_cover,
                         0.7 * l_cover + 0.3 * q_cover)
        # the scorer discounts one word against more (except for persons on the tokens path)
        one_word = np.where(n_query > 1, counts == 1, counts > 1)
        one_word &= (path != 0.0) | (person == 0.0)  # (PATHS[0]: tokens)
        bound[one_word] *= 0.9
        # the scorer gives 0 to names where no word (not an initial, a link nor an article)
        # aligned with a word
        bound[~reached] = 0.0
        # words that reach nothing on the other side stay unaligned (but for those the
        # query's initials may take): when both names keep some, the scorer's conflict
        # penalty is at least this
        left_q = _ratio(query_left - query_reach, query_weight)
        left_l = _ratio(total - filler_weight - list_reach - by_initials, total)
        penalty = CONFLICT_WEIGHT * np.maximum(0.0, np.minimum(left_q, left_l))
        return np.maximum(0.0, bound - penalty)

    def korean_bound(self, query: PreparedName, floor: float) -> dict[int, float]:
        """Korean-read list names and an upper bound of the Korean name score against the
        query's readings (see :func:`moneytrail.match.score.korean_similarity`); names that
        cannot reach ``floor`` may be left out."""
        found: dict[int, float] = {}

        def lift(key: str, value: float) -> None:
            for position in self.korean_keys.get(key, ()):
                if value > found.get(position, 0.0):
                    found[position] = value

        for reading in query.korean:
            n = len(reading.given)
            lift(korean_key(reading.surname, reading.given), 1.0)
            lift("kg:" + "|".join(reading.given), 0.6)
            same: Counter[int] = Counter()
            for i, syllable in enumerate(reading.given):
                same.update(self.korean_keys.get(f"kp:{reading.surname}|{n}|{i}|{syllable}", ()))
            for position, agree in same.items():
                value = 1.0 if agree >= n else 0.5 + 0.25 * agree / n
                if value > found.get(position, 0.0):
                    found[position] = value
            if floor <= 0.5:
                lift(f"ks:{reading.surname}|{n}", 0.5)
            if floor <= 0.45:
                lift(f"ks:{reading.surname}", 0.45)
        return found

    def bounds(self, names: Iterable[PreparedName], schema: Schema | None,
               floor: float) -> tuple[np.ndarray, np.ndarray, ListedNames]:
        """An upper bound of the name score any of ``names`` can reach against each list name
        (weak aliases discounted), and per entity the best of its names' bounds.

        Returns the entities whose bound is at least ``floor`` (positions, distinct, in
        order) with their bounds, and for each of them its names with a bound above 0 (name
        positions, best first; see :meth:`name_bounds`). Entities not returned cannot score
        ``floor`` on their names."""
        return self.bounds_many([(tuple(names), schema, floor)])[0]

    def bounds_many(self, queries: Iterable[tuple[Sequence[PreparedName], Schema | None, float]]
                    ) -> list[tuple[np.ndarray, np.ndarray, ListedNames]]:
        """:meth:`bounds` for each ``(names, schema, floor)``, in order. Queries are bounded a
        group at a time, in one run of array operations per group (a bulk file's chunk in a
        few groups): the per-query numpy calls, not the work in them, were most of a query's
        cost. Each query's bounds are what it would get alone."""
        per_group = max(1, _SLOT_ITEMS // max(1, self.name_count))
        found: list = []
        group: list = []
        n_units = 0
        for names, schema, floor in queries:
            parts = self._query_parts(names, schema, floor)
            if group and (n_units + len(parts[0]) > per_group or len(group) >= per_group):
                found += self._group_bounds(group, n_units)
                group, n_units = [], 0
            group.append(parts)
            n_units += len(parts[0])
        if group:
            found += self._group_bounds(group, n_units)
        return found

    def _query_parts(self, names: Sequence[PreparedName], schema: Schema | None, floor: float
                     ) -> tuple[list[_Unit], list[tuple[np.ndarray, np.ndarray | float]],
                                int, float]:
        """One query's units (its names' words on each path, to be bounded by their rows) and
        lifts (list names given a bound at once: Korean readings, whole-name keys), with its
        schema's code (-1: any) and floor."""
        units: list[_Unit] = []
        lifts: list[tuple[np.ndarray, np.ndarray | float]] = []
        for q in names:
            first_lift = len(lifts)
            paths = _bounded_paths(q, schema)
            for path, path_name in paths:
                unit = self._plan(q, path, path_words(q, path_name), floor)
                if unit is not None:
                    units.append(unit)
            if q.korean:
                korean = self.korean_bound(q, floor)
                if korean:
                    lifts.append((np.fromiter(korean.keys(), dtype=np.int32, count=len(korean)),
                                  np.fromiter(korean.values(), dtype=np.float64,
                                              count=len(korean))))
            for key in q.keys:
                if key[:2] == "c:" and (held := self.name_keys.get(key)) is not None:
                    lifts.append((np.array(held, dtype=np.int32), 1.0))
            if q.org is not None:  # the scorer's acronym rules (see prepare.ACRONYM_OF)
                word = acronym_word(q.tokens)
                if word is not None and word not in q.org.legal_forms and \
                        (held := self.name_keys.get("a:" + word)) is not None:
                    lifts.append((np.array(held, dtype=np.int32), ACRONYM_OF))
                for acronym in q.org.acronyms:
                    if (held := self.name_keys.get("w:" + acronym)) is not None:
                        lifts.append((np.array(held, dtype=np.int32), SPELT_BY_INITIALS))
            # (two words of one name written as one word of the other: rows of the tokens
            # path, see _join_rows)
            words = path_words(q, "tokens") if (0, "tokens") in paths else ()
            if q.titled and len(words) == 1:
                held = self._titled_names(words[0])
                if held.size:
                    lifts.append((held[~self._other_path(q, held)], TITLED_SURNAME))
            for k in range(first_lift if q.numbers or q.org is not None else len(lifts),
                           len(lifts)):
                held, value = lifts[k]
                factor = self._numbers_factor(numbers_key(q.numbers), q.org is not None, held)
                if factor is not None:
                    lifts[k] = (held, value * factor)
        code = -1 if schema is None else _SCHEMAS.index(schema)
        return units, lifts, code, floor

    def _group_bounds(self, group: list, n_units: int) -> list:
        """:meth:`bounds` for a group of queries' parts (see :meth:`_query_parts`)."""
        n_names = self.name_count
        slot = self._slots(max(n_units, len(group)) * n_names)
        units = [unit for found, _, _, _ in group for unit in found]
        pair_query, pair_name, pair_value = [], [], []
        if units:
            at, name, bound = self._unit_bounds(units, slot)
            flags = [(i, u.path, bool(u.name.korean), u.name.org is not None, bool(u.name.vessel))
                     for i, (found, _, _, _) in enumerate(group) for u in found]
            if at is None:  # (one unit)
                query = np.zeros(name.size, dtype=np.int64)
                _, path, korean, org, vessel = flags[0]
            else:
                query, path, korean, org, vessel = np.array(flags, dtype=np.int64).T.take(
                    at, axis=1)
            if any(u.name.numbers or u.name.org is not None for u in units):
                numbers, orgs = zip(*[(numbers_key(u.name.numbers), u.name.org is not None)
                                      for u in units])
                if at is None:  # (one unit: its figures are scalars)
                    factor = self._numbers_factor(numbers[0], orgs[0], name)
                else:
                    factor = self._numbers_factor(np.array(numbers, dtype=np.int64)[at],
                                                  np.array(orgs)[at], name)
                if factor is not None:
                    bound *= factor
            if any(f[2] or f[3] or f[4] for f in flags):
                # a name compared with the query on another path is not bounded on tokens
                other = self.korean_names[name] & (korean == 1)
                other |= (self.postings["organization"].count[name] > 0) & (org == 1)
                other |= (self.postings["vessel"].count[name] > 0) & (vessel == 1)
                bound[other & (path == 0)] = 0.0
            pair_query.append(query)
            pair_name.append(name)
            pair_value.append(bound)
        # a (query, name) pair comes once from the units unless a query has several
        repeats = any(len(found) > 1 for found, _, _, _ in group)
        for i, (_, lifts, _, _) in enumerate(group):
            for held, value in lifts:
                repeats = True
                pair_query.append(np.full(held.size, i, dtype=np.int64))
                pair_name.append(held)
                pair_value.append(value if isinstance(value, np.ndarray)
                                  else np.full(held.size, value))
        empty = (_EMPTY_I, _EMPTY_F, _NOTHING_LISTED)
        if not pair_query:
            return [empty] * len(group)
        keys = np.concatenate(pair_query) * n_names + np.concatenate(pair_name)
        values = np.concatenate(pair_value)
        distinct = keys[:0]
        try:
            # per (query, name): the best of what its paths, readings and keys gave
            if repeats:  # (distinct pairs as in _unit_bounds)
                order = np.arange(keys.size, dtype=np.int32)
                distinct = keys
                slot[keys] = order
                distinct = keys[slot[keys] == order]
                slot[distinct] = np.arange(distinct.size, dtype=np.int32)
                best = np.zeros(distinct.size)
                np.maximum.at(best, slot[keys], values)
            else:
                distinct = keys
                slot[distinct] = np.arange(distinct.size, dtype=np.int32)
                best = np.maximum(0.0, values)  # (as np.maximum.at into zeros)
            query, name = np.divmod(distinct, n_names)
            best *= self.name_factor[name]
            one = len(group) == 1  # (then a scalar of the query's, else one per pair)
            schemas = group[0][2] if one else np.array([c for _, _, c, _ in group])[query]
            best[(schemas >= 0) & (self.name_schema[name] != schemas)] = 0.0
            keep = best >= (group[0][3] if one else np.array([f for _, _, _, f in group])[query])
            # per (query, entity), the best bound of its names (names of one entity are
            # contiguous), entities in order
            query, entity, value = query[keep], self.name_entity[name[keep]], best[keep]
            order = np.lexsort((-value, entity, query))
            query, entity, value = query[order], entity[order], value[order]
            first = np.ones(entity.size, dtype=bool)
            first[1:] = (entity[1:] != entity[:-1]) | (query[1:] != query[:-1])
            query, entity, value = query[first], entity[first], value[first]
            listed = self._listed(query, entity, best, slot, len(group))
        finally:
            slot[distinct] = -1
        if len(group) == 1:
            return [(entity, value, listed[0]) if entity.size else empty]
        ends = np.searchsorted(query, np.arange(len(group) + 1))
        out = []
        for i, (start, end) in enumerate(zip(ends[:-1].tolist(), ends[1:].tolist())):
            out.append((entity[start:end], value[start:end], listed[i]) if end > start
                       else empty)
        return out

    def _listed(self, query: np.ndarray, entity: np.ndarray, best: np.ndarray,
                slot: np.ndarray, n_queries: int) -> list[ListedNames]:
        """Per query, each of its entities' names with a bound above 0, best first (ties in
        name order): the order :func:`~moneytrail.match.score.score_pair` compares them in.
        ``slot`` numbers the (query, name) pairs ``best`` holds; ``query`` and ``entity`` are
        in order. Kept as arrays, read per entity when it is scored (:class:`ListedNames`): a
        query on common words (``ABU MOHAMMED``) has bounds on thousands of entities and most
        are never scored; a dict of them, made name by name, took up to 30 ms."""
        if not entity.size:
            return [_NOTHING_LISTED] * n_queries
        n_names = self.name_count
        starts = self.first_name[entity].astype(np.int64)
        counts = self.first_name[entity + 1] - starts
        total = int(counts.sum())
        names = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        row = np.repeat(np.arange(entity.size), counts)
        pair = slot[np.repeat(query, counts) * n_names + names]
        bound = np.where(pair >= 0, best[pair], 0.0)
        above = bound > 0.0
        row, names, bound = row[above], names[above], bound[above]
        order = np.lexsort((names, -bound, row))
        row_starts = np.zeros(entity.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=entity.size), out=row_starts[1:])
        names, bound = names[order], bound[order]
        ends = np.searchsorted(query, np.arange(n_queries + 1)).tolist()
        return [ListedNames(entity[lo:hi], row_starts[lo:hi + 1], names, bound)
                for lo, hi in pairwise(ends)]

    def _numbers_factor(self, query: np.ndarray | int, org: np.ndarray | bool,
                        name: np.ndarray) -> np.ndarray | None:
        """What the scorer's numbers rule multiplies a name's score by, per (query name, list
        name) pair: the query name's :func:`~moneytrail.match.prepare.numbers_key` and whether
        it is read as an organisation (per pair, or one for all), and the list name (None: 1.0
        for all). Numbers on both
        sides that differ: :data:`~moneytrail.match.prepare.NUMBERS_DIFFER`; on one side,
        between two names compared as organisations: ``NUMBER_ONE_SIDE_ORG``. ``FU YUAN YU
        8645`` bounds the other 122 FU YUAN YUs at their score, no longer above it."""
        listed = self.name_numbers[name]
        differ = query != listed
        if not differ.any():
            return None
        both = differ & (query != 0) & (listed != 0)
        one = differ & ~both & org & (self.postings["organization"].count[name] > 0)
        return np.where(both, NUMBERS_DIFFER, np.where(one, NUMBER_ONE_SIDE_ORG, 1.0))

    def _titled_names(self, word: str) -> np.ndarray:
        """The names a title and ``word`` may name by surname: those holding a rare word
        ``word`` is (a typo allowed) when ``word`` is rare too (see
        :func:`moneytrail.match.score.name_similarity`: at least TITLED_SURNAME there,
        whatever the rest of the name). ``Dr. Aomed`` is no one's surname: the word it is a
        typo of, AHMED, names hundreds."""
        if not titled_rare(word, self.token_df):
            return _EMPTY_I
        vocab_ids, sims = self.similar_tokens(word)
        rare = [v for v, sim in zip(vocab_ids, sims)
                if sim >= TITLED_SIM and titled_rare(self.vocab_list[v], self.token_df)]
        return self.postings["tokens"].names_of(rare)[0] if rare else _EMPTY_I

    def _other_path(self, q: PreparedName, positions: np.ndarray) -> np.ndarray:
        """Which of these list names are compared with ``q`` on a path other than tokens."""
        other = np.zeros(positions.size, dtype=bool)
        if q.korean:
            other |= self.korean_names[positions]
        if q.org is not None:
            other |= self.postings["organization"].count[positions] > 0
        if q.vessel:
            other |= self.postings["vessel"].count[positions] > 0
        return other

    def name_bounds(self, position: int, listed: ListedNames) -> list[tuple[float, PreparedName]]:
        """An entity's names with their bounds from :meth:`bounds`, best first."""
        start = int(self.first_name[position])
        names = self.entities[position].names
        return [(bound, names[i - start]) for bound, i in listed.get(position)]


class ListedNames:
    """One query's entities' names with a bound above 0 (see :meth:`Index.bounds`): for the
    ``i``-th of its entities (``entities``, in order), ``names[starts[i]:starts[i + 1]]``
    with their ``bounds``, best first. Where each entity's names start is looked up in a
    dict made at the first :meth:`get` (a query scores few of its entities, or many)."""

    __slots__ = ("_at", "bounds", "entities", "names", "starts")

    def __init__(self, entities: np.ndarray, starts: np.ndarray, names: np.ndarray,
                 bounds: np.ndarray) -> None:
        self.entities, self.starts, self.names, self.bounds = entities, starts, names, bounds
        self._at: dict[int, tuple[int, int]] | None = None

    def get(self, position: int) -> list[tuple[float, int]]:
        """The entity's ``(bound, name position)`` pairs, best first (none: not bounded)."""
        if self._at is None:
            starts = self.starts.tolist()
            self._at = dict(zip(self.entities.tolist(), pairwise(starts)))
        found = self._at.get(position)
        if found is None:
            return []
        start, end = found
        return list(zip(self.bounds[start:end].tolist(), self.names[start:end].tolist()))


_NOTHING_LISTED = ListedNames(np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64),
                          np.zeros(0, dtype=np.int64), np.zeros(0))


def _bounded_paths(q: PreparedName, schema: Schema | None) -> list[tuple[int, str]]:
    """The paths (number, name) a query name's words are bounded on: an organisation query
    meets organisation names on the organisation path only (every organisation name with
    words has an organisation form)."""
    org_only = schema is Schema.ORGANIZATION and q.org is not None
    return [(path, name) for path, name in enumerate(PATHS)
            if not (org_only and name == "tokens")]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0."""
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def keep(cache: OrderedDict, key: object, value: object, size: int) -> None:
    """Put ``value`` in ``cache`` under ``key``; past ``size`` entries, the oldest go out, one
    at a time. (Emptying a full cache at once frees all it holds in one go: the service's
    answers stalled 10-20 ms each time one of its caches filled.)"""
    cache[key] = value
    while len(cache) > size:
        try:
            cache.popitem(last=False)
        except KeyError:  # (emptied meanwhile by another thread)
            break


class _LazyEntities(Sequence[PreparedEntity]):
    """Prepared entities kept pickled one by one, unpickled on first use and kept (all of
    them, or the last ``keep`` unpickled: a service bounds its memory so, at ~70 µs to
    unpickle one again)."""

    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        # (ordered: the oldest out in constant time; a dict's first key, after thousands of
        # keys taken from its front, is a scan of their empty places: 4.5 us a time)
        self._done: OrderedDict[int, PreparedEntity] = OrderedDict()
        self.keep: int | None = None

    @classmethod
    def of(cls, entities: Sequence[PreparedEntity]) -> "_LazyEntities":
        if isinstance(entities, _LazyEntities):
            return entities
        return cls([pickle.dumps(e.lazy(), protocol=pickle.HIGHEST_PROTOCOL) for e in entities])

    def __len__(self) -> int:
        return len(self._blobs)

    @overload
    def __getitem__(self, i: int) -> PreparedEntity: ...
    @overload
    def __getitem__(self, i: slice) -> list[PreparedEntity]: ...

    def __getitem__(self, i: int | slice) -> PreparedEntity | list[PreparedEntity]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        found = self._done.get(i)
        if found is None:
            found = pickle.loads(self._blobs[i])
            if self.keep is None:
                self._done[i] = found
            else:
                keep(self._done, i, found, max(1, self.keep))  # (the newest always stays)
        return found

    def __getstate__(self) -> dict:
        return {"_blobs": self._blobs, "_done": OrderedDict(), "keep": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"keep": None, **state})


def _korean_index_keys(name: PreparedName) -> set[str]:
    keys: set[str] = set()
    for reading in name.korean:
        n = len(reading.given)
        keys.add(korean_key(reading.surname, reading.given))
        keys.add("kg:" + "|".join(reading.given))
        keys.update(f"kp:{reading.surname}|{n}|{i}|{s}" for i, s in enumerate(reading.given))
        keys.add(f"ks:{reading.surname}|{n}")
        keys.add(f"ks:{reading.surname}")
    return keys
