"""The fast paths of the metrics (id-code lookups, cached CLV fit) equal the plain versions."""

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from analytics.dataset import Dataset
from analytics.generator import generate
from analytics.metrics import revenue
from analytics.metrics.keys import lookup
from analytics.period import Period
from analytics.sources.resolve import load_tables
from analytics.sources.store import Store


def test_lookup_equals_left_join() -> None:
    keys = pl.Series("k", ["a", "b", None, "z", "a"], dtype=pl.Categorical)
    table = pl.Series("k", ["b", "a", "q"], dtype=pl.Categorical)
    values = pl.Series("v", [1, 2, 3])
    # a -> 2, b -> 1, null and z (absent) -> null
    assert lookup(keys, table, values).to_list() == [2, 1, None, None, 2]
    # strings (no Categorical codes) take the join path, same answer
    assert lookup(keys.cast(pl.String), table.cast(pl.String), values).to_list() == [2, 1, None, None, 2]


def test_clv_cache_beside_prepared_tables_equals_fit(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    generate(str(path), size="small", seed=3, truth_path=tmp_path / "t.json")
    with Store(path, read_only=True) as store:
        tables = load_tables(store)
    period = Period.parse("2025-01-01", "2027-01-01")
    ds = Dataset.build(tables, period)
    assert ds.prepared_dir is not None
    plain = revenue._fit_clv(ds)
    first = revenue._cached_clv(ds)  # fits and writes
    cached = list(Path(ds.prepared_dir).glob("derived-clv_12m-*"))
    assert len(cached) == 1
    again = revenue._cached_clv(Dataset.build(tables, period))  # reads
    assert plain is not None  # the small store has enough repeat customers to fit
    assert cached[0].suffix == ".arrow"
    assert_frame_equal(first, plain)
    assert_frame_equal(again, plain)
    # an explicit as_of never uses the cache
    assert Dataset.build(tables, period, as_of=ds.as_of).prepared_dir is None


def test_reply_runs_cache_equals_computed(tmp_path: Path) -> None:
    from analytics.metrics import replies

    path = tmp_path / "r.duckdb"
    generate(str(path), size="tiny", seed=4, truth_path=tmp_path / "r.json")
    with Store(path, read_only=True) as store:
        tables = load_tables(store)
    period = Period.parse("2025-01-01", "2027-01-01")
    plain = replies._compute_runs(Dataset.build(tables, period))
    assert plain.height > 0
    first = replies.reply_runs(Dataset.build(tables, period))  # computes and writes
    ds = Dataset.build(tables, period)
    assert len(list(Path(ds.prepared_dir).glob("derived-reply_runs-*.arrow"))) == 1
    again = replies.reply_runs(ds)  # reads
    assert_frame_equal(first, again)
    assert_frame_equal(first, replies._sorted(plain))
