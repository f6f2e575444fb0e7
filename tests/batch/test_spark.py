"""Spark runs give what in-process runs give: same rows, matches, scores and explanations
(local master; PySpark is the optional ``spark`` extra, Java 17+ comes from the machine)."""

from __future__ import annotations

import shutil

import pytest

from tests.batch.test_bulk import ROWS, read_output, run, screener, write_csv  # noqa: F401

pyspark = pytest.importorskip("pyspark", reason="SPARK NOT TESTED: pip install "
                              "'moneytrail[spark]' (make test installs it)")
if shutil.which("java") is None:
    pytest.skip("SPARK NOT TESTED: no java on this machine (make test installs "
                "default-jre-headless where it can)", allow_module_level=True)

from moneytrail.batch import spark as mt_spark  # noqa: E402
from moneytrail.batch.run import Options  # noqa: E402
from moneytrail.batch.io import map_columns  # noqa: E402


@pytest.fixture(scope="module")
def session():
    spark = mt_spark.session("local[2]", "moneytrail-tests")
    yield spark
    spark.stop()


def book(tmp_path):
    rows = [[f"k{i}", name, dob, country, kind]
            for i, (_, name, dob, country, kind) in enumerate(ROWS * 12)]
    # quotes and commas in a field, as Python's csv and Excel write them (doubled quotes)
    rows.append(["kq", 'KOREA "KWANGSON" BANKING CORP, LTD', "", "", "company"])
    path = write_csv(tmp_path / "book.csv", rows=rows)
    with path.open("ab") as f:  # a row of bytes that are not UTF-8
        f.write(b"k999,Bad \xff name,,,\n")
    return path


@pytest.mark.parametrize("all_matches", [False, True])
def test_screen_dataframe_equals_in_process(screener, session, tmp_path,  # noqa: F811
                                            all_matches):
    path = book(tmp_path)
    _, expected = run(screener, path, tmp_path / "local.jsonl",
                      options=None if not all_matches else Options(
                          columns=map_columns(["customer_id", "full_name", "date_of_birth",
                                               "nationality", "type"], {})[0],
                          all_matches=True))
    df = mt_spark.read_input(session, path).repartition(1)
    out = mt_spark.screen_dataframe(df.coalesce(1), screener, {}, all_matches=all_matches,
                                    snapshot_of={"ofac_sdn": 1, "un_sc": 2})
    got = [r.asDict() for r in out.collect()]
    got = sorted(({**r, "score": "" if r["score"] is None else r["score"],
                   **{k: "" for k in r if r[k] is None and k != "score"}} for r in got),
                 key=lambda r: (r["row"], -float(r["score"] or 0), r["entity_id"]))
    expected = sorted(expected, key=lambda r: (r["row"], -float(r["score"] or 0),
                                               r["entity_id"]))
    assert [{k: r[k] for k in expected[0]} for r in got] == expected
    assert any(r["match"] for r in got) and len({r["row"] for r in got}) == 12 * 6 + 1
    quoted = next(r for r in got if r["key"] == "kq")
    assert quoted["query_name"] == 'KOREA "KWANGSON" BANKING CORP, LTD' and quoted["match"]


def test_screen_file_engine_spark_writes_what_process_writes(screener, tmp_path):  # noqa: F811
    path = book(tmp_path)
    _, expected = run(screener, path, tmp_path / "local.csv")
    summary = mt_spark.screen_file(screener, path, tmp_path / "spark.csv", flags={},
                                   master="local[2]", snapshot_of={"ofac_sdn": 1, "un_sc": 2})
    assert read_output(tmp_path / "spark.csv") == expected
    assert summary["rows"] == 12 * 7 + 2 and summary["screened"] == 12 * 6 + 1
    problems = (tmp_path / "spark.csv.errors.csv").read_text()
    local = (tmp_path / "local.csv.errors.csv").read_text()
    # the same rows and problems; Spark does not know lines, and says how it saw the bad bytes
    assert [line.split(",")[0] for line in problems.splitlines()] == \
        [line.split(",")[0] for line in local.splitlines()]
