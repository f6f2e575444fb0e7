"""Shared fixtures: the real data directory (MONEYTRAIL_DATA_DIR) and a throw-away home."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.settings import Settings


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared real data; the suite fails loudly rather than skip when it is missing."""
    path = Settings.from_env().data_dir
    assert (path / "lists").is_dir(), f"MONEYTRAIL_DATA_DIR={path} has no lists/ folder"
    return path


@pytest.fixture(scope="session")
def lists_dir(data_dir: Path) -> Path:
    return data_dir / "lists"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL server on loopback, for the whole session (skipped loudly if absent)."""
    from tests.pg import PostgresServer, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL NOT TESTED: no initdb on this machine (make test installs the "
                    "postgresql package where it can)")
    server = PostgresServer(bin_dir)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Each store test runs on the embedded SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    from sqlalchemy import create_engine

    from moneytrail.store.schema import metadata

    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    metadata.drop_all(engine)  # a clean database for every test
    engine.dispose()
    return url


LIST_FILES = ("ofac_sdn_2024-05-03/sdn.csv", "un_2026-02-27/consolidated.xml",
              "uk_ofsi_2018-04-13/ConList.csv", "ofac_cons_2025-12/cons_prim.csv")


@pytest.fixture(scope="session")
def lists_screener(lists_dir: Path):
    """A Screener over the newest SDN, the UN list, UK OFSI and OFAC consolidated (built once
    per session: the modules that only use it share it)."""
    from moneytrail.screening import Screener
    from moneytrail.sources import detect

    entities = []
    for rel in LIST_FILES:
        hit = detect(lists_dir / rel)
        entities.extend(hit.format.parse(hit.path))
    return Screener.from_entities(entities, snapshot_ids=(1, 2, 3, 4))
