"""Cases: hits grouped into cases and alerts, four-eyes decisions, false positives remembered per
entity version, every change audited; on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from moneytrail import cases
from moneytrail.cases import Conflict, FourEyes, Invalid, NotFound
from moneytrail.store import audit
from moneytrail.store.schema import alerts, decisions
from tests.cases.conftest import hit, load, person

ACME, KIM = person(1, "ACME Trading Ltd"), person(2, "KIM Jong Un", birth_dates=("1984",))


@pytest.fixture
def snapshot(store):
    return load(store, "2024-01", ACME, KIM)


def decided(store, alert_id: int, disposition: str = "true_match", reason: str | None = None,
            by: str = "alice", approver: str = "bob") -> cases.Decision:
    decision = cases.decide(store, alert_id, by, disposition, reason)
    return cases.approve(store, decision.id, approver)


def test_hits_make_one_case_per_subject_and_one_alert_per_party_and_entity(store, snapshot):
    first = cases.open_alerts(store, [
        hit(ACME, snapshot, score=0.7, kind="country"),
        hit(ACME, snapshot, score=0.92),
        hit(ACME, snapshot, party="payer", name="Acme Trading Limited", score=0.85),
        hit(KIM, snapshot, subject="P-2", party="payee", name="Kim Jong-un"),
    ])
    assert len(first.case_ids) == 2 and len(first.alerts_opened) == 3
    one = cases.get_case(store, first.case_ids[0])
    assert (one.subject_kind, one.subject_id, one.status) == ("payment", "P-1", "open")
    payee = one.alerts[0]
    assert (payee.party_key, payee.entity_id, payee.score, payee.kind) == \
        ("payee:acme trading", "test:1", 0.92, "name")
    assert [e["kind"] for e in payee.evidence] == ["name", "country"]  # best first, none lost
    assert payee.entity_version == ACME.version() and payee.snapshot_id == snapshot.id
    assert one.counts == {"open": 2}
    again = cases.open_alerts(store, [hit(ACME, snapshot, score=0.95),
                                      hit(KIM, snapshot, party="payer", name="Kim")])
    assert again.case_ids == (first.case_ids[0],)  # the open case of P-1 is re-used
    assert again.alerts_existing == (payee.id,) and len(again.alerts_opened) == 1
    assert cases.get_case(store, first.case_ids[0]).counts == {"open": 3}
    assert [c.id for c in cases.list_cases(store, status="open")] == sorted(first.case_ids,
                                                                            reverse=True)


def test_a_decision_is_final_only_when_a_different_person_approves_it(store, snapshot):
    opened = cases.open_alerts(store, [hit(ACME, snapshot), hit(KIM, snapshot)])
    a1, a2 = opened.alerts_opened
    decision = cases.decide(store, a1, "alice", "true_match", "same company, same address")
    assert decision.state == "pending" and cases.get_alert(store, a1).status == "pending"
    for same in ("alice", " ALICE "):
        with pytest.raises(FourEyes, match="a second, different person must approve"):
            cases.approve(store, decision.id, same)
    assert cases.get_decision(store, decision.id).state == "pending"
    final = cases.approve(store, decision.id, "bob", "agreed")
    assert (final.state, final.reviewed_by, final.review_note) == ("final", "bob", "agreed")
    assert cases.get_alert(store, a1).status == "true_match"
    assert cases.get_case(store, opened.case_ids[0]).status == "open"  # a2 is not resolved yet
    decided(store, a2, "false_positive", "born 1950, not 1984", by="carol", approver="alice")
    closed = cases.get_case(store, opened.case_ids[0])
    assert closed.status == "closed" and closed.closed_at is not None
    assert closed.counts == {"true_match": 1, "false_positive": 1}
    with pytest.raises(Conflict, match="not pending: it was approved by bob"):
        cases.approve(store, decision.id, "dave")
    with pytest.raises(Conflict, match="already final: true_match"):
        cases.decide(store, a1, "dave", "escalate")
    later = cases.open_alerts(store, [hit(KIM, snapshot, party="beneficiary", name="J. Kim")])
    assert later.case_ids[0] != opened.case_ids[0]  # a closed case is never reopened


def test_refusals_say_what_is_wrong(store, snapshot):
    (alert_id,) = cases.open_alerts(store, [hit(ACME, snapshot)]).alerts_opened
    with pytest.raises(Invalid, match="a false positive needs a reason"):
        cases.decide(store, alert_id, "alice", "false_positive", "   ")
    with pytest.raises(Invalid, match="disposition must be one of"):
        cases.decide(store, alert_id, "alice", "looks fine")
    with pytest.raises(Invalid, match="actor"):
        cases.decide(store, alert_id, " ", "true_match")
    with pytest.raises(NotFound, match="no alert with id 999"):
        cases.decide(store, 999, "alice", "true_match")
    with pytest.raises(NotFound, match="no decision with id 999"):
        cases.approve(store, 999, "bob")
    with pytest.raises(Invalid, match="hit kind"):
        cases.open_alerts(store, [replace(hit(KIM, snapshot), kind="smell")])
    first = cases.decide(store, alert_id, "alice", "escalate")
    with pytest.raises(Conflict, match=f"decision {first.id} \\(escalate\\) by alice"):
        cases.decide(store, alert_id, "bob", "true_match")
    with pytest.raises(Invalid, match="a rejection needs a note"):
        cases.reject(store, first.id, "bob", "")
    with store.engine.connect() as conn:  # nothing of the refused calls was written
        assert conn.execute(select(func.count()).select_from(decisions)).scalar() == 1


def test_a_false_positive_suppresses_the_same_hit_until_the_entity_changes(store, snapshot):
    (alert_id,) = cases.open_alerts(store, [hit(ACME, snapshot)]).alerts_opened
    pending = cases.decide(store, alert_id, "alice", "false_positive", "a bakery in Leeds")
    # not remembered until approved
    assert cases.open_alerts(store, [hit(ACME, snapshot, subject="P-2")]).alerts_opened
    cases.approve(store, pending.id, "bob")

    later = cases.open_alerts(store, [hit(ACME, snapshot, subject="P-3")])
    assert later.case_ids == () and later.alerts_opened == ()  # no case for a suppressed hit
    (suppressed,) = later.alerts_suppressed
    assert (suppressed.decision_id, suppressed.alert_id) == (pending.id, alert_id)
    (record,) = audit.records(store.engine, subject="payment:P-3")
    assert record.seq == suppressed.audit_seq and record.action == "alert.suppressed"
    assert record.body["suppressed_by"] == pending.id
    assert record.body["entity_version"] == ACME.version()

    # another party on the same entity is not covered by this party's false positive
    other = cases.open_alerts(store, [hit(ACME, snapshot, subject="P-4", name="Acme Bakery")])
    assert len(other.alerts_opened) == 1

    changed = replace(ACME, birth_dates=(), countries=("kp",))
    newer = load(store, "2024-02", changed, KIM)
    assert changed.version() != ACME.version()
    again = cases.open_alerts(store, [hit(changed, newer, subject="P-5")])
    assert len(again.alerts_opened) == 1 and again.alerts_suppressed == ()
    assert cases.get_alert(store, again.alerts_opened[0]).entity_version == changed.version()


def test_a_true_match_after_a_false_positive_stops_the_suppression(store, snapshot):
    a1, a2 = (cases.open_alerts(store, [hit(ACME, snapshot, subject=s)]).alerts_opened[0]
              for s in ("P-1", "P-2"))
    decided(store, a1, "false_positive", "different company")
    assert cases.open_alerts(store, [hit(ACME, snapshot, subject="P-3")]).alerts_suppressed
    decided(store, a2, "true_match", by="carol", approver="dave")
    assert cases.open_alerts(store, [hit(ACME, snapshot, subject="P-4")]).alerts_opened


def test_escalation_keeps_the_case_open_and_rejection_returns_the_alert(store, snapshot):
    opened = cases.open_alerts(store, [hit(KIM, snapshot)])
    (alert_id,) = opened.alerts_opened
    decided(store, alert_id, "escalate")
    assert cases.get_alert(store, alert_id).status == "escalated"
    assert cases.get_case(store, opened.case_ids[0]).status == "open"
    wrong = cases.decide(store, alert_id, "carol", "false_positive", "a namesake")
    rejected = cases.reject(store, wrong.id, "dave", "the birth year matches")
    assert (rejected.state, rejected.reviewed_by) == ("rejected", "dave")
    assert cases.get_alert(store, alert_id).status == "escalated"  # back where it was
    decided(store, alert_id, "true_match", by="dave", approver="carol")
    case = cases.get_case(store, opened.case_ids[0])
    assert case.status == "closed"
    assert [d.state for d in case.alerts[0].decisions] == ["final", "rejected", "final"]


def race(n: int, action) -> tuple[list, list]:
    """Run ``action(i)`` in n threads started together; (results, exceptions)."""
    start = threading.Barrier(n)
    won, lost = [], []

    def run(i: int) -> None:
        start.wait()
        try:
            won.append(action(i))
        except Exception as exc:  # the loser's error is what the test looks at
            lost.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, lost


def test_concurrent_decisions_on_one_alert_cannot_both_win(store, snapshot):
    for round_ in range(4):
        (alert_id,) = cases.open_alerts(store, [hit(ACME, snapshot,
                                                    subject=f"R-{round_}")]).alerts_opened
        won, lost = race(2, lambda i, alert_id=alert_id: cases.decide(
            store, alert_id, f"analyst {i}", ("true_match", "escalate")[i]))
        assert len(won) == 1 and len(lost) == 1, lost
        assert isinstance(lost[0], Conflict) and "already has a decision waiting" in str(lost[0])
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(decisions).where(
                decisions.c.alert_id == alert_id)).scalar() == 1


def test_concurrent_approvals_of_one_decision_cannot_both_win(store, snapshot):
    for round_ in range(4):
        (alert_id,) = cases.open_alerts(store, [hit(KIM, snapshot,
                                                    subject=f"R-{round_}")]).alerts_opened
        decision = cases.decide(store, alert_id, "alice", "true_match")
        won, lost = race(2, lambda i, d=decision.id: cases.approve(store, d, ("bob", "carol")[i]))
        assert len(won) == 1 and len(lost) == 1, lost
        assert isinstance(lost[0], Conflict) and "not pending" in str(lost[0])
        assert cases.get_decision(store, decision.id).reviewed_by == won[0].reviewed_by
    assert audit.verify(store.engine).ok


def test_the_database_itself_refuses_what_four_eyes_forbids(store, snapshot):
    """Behind the code's checks: constraints a writer that skips the code still meets."""
    (alert_id,) = cases.open_alerts(store, [hit(ACME, snapshot)]).alerts_opened
    pending = cases.decide(store, alert_id, "alice", "true_match")
    row = {"alert_id": alert_id, "disposition": "true_match", "decided_by": "bob",
               "decided_at": "2026-01-01", "state": "pending"}
    unique = "UNIQUE constraint failed: decisions.alert_id|ux_decisions_{}"
    refused = [
        (insert(decisions).values(**row), unique.format("pending")),  # a second pending one
        (update(decisions).where(decisions.c.id == pending.id)  # approved by its own maker
         .values(state="final", reviewed_by="ALICE", reviewed_at="2026-01-02"),
         "ck_decisions_four_eyes"),
        (update(decisions).where(decisions.c.id == pending.id)  # final without a reviewer
         .values(state="final"), "ck_decisions_four_eyes"),
        (insert(decisions).values(**{**row, "disposition": "false_positive", "reason": " ",
                                     "state": "rejected", "reviewed_by": "carol"}),
         "ck_decisions_false_positive_reason"),
        (update(alerts).where(alerts.c.id == alert_id).values(status="cleared"),
         "ck_alerts_status"),
    ]
    for statement, constraint in refused:
        with pytest.raises(DBAPIError, match=constraint):  # pg8000 raises a check as such
            with store.engine.begin() as conn:
                conn.execute(statement)
    with store.engine.begin() as conn:  # as a writer that skipped the checks would leave it
        conn.execute(update(alerts).where(alerts.c.id == alert_id).values(status="open"))
    with pytest.raises(Conflict, match="the store refused the change"):
        cases.decide(store, alert_id, "carol", "escalate")
    with store.engine.begin() as conn:
        conn.execute(update(alerts).where(alerts.c.id == alert_id).values(status="pending"))
    cases.approve(store, pending.id, "bob")
    with pytest.raises(DBAPIError, match=unique.format("resolved")):  # a second resolution
        with store.engine.begin() as conn:
            conn.execute(insert(decisions).values(**{**row, "state": "final",
                                                     "reviewed_by": "carol"}))


def test_every_change_is_audited_and_verify_sees_a_decision_changed_behind_its_back(
        store, snapshot):
    opened = cases.open_alerts(store, [hit(ACME, snapshot), hit(KIM, snapshot)])
    a1, a2 = opened.alerts_opened
    final = decided(store, a1, "true_match")
    cases.decide(store, a2, "alice", "escalate")
    cases.open_alerts(store, [hit(ACME, snapshot)])  # already open: nothing new recorded
    actions = [(r.action, r.actor) for r in audit.records(store.engine)]
    assert actions == [("audit.started", "system"), ("snapshot.loaded", "system"),
                       ("case.opened", "system"), ("alert.opened", "system"),
                       ("alert.opened", "system"), ("decision.recorded", "alice"),
                       ("decision.approved", "bob"), ("decision.recorded", "alice")]
    assert audit.verify(store.engine).ok
    approval = audit.records(store.engine, subject=f"decision:{final.id}")[-1]

    with store.engine.begin() as conn:  # rewrite history: it was a false positive after all
        conn.execute(text("UPDATE decisions SET disposition = 'false_positive', "
                          "reason = 'namesake' WHERE id = :id"), {"id": final.id})
    result = audit.verify(store.engine)
    assert not result.ok and result.first_bad_seq == approval.seq
    (problem,) = result.problems
    assert problem.row == f"decisions:{final.id}"
    assert "column disposition, reason" in problem.reason


def test_verify_sees_an_alert_removed_and_a_case_written_behind_its_back(store, snapshot):
    opened = cases.open_alerts(store, [hit(ACME, snapshot), hit(KIM, snapshot)])
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alerts WHERE id = :id"), {"id": opened.alerts_opened[1]})
        conn.execute(text("INSERT INTO cases (subject_kind, subject_id, status, opened_at) "
                          "VALUES ('payment', 'P-9', 'closed', '2026-01-01')"))
    problems = {p.row: p.reason for p in audit.verify(store.engine).problems}
    assert "was deleted" in problems[f"alerts:{opened.alerts_opened[1]}"]
    assert "not in the audit trail" in problems[f"cases:{opened.case_ids[0] + 1}"]


def test_alerts_opened_concurrently_keep_one_case_per_subject_and_a_whole_chain(store, snapshot):
    subjects = ["P-1", "P-2", "P-1", "P-3", "P-2", "P-1"]
    won, lost = race(len(subjects), lambda i: cases.open_alerts(
        store, [hit(ACME if i % 2 else KIM, snapshot, subject=subjects[i], party=f"party{i}")]))
    assert lost == [] and len(won) == len(subjects)
    by_subject = {c.subject_id: c for c in cases.list_cases(store)}
    assert sorted(by_subject) == ["P-1", "P-2", "P-3"]
    assert sum(c.counts["open"] for c in by_subject.values()) == len(subjects)
    result = audit.verify(store.engine)
    assert result.ok, result.problems


def test_verify_sees_one_consistent_view_while_others_write(store, snapshot):
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(15):
                cases.open_alerts(store, [hit(ACME, snapshot, subject=f"W-{i}")])
                time.sleep(0.01)  # long enough for verifications to land between the writes
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    results = []
    while not done.is_set() or not results:
        results.append(audit.verify(store.engine))
    writer.join()
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok][:1]
    assert len({r.count for r in results}) > 2  # they did run while the chain grew
    assert audit.verify(store.engine).count == 2 + 2 * 15  # start, snapshot, case + alert each
