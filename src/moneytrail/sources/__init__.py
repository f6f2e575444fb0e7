"""Parsers for every published list format, and the registry that recognises files by content.

``detect(path)`` reads a file's first 64 KiB and asks each format whether the file is one of its
main files; ``find_lists(directory)`` does that for every file below a folder (the air-gapped
``lists update --from DIR``). Each parser module exposes one ``FORMAT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from moneytrail.sources.base import Format, SourceError, date_from_path, sha256_files

__all__ = ["DetectedFile", "FORMATS", "Format", "SourceError", "detect", "find_lists",
           "format_by_name"]

# Order matters only where two formats could claim one file: the more specific first.
_MODULES = (
    "ofac_csv",
    "ofac_xml",
    "ofac_advanced",
    "un_xml",
    "uk_ofsi",
    "uk_fcdo",
    "eu_fsf",
    "ftm_json",
)


def _load_formats() -> tuple[Format, ...]:
    formats: list[Format] = []
    for name in _MODULES:
        module = import_module(f"moneytrail.sources.{name}")
        found = getattr(module, "FORMATS", None) or (module.FORMAT,)
        formats.extend(found)
    return tuple(formats)


FORMATS: tuple[Format, ...] = _load_formats()
_SNIFF_BYTES = 65536


@dataclass(frozen=True)
class DetectedFile:
    """A list file recognised by content: which list, which format, which files, which date."""

    path: Path
    source: str
    format: Format
    files: tuple[Path, ...]  # the main file first, then its companions

    @property
    def published(self) -> str | None:
        """The date the content states, else one written in the file or folder name."""
        return self.format.published(self.path) or date_from_path(self.path)

    def sha256(self) -> str:
        return sha256_files(self.files)


def format_by_name(name: str) -> Format:
    """The format with this name (``ofac_csv``, ``un_xml`` ...); ``KeyError`` if none."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def detect(path: Path) -> DetectedFile | None:
    """Recognise a file by its content; None if no format claims it as a main file."""
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    for fmt in FORMATS:
        source = fmt.sniff(path, head)
        if source:
            return DetectedFile(path=path, source=source, format=fmt,
                                files=(path, *fmt.companions(path)))
    return None


def find_lists(directory: Path) -> tuple[list[DetectedFile], list[Path]]:
    """Every list file below a folder, and the files that no format recognised.

    Companion files (OFAC ``alt.csv`` beside ``sdn.csv``) count as recognised.
    """
    paths = [p for p in sorted(directory.rglob("*")) if p.is_file()
             and not p.name.startswith(".") and not p.name.lower().startswith("readme")]
    found = [hit for hit in map(detect, paths) if hit is not None]
    used = {p for hit in found for p in hit.files}
    return found, [p for p in paths if p not in used]
