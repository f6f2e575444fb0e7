"""FollowTheMoney JSON lines: OpenSanctions ``entities.ftm.json`` exports and FtM delta files.

Two shapes, one JSON object per line (blank lines are skipped):

- an export: ``{"id": ..., "schema": ..., "properties": {...}, "datasets": [...], ...}``;
- a delta: ``{"op": "ADD" | "MOD" | "DEL", "entity": {...}}``; a ``DEL`` entity needs only ``id``.

Entities are read with :func:`moneytrail.ftm.ftm_to_entities`: sanctions, ownerships,
directorships, family links, passports and addresses are folded onto the person, company,
vessel ... they belong to, and nothing is dropped (see :mod:`moneytrail.ftm`).
``Entity.source`` is the list id, ``Entity.source_id`` the FtM id, ``Entity.id`` =
``source:source_id``; writing an entity back with :func:`moneytrail.ftm.entity_to_ftm` gives the
FtM id again.

**List id** (:func:`list_id`): ``ftm_`` + the dataset. The dataset is the first entity's
``datasets`` when it names exactly one (an OpenSanctions single-dataset export: ``ftm_eu_fsf``),
else the file name without its FtM suffixes (``.json``, ``.ftm``, ``.delta``, ``_entities``),
without runs of 8+ digits (export timestamps, so successive files of one list keep one id),
lower-cased, non-alphanumerics as ``_``: ``zala_entities.ftm.json`` -> ``ftm_zala``. If nothing is
left, the folder name is used (``sanctions/entities.ftm.json`` -> ``ftm_sanctions``).

**Deltas**: ``parse`` on a delta file yields only the upserts (entities of ``ADD``/``MOD`` ops),
as a delta cannot say "delete" with an entity. :func:`parse_delta` yields every op in file order:
``(op, Entity)`` for upserts and ``("DEL", entity_id)`` for deletions, so a store can apply it.
Use :func:`is_delta` before loading a file as a snapshot: a delta is a change, not a whole list.
Within a delta, a folded entity (a new ``Sanction``) is folded onto its holder when the holder is
in the same delta (the holder's op is used); otherwise it comes as a carrier entity
(``moneytrail.ftm.is_carrier``), and a ``DEL`` of a folded entity names an id that is a
``Program.id`` / ``Relation.id`` rather than an entity: the store has to look for it there.

**Publication date** (:func:`published`): the newest ``last_seen`` of the file's entities (the
export run that last saw them), as ``YYYY-MM-DD``; None when there is none.

**Errors** (:class:`~moneytrail.sources.base.SourceError`, naming the file and line): invalid JSON,
a line that is not an object, a delta line mixed into an export (or the reverse), an unknown op,
an entity without ``id``, ``schema`` or ``properties``, an unknown schema, two different entities
with one id. A link to an id that is not in the file is not an error: it is kept as
``Relation.target`` (``source:id``), as the target may be in another dataset.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# A module import, not names: importing moneytrail.ftm first loads the sources registry, which
# imports this module while moneytrail.ftm is still loading.
import moneytrail.ftm as ftm
from moneytrail.model import Entity
from moneytrail.sources.base import Format, SourceError, classify_dprk

DELTA_OPS = ("ADD", "MOD", "DEL")
_HEAD = 65536
_SUFFIXES = (".gz", ".json", ".jsonl", ".ndjson", ".ftm", ".delta", ".entities")
_ENTITIES = re.compile(r"[_.\-]?entities$")
_TIMESTAMP = re.compile(r"\d{8,}")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Line:
    """One entity line of an FtM file: its line number, its delta op (None in an export)."""

    line: int
    op: str | None
    entity: dict[str, Any]


def _slug(text: str) -> str:
    return _NON_SLUG.sub("_", text.lower()).strip("_")


def list_id(path: Path, first: dict[str, Any] | None) -> str:
    """The list id of an FtM file, from its first entity and its name (see the module doc)."""
    datasets = first.get("datasets") if isinstance(first, dict) else None
    if isinstance(datasets, list) and len(datasets) == 1 and isinstance(datasets[0], str):
        if _slug(datasets[0]):
            return "ftm_" + _slug(datasets[0])
    name = path.name.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                name, changed = name[: -len(suffix)], True
    name = _ENTITIES.sub("", name)
    stem = _slug(_TIMESTAMP.sub("", name)) or _slug(_TIMESTAMP.sub("", path.parent.name))
    return "ftm_" + (stem or "export")


def _shape(obj: Any) -> str | None:
    """``export`` or ``delta`` if a decoded first line looks like one, else None."""
    if not isinstance(obj, dict):
        return None
    if obj.get("op") in DELTA_OPS and isinstance(obj.get("entity"), dict):
        return "delta"
    if isinstance(obj.get("id"), str) and isinstance(obj.get("schema"), str) \
            and isinstance(obj.get("properties"), dict):
        return "export"
    return None


def _first_object(path: Path, head: bytes) -> Any:
    """The first non-blank line of the file, decoded; None if it is not JSON."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    line = stripped.split("\n", 1)[0]
    if "\n" not in stripped and len(head) >= _HEAD:  # the first line is longer than the head
        if '"schema"' not in line and '"op"' not in line:
            return None
        with open(path, "rb") as f:
            raw = next((b for b in f if b.strip()), b"")
        line = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        return json.loads(line)
    except ValueError:
        return None


def sniff(path: Path, head: bytes) -> str | None:
    """``ftm_<dataset>`` if the first line is an FtM entity or an FtM delta op, else None."""
    obj = _first_object(path, head)
    shape = _shape(obj)
    if shape is None:
        return None
    return list_id(path, obj["entity"] if shape == "delta" else obj)


def is_delta(path: Path) -> bool:
    """Whether an FtM file is a delta (its first line is an op), not a whole export."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    return _shape(_first_object(path, head)) == "delta"


def read_lines(path: Path) -> list[Line]:
    """Every entity line of an FtM file, checked; raises SourceError naming the line."""
    out: list[Line] = []
    shape = None
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"not UTF-8: {exc.reason}", line=number) from None
            if number == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise SourceError(path, f"invalid JSON: {exc.msg} (column {exc.colno})",
                                  line=number) from None
            if not isinstance(obj, dict):
                raise SourceError(path, f"not a JSON object but {type(obj).__name__}",
                                  line=number)
            this = "delta" if "op" in obj else "export"
            if shape is None:
                shape = this
            elif shape != this:
                what = "a delta op in an entity export" if this == "delta" \
                    else "a plain entity in a delta file"
                raise SourceError(path, what, line=number)
            op = None
            entity = obj
            if this == "delta":
                op = obj["op"]
                entity = obj.get("entity")
                if op not in DELTA_OPS:
                    raise SourceError(path, f"unknown delta op {op!r}", line=number)
                if not isinstance(entity, dict):
                    raise SourceError(path, f"{op} without an 'entity' object", line=number)
            try:
                if op == "DEL":
                    if not isinstance(entity.get("id"), str) or not entity["id"]:
                        raise ftm.FtMError("DEL without an entity id")
                else:
                    ftm.check_record(entity)
            except ftm.FtMError as exc:
                raise SourceError(path, exc.reason, line=number) from None
            out.append(Line(number, op, entity))
    return out


def _entities(path: Path, lines: list[Line], source: str) -> Iterator[Entity]:
    try:
        for entity in ftm.ftm_to_entities((line.entity for line in lines), source=source):
            yield classify_dprk(entity)
    except ftm.FtMError as exc:
        line = lines[exc.index].line if exc.index is not None else None
        raise SourceError(path, exc.reason, line=line) from None


def _source(path: Path, lines: list[Line]) -> str:
    return list_id(path, lines[0].entity if lines else None)


def parse(path: Path) -> Iterator[Entity]:
    """The entities of an FtM export, or the upserts (ADD/MOD) of a delta file."""
    lines = read_lines(path)
    upserts = [line for line in lines if line.op != "DEL"]
    yield from _entities(path, upserts, _source(path, lines))


def parse_delta(path: Path) -> Iterator[tuple[str, Entity | str]]:
    """Every op of a delta, in file order: ``(ADD|MOD, Entity)`` or ``("DEL", entity id)``.

    An export (no ops) reads as all ``ADD``. The entity id of a deletion is ``source:ftm_id``.
    """
    lines = read_lines(path)
    source = _source(path, lines)
    upserts = [line for line in lines if line.op != "DEL"]
    by_id = {line.entity["id"]: line for line in upserts}
    events: list[tuple[int, str, Entity | str]] = []
    for entity in _entities(path, upserts, source):
        line = by_id[entity.source_id]
        events.append((line.line, line.op or "ADD", entity))
    events.extend((line.line, "DEL", f"{source}:{line.entity['id']}")
                  for line in lines if line.op == "DEL")
    events.sort(key=lambda event: event[0])
    for _, op, payload in events:
        yield op, payload


def published(path: Path) -> str | None:
    """The newest ``last_seen`` date of the file's entities, or None."""
    newest = ""
    with open(path, "rb") as f:
        for raw in f:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            entity = obj.get("entity") if isinstance(obj, dict) and "op" in obj else obj
            seen = entity.get("last_seen") if isinstance(entity, dict) else None
            if isinstance(seen, str) and seen[:10] > newest:
                newest = seen[:10]
    return newest or None


FORMAT = Format(name="ftm_json", sniff=sniff, parse=parse, published=published)
