"""`moneytrail payments screen`: a held payment opens a case; a false positive approved by a
second analyst suppresses the same alert on the next screening, until the entity changes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from moneytrail import cases
from moneytrail.cli import app
from moneytrail.store import Store
from tests.payments.test_screen import pacs008


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def home(tmp_path, monkeypatch, lists_dir):
    monkeypatch.setenv("MONEYTRAIL_HOME", str(tmp_path))
    monkeypatch.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    loaded = run("lists", "update", "--from", str(lists_dir / "un_2026-02-27"))
    assert loaded.exit_code == 0, loaded.output
    return tmp_path


def test_screen_hold_case_four_eyes_and_suppression(home):
    # a UN-listed bank as creditor, and an ordinary payment beside it in another file
    held = home / "held.xml"
    held.write_bytes(pacs008(creditor="KOREA KWANGSON BANKING CORPORATION", e2e="E2E-H"))
    ordinary = home / "ordinary.xml"
    ordinary.write_bytes(pacs008(debtor="Maria Schneider", creditor="Hans Becker GmbH",
                                 e2e="E2E-O"))
    first = run("payments", "screen", str(held), str(ordinary), "--json")
    assert first.exit_code == 0, first.output
    out = json.loads(first.stdout)
    assert [(p["payment_id"], p["status"]) for p in out["payments"]] == \
        [("MSG-1/E2E-H/TX-1", "hold"), ("MSG-1/E2E-O/TX-1", "pass")]
    [hit] = out["payments"][0]["hits"]
    assert (hit["kind"], hit["field"], hit["source"]) == ("name", "creditor.name", "un_sc")
    [alert_id] = out["alerts"]["alerts_opened"]
    [case_id] = out["alerts"]["case_ids"]
    case = cases.get_case(Store.open(f"sqlite:///{home / 'moneytrail.db'}"), case_id)
    assert (case.subject_kind, case.subject_id) == ("payment", "MSG-1/E2E-H/TX-1")

    # the same payment screened again: the open alert is not opened twice
    again = json.loads(run("payments", "screen", str(held), "--json").stdout)
    assert again["alerts"]["alerts_opened"] == [] and again["alerts"]["alerts_existing"] == \
        [alert_id]

    # one analyst clears it as a false positive, another approves
    made = run("cases", "decide", str(alert_id), "--as", "alice", "--disposition",
               "false_positive", "--reason", "our client is a namesake in Seoul", "--json")
    assert made.exit_code == 0, made.output
    decision = json.loads(made.stdout)["id"]
    assert run("cases", "approve", str(decision), "--as", "alice").exit_code == 2
    assert run("cases", "approve", str(decision), "--as", "bob").exit_code == 0

    # a new payment to the same party on the same entity version: suppressed, no new case
    later = home / "later.xml"
    later.write_bytes(pacs008(creditor="KOREA KWANGSON BANKING CORPORATION", e2e="E2E-L"))
    third = run("payments", "screen", str(later), "--workers", "2")
    assert third.exit_code == 0, third.output
    assert "1 of 1 payments held" in third.output
    assert "0 opened, 1 suppressed" in third.output
    assert [c.subject_id for c in cases.list_cases(
        Store.open(f"sqlite:///{home / 'moneytrail.db'}"))] == ["MSG-1/E2E-H/TX-1"]

    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output


def test_rejected_messages_are_named_and_the_others_go_on(home):
    mixed = home / "mixed.rje"
    def mt103(n: int, amount: str) -> str:
        return ("{1:F01BANKBEBBAXXX0000000000}{2:O1031200260301BANKDEFFAXXX00000000002603011200N}"
                f"{{4:\n:20:REF{n}\n:23B:CRED\n{amount}:50K:/1\nJOHN SMITH\n:59:/2\n"
                "HANS BECKER GMBH\n:71A:SHA\n-}")

    mixed.write_text("$".join([mt103(1, ":32A:260301USD10,\n"), mt103(2, ""),
                               mt103(3, ":32A:260301USD12,\n")]))
    result = run("payments", "screen", str(mixed), "--no-alerts")
    assert result.exit_code == 0, result.output
    assert "mixed.rje" in result.output and "32A" in result.output
    assert "2 payments screened: 2 pass, 0 hold; 1 messages rejected" in result.output
    broken = home / "broken.xml"
    broken.write_text("<Document><FIToFICstmrCdtTrf>")
    assert run("payments", "screen", str(broken)).exit_code == 1
