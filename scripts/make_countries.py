"""Regenerate src/moneytrail/data/countries.tsv from the countrynames package (MIT).

Run by hand in a throwaway environment (`pip install countrynames`); the package is not a
dependency of moneytrail because it pulls in PyICU, which needs a compiler and ICU headers.
"""

import re
import unicodedata
from pathlib import Path

from countrynames.data import DATA  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "src/moneytrail/data/countries.tsv"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w]+", " ", text).strip()


def main() -> None:
    rows: dict[str, str] = {}
    for code, names in DATA.items():
        if code == "FAIL":
            continue
        for name in names:
            key = norm(name)
            if key:
                rows.setdefault(key, code)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# normalised country name -> ISO 3166-1 alpha-2 (or a list code such as XK, ZZ).\n")
        f.write("# Generated from the countrynames package's data (MIT License, (c) Friedrich Lindenberg)"
                " by scripts/make_countries.py.\n")
        for key in sorted(rows):
            f.write(f"{key}\t{rows[key]}\n")


if __name__ == "__main__":
    main()
