"""Persistence of list snapshots: embedded SQLite by default, any SQLAlchemy URL (PostgreSQL) too.

Layout (three tables, see :mod:`moneytrail.store.schema`):
- ``snapshots``: one row per load of one list (source, publication date, sha256, counts).
- ``entity_versions``: each distinct entity body once, keyed by its content hash
  (:meth:`moneytrail.model.Entity.version`), so a new snapshot costs only what changed.
- ``snapshot_entities``: which version of which entity id a snapshot holds.

A load is one transaction: all of a snapshot or none of it. Snapshots are never updated; the
difference between two snapshots is a query (:meth:`Store.diff`), not a stored copy.
"""

from moneytrail.store.store import (
    EntityChange,
    FieldChange,
    SnapshotDiff,
    Store,
    StoreError,
)

__all__ = ["EntityChange", "FieldChange", "SnapshotDiff", "Store", "StoreError"]
