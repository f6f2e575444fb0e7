"""A store for the cases tests (on SQLite and on a real PostgreSQL server), and hits made from
entities of real snapshots, so their versions are the store's."""

from __future__ import annotations

import pytest

from moneytrail.cases import Hit
from moneytrail.model import Entity, Name, Schema, Snapshot
from moneytrail.store import Store


@pytest.fixture
def store(database_url) -> Store:
    store = Store.open(database_url)
    yield store
    store.engine.dispose()


def person(num: int, name: str, **kw) -> Entity:
    return Entity(id=f"test:{num}", source="test", source_id=str(num), schema=Schema.PERSON,
                  names=(Name(name),), **kw)


def load(store: Store, published: str, *entities: Entity) -> Snapshot:
    return store.add_snapshot(Snapshot(id=None, source="test", format="unit",
                                       published=published, loaded_at="2026-01-01T00:00:00+00:00",
                                       sha256=published, files=("f.csv",)), list(entities))


def hit(entity: Entity, snapshot: Snapshot, *, subject: str = "P-1", party: str = "payee",
        name: str = "ACME Trading", score: float = 0.9, kind: str = "name",
        subject_kind: str = "payment") -> Hit:
    """A hit of party ``party`` of payment ``subject`` on ``entity`` as ``snapshot`` holds it."""
    return Hit(subject_kind=subject_kind, subject_id=subject,
               party_key=f"{party}:{name.casefold()}", party_name=name, entity_id=entity.id,
               entity_version=entity.version(), snapshot_id=snapshot.id, score=score, kind=kind,
               detail={"matched": entity.caption, "score": score})
