"""The matcher's memo caches: :func:`memo` is :func:`functools.lru_cache` with a size that a
long-running process may cap.

The pure functions of ``names/`` and ``match/`` are memoised with sizes chosen for a bulk run,
where a million names repeat their words (``token_sim`` keeps 262,144 pairs, ``prepare_name``
50,000 names). A service answers for months within a memory budget: with
``MONEYTRAIL_MEMO_ITEMS`` set when these modules are first imported (``moneytrail serve``'s
supervisor sets it for its workers), every cache holds at most that many entries and drops
the least recently used one by one, as ``lru_cache`` does. Emptying a full cache at once
instead (``match.caches.trim``) stalled every request for 6-34 ms.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

MEMO_ITEMS_ENV = "MONEYTRAIL_MEMO_ITEMS"


def memo_size(maxsize: int | None) -> int | None:
    """``maxsize`` (None: unbounded), capped by ``$MONEYTRAIL_MEMO_ITEMS`` when it is set."""
    cap = os.environ.get(MEMO_ITEMS_ENV, "").strip()
    if not cap:
        return maxsize
    try:
        limit = int(cap)
    except ValueError:
        raise ValueError(f"{MEMO_ITEMS_ENV} must be a whole number of entries, not {cap!r}")
    if limit < 1:
        raise ValueError(f"{MEMO_ITEMS_ENV} must be at least 1, not {limit}")
    return limit if maxsize is None else min(maxsize, limit)


def memo(maxsize: int | None) -> Callable[[Callable[..., Any]], Any]:
    """``functools.lru_cache(maxsize)``, capped as :func:`memo_size` says."""
    return lru_cache(maxsize=memo_size(maxsize))
