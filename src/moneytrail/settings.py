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
    """

    home: Path
    database_url: str
    data_dir: Path

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        home = Path(env.get("MONEYTRAIL_HOME") or Path.home() / ".moneytrail").expanduser()
        url = env.get("MONEYTRAIL_DATABASE_URL") or f"sqlite:///{home / 'moneytrail.db'}"
        data = env.get("MONEYTRAIL_DATA_DIR") or str(_PROJECT_ROOT.parent / "shared" / "data")
        return cls(home=home, database_url=url, data_dir=Path(data).expanduser().resolve())
