"""How the service is configured: light enough for ``moneytrail serve``'s supervisor, which
imports neither the app nor the matcher (:mod:`moneytrail.api.supervise`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any


#: Entries each memo cache of the matcher may hold in the service (``names/memo.py``): the
#: supervisor caps them so for its workers, whose caches then drop their least recently used
#: entries one at a time.
MEMO_ITEMS = 10_000


@dataclass(frozen=True)
class ApiConfig:
    """How the service behaves (:func:`config_from_settings` fills it from the
    ``MONEYTRAIL_API_*`` settings)."""

    auth: bool = True
    max_body: int = 16 * 1024 * 1024  # bytes: 10,000 queries of a few fields fit easily
    rate: float = 100.0  # requests per second per key, unless the key says otherwise
    cors_origins: tuple[str, ...] = ()
    audit: bool = True
    reload_every: float = 0.0  # seconds between checks of the store for new snapshots; 0 = off


def config_from_settings(settings: Any, *, auth: bool = True) -> ApiConfig:
    """The service's behaviour from the ``MONEYTRAIL_API_*`` settings."""
    from moneytrail.settings import SettingsError

    if not settings.api_rate > 0:
        raise SettingsError("MONEYTRAIL_API_RATE must be more than zero")
    if settings.api_max_body < 1024:
        raise SettingsError("MONEYTRAIL_API_MAX_BODY must be at least 1024 bytes")
    return ApiConfig(auth=auth, max_body=settings.api_max_body, rate=settings.api_rate,
                     cors_origins=settings.api_cors_origins, audit=settings.api_audit,
                     reload_every=settings.api_reload_every)


def uvicorn_options(log_level: str = "info") -> dict[str, Any]:
    """How uvicorn runs the app: no access log of its own (it prints query strings, names in
    them; :class:`~moneytrail.api.observe.Guard` logs each request without them), no server
    header, client addresses as the socket gives them."""
    return {"log_level": log_level, "access_log": False, "server_header": False,
            "proxy_headers": False}


def configure_logging(level: str) -> None:
    """Log lines to stderr with their time, level and logger (per worker process)."""
    logging.basicConfig(level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
