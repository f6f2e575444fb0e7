"""Bulk screening on the real lists: every input format, bad rows, workers, resume, and delta
re-screening over the real SDN change from 2023 to 2024-05-03."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moneytrail import lists as lists_cap
from moneytrail.batch.delta import delta_screener, delta_since
from moneytrail.batch.io import BatchInputError, Reader, map_columns, parse_date
from moneytrail.batch.output import OUTPUT_COLUMNS
from moneytrail.batch.run import Options, RunFiles, open_input, run_file, screen_rows
from moneytrail.cli import app
from moneytrail.screening import Query, Screener
from moneytrail.sources import detect
from moneytrail.store import Store

HEADER = ["customer_id", "full_name", "date_of_birth", "nationality", "type"]
ROWS = [
    ["c1", "Kim Jong Un", "1984-01-08", "KP", "person"],
    ["c2", "Maria Garcia", "1980-02-30", "ES", "person"],  # no 30 February: a warning
    ["c3", "", "1970", "US", "person"],  # no name: an error, not screened
    ["c4", "Korea Kwangson Banking Corp", "", "North Korea", "company"],
    ["c5", "John Smith", "01/02/1975", "Narnia", "individual"],  # unknown country: a warning
    ["c6", "LAZARUS GROUP", "", "", ""],
    ["c7", "CH'OE Ryong-hae", "", "", "person"],
]


@pytest.fixture(scope="module")
def screener(lists_dir) -> Screener:
    entities = []
    for rel in ("ofac_sdn_2024-05-03/sdn.csv", "un_2026-02-27/consolidated.xml"):
        hit = detect(lists_dir / rel)
        entities.extend(hit.format.parse(hit.path))
    return Screener.from_entities(entities, snapshot_ids=(1, 2))


def write_csv(path: Path, header=HEADER, rows=ROWS, delimiter=",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_output(path: Path) -> list[dict]:
    """Output records in a comparable form, whatever the format."""
    suffix = path.suffix
    if suffix in (".csv", ".tsv"):
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t" if suffix == ".tsv" else ","))
    elif suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], v)) for v in values[1:]]
    out = []
    for row in rows:
        norm = {}
        for column in OUTPUT_COLUMNS:
            value = row.get(column)
            value = "" if value is None else value
            if column in ("score",) and value != "":
                value = round(float(value), 4)
            elif column in ("row", "snapshot") and value != "":
                value = int(value)
            elif column == "match" and value != "":
                value = value in (True, "true")
            norm[column] = value
        out.append(norm)
    return out


def run(screener, path: Path, out: Path, *, workers=1, resume=False, chunk_rows=2000,
        progress=None, options=None, **flags) -> tuple:
    reader, columns, _ = open_input(path, flags=flags)
    options = options or Options(columns=columns)
    with reader:
        summary = run_file(screener, reader, RunFiles.for_output(out), options, workers=workers,
                           resume=resume, chunk_rows=chunk_rows, progress=progress,
                           snapshot_of={"ofac_sdn": 1, "un_sc": 2})
    return summary, read_output(out)


def test_rows_screened_and_bad_rows_reported(screener, tmp_path):
    summary, records = run(screener, write_csv(tmp_path / "in.csv"), tmp_path / "out.csv")
    by_key = {r["key"]: r for r in records}
    assert set(by_key) == {"c1", "c2", "c4", "c5", "c6", "c7"}  # c3 has no name
    kim = by_key["c1"]
    assert kim["entity_id"] == "ofac_sdn:20157" and kim["match"] and kim["score"] == 1.0
    assert kim["snapshot"] == 1 and kim["source_id"] == "20157"
    assert json.loads(kim["explanation"])["features"][0]["feature"] == "name"
    assert by_key["c4"]["match"] and "KWANGSON" in by_key["c4"]["name"]
    assert by_key["c6"]["match"] and by_key["c6"]["name"] == "LAZARUS GROUP"
    assert by_key["c7"]["match"] and "CHOE" in by_key["c7"]["name"].upper()
    assert summary.rows == 7 and summary.screened == 6 and summary.errors == 1
    assert summary.warnings == 2 and summary.hit_rows == 4
    assert summary.by_list["ofac_sdn"] >= 3 and summary.by_program["DPRK3"] >= 1
    with (tmp_path / "out.csv.errors.csv").open(newline="") as f:
        problems = list(csv.DictReader(f))
    found = {(p["row"], p["line"], p["field"], p["level"]) for p in problems}
    assert found == {("2", "3", "date_of_birth", "warning"), ("3", "4", "full_name", "error"),
                     ("5", "6", "nationality", "warning")}
    assert not (tmp_path / "out.csv.partial.jsonl").exists()  # the spool is gone when done
    assert not (tmp_path / "out.csv.state.json").exists()


def test_a_bulk_run_reports_matches_and_near_misses_on_request(screener, tmp_path):
    path = write_csv(tmp_path / "in.csv")
    _, records = run(screener, path, tmp_path / "out.csv")
    maria = next(r for r in records if r["key"] == "c2")
    assert maria["entity_id"] == ""  # nothing at the threshold: an empty record, not dropped
    reader, columns, _ = open_input(path)
    reader.close()
    _, records = run(screener, path, tmp_path / "near.csv",
                     options=Options(columns=columns, cutoff=0.6))
    maria = next(r for r in records if r["key"] == "c2")
    assert maria["entity_id"] and 0.6 <= maria["score"] < 0.8 and maria["match"] is False


def test_a_file_of_no_rows_gives_an_empty_output(screener, tmp_path):
    path = write_csv(tmp_path / "in.csv", rows=[])
    summary, records = run(screener, path, tmp_path / "out.csv")
    assert records == [] and summary.rows == 0
    assert (tmp_path / "out.csv").read_text().startswith("key,row,query_name")
    assert not (tmp_path / "out.csv.state.json").exists()


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    """Excel writes UTF-8 CSV with a byte-order mark: the first header is still guessed."""
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfcustomer_id,full_name\nc1,Kim Jong Un\n")
    reader, columns, how = open_input(path)
    with reader:
        rows = list(reader)
    assert reader.columns == ["customer_id", "full_name"]
    assert columns.key == "customer_id" and how["key"] == "guessed"
    assert rows[0].values == {"customer_id": "c1", "full_name": "Kim Jong Un"}


def test_undecodable_row_is_reported_and_the_run_goes_on(screener, tmp_path):
    path = write_csv(tmp_path / "in.csv")
    with path.open("ab") as f:
        f.write(b"c8,Bad \xff name,,,\nc9,KIM JONG UN,,,\n")
    summary, records = run(screener, path, tmp_path / "out.csv")
    assert [r["key"] for r in records][-1] == "c9" and records[-1]["match"]
    problems = (tmp_path / "out.csv.errors.csv").read_text()
    assert "8,9,c8,full_name,error,not valid utf-8 text" in problems
    # latin-1 reads every byte: with that encoding the row is screened
    reader, columns, _ = open_input(path, encoding="latin-1")
    with reader:
        rows = list(reader)
    assert rows[7].problem is None and rows[7].values["full_name"] == "Bad ÿ name"


def write_format(path: Path) -> Path:
    """HEADER/ROWS written as ``path``'s format (xlsx, parquet, jsonl, tsv)."""
    records = [dict(zip(HEADER, row)) for row in ROWS]
    if path.suffix == ".tsv":
        return write_csv(path, delimiter="\t")
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(records), path)
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for row in ROWS:
            sheet.append(row)
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet", ".xlsx"])
def test_every_input_and_output_format_gives_the_same_results(screener, tmp_path, suffix):
    _, expected = run(screener, write_csv(tmp_path / "in.csv"), tmp_path / "base.csv")
    source = write_format(tmp_path / f"in{suffix}")
    _, got = run(screener, source, tmp_path / f"out{suffix}")
    assert got == expected


def test_two_workers_give_what_one_gives(screener, tmp_path):
    rows = [[f"k{i}", name, dob, country, kind]
            for i, (_, name, dob, country, kind) in enumerate(ROWS * 30)]
    path = write_csv(tmp_path / "in.csv", rows=rows)
    one, expected = run(screener, path, tmp_path / "one.jsonl", chunk_rows=16)
    two, got = run(screener, path, tmp_path / "two.jsonl", workers=2, chunk_rows=16)
    assert got == expected and len(got) == 6 * 30
    assert one.to_dict() | {"seconds": 0} == two.to_dict() | {"seconds": 0}


class Interrupt(Exception):
    pass


def test_an_interrupted_run_resumes_without_repeating_or_losing_rows(screener, tmp_path):
    rows = [[f"k{i}", name, dob, country, kind]
            for i, (_, name, dob, country, kind) in enumerate(ROWS * 20)]
    path = write_csv(tmp_path / "in.csv", rows=rows)
    _, expected = run(screener, path, tmp_path / "whole.csv", chunk_rows=10)
    expected_problems = (tmp_path / "whole.csv.errors.csv").read_text()

    def stop_after_three_chunks(done, fraction):
        if done >= 30:
            raise Interrupt
    with pytest.raises(Interrupt):
        run(screener, path, tmp_path / "out.csv", chunk_rows=10,
            progress=stop_after_three_chunks)
    spool = tmp_path / "out.csv.partial.jsonl"
    assert spool.exists() and not (tmp_path / "out.csv").exists()
    with spool.open("a") as f:  # a chunk the crash left written in part
        f.write('{"key": "k30", "row": 31, "query_na')
    with (tmp_path / "out.csv.errors.csv").open("a") as f:
        f.write("33,34,k32,full_name,error,emp")
    summary, got = run(screener, path, tmp_path / "out.csv", resume=True, chunk_rows=10)
    assert got == expected
    assert (tmp_path / "out.csv.errors.csv").read_text() == expected_problems
    assert summary.resumed_at == 30 and summary.rows == 140 and summary.errors == 20


def test_resume_refuses_other_options(screener, tmp_path):
    path = write_csv(tmp_path / "in.csv", rows=ROWS * 5)

    def stop(done, fraction):
        raise Interrupt
    with pytest.raises(Interrupt):
        run(screener, path, tmp_path / "out.csv", chunk_rows=5, progress=stop)
    reader, columns, _ = open_input(path)
    with pytest.raises(BatchInputError, match="other options"):
        run(screener, path, tmp_path / "out.csv", resume=True, chunk_rows=5,
            options=Options(columns=columns, threshold=0.9))
    reader.close()


def test_memory_stays_flat_rows_are_read_a_few_chunks_ahead(screener, tmp_path):
    rows = [[f"k{i}", "Maria Garcia", "", "", "person"] for i in range(400)]
    path = write_csv(tmp_path / "in.csv", rows=rows)
    reader, columns, _ = open_input(path)
    pulled = []
    original = reader._rows

    def counting():
        for row in original:
            pulled.append(row.number)
            yield row
    reader._rows = counting()
    ahead = []
    with reader:
        run_file(screener, reader, RunFiles.for_output(tmp_path / "out.csv"),
                 Options(columns=columns), workers=2, chunk_rows=10,
                 progress=lambda done, fraction: ahead.append(len(pulled) - done))
    assert len(ahead) == 40
    assert max(ahead) <= (2 * 2 + 1) * 10  # never more than the chunks in flight


def test_columns_guessed_or_given_and_wrong_flags_named(tmp_path):
    columns, how = map_columns(["Customer ID", "Full Name", "DOB", "Country"], {})
    assert (columns.key, columns.name, columns.dob, columns.country) == \
        ("Customer ID", "Full Name", "DOB", "Country") and how["name"] == "guessed"
    columns, how = map_columns(["a", "b"], {"name": "b", "key": "a"})
    assert columns.name == "b" and how["key"] == "flag"
    with pytest.raises(BatchInputError, match="--dob 'born' is not a column"):
        map_columns(["a", "b"], {"name": "b", "dob": "born"})
    with pytest.raises(BatchInputError, match="no name column"):
        map_columns(["x", "y"], {})
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(BatchInputError, match="empty"):
        Reader(empty)
    with pytest.raises(BatchInputError, match="cannot tell the format"):
        Reader(write_csv(tmp_path / "in.dat"))


@pytest.mark.parametrize("text,day_first,iso", [
    ("1984-01-08", True, "1984-01-08"), ("1984", True, "1984"), ("1984-1", True, "1984-01"),
    ("08.01.1984", True, "1984-01-08"), ("01/08/1984", False, "1984-01-08"),
    ("1984/01/08", True, "1984-01-08"), ("1984-01-08T00:00:00", True, "1984-01-08"),
    ("", True, None)])
def test_dates(text, day_first, iso):
    assert parse_date(text, day_first) == iso


@pytest.mark.parametrize("text", ["1984-13-01", "31.02.1984", "yesterday", "84"])
def test_bad_dates_say_why(text):
    with pytest.raises(ValueError, match=repr(text)):
        parse_date(text)


# -- delta re-screening on the real SDN change -------------------------------------------------

@pytest.fixture(scope="module")
def sdn_store(lists_dir, tmp_path_factory) -> Store:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('delta') / 'store.db'}")
    for folder in ("ofac_sdn_2023", "ofac_sdn_2024-05-03"):
        outcomes, _ = lists_cap.load_path(store, lists_dir / folder)
        assert all(o.ok for o in outcomes)
    return store


def test_rescreen_finds_only_what_changed_and_names_the_snapshot(sdn_store, tmp_path):
    old, new = sdn_store.snapshots("ofac_sdn")
    diff = sdn_store.diff(old.id, new.id)
    assert len(diff.added) > 2000  # the real change: thousands of designations in 16 months
    added = [ref for ref in diff.added if ref.schema == "Person"][:20]
    kept = [e for e, _ in zip(sdn_store.entities(old.id), range(4000))
            if e.id not in {c.entity_id for c in diff.changed}
            and e.schema.value == "Person"][:20]
    rows = [[f"new{i}", ref.caption, "", "", "person"] for i, ref in enumerate(added)]
    rows += [[f"old{i}", e.caption, "", "", "person"] for i, e in enumerate(kept)]
    path = write_csv(tmp_path / "book.csv", rows=rows)

    full = Screener.from_store(sdn_store)
    delta = delta_since(sdn_store, [old.id])
    assert delta.snapshot_of == {"ofac_sdn": new.id}
    assert delta.describe()["added"] == len(diff.added)
    screener = delta_screener(delta, full)
    assert len(screener.index) == len(diff.added) + len(diff.changed) < len(full.index) / 3
    reader, columns, _ = open_input(path)
    with reader:
        summary = run_file(screener, reader, RunFiles.for_output(tmp_path / "new.csv"),
                           Options(columns=columns), snapshot_of=delta.snapshot_of)
    records = read_output(tmp_path / "new.csv")
    hits = {r["key"]: r for r in records if r["match"]}
    assert {k for k in hits if k.startswith("new")} == {f"new{i}" for i in range(len(added))}
    for i, ref in enumerate(added):
        hit = hits[f"new{i}"]
        assert hit["snapshot"] == new.id and delta.change[hit["entity_id"]] == "added"
        # the delta index weighs words as the full one: the same score as a full run
        full_best = full.match(Query.of(ref.caption, schema="Person"), limit=50)
        same = next(m for m in full_best if m.entity.id == hit["entity_id"])
        assert round(same.score, 4) == hit["score"]
    # an entity unchanged since the old snapshot is no new hit
    assert not any(hits[k]["entity_id"] in {e.id for e in kept} for k in hits
                   if k.startswith("old"))
    assert summary.screened == len(rows)


def test_rescreen_cli_and_its_errors(sdn_store, tmp_path, monkeypatch):
    old, new = sdn_store.snapshots("ofac_sdn")
    monkeypatch.setenv("MONEYTRAIL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", str(sdn_store.engine.url))
    added = next(ref for ref in sdn_store.diff(old.id, new.id).added if ref.schema == "Person")
    path = write_csv(tmp_path / "book.csv", rows=[["a1", added.caption, "", "", "person"]])
    runner = CliRunner()
    result = runner.invoke(app, ["rescreen", str(path), "--since", str(old.id), "-o",
                                 str(tmp_path / "new.jsonl"), "--json", "--no-progress"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert summary["hit_rows"] == 1 and summary["by_list"] == {"ofac_sdn": 1}
    record = json.loads((tmp_path / "new.jsonl").read_text().splitlines()[0])
    assert record["snapshot"] == new.id and record["match"] is True
    newest = runner.invoke(app, ["rescreen", str(path), "--since", str(new.id), "-o",
                                 str(tmp_path / "x.csv"), "--no-progress"])
    assert newest.exit_code == 2 and "is the newest" in newest.output
    unknown = runner.invoke(app, ["rescreen", str(path), "--since", "999", "-o",
                                  str(tmp_path / "x.csv"), "--no-progress"])
    assert unknown.exit_code == 2 and "no snapshot with id 999" in unknown.output


def test_screen_file_cli(sdn_store, tmp_path, monkeypatch):
    monkeypatch.setenv("MONEYTRAIL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", str(sdn_store.engine.url))
    path = write_csv(tmp_path / "in.csv")
    runner = CliRunner()
    result = runner.invoke(app, ["screen-file", str(path), "-o", str(tmp_path / "out.parquet"),
                                 "--workers", "2", "--no-progress", "--all-matches"])
    assert result.exit_code == 0, result.output
    assert "name <- 'full_name' (guessed)" in result.output  # the mapping, shown before
    assert "rows with a hit" in result.output
    records = read_output(tmp_path / "out.parquet")
    assert {r["key"] for r in records if r["match"]} >= {"c1", "c4", "c6"}
    missing = runner.invoke(app, ["screen-file", str(path), "-o", str(tmp_path / "o.csv"),
                                  "--name", "nom", "--no-progress"])
    assert missing.exit_code == 2 and "--name 'nom' is not a column" in missing.output


def test_screen_rows_equals_screener_match_row_by_row(screener, tmp_path):
    """The workers and the Spark runner call screen_rows: per row it is Screener.match."""
    from moneytrail.batch.run import row_query

    reader, columns, _ = open_input(write_csv(tmp_path / "in.csv"))
    with reader:
        rows = list(reader)
    options = Options(columns=columns)
    records, problems, _ = screen_rows(screener, rows, options)
    assert len(records) == 6 and [p["row"] for p in problems] == [2, 3, 5]
    for record, row in zip(records, [r for r in rows if r.number != 3]):
        query, key, _ = row_query(row, options)
        best = screener.match(query, limit=1, cutoff=screener.threshold)  # a bulk run's
        assert record["key"] == key
        if best:
            assert (record["entity_id"], record["score"]) == \
                (best[0].entity.id, round(best[0].score, 4))
        else:
            assert record.get("entity_id") is None


def test_demo_screens_its_customer_book(sdn_store, tmp_path, capsys):
    """make demo's file screening: listed parties in customer spellings hit, a customer on no
    list does not, a row with no name is reported."""
    from moneytrail.cli import _demo_bulk

    _demo_bulk(Screener.from_store(sdn_store), sdn_store, tmp_path)
    records = {r["key"]: r for r in read_output(tmp_path / "demo_results.csv")}
    assert records["C-1002"]["match"] and "CHOE" in records["C-1002"]["name"]
    assert records["C-1006"]["match"] and records["C-1006"]["schema"] == "Vessel"
    assert not records["C-1001"]["match"] and not records["C-1004"]["match"]
    assert "C-1005" not in records
    assert "C-1005,full_name,error,empty name" in \
        (tmp_path / "demo_results.csv.errors.csv").read_text()
