"""The audit trail: records chained by hash; verify finds an edited, removed or cut-off record,
and a row of an audited table changed behind the trail's back; appenders never fork it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from moneytrail.model import Entity, Name, Schema, Snapshot
from moneytrail.store import Store, audit
from moneytrail.store.schema import audit_log


@pytest.fixture
def store(database_url) -> Store:
    store = Store.open(database_url)
    yield store
    store.engine.dispose()


def note(store: Store, i: int, actor: str = "tester") -> audit.AuditRecord:
    with audit.writing(store.engine) as conn:
        return audit.append(conn, actor=actor, action="test.note", subject=f"note:{i}",
                            body={"i": i, "text": f"nöte {i}"})


def tamper(store: Store, *statements: str) -> None:
    """Change the database as an intruder with full rights would: triggers off first."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for statement in statements:
            conn.exec_driver_sql(statement)


def person(num: int, name: str) -> Entity:
    return Entity(id=f"test:{num}", source="test", source_id=str(num), schema=Schema.PERSON,
                  names=(Name(name),))


def snap(published: str) -> Snapshot:
    return Snapshot(id=None, source="test", format="unit", published=published,
                    loaded_at="2026-01-01T00:00:00+00:00", sha256=published, files=("f.csv",))


def test_each_record_links_to_the_one_before(store):
    made = [note(store, i) for i in range(1, 6)]
    started, *stored = audit.records(store.engine)
    # the first append starts the trail with a record of its own (adopting nothing here)
    assert (started.seq, started.action, started.body) == (1, "audit.started", {"adopted": 0})
    assert started.prev_hash == audit.GENESIS
    assert [r.seq for r in made] == [2, 3, 4, 5, 6]
    assert made[0].prev_hash == started.hash
    assert all(b.prev_hash == a.hash for a, b in zip(made, made[1:]))
    assert [r.hash for r in stored] == [r.hash for r in made]
    assert stored[2].body == {"i": 3, "text": "nöte 3"}
    result = audit.verify(store.engine)
    assert result.ok and result.problems == ()
    assert (result.count, result.head_seq, result.head_hash) == (6, 6, made[-1].hash)


def test_the_database_refuses_to_change_or_remove_a_record(store):
    note(store, 1)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert audit.verify(store.engine).ok


def test_an_edited_record_fails_at_its_own_seq(store):
    for i in range(1, 7):
        note(store, i)
    tamper(store, """UPDATE audit_log SET body = '{"i":3,"text":"nothing to see"}' WHERE seq = 3""")
    result = audit.verify(store.engine)
    assert not result.ok
    assert result.first_bad_seq == 3 and "record 3 was changed" in result.reason
    assert [p.seq for p in result.problems] == [3]  # the records after it still link


def test_a_removed_record_fails_where_it_is_missing(store):
    for i in range(1, 7):
        note(store, i)
    tamper(store, "DELETE FROM audit_log WHERE seq = 4")
    result = audit.verify(store.engine)
    assert not result.ok and result.count == 6
    assert result.first_bad_seq == 4
    assert "record 4 missing: record 5 follows record 3" in result.reason


def test_records_cut_off_the_end_are_caught_only_against_an_anchor(store):
    for i in range(1, 7):
        note(store, i)
    kept = audit.verify(store.engine)
    anchor = audit.parse_anchor(f"{kept.head_seq}:{kept.head_hash}")
    assert audit.verify(store.engine, anchors=[anchor]).ok
    tamper(store, "DELETE FROM audit_log WHERE seq >= 5")
    # what the chain alone cannot prove: a shorter chain is still a whole chain
    assert audit.verify(store.engine).ok
    result = audit.verify(store.engine, anchors=[anchor])
    assert not result.ok and result.first_bad_seq == 5
    assert "records 5 to 7 were removed from its end" in result.reason


def test_a_chain_rebuilt_from_a_record_on_fails_against_an_anchor(store):
    for i in range(1, 5):
        note(store, i)
    anchor = (3, audit.records(store.engine)[2].hash)
    rows = audit.records(store.engine)
    prev = rows[0].hash
    statements = []
    for r in rows[1:]:  # rewrite record 2 and re-hash it and every record after it
        actor = "intruder" if r.seq == 2 else r.actor
        body = audit.canonical(r.body)
        digest = audit.record_hash(prev, r.seq, r.at, actor, r.action, r.subject, body)
        statements.append(f"UPDATE audit_log SET actor = '{actor}', prev_hash = '{prev}', "
                          f"hash = '{digest}' WHERE seq = {r.seq}")
        prev = digest
    tamper(store, "UPDATE audit_log SET hash = 'x' || seq, prev_hash = 'y' || seq "
                  "WHERE seq > 1", *statements)
    assert audit.verify(store.engine).ok  # consistent, as a careful intruder leaves it
    result = audit.verify(store.engine, anchors=[anchor])
    assert not result.ok and result.first_bad_seq == 3 and "rebuilt" in result.reason


def test_concurrent_appenders_never_fork_the_chain(store):
    threads, each = 6, 8
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            start.wait()
            for i in range(each):
                note(store, t * 100 + i, actor=f"writer {t}")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    result = audit.verify(store.engine)
    assert result.ok and result.count == 1 + threads * each
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count(func.distinct(audit_log.c.prev_hash)))).scalar() \
            == 1 + threads * each


def test_a_loaded_snapshot_is_recorded_and_its_contents_checked(store):
    first = store.add_snapshot(snap("2024-01"), [person(1, "A"), person(2, "B")])
    (record,) = audit.records(store.engine, subject=f"snapshot:{first.id}")
    assert record.action == "snapshot.loaded"
    assert record.body["rows"][f"snapshots:{first.id}"]["sha256"] == "2024-01"
    assert audit.verify(store.engine).ok
    tamper(store, "UPDATE snapshot_entities SET caption = 'Someone Else' "
                  "WHERE entity_id = 'test:2'")
    result = audit.verify(store.engine)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.row, problem.seq) == (f"snapshots:{first.id}", record.seq)
    assert "_entities" in problem.reason


def test_an_entity_body_changed_in_place_is_found(store):
    store.add_snapshot(snap("2024-01"), [person(1, "A")])
    version = person(1, "A").version()
    tamper(store, "UPDATE entity_versions SET body = replace(body, '\"A\"', '\"Z\"')")
    result = audit.verify(store.engine)
    assert [p.row for p in result.problems] == [f"entity_versions:{version}"]
    assert audit.verify(store.engine, rows=False).ok  # the chain itself is untouched


def test_a_store_older_than_the_trail_is_adopted_by_its_first_record(store):
    old = store.add_snapshot(snap("2024-01"), [person(1, "A")])
    tamper(store, "DELETE FROM audit_log")  # as a store made before the trail existed
    result = audit.verify(store.engine)
    assert not result.ok and result.problems[0].row == f"snapshots:{old.id}"
    assert "not in the audit trail" in result.reason
    newer = store.add_snapshot(snap("2024-02"), [person(1, "A"), person(2, "B")])
    started, loaded = audit.records(store.engine)
    assert started.action == "audit.started" and started.body["adopted"] == 1
    assert list(started.body["rows"]) == [f"snapshots:{old.id}"]
    assert loaded.subject == f"snapshot:{newer.id}"
    assert audit.verify(store.engine).ok


def test_a_malformed_anchor_is_refused():
    with pytest.raises(ValueError, match="SEQ:HASH"):
        audit.parse_anchor("12:abc")
    assert audit.parse_anchor(f" 7:{'A' * 64} ") == (7, "a" * 64)
