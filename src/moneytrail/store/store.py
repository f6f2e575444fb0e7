"""The :class:`Store`: write a snapshot in one transaction, read snapshots and entities, diff them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import Engine, create_engine, event, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from moneytrail.model import Entity, Snapshot, version_of
from moneytrail.store.audit import record_snapshot
from moneytrail.store.schema import entity_versions, metadata, snapshot_entities, snapshots

_BATCH = 2000


class StoreError(Exception):
    """The store refused an operation; nothing was written."""


@dataclass(frozen=True)
class FieldChange:
    """One field of one entity that differs between two snapshots.

    For list fields (names, identifiers, ...) ``added``/``removed`` hold the items that appear only
    in the new or only in the old version; for scalar fields ``old``/``new`` hold the values.
    """

    field: str
    old: Any = None
    new: Any = None
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.added or self.removed:
            out["added"] = list(self.added)
            out["removed"] = list(self.removed)
        else:
            out["old"] = self.old
            out["new"] = self.new
        return out


@dataclass(frozen=True)
class EntityChange:
    """An entity present in both snapshots whose content changed."""

    entity_id: str
    caption: str
    schema: str
    dprk: bool
    fields: tuple[FieldChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "dprk": self.dprk,
            "changes": [c.to_dict() for c in self.fields],
        }


@dataclass(frozen=True)
class EntityRef:
    """An entity as listed in a snapshot, without its body."""

    entity_id: str
    caption: str
    schema: str
    dprk: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.entity_id, "caption": self.caption, "schema": self.schema,
                "dprk": self.dprk}


@dataclass(frozen=True)
class SnapshotDiff:
    """What changed from snapshot ``old`` to snapshot ``new`` of one list."""

    old: Snapshot
    new: Snapshot
    added: tuple[EntityRef, ...] = ()
    removed: tuple[EntityRef, ...] = ()
    changed: tuple[EntityChange, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": snapshot_to_dict(self.old),
            "new": snapshot_to_dict(self.new),
            "added": [e.to_dict() for e in self.added],
            "removed": [e.to_dict() for e in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


def snapshot_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot as JSON-ready dict (for ``--json`` output and the API)."""
    return {
        "id": snapshot.id,
        "source": snapshot.source,
        "format": snapshot.format,
        "published": snapshot.published,
        "loaded_at": snapshot.loaded_at,
        "sha256": snapshot.sha256,
        "files": list(snapshot.files),
        "counts": snapshot.counts,
    }


def count_entities(entities: Iterable[Entity]) -> dict[str, int]:
    """Counts by schema, plus ``dprk`` (DPRK-related) and ``total``."""
    counts: Counter[str] = Counter()
    for entity in entities:
        counts[entity.schema.value] += 1
        counts["dprk"] += entity.dprk
        counts["total"] += 1
    return dict(counts)


class Store:
    """Snapshots of every list, in one SQL database.

    ``Store.open(url)`` creates the tables if needed. SQLite (the default) runs with WAL and
    foreign keys on. Every write goes through :meth:`add_snapshot`, which is all-or-nothing.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    @classmethod
    def open(cls, url: str) -> "Store":
        """Open (and create) the store at an SQLAlchemy URL; creates the SQLite file's folder."""
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True,
                                                                            exist_ok=True)
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine)

    # -- writing -------------------------------------------------------------------------

    def add_snapshot(self, snapshot: Snapshot, entities: list[Entity], *,
                     force: bool = False) -> Snapshot:
        """Write a snapshot and its entities in one transaction and return it with its id.

        Refuses (``StoreError``, nothing written) an entity id twice in one snapshot, and an
        empty snapshot where the list's last snapshot had entities, unless ``force``.
        """
        ids = Counter(e.id for e in entities)
        dupes = [i for i, n in ids.items() if n > 1]
        if dupes:
            raise StoreError(f"{snapshot.source}: entity id(s) repeated in one snapshot: "
                             f"{', '.join(sorted(dupes)[:5])}")
        if not entities and not force:
            last = self.latest(snapshot.source)
            if last is not None and last.counts.get("total", 0) > 0:
                raise StoreError(
                    f"{snapshot.source}: the new list is empty but snapshot {last.id} "
                    f"({last.published}) has {last.counts['total']} entities; refusing to "
                    f"replace it (use --force if the list really is empty now)")
        counts = count_entities(entities)
        try:
            with self.engine.begin() as conn:
                result = conn.execute(insert(snapshots).values(
                    source=snapshot.source, format=snapshot.format, published=snapshot.published,
                    loaded_at=snapshot.loaded_at, sha256=snapshot.sha256,
                    files=json.dumps(list(snapshot.files)), counts=json.dumps(counts),
                    total=counts.get("total", 0)))
                snapshot_id = result.inserted_primary_key[0]
                for start in range(0, len(entities), _BATCH):
                    batch = entities[start:start + _BATCH]
                    # one serialisation per entity: the body and its hash (Entity.version)
                    bodies = [e.canonical_json() for e in batch]
                    versions = [version_of(body) for body in bodies]
                    self._insert_versions(conn, dict(zip(versions, bodies)))
                    conn.execute(insert(snapshot_entities), [
                        {"snapshot_id": snapshot_id, "entity_id": e.id, "version": v,
                         "schema": e.schema.value, "caption": e.caption, "dprk": e.dprk}
                        for e, v in zip(batch, versions)])
                stored = Snapshot(id=snapshot_id, source=snapshot.source, format=snapshot.format,
                                  published=snapshot.published, loaded_at=snapshot.loaded_at,
                                  sha256=snapshot.sha256, files=snapshot.files, counts=counts)
                record_snapshot(conn, stored)  # in the audit trail, in the same transaction
        except SQLAlchemyError as exc:
            raise StoreError(f"{snapshot.source}: could not write the snapshot: {exc}") from exc
        return stored

    def _insert_versions(self, conn: Any, bodies: dict[str, str]) -> None:
        existing = set(conn.scalars(select(entity_versions.c.version).where(
            entity_versions.c.version.in_(list(bodies)))))
        rows = [{"version": v, "body": b} for v, b in bodies.items() if v not in existing]
        if rows:
            conn.execute(insert(entity_versions), rows)

    # -- reading -------------------------------------------------------------------------

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        """All snapshots (of one list, if given), oldest publication first."""
        query = select(snapshots).order_by(snapshots.c.source, snapshots.c.published,
                                           snapshots.c.id)
        if source is not None:
            query = query.where(snapshots.c.source == source)
        with self.engine.connect() as conn:
            return [_row_to_snapshot(r) for r in conn.execute(query).mappings()]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        """One snapshot by id; ``StoreError`` if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).mappings()
            found = row.first()
        if found is None:
            raise StoreError(f"no snapshot with id {snapshot_id}")
        return _row_to_snapshot(found)

    def latest(self, source: str) -> Snapshot | None:
        """The newest snapshot of a list (by publication date, then load order), or None."""
        found = self.snapshots(source)
        return found[-1] if found else None

    def latest_snapshots(self) -> list[Snapshot]:
        """The newest snapshot of every list: what is in service."""
        newest: dict[str, Snapshot] = {}
        for snap in self.snapshots():
            newest[snap.source] = snap
        return list(newest.values())

    def find_by_sha256(self, source: str, sha256: str) -> Snapshot | None:
        """A snapshot of this list loaded from exactly these bytes, if any."""
        for snap in self.snapshots(source):
            if snap.sha256 == sha256:
                return snap
        return None

    def entities(self, snapshot_id: int) -> Iterator[Entity]:
        """Every entity of a snapshot, in entity id order."""
        query = (select(entity_versions.c.body)
                 .join(snapshot_entities,
                       snapshot_entities.c.version == entity_versions.c.version)
                 .where(snapshot_entities.c.snapshot_id == snapshot_id)
                 .order_by(snapshot_entities.c.entity_id))
        with self.engine.connect() as conn:
            for body in conn.execute(query).scalars():
                yield Entity.from_dict(json.loads(body))

    def entity(self, entity_id: str, snapshot_id: int | None = None) -> Entity | None:
        """One entity as in a snapshot (default: the newest snapshot that holds it)."""
        query = (select(entity_versions.c.body)
                 .join(snapshot_entities,
                       snapshot_entities.c.version == entity_versions.c.version)
                 .join(snapshots, snapshots.c.id == snapshot_entities.c.snapshot_id)
                 .where(snapshot_entities.c.entity_id == entity_id)
                 .order_by(snapshots.c.published.desc(), snapshots.c.id.desc()).limit(1))
        if snapshot_id is not None:
            query = query.where(snapshot_entities.c.snapshot_id == snapshot_id)
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return Entity.from_dict(json.loads(body)) if body is not None else None

    def version_count(self) -> int:
        """How many distinct entity bodies the store holds (across all snapshots)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(entity_versions)).scalar_one()

    # -- diff ----------------------------------------------------------------------------

    def diff(self, old_id: int, new_id: int) -> SnapshotDiff:
        """Entities added, removed and changed (field by field) from snapshot old to new."""
        old, new = self.snapshot(old_id), self.snapshot(new_id)
        if old.source != new.source:
            raise StoreError(f"snapshots {old_id} ({old.source}) and {new_id} ({new.source}) "
                             "are of different lists")
        old_rows, new_rows = self._index(old_id), self._index(new_id)
        added = tuple(new_rows[i][1] for i in sorted(new_rows.keys() - old_rows.keys()))
        removed = tuple(old_rows[i][1] for i in sorted(old_rows.keys() - new_rows.keys()))
        changed_ids = sorted(i for i in old_rows.keys() & new_rows.keys()
                             if old_rows[i][0] != new_rows[i][0])
        bodies = self._bodies({old_rows[i][0] for i in changed_ids}
                              | {new_rows[i][0] for i in changed_ids})
        changed = []
        for entity_id in changed_ids:
            ref = new_rows[entity_id][1]
            fields = diff_fields(bodies[old_rows[entity_id][0]], bodies[new_rows[entity_id][0]])
            changed.append(EntityChange(entity_id, ref.caption, ref.schema, ref.dprk, fields))
        return SnapshotDiff(old=old, new=new, added=added, removed=removed, changed=tuple(changed))

    def _index(self, snapshot_id: int) -> dict[str, tuple[str, EntityRef]]:
        query = select(snapshot_entities.c.entity_id, snapshot_entities.c.version,
                       snapshot_entities.c.caption, snapshot_entities.c.schema,
                       snapshot_entities.c.dprk).where(
            snapshot_entities.c.snapshot_id == snapshot_id)
        with self.engine.connect() as conn:
            return {r.entity_id: (r.version, EntityRef(r.entity_id, r.caption, r.schema,
                                                       bool(r.dprk)))
                    for r in conn.execute(query)}

    def _bodies(self, versions: set[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        wanted = list(versions)
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                query = select(entity_versions.c.version, entity_versions.c.body).where(
                    entity_versions.c.version.in_(wanted[start:start + 500]))
                for version, body in conn.execute(query):
                    out[version] = json.loads(body)
        return out


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Field-by-field differences between two ``Entity.to_dict()`` bodies, in field order."""
    changes = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            b, a = before or [], after or []
            b_keys = [json.dumps(x, sort_keys=True) for x in b]
            a_keys = [json.dumps(x, sort_keys=True) for x in a]
            b_set, a_set = set(b_keys), set(a_keys)
            added = tuple(x for x, k in zip(a, a_keys) if k not in b_set)
            removed = tuple(x for x, k in zip(b, b_keys) if k not in a_set)
            if added or removed:
                changes.append(FieldChange(key, added=added, removed=removed))
            else:  # same items, new order
                changes.append(FieldChange(key, old=b, new=a))
        else:
            changes.append(FieldChange(key, old=before, new=after))
    return tuple(changes)


def _row_to_snapshot(row: Any) -> Snapshot:
    return Snapshot(id=row["id"], source=row["source"], format=row["format"],
                    published=row["published"], loaded_at=row["loaded_at"], sha256=row["sha256"],
                    files=tuple(json.loads(row["files"])), counts=json.loads(row["counts"]))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def utcnow() -> str:
    """The current time as an ISO timestamp in UTC, second precision."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
