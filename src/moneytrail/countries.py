"""Country names and codes: any spelling a list uses -> lower-case ISO 3166-1 alpha-2.

A leaf module like :mod:`moneytrail.model`: it imports nothing of ours. The table
(``data/countries.tsv``) is generated from the countrynames package's MIT-licensed data by
``scripts/make_countries.py``; we ship the table rather than depend on the package because it
pulls in PyICU, which needs a C++ compiler and ICU headers to install.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

_NON_WORD = re.compile(r"[^\w]+")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _NON_WORD.sub(" ", text).strip()


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    raw = files("moneytrail").joinpath("data/countries.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if line and not line.startswith("#"):
            name, code = line.split("\t")
            table[name] = code
    return table


@cache
def _codes() -> frozenset[str]:
    return frozenset(code.lower() for code in _table().values() if len(code) == 2)


@lru_cache(maxsize=65536)
def country_code(text: str | None) -> str | None:
    """The lower-case ISO alpha-2 code for a country name, adjective or code; None if unknown.

    ``country_code("Korea, North") == "kp"``; ``country_code("KP") == "kp"``;
    ``country_code("North Korean") == "kp"``. Sub-national codes (``UA-CRI``) are returned as is,
    lower-cased.
    """
    if not text:
        return None
    stripped = text.strip()
    if len(stripped) == 2 and stripped.lower() in _codes():
        return stripped.lower()
    code = _table().get(_norm(stripped))
    return code.lower() if code else None


def is_north_korea(text: str | None) -> bool:
    """Whether a free-text place or country mentions North Korea (DPRK, Pyongyang, ...)."""
    if not text:
        return False
    norm = _norm(text)
    if country_code(text) == "kp":
        return True
    return any(marker in norm for marker in _DPRK_MARKERS)


_DPRK_MARKERS = (
    "north korea",
    "korea north",
    "korea dprk",
    "dprk",
    "democratic people s republic of korea",
    "korea democratic people s republic",
    "pyongyang",
    "p yongyang",
)
