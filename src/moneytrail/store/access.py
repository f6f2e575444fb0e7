"""Who may call the screening service (API keys) and what they called (call records).

A key is ``mt_<id>_<secret>``: the id is public and names the key in logs and call records; the
secret is 32 random bytes, shown once when the key is created and stored only as its SHA-256.
A slow password hash (bcrypt, scrypt) protects secrets people choose; a 256-bit random secret
cannot be guessed from its SHA-256, and checking it costs microseconds on every request.

Call records are append-only rows of ``api_calls``: when, which key and role, which route
(its template: never a name or a birth date), how many queries, the status and the snapshots
that answered.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import insert, select, update

from moneytrail.store.schema import api_calls, api_keys
from moneytrail.store.store import Store, StoreError, utcnow

ROLES = ("viewer", "analyst", "admin")  # each role may do what the ones before it may
_PREFIX = "mt_"


@dataclass(frozen=True)
class ApiKey:
    """A key as stored (without its secret)."""

    id: str
    name: str
    role: str
    rate: float | None
    created_at: str
    revoked_at: str | None = None

    def allows(self, role: str) -> bool:
        """Whether this key's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "rate": self.rate,
                "created_at": self.created_at, "revoked_at": self.revoked_at}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: Store, role: str, name: str, rate: float | None = None) -> tuple[ApiKey, str]:
    """A new key of ``role``; returns it and the full token, which is shown only this once."""
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if rate is not None and not rate > 0:
        raise StoreError(f"rate must be a positive number of requests per second, not {rate!r}")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(key_id, name, role, rate, utcnow())
    with store.engine.begin() as conn:
        conn.execute(insert(api_keys).values(id=key.id, name=name, role=role, rate=rate,
                                             secret_sha256=_digest(secret),
                                             created_at=key.created_at))
    return key, f"{_PREFIX}{key_id}_{secret}"


def verify_key(store: Store, token: str) -> ApiKey | None:
    """The live key a token belongs to, or None (malformed, unknown, wrong secret, revoked)."""
    if not token.startswith(_PREFIX):
        return None
    key_id, sep, secret = token[len(_PREFIX):].partition("_")
    if not sep or not key_id or not secret or len(token) > 200:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(row["secret_sha256"], _digest(secret)):
        return None
    return _key(row)


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at,
                                                      api_keys.c.id)).mappings()
        return [_key(r) for r in rows]


def revoke_key(store: Store, key_id: str) -> ApiKey:
    """Revoke a key (kept, marked with the time); a revoked key is refused from then on."""
    with store.engine.begin() as conn:
        done = conn.execute(update(api_keys).where(api_keys.c.id == key_id,
                                                   api_keys.c.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    if row is None:
        raise StoreError(f"no API key with id {key_id!r}")
    if done.rowcount == 0:
        raise StoreError(f"API key {key_id!r} was already revoked at {row['revoked_at']}")
    return _key(row)


def _key(row: Any) -> ApiKey:
    return ApiKey(row["id"], row["name"], row["role"], row["rate"], row["created_at"],
                  row["revoked_at"])


@dataclass(frozen=True)
class CallRecord:
    """One call to the service, as the audit keeps it (no names, no birth dates)."""

    at: str
    request_id: str
    key_id: str | None
    role: str | None
    method: str
    route: str
    dataset: str | None
    queries: int
    status: int
    snapshots: str | None
    duration_ms: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def now_ms() -> str:
    """The current time in UTC as an ISO timestamp with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def record_calls(store: Store, records: Iterable[CallRecord]) -> int:
    """Append call records in one transaction; returns how many."""
    rows = [r.to_dict() for r in records]
    if rows:
        with store.engine.begin() as conn:
            conn.execute(insert(api_calls), rows)
    return len(rows)


def calls(store: Store, *, limit: int = 100) -> list[CallRecord]:
    """The newest ``limit`` call records, newest first."""
    query = select(api_calls).order_by(api_calls.c.id.desc()).limit(limit)
    with store.engine.connect() as conn:
        return [CallRecord(**{k: v for k, v in r.items() if k != "id"})
                for r in conn.execute(query).mappings()]
