"""What keeps the service's tail short: one background read renews a busy key, call records
are written a batch at a time, and a long match hands the event loop back in steps while
giving the answer ``match`` gives."""

from __future__ import annotations

import time

from moneytrail.api import observe, security
from moneytrail.api.observe import CallWriter
from moneytrail.api.security import KeyChecker
from moneytrail.screening import Query
from moneytrail.store import Store
from moneytrail.store.access import CallRecord, calls, create_key, now_ms, revoke_key


def test_an_expired_key_is_renewed_by_one_read_while_its_requests_go_on(api_env, monkeypatch):
    store = Store.open(api_env.url)
    key, token = create_key(store, "analyst", "renewed")
    monkeypatch.setattr(security, "KEY_CACHE_SECONDS", 1.0)
    reads: list[str] = []
    real = security.verify_key

    def slow_read(store, token):
        reads.append(token)
        time.sleep(0.1)  # a busy database
        return real(store, token)

    def renewed(checker: KeyChecker) -> None:
        deadline = time.monotonic() + 10
        while checker._renewing and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not checker._renewing

    monkeypatch.setattr(security, "verify_key", slow_read)
    checker = KeyChecker(store)
    assert checker.check(token) == key and len(reads) == 1
    time.sleep(1.1)  # expired (and within the next period)
    answers = [checker.check_cached(token) for _ in range(50)]  # requests arriving meanwhile
    assert all(a == key for a in answers)  # none waits, none reads ...
    renewed(checker)
    assert len(reads) == 2  # ... one read renewed the entry for all of them
    revoke_key(store, key.id)
    time.sleep(1.1)
    assert checker.check_cached(token) == key  # (the renewal that will find it revoked)
    renewed(checker)
    assert checker.check_cached(token) is None and checker.check(token) is None
    checker._cache[token] = (time.monotonic() - 1.5, key)  # stale past a second period
    assert checker.check_cached(token) is None  # is not served


def record(i: int) -> CallRecord:
    return CallRecord(at=now_ms(), request_id=f"r{i}", key_id=None, role=None, method="GET",
                      route="/healthz", dataset=None, queries=0, status=200, snapshots=None,
                      duration_ms=1.0)


def test_call_records_are_written_a_batch_at_a_time(tmp_path, monkeypatch):
    store = Store.open(f"sqlite:///{tmp_path / 'calls.db'}")
    batches: list[int] = []
    real = observe.record_calls

    def counting(store, records):
        batches.append(len(records))
        return real(store, records)

    monkeypatch.setattr(observe, "record_calls", counting)
    writer = CallWriter(store, every=0.3, batch=40)
    for i in range(30):  # 30 requests within a period: one transaction
        writer.put(record(i))
    deadline = time.monotonic() + 10
    while sum(batches) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert batches == [30]
    for i in range(100):  # more than a batch at once: full batches
        writer.put(record(100 + i))
    started = time.monotonic()
    while sum(batches) < 130 and time.monotonic() - started < 10:
        time.sleep(0.01)
    assert batches[1:] == [40, 40, 20]
    writer.put(record(999))
    writer.close()  # stops at once and writes what is queued
    assert sum(batches) == 131 == len(calls(store, limit=1000)) == writer.written


def test_a_match_in_steps_gives_the_answer_of_match(service):
    screener = service.current.screener
    for text in ("RI WON HO", "Mohammed Ali", "KOREA MINING DEVELOPMENT TRADING CORPORATION"):
        query = Query.of(text)
        steps = screener.match_steps(query, limit=5, every=0.0)  # yields after every entity
        yielded = 0
        while True:
            try:
                next(steps)
                yielded += 1
            except StopIteration as done:
                answer = done.value
                break
        expected = screener.match(query, limit=5)
        assert [(m.entity.id, m.score) for m in answer] == \
            [(m.entity.id, m.score) for m in expected]
        assert yielded >= 1  # (every entity scored is a step)
    # within its time, a match is one step
    assert _ran_in_one(screener.match_steps(Query.of("Mohammed Ali"), limit=5, every=10.0))


def _ran_in_one(steps) -> bool:
    try:
        next(steps)
    except StopIteration:
        return True
    return False


def test_match_answers_while_a_long_match_runs(client, api_env):
    """The service's /match takes the stepped path: a batch of names that would hold the
    loop answers the same as the names one by one."""
    from tests.api.conftest import auth

    names = ["RI WON HO", "Mohammed Ali", "KIM Chol"]
    batch = client.post("/match/default", headers=auth(api_env, "analyst"), json={
        "queries": {str(i): {"schema": "Person", "properties": {"name": [n]}}
                    for i, n in enumerate(names)}}).json()
    for i, name in enumerate(names):
        one = client.post("/match/default", headers=auth(api_env, "analyst"), json={
            "queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}).json()
        assert [r["id"] for r in batch["responses"][str(i)]["results"]] == \
            [r["id"] for r in one["responses"]["q"]["results"]]
