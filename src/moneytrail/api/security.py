"""Who is calling: API keys checked against the store, roles, and a rate limit per key.

A key is sent as ``Authorization: Bearer mt_...`` (``ApiKey mt_...``, as yente's clients send
it, is accepted too) or ``X-API-Key: mt_...``. A missing, malformed, unknown or revoked key is
``401``; a key whose role does not allow the route is ``403``. Neither says which it was.

Verified keys are remembered for a few seconds (:data:`KEY_CACHE_SECONDS`), so a busy client
costs one database read every few seconds, not one per request; a revoked key is refused from
the next read on. When a live key's entry expires, one background read renews it while the
key's requests go on with the entry they had (for at most another :data:`KEY_CACHE_SECONDS`):
before, every request arriving during the read missed too and queued a read of its own, and
at 200 requests/s those reads stalled the service for 50-200 ms every five seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from moneytrail.store import Store
from moneytrail.store.access import ApiKey, verify_key

KEY_CACHE_SECONDS = 5.0
LOCAL = ApiKey("local", "--no-auth", "admin", None, "")  # the caller when auth is off


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per key: ``rate`` requests per second, bursts up to one second's worth
    (at least 10). Per process: with ``--workers N`` each worker keeps its own buckets."""

    def __init__(self, default_rate: float) -> None:
        self.default_rate = default_rate
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate: float | None) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is free."""
        rate = rate or self.default_rate
        burst = max(rate, 10.0)
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate


class KeyChecker:
    """Tokens -> live keys, through a short cache (see the module doc)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()
        self._renewing: set[str] = set()

    def check_cached(self, token: str) -> ApiKey | None:
        """The key, if a check within the last few seconds found it live (no database read);
        past that, while one background read renews the entry (see the module doc)."""
        hit = self._cache.get(token)
        if hit is None or hit[1] is None:
            return None
        expires, key = hit
        now = time.monotonic()
        if expires > now:
            return key
        if now - expires >= KEY_CACHE_SECONDS:
            return None  # (the renewal failed or took too long: the caller reads)
        with self._lock:
            if token in self._renewing:
                return key
            self._renewing.add(token)
        threading.Thread(target=self._renew, args=(token,), name="moneytrail-key-renew",
                         daemon=True).start()
        return key

    def _renew(self, token: str) -> None:
        try:
            self._read(token)
        finally:
            with self._lock:
                self._renewing.discard(token)

    def check(self, token: str | None) -> ApiKey | None:
        """The live key a token belongs to (cached for a few seconds), or None."""
        if not token:
            return None
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is not None and hit[0] > now:
            return hit[1]
        return self._read(token)

    def _read(self, token: str) -> ApiKey | None:
        now = time.monotonic()
        key = verify_key(self.store, token)
        with self._lock:
            if len(self._cache) > 10_000:  # a flood of made-up tokens cannot grow it for ever
                self._cache.clear()
            self._cache[token] = (now + KEY_CACHE_SECONDS, key)
        return key


def token_of(authorization: str | None, x_api_key: str | None) -> str | None:
    """The key a request presents, from ``Authorization`` or ``X-API-Key``."""
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() in ("bearer", "apikey") and value.strip():
            return value.strip()
    return None

