"""What keeps the service's tail short: one background read renews a busy key, call records
are written a batch at a time, and a long match hands the event loop back in steps while
giving the answer ``match`` gives."""

from __future__ import annotations

import time

import orjson

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


def test_a_match_in_steps_gives_the_answer_of_match(service, monkeypatch):
    screener = service.current.screener
    scored = counting_scores(monkeypatch)
    for text in ("RI WON HO", "Mohammed Ali", "KOREA MINING DEVELOPMENT TRADING CORPORATION"):
        query = Query.of(text)
        scored.clear()
        steps = screener.match_steps(query, limit=5, every=0.0)  # yields before each entity
        yielded = 0
        while True:
            try:
                next(steps)
                yielded += 1
            except StopIteration as done:
                answer = done.value
                break
        stepped = len(scored)
        expected = screener.match(query, limit=5)
        assert [(m.entity.id, m.score) for m in answer] == \
            [(m.entity.id, m.score) for m in expected]
        # every entity is a step, kept or not (a run of entities scoring below the cutoff
        # used to be one step however long)
        assert stepped and yielded >= stepped
    # within its time, a match is one step
    assert _ran_in_one(screener.match_steps(Query.of("Mohammed Ali"), limit=5, every=10.0))


def counting_scores(monkeypatch) -> list:
    """Each entity the screener scores from now on, in a list."""
    import moneytrail.screening as screening

    scored: list = []
    real = screening.score_pair

    def counted(*args, **kw):
        scored.append(args[6])
        return real(*args, **kw)

    monkeypatch.setattr(screening, "score_pair", counted)
    return scored


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


def test_watchman_search_runs_in_steps_and_answers_as_match(client, api_env, service,
                                                           monkeypatch):
    """/v2/search takes the stepped path too (a common name no longer holds the loop for the
    whole of its match), and answers what ``match`` answers."""
    from moneytrail.api import steps
    from moneytrail.match.score import MIN_SCORE
    from tests.api.conftest import auth

    stepped: list = []
    real = steps.Stepper.run

    async def counted(self, generator):
        stepped.append(generator)
        return await real(self, generator)

    monkeypatch.setattr(steps.Stepper, "run", counted)
    reply = client.get("/v2/search", params={"name": "Mohammed Ali", "limit": 5},
                       headers=auth(api_env, "analyst"))
    assert reply.status_code == 200, reply.text
    assert len(stepped) == 1
    expected = service.current.screener.match(Query.of("Mohammed Ali"), limit=5,
                                              cutoff=MIN_SCORE)
    assert expected and [e["sourceID"] for e in reply.json()["entities"]] == \
        [m.list_ref for m in expected]


def test_a_costly_answer_is_kept_for_its_repeats_and_not_past_a_swap(client, api_env, service,
                                                                       monkeypatch):
    """A /match query whose matching cost more than KEEP_ANSWERS_AFTER is answered again from
    what was kept: the same answer, without scoring anything; a cheap one is screened again;
    the answers kept belong to the lists they were made from."""
    from moneytrail.api import dialects
    from tests.api.conftest import auth

    def ask(name: str, **params) -> dict:
        reply = client.post("/match/default", params=params, headers=auth(api_env, "analyst"),
                            json={"queries": {"q": {"schema": "Person",
                                                    "properties": {"name": [name]}}}})
        assert reply.status_code == 200, reply.text
        return reply.json()["responses"]["q"]

    serving = service.current
    serving.answers.clear()
    scored = counting_scores(monkeypatch)
    monkeypatch.setattr(dialects, "KEEP_ANSWERS_AFTER", 0.0)  # every answer is costly
    first = ask("Mohammed Ali")
    assert scored and len(serving.answers) == 1
    scored.clear()
    again = ask("Mohammed Ali")
    assert again == first and not scored  # (kept: nothing scored)
    other = ask("Mohammed Ali", limit=2)  # another question: screened, and kept apart
    assert scored and [r["id"] for r in other["results"]] == \
        [r["id"] for r in first["results"]][:2]
    assert len(serving.answers) == 2

    monkeypatch.setattr(dialects, "KEEP_ANSWERS_AFTER", 3600.0)  # nothing is costly
    scored.clear()
    ask("RI WON HO")
    ask("RI WON HO")
    assert len(serving.answers) == 2 and len(scored) >= 2  # screened both times

    # a new Serving (a swap of lists) starts with none kept
    from moneytrail.api.service import Serving

    swapped = Serving(serving.screener, serving.snapshots, serving.loaded_at,
                      serving.generation + 1)
    assert len(swapped.answers) == 0


def test_the_entity_answers_kept_lose_their_oldest_one_at_a_time(client, api_env, service,
                                                                  monkeypatch):
    """The entity answers a Serving keeps are bounded; when full, the oldest goes as a new
    one comes. (They were emptied all at once: freeing thousands of nested dicts held the
    loop 10-20 ms in the middle of a request, every few thousand entities.)"""
    from moneytrail.api import dialects
    from tests.api.conftest import auth

    serving = service.current
    serving.responses.clear()
    monkeypatch.setattr(dialects, "RESPONSES_KEPT", 3)
    seen: list[str] = []
    for name in ("Kim Jong Un", "RI WON HO", "Choe Ryong Hae", "KOREA MINING DEVELOPMENT",
                 "Ri Yong Ho"):
        reply = client.post("/match/default", headers=auth(api_env, "analyst"),
                            json={"queries": {"q": {"schema": "Thing",
                                                    "properties": {"name": [name]}}}})
        assert reply.status_code == 200, reply.text
        seen += [r["id"] for r in reply.json()["responses"]["q"]["results"]
                 if r["id"] not in seen]
        assert len(serving.responses) == min(3, len(seen))
    assert len(seen) > 3 and list(serving.responses) == seen[-3:]


def test_screen_batches_are_screened_on_one_thread_of_their_own(client, api_env, service,
                                                                 monkeypatch):
    """Every /v1/screen batch is screened on the service's one screening thread (each thread
    that bounds queries keeps a work array of its own: on the shared pool's threads,
    concurrent batches grew the process by 180 MB), and its lines still come in order."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.api.conftest import auth

    screener = service.current.screener
    threads: set[str] = set()
    real = screener.match

    def match(*args, **kw):
        threads.add(threading.current_thread().name)
        return real(*args, **kw)

    monkeypatch.setattr(screener, "match", match)
    names = ["RI WON HO", "Mohammed Ali", "KIM Chol", "Korea Mining"] * 40

    def screen(_: int) -> list[dict]:
        reply = client.post("/v1/screen", headers=auth(api_env, "analyst"),
                            json={"queries": [{"names": [n]} for n in names]})
        assert reply.status_code == 200
        return [orjson.loads(line) for line in reply.text.splitlines()]

    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(screen, range(3)))
    for lines in answers:
        assert [line.get("index") for line in lines[:-1]] == list(range(len(names)))
        assert lines[-1]["end"] is True
    assert len(threads) == 1 and next(iter(threads)).startswith("moneytrail-screen")
