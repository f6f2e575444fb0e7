"""The in-memory index: candidate keys -> entity positions, built once per set of snapshots.

Keys (see :func:`name_keys`): normalised tokens, phonetic codes of tokens, each token's first and
last three letters (typos), the name with its spaces removed, Korean reading keys (surname plus
given-name syllable classes), organisation compact forms and acronyms; and exact identifier keys
(passport, IMO, BIC, wallet ...). The scorer gives a name score above zero only to a pair of names
that share at least one of these keys (:func:`shares_key`), so candidate generation cannot miss an
entity the scorer would accept on its name.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from moneytrail.match.prepare import PreparedEntity, PreparedName, prepare_entity
from moneytrail.model import Entity, Schema
from moneytrail.names import text

_AFFIX = 3


def name_keys(name: PreparedName) -> set[str]:
    """Every blocking key of one prepared name."""
    keys: set[str] = set()
    for token in name.tokens:
        keys.add("t:" + token)
        if len(token) > _AFFIX + 1 and not token.isdigit():
            keys.add("b:" + token[:_AFFIX])
            keys.add("e:" + token[-_AFFIX:])
        if not token.isdigit():
            code = text.phonetic_key(token)
            if code:
                keys.add("p:" + code)
    if len(name.tokens) > 1:
        keys.add("c:" + "".join(name.tokens))
    for reading in name.korean:
        keys.add(korean_key(reading.surname, reading.given))
        if len(reading.given) >= 2:
            keys.add("kg:" + "|".join(reading.given))
    if name.org is not None:
        if name.org.compact:
            keys.add("c:" + name.org.compact)
        keys.update("a:" + a for a in name.org.acronyms)
        keys.update("t:" + t for t in name.org.tokens)
        if len(name.tokens) == 1:  # a query that is itself an acronym
            keys.add("a:" + name.tokens[0])
    for token in name.vessel:
        keys.add("t:" + token)
    return keys


def korean_key(surname: str, given: tuple[str, ...]) -> str:
    return "k:" + surname + "|" + "|".join(given)


def shares_key(a: PreparedName, b: PreparedName) -> bool:
    """Whether two names share a blocking key (the scorer's precondition for a name score)."""
    return not name_keys(a).isdisjoint(name_keys(b))


@dataclass
class Index:
    """Entities prepared for screening, with postings from keys to entity positions."""

    entities: list[PreparedEntity] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    id_postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    token_df: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    snapshot_ids: tuple[int, ...] = ()
    name_count: int = 0

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
        return index

    def __len__(self) -> int:
        return len(self.entities)

    def idf(self, token: str) -> float:
        """How rare a token is among the indexed entities (log-scaled, at least 0.5)."""
        df = self.token_df.get(token, 0)
        return max(0.5, math.log((len(self.entities) + 1) / (df + 1)))

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
