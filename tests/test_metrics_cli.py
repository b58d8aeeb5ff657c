"""The metrics command line: keys, shapes, formats, errors (the contract external tools read)."""

import json
from pathlib import Path

import pytest

from analytics import catalog
from analytics.cli import main


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from analytics.generator import generate

    d = tmp_path_factory.mktemp("cli")
    generate(str(d / "s.duckdb"), size="tiny", seed=9, truth_path=d / "t.json")
    return str(d / "s.duckdb")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_exactly_the_catalog_ids_and_spec_shapes(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "metrics", "--source", store, "--start", "2026-01-01", "--end", "2026-12-01")
    assert code == 0
    data = json.loads(out)
    assert list(data) == list(catalog.CATALOG)
    for mid, metric in catalog.CATALOG.items():
        value = data[mid]
        if metric.kind == "scalar":
            assert value is None or isinstance(value, int | float), mid
        elif metric.kind == "distribution":
            assert {"count", "mean", "median", "p95", "p99"} <= set(value), mid
        if metric.unit == "percent" and isinstance(value, int | float):
            assert 0 <= value <= 100, mid
    assert [row["stage"] for row in data["funnel"]] == ["contact", "engaged", "qualified", "scheduled", "attended"]
    assert data["leads_total"] > 0
    code, out, _ = _run(capsys, "metrics", "--source", store, "--start", "2026-01-01", "--end", "2026-12-01", "--meta",
                        "--metric", "nps")
    assert set(json.loads(out)) == {"nps", "_meta"}


def test_csv_and_table_formats(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "metrics", "--source", store, "--start", "2026-01-01", "--end", "2026-12-01",
                        "--format", "csv", "--metric", "funnel", "--metric", "leads_total")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "metric,path,value"
    assert "funnel,[0].stage,contact" in lines and any(x.startswith("leads_total,,") for x in lines)
    code, out, _ = _run(capsys, "metrics", "--source", store, "--start", "2026-01-01", "--end", "2026-12-01",
                        "--format", "table", "--metric", "funnel")
    assert code == 0 and "funnel[0].stage" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--start", "2026-13-01", "--end", "2026-12-01"], "bad period"),
        (["--start", "2026-02-01", "--end", "2026-01-01"], "must be after"),
        (["--start", "2026-01-01", "--end", "2026-02-01", "--metric", "nope"], "unknown metric"),
        (["--start", "2026-01-01", "--end", "2026-02-01", "--as-of", "ontem"], "bad timestamp"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    store: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "metrics", "--source", store, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_missing_source_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "metrics", "--source", str(tmp_path / "x.duckdb"), "--start", "2026-01-01",
                        "--end", "2026-02-01")
    assert code == 2 and "not found" in err
