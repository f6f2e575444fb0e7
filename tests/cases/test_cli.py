"""`moneytrail cases list|show|decide|approve|reject` and `moneytrail audit verify`: exit 2 on a
refused request, 1 on a failed verification naming the record."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from moneytrail import cases
from moneytrail.cli import app
from moneytrail.store import Store, audit
from tests.cases.conftest import hit, load, person
from tests.store.test_audit import tamper

ACME = person(1, "ACME Trading Ltd")


@pytest.fixture
def env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")  # Rich tables not cut to the runner's 80 columns
    store = Store.open(url)
    snapshot = load(store, "2024-01", ACME)
    opened = cases.open_alerts(store, [hit(ACME, snapshot), hit(ACME, snapshot, party="payer")])
    yield store, opened
    store.engine.dispose()


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cases_from_list_to_approval(env):
    store, opened = env
    (case_id,), (a1, a2) = opened.case_ids, opened.alerts_opened
    listed = run("cases", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(c["id"], c["counts"]) for c in json.loads(listed.stdout)] == [(case_id, {"open": 2})]
    assert "payment P-1" in run("cases", "list", "--status", "open").output
    assert run("cases", "list", "--status", "closed", "--json").stdout.strip() == "[]"
    shown = run("cases", "show", str(case_id))
    assert shown.exit_code == 0 and "ACME Trading" in shown.output and "test:1" in shown.output

    made = run("cases", "decide", str(a1), "--as", "alice", "--disposition", "false_positive",
               "--reason", "a bakery in Leeds", "--json")
    assert made.exit_code == 0, made.output
    decision = json.loads(made.stdout)
    assert (decision["state"], decision["decided_by"]) == ("pending", "alice")
    own = run("cases", "approve", str(decision["id"]), "--as", "Alice")
    assert own.exit_code == 2 and "different person" in own.output
    done = run("cases", "approve", str(decision["id"]), "--as", "bob")
    assert done.exit_code == 0 and f"alert {a1} is false_positive" in done.output

    second = run("cases", "decide", str(a2), "--as", "bob", "--disposition", "true_match")
    assert second.exit_code == 0 and "is pending" in second.output
    (pending,) = cases.get_alert(store, a2).decisions
    assert run("cases", "reject", str(pending.id), "--as", "carol",
               "--note", "check the address first").exit_code == 0
    case = json.loads(run("cases", "show", str(case_id), "--json").stdout)
    assert case["status"] == "open"
    assert [d["state"] for d in case["alerts"][1]["decisions"]] == ["rejected"]


def test_refusals_exit_2_with_the_reason(env):
    _, opened = env
    alert_id = opened.alerts_opened[0]
    no_reason = run("cases", "decide", str(alert_id), "--as", "alice",
                    "--disposition", "false_positive")
    assert no_reason.exit_code == 2 and "needs a reason" in no_reason.output
    unknown = run("cases", "decide", "999", "--as", "alice", "--disposition", "escalate")
    assert unknown.exit_code == 2 and "no alert with id 999" in unknown.output
    assert run("cases", "show", "999").exit_code == 2
    assert run("cases", "approve", "999", "--as", "bob").exit_code == 2
    assert run("cases", "list", "--status", "shut").exit_code == 2


def test_audit_verify_proves_the_chain_and_names_the_bad_record(env):
    store, _ = env
    good = run("audit", "verify")
    assert good.exit_code == 0 and "audit trail verified" in good.output
    head = audit.verify(store.engine)
    assert f"head: {head.head_seq}:{head.head_hash}" in good.output
    anchored = run("audit", "verify", "--anchor", f"{head.head_seq}:{head.head_hash}", "--json")
    assert anchored.exit_code == 0 and json.loads(anchored.stdout)["anchors_checked"] == 1
    assert run("audit", "verify", "--anchor", "3:beef").exit_code == 2

    tamper(store, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")
    bad = run("audit", "verify")
    assert bad.exit_code == 1 and "FAILED at record 3" in bad.output
    as_json = run("audit", "verify", "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["first_bad_seq"] == 3
