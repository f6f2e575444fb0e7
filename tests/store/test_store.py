"""The store: snapshots written all or nothing, bodies shared across versions, diffs by field."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from moneytrail.model import Entity, IdKind, Identifier, Name, NameKind, Program, Schema, Snapshot
from moneytrail.store import Store, StoreError
from moneytrail.store.schema import snapshot_entities, snapshots


def person(num: int, name: str, **kw) -> Entity:
    kw.setdefault("names", (Name(name),))
    return Entity(id=f"test:{num}", source="test", source_id=str(num), schema=Schema.PERSON, **kw)


def snap(published: str, sha: str = "x") -> Snapshot:
    return Snapshot(id=None, source="test", format="unit", published=published,
                    loaded_at="2026-01-01T00:00:00+00:00", sha256=sha, files=("f.csv",))


@pytest.fixture
def store(database_url) -> Store:
    store = Store.open(database_url)
    yield store
    store.engine.dispose()


def test_round_trip_keeps_every_field(store):
    kim = person(20157, "KIM, Jong Un", birth_dates=("1984-01-08",), nationalities=("kp",),
                 programs=(Program("DPRK3", "OFAC", dprk=True),), dprk=True,
                 identifiers=(Identifier(IdKind.PASSPORT, "836110034", "kp", note="exp 2020"),),
                 properties=(("notes", "x"),))
    stored = store.add_snapshot(snap("2024-05-03"), [kim, person(2, "B")])
    assert stored.id is not None and stored.counts == {"Person": 2, "dprk": 1, "total": 2}
    assert list(store.entities(stored.id)) == sorted([kim, person(2, "B")], key=lambda e: e.id)
    assert store.entity("test:20157") == kim


def test_unchanged_entities_share_one_stored_body(store):
    a, b = person(1, "A"), person(2, "B")
    store.add_snapshot(snap("2024-01"), [a, b])
    assert store.version_count() == 2
    store.add_snapshot(snap("2024-02", "y"), [a, replace(b, birth_dates=("1970",))])
    assert store.version_count() == 3


def test_diff_reports_added_removed_and_changed_fields(store):
    old = store.add_snapshot(snap("2024-01"), [
        person(1, "A"), person(2, "B", birth_dates=("1970",)),
        person(3, "C", names=(Name("C"), Name("C2", NameKind.ALIAS)))])
    new = store.add_snapshot(snap("2024-02", "y"), [
        person(2, "B", birth_dates=("1971",)),
        person(3, "C", names=(Name("C"), Name("C3", NameKind.ALIAS))),
        person(4, "D", dprk=True)])
    diff = store.diff(old.id, new.id)
    assert [e.entity_id for e in diff.added] == ["test:4"] and diff.added[0].dprk
    assert [e.entity_id for e in diff.removed] == ["test:1"]
    changes = {c.entity_id: c for c in diff.changed}
    assert set(changes) == {"test:2", "test:3"}
    (dob,) = changes["test:2"].fields
    assert (dob.field, dob.added, dob.removed) == ("birth_dates", ("1971",), ("1970",))
    (names,) = changes["test:3"].fields
    assert names.added == ({"full": "C3", "kind": "alias"},)
    assert names.removed == ({"full": "C2", "kind": "alias"},)


def test_diff_refuses_snapshots_of_two_lists(store):
    a = store.add_snapshot(snap("2024-01"), [person(1, "A")])
    other = store.add_snapshot(replace(snap("2024-01"), source="other"), [person(1, "A")])
    with pytest.raises(StoreError, match="different lists"):
        store.diff(a.id, other.id)


def test_latest_is_by_publication_date_not_load_order(store):
    newer = store.add_snapshot(snap("2024-05-03", "n"), [person(1, "A")])
    store.add_snapshot(snap("2021-07", "o"), [person(1, "A")])
    assert store.latest("test").id == newer.id


def _counts(store):
    with store.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(snapshots)).scalar_one(),
                conn.execute(select(func.count()).select_from(snapshot_entities)).scalar_one(),
                store.version_count())


def test_repeated_entity_id_is_refused_and_nothing_written(store):
    store.add_snapshot(snap("2024-01"), [person(1, "A")])
    before = _counts(store)
    with pytest.raises(StoreError, match="test:2"):
        store.add_snapshot(snap("2024-02", "y"), [person(2, "B"), person(2, "B2")])
    assert _counts(store) == before


def test_empty_list_refused_where_a_full_one_was_unless_forced(store):
    full = store.add_snapshot(snap("2024-01"), [person(1, "A")])
    with pytest.raises(StoreError, match="empty"):
        store.add_snapshot(snap("2024-02", "y"), [])
    assert store.latest("test").id == full.id
    forced = store.add_snapshot(snap("2024-02", "y"), [], force=True)
    assert store.latest("test").id == forced.id and forced.counts == {}


def test_failure_mid_write_rolls_back_the_whole_snapshot(store, monkeypatch):
    store.add_snapshot(snap("2024-01"), [person(1, "A")])
    before = _counts(store)
    many = [person(i, f"P{i}") for i in range(5000)]  # more than one batch
    calls = {"n": 0}
    original = Store._insert_versions

    def fail_on_second_batch(self, conn, bodies):
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("disk full (simulated)")
        return original(self, conn, bodies)

    monkeypatch.setattr(Store, "_insert_versions", fail_on_second_batch)
    with pytest.raises(StoreError, match="disk full"):
        store.add_snapshot(snap("2024-02", "y"), many)
    assert calls["n"] == 2
    assert _counts(store) == before


def test_unknown_snapshot_id_is_a_clear_error(store):
    with pytest.raises(StoreError, match="no snapshot with id 99"):
        store.snapshot(99)
