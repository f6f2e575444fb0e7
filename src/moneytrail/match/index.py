"""The in-memory index: candidate keys -> entity positions, built once per set of snapshots.

Keys (see :func:`moneytrail.match.prepare.name_keys`): normalised tokens, phonetic codes of tokens, each token's first and
last three letters (typos), the name with its spaces removed, Korean reading keys (surname plus
given-name syllable classes), organisation compact forms and acronyms; and exact identifier keys
(passport, IMO, BIC, wallet ...). The scorer gives a name score above zero only to a pair of
names that share at least one of these keys (:func:`moneytrail.match.prepare.shares_key`), and
candidates are all entities sharing any key with the query, so candidate generation cannot miss
an entity the scorer would accept on its name (``tests/test_screening.py`` checks it by brute
force). Pruning common keys (``korea``, ``ali``) is tempting for speed but unsound: "Ali Hassan"
is accepted against "HUSAYN, 'Ali" on two common words alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from moneytrail.match.prepare import (
    PreparedEntity,
    PreparedName,
    name_keys,
    prepare_entity,
)
from moneytrail.model import Entity, Schema


@dataclass
class Index:
    """Entities prepared for screening, with postings from keys to entity positions."""

    entities: list[PreparedEntity] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    id_postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    token_df: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    snapshot_ids: tuple[int, ...] = ()
    name_count: int = 0
    _idf: dict[str, float] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, entities: Iterable[Entity], snapshot_ids: tuple[int, ...] = ()) -> "Index":
        """Prepare every entity and index its keys; entities of schema Other are skipped."""
        index = cls(snapshot_ids=snapshot_ids)
        for entity in entities:
            if entity.schema is Schema.OTHER:
                continue
            prepared = prepare_entity(entity)
            position = len(index.entities)
            index.entities.append(prepared)
            keys: set[str] = set()
            tokens: set[str] = set()
            for name in prepared.names:
                keys |= name_keys(name)
                tokens.update(name.tokens)
                index.name_count += 1
            for key in keys:
                index.postings[key].append(position)
            for token in tokens:
                index.token_df[token] += 1
            for key in prepared.id_keys:
                index.id_postings[key].append(position)
        index.postings = dict(index.postings)
        index.id_postings = dict(index.id_postings)
        index.token_df = dict(index.token_df)
        index._idf = {t: max(0.5, math.log((len(index.entities) + 1) / (df + 1)))
                      for t, df in index.token_df.items()}
        return index

    def __len__(self) -> int:
        return len(self.entities)

    def idf(self, token: str) -> float:
        """How rare a token is among the indexed entities (log-scaled, at least 0.5)."""
        known = self._idf.get(token)
        if known is not None:
            return known
        return max(0.5, math.log((len(self.entities) + 1) / (self.token_df.get(token, 0) + 1)))

    def candidates(self, names: Iterable[PreparedName], id_keys: Iterable[str]) -> set[int]:
        """Positions of every entity sharing a name key or an identifier key with the query."""
        found: set[int] = set()
        keys: set[str] = set()
        for name in names:
            keys |= name_keys(name)
        for key in keys:
            posting = self.postings.get(key)
            if posting:
                found.update(posting)
        for key in id_keys:
            posting = self.id_postings.get(key)
            if posting:
                found.update(posting)
        return found
