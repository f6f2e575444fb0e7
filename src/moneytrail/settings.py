"""The one typed settings object, read from ``MONEYTRAIL_*`` environment variables at the face."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Where moneytrail keeps its store and finds the shared data.

    - ``home`` (``MONEYTRAIL_HOME``, default ``~/.moneytrail``): the embedded SQLite store lives here.
    - ``database_url`` (``MONEYTRAIL_DATABASE_URL``): any SQLAlchemy URL; default SQLite in ``home``.
    - ``data_dir`` (``MONEYTRAIL_DATA_DIR``, default ``../shared/data`` beside the project): the
      real lists, payments and names used by the demo, tests and benchmarks.

    The screening service (``moneytrail serve``):

    - ``api_max_body`` (``MONEYTRAIL_API_MAX_BODY``, bytes, default 16 MiB): larger request
      bodies are refused with 413 before they are read.
    - ``api_rate`` (``MONEYTRAIL_API_RATE``, default 100): requests per second per API key,
      unless the key was created with its own ``--rate``.
    - ``api_cors_origins`` (``MONEYTRAIL_API_CORS_ORIGINS``, comma-separated, default none):
      browser origins allowed to call the API; CORS is off when empty.
    - ``api_reload_every`` (``MONEYTRAIL_API_RELOAD_EVERY``, seconds, default 0 = off): how
      often the service looks in the store for new snapshots and reloads.
    - ``api_audit`` (``MONEYTRAIL_API_AUDIT``, default 1): keep a record of every call.
    """

    home: Path
    database_url: str
    data_dir: Path
    api_max_body: int = 16 * 1024 * 1024
    api_rate: float = 100.0
    api_cors_origins: tuple[str, ...] = ()
    api_reload_every: float = 0.0
    api_audit: bool = True

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        home = Path(env.get("MONEYTRAIL_HOME") or Path.home() / ".moneytrail").expanduser()
        url = env.get("MONEYTRAIL_DATABASE_URL") or f"sqlite:///{home / 'moneytrail.db'}"
        data = env.get("MONEYTRAIL_DATA_DIR") or str(_PROJECT_ROOT.parent / "shared" / "data")
        return cls(home=home, database_url=url, data_dir=Path(data).expanduser().resolve(),
                   api_max_body=int(_number(env, "MONEYTRAIL_API_MAX_BODY", 16 * 1024 * 1024)),
                   api_rate=_number(env, "MONEYTRAIL_API_RATE", 100.0),
                   api_cors_origins=tuple(o.strip() for o in
                                          env.get("MONEYTRAIL_API_CORS_ORIGINS", "").split(",")
                                          if o.strip()),
                   api_reload_every=_number(env, "MONEYTRAIL_API_RELOAD_EVERY", 0.0),
                   api_audit=env.get("MONEYTRAIL_API_AUDIT", "1").strip().lower()
                   not in ("0", "false", "no", "off"))


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


def _number(env, name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value < 0 or value != value:
        raise SettingsError(f"{name}={raw!r} must be zero or more")
    return value
