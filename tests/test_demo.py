"""`moneytrail demo` (what `make demo` runs): loads every list, screens names, a customer file and
a payment file, and opens the held payment's alerts."""

from __future__ import annotations

from typer.testing import CliRunner

from moneytrail import cases
from moneytrail.cli import app
from moneytrail.store import Store


def test_demo_runs_every_step(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("MONEYTRAIL_HOME", str(tmp_path))
    monkeypatch.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Lists in service" in out and "ofac_sdn" in out
    assert "김정은 (Hangul, unspaced) -> KIM, Jong Un" in out
    assert "C-1002 Choe Ryong-hae -> CHOE, Ryong Hae" in out
    assert "PAY-001 12500.00 EUR: PASS" in out and "PAY-002 98000.00 USD: HOLD" in out
    assert "rejected: demo_payments.rje, message 3" in out
    assert "bic creditor_agent.bic 'FTBDKPPY' -> FOREIGN TRADE BANK" in out
    [case] = cases.list_cases(Store.open(f"sqlite:///{tmp_path / 'moneytrail.db'}"))
    assert case.subject_id == "PAY-002" and case.status == "open"
