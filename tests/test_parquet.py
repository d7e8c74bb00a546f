"""Parquet output: typed columns read back with pyarrow, the same rows as jsonl, the
same bytes for any --jobs, folders of shards, and a clear error without pyarrow."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from test_cli_data import run

GRAMMARS = Path(__file__).parent.parent / "grammars"
HOME = GRAMMARS / "home.grm"  # inline synonyms: some slots have a canonical value


def as_records(table: pa.Table) -> list[dict]:
    """Rows as jsonl records: `canonical` only where there is one."""
    rows = table.to_pylist()
    for row in rows:
        row["slots"] = [{k: v for k, v in s.items() if v is not None} for s in row["slots"]]
    return rows


def test_columns_are_typed_and_hold_what_jsonl_holds(capsys, tmp_path):
    out = tmp_path / "home.parquet"
    assert run(capsys, "sample", HOME, "-n", "300", "--seed", "5", "--format", "parquet",
               "-o", out)[0] == 0
    table = pq.read_table(out)
    slot = pa.struct([("slot", pa.string()), ("value", pa.string()), ("start", pa.int32()),
                      ("end", pa.int32()), ("canonical", pa.string())])
    assert table.schema == pa.schema([("text", pa.string()), ("intent", pa.string()),
                                      ("slots", pa.list_(slot)), ("annot_utt", pa.string())])
    jsonl = run(capsys, "sample", HOME, "-n", "300", "--seed", "5")[1]
    expected = [json.loads(line) for line in jsonl.splitlines()]
    assert as_records(table) == expected
    assert any("canonical" in s for r in expected for s in r["slots"])  # the test covers them


def test_same_bytes_for_any_jobs_and_shards_hold_the_same_rows(capsys, tmp_path):
    argv = ["sample", GRAMMARS / "music.grm", "-n", "20000", "--seed", "2", "--format", "parquet"]
    run(capsys, *argv, "-o", tmp_path / "one.parquet")
    run(capsys, *argv, "--jobs", "2", "-o", tmp_path / "two.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()
    assert run(capsys, *argv, "--jobs", "2", "-o", f"{tmp_path / 'parts'}/")[0] == 0
    parts = sorted((tmp_path / "parts").iterdir())
    assert [p.name for p in parts[:2]] == ["part-00000.parquet", "part-00001.parquet"]
    joined = pa.concat_tables([pq.read_table(p) for p in parts])
    assert joined.equals(pq.read_table(tmp_path / "one.parquet"))


def test_convert_writes_parquet(capsys, tmp_path):
    data = tmp_path / "home.jsonl"
    data.write_text(run(capsys, "sample", HOME, "-n", "40", "--seed", "1")[1])
    assert run(capsys, "convert", data, "--to", "parquet", "-o", tmp_path / "h.parquet")[0] == 0
    expected = [json.loads(line) for line in data.read_text().splitlines()]
    assert as_records(pq.read_table(tmp_path / "h.parquet")) == expected


def test_without_pyarrow_one_message_and_nothing_written(capsys, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.setitem(sys.modules, name, None)  # `import pyarrow` raises ImportError
    out = tmp_path / "x.parquet"
    status, _, err = run(capsys, "sample", HOME, "-n", "5", "--format", "parquet", "-o", out)
    assert status == 2 and not out.exists()
    assert err == "grammar-fst: error: --format parquet needs pyarrow: pip install " \
        "'grammar-fst[parquet]'\n"


def test_parquet_needs_a_file(capsys):
    status, out, err = run(capsys, "sample", HOME, "-n", "5", "--format", "parquet")
    assert status == 2 and out == "" and "name it with -o FILE.parquet" in err
