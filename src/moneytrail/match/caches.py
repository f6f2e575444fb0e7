"""The matcher's memo caches, listed once, so a long-running service can hold them to a budget.

The pure functions of ``names/`` and ``match/`` memoise with :func:`functools.lru_cache`, sized
for a bulk run, where a million names repeat their words (``token_sim`` keeps 262,144 pairs,
``prepare_name`` 50,000 names). A service answers for months: :func:`trim` empties each cache
that holds more than a given number of entries, so the process stays within its memory; the
entries come back as queries need them. ``moneytrail serve`` caps the caches instead when they
are made (:mod:`moneytrail.names.memo`): emptying a full cache at once is a stall.
"""

from __future__ import annotations

from typing import Any

from moneytrail.match import prepare, score, tokens
from moneytrail.names import korean, orgs, text

_MODULES = (prepare, score, tokens, korean, orgs, text)


def memo_caches() -> list[Any]:
    """Every lru-cached function of the matcher (each once)."""
    found: dict[int, Any] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if callable(value) and hasattr(value, "cache_info") and hasattr(value, "cache_clear"):
                found[id(value)] = value
    return list(found.values())


def trim(limit: int) -> int:
    """Empty every memo cache holding more than ``limit`` entries; returns how many were."""
    emptied = 0
    for cached in memo_caches():
        if cached.cache_info().currsize > limit:
            cached.cache_clear()
            emptied += 1
    return emptied
