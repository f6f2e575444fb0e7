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
