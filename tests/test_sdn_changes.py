"""`lists diff` on the real SDN change from the 2023 file to 2024-05-03, checked against the
independent daily history in ofac_sdn_history/ (first and last day each ent_num was listed)."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from moneytrail.cli import app

END = "2024-05-03"


@pytest.fixture(scope="module")
def sdn_diff(lists_dir, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {"MONEYTRAIL_HOME": str(home), "MONEYTRAIL_DATABASE_URL": ""}
    runner = CliRunner()
    for folder in ("ofac_sdn_2023", "ofac_sdn_2024-05-03"):
        result = runner.invoke(app, ["lists", "update", "--from", str(lists_dir / folder)],
                               env=env)
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["lists", "diff", "--json"], env=env)
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    old_file = home / "old.json"
    result = runner.invoke(app, ["lists", "export", "--format", "json", "--snapshot",
                                 str(diff["old"]["id"]), "-o", str(old_file)], env=env)
    assert result.exit_code == 0, result.output
    diff["old_ids"] = [json.loads(line)["source_id"] for line in old_file.open()]
    return diff


@pytest.fixture(scope="module")
def history(lists_dir):
    path = lists_dir / "ofac_sdn_history" / "first_last_seen_2021-08_to_2024-05.csv"
    with open(path, newline="", encoding="utf-8") as f:
        return {row["ent_num"]: row for row in csv.DictReader(f)}


def ent_nums(refs):
    return {ref["id"].removeprefix("ofac_sdn:") for ref in refs}


def test_diff_compares_the_two_newest_sdn_snapshots(sdn_diff):
    assert (sdn_diff["old"]["published"], sdn_diff["new"]["published"]) == ("2023", END)
    assert sdn_diff["new"]["counts"]["total"] == 14965


def test_added_agrees_with_the_daily_history(sdn_diff, history):
    added = ent_nums(sdn_diff["added"])
    removed = ent_nums(sdn_diff["removed"])
    assert added and removed and len(sdn_diff["old_ids"]) == 11118
    assert removed <= set(sdn_diff["old_ids"])
    # The 2023 file was published after the newest first_seen among what it holds; every ent_num
    # first seen after that and still listed at the end of the history must be an addition,
    # and nothing else.
    old_file_date = max(history[n]["first_seen"] for n in sdn_diff["old_ids"])
    expected = {n for n, row in history.items()
                if row["first_seen"] > old_file_date and row["last_seen"] == END}
    assert added == expected
    # and everything removed had left the list before the end of the history
    assert all(history[n]["last_seen"] < END for n in removed)


def test_added_dprk_designations(sdn_diff, history):
    added = {ref["id"].removeprefix("ofac_sdn:"): ref for ref in sdn_diff["added"]}
    by_program = {n for n in added if history[n]["dprk"] == "True"}
    assert by_program and all(added[n]["dprk"] for n in by_program)
    # Measured: 49 DPRK-program designations, 55 DPRK-related additions in all (content too).
    assert len(by_program) == 49
    assert sum(ref["dprk"] for ref in added.values()) == 55
    names = {ref["caption"] for ref in added.values() if ref["dprk"]}
    assert {"KOREA PAEKHO TRADING CORPORATION", "CHILSONG TRADING CORPORATION"} <= names
