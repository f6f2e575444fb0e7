"""Delta re-screening: a customer book screened again only against what a list release added or
changed, so a new SDN release costs a fraction of a full run.

The delta index holds only the entities added or changed since the given snapshots, but weighs
words as the index of every list in service does (``Index.build(rarity=...)``): an entity scores
the same in a delta run as in a full one, and a hit is a hit either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from moneytrail.match.index import Index
from moneytrail.model import Entity, Snapshot
from moneytrail.screening import Screener
from moneytrail.store import Store, StoreError


@dataclass(frozen=True)
class Delta:
    """Entities of the newest snapshots that are new or changed since older snapshots."""

    since: tuple[Snapshot, ...]  # the snapshots the book was last screened against
    new: tuple[Snapshot, ...]  # the newest snapshot of each of those lists
    entities: tuple[Entity, ...]
    change: dict[str, str]  # entity id -> "added" | "changed"

    @property
    def snapshot_of(self) -> dict[str, int]:
        """The new snapshot of each list: the one that brought a hit."""
        return {s.source: s.id for s in self.new if s.id is not None}

    def describe(self) -> dict[str, object]:
        added = sum(1 for c in self.change.values() if c == "added")
        return {"since": [s.id for s in self.since], "new": [s.id for s in self.new],
                "added": added, "changed": len(self.change) - added}


def delta_since(store: Store, since_ids: Iterable[int]) -> Delta:
    """The entities added or changed from each snapshot in ``since_ids`` to the newest snapshot
    of the same list. Raises StoreError for an unknown snapshot, two of one list, or a snapshot
    that is itself the newest (nothing would be screened: said, not silently done)."""
    since: list[Snapshot] = []
    new: list[Snapshot] = []
    change: dict[str, str] = {}
    entities: list[Entity] = []
    seen_sources: set[str] = set()
    for snapshot_id in since_ids:
        old = store.snapshot(snapshot_id)  # raises StoreError when there is none
        if old.source in seen_sources:
            raise StoreError(f"two --since snapshots of {old.source}: give one per list")
        seen_sources.add(old.source)
        newest = store.latest(old.source)
        assert newest is not None and newest.id is not None
        if newest.id == old.id:
            raise StoreError(f"snapshot {old.id} is the newest of {old.source}: nothing was "
                             f"added or changed since")
        diff = store.diff(old.id, newest.id)  # type: ignore[arg-type]
        wanted = {ref.entity_id: "added" for ref in diff.added}
        wanted.update({c.entity_id: "changed" for c in diff.changed})
        for entity in store.entities(newest.id):
            if entity.id in wanted:
                entities.append(entity)
        change.update(wanted)
        since.append(old)
        new.append(newest)
    if not since:
        raise StoreError("give at least one snapshot to re-screen since")
    return Delta(tuple(since), tuple(new), tuple(entities), change)


def delta_screener(delta: Delta, full: Screener) -> Screener:
    """A screener over the delta's entities, with the word rarities of ``full`` (the screener
    of every list in service), so scores equal a full run's."""
    snapshot_ids = tuple(s.id for s in delta.new if s.id is not None)
    return Screener(Index.build(delta.entities, snapshot_ids, rarity=full.index), full.threshold)


def full_screener(store: Store, cache_dir: Path | None = None) -> Screener:
    """The screener of every list in service (for its word rarities)."""
    if not store.latest_snapshots():
        raise StoreError("no lists loaded; run `moneytrail lists update` first")
    return Screener.from_store(store, cache_dir=cache_dir)
