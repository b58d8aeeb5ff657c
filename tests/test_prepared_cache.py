"""load_tables keeps prepared frames beside the store, per store version."""

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from analytics.generator import generate
from analytics.sources.resolve import load_tables
from analytics.sources.store import Store


def test_prepared_cache_hit_invalidation_and_no_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    generate(str(path), size="tiny", seed=3, truth_path=tmp_path / "t.json")
    with Store(path, read_only=True) as store:
        first = load_tables(store)
    prepared = list((tmp_path / "t.duckdb.prepared").iterdir())
    assert len(prepared) == 1 and (prepared[0] / "complete").is_file()
    # the cache holds pseudonymous columns only
    cached_leads = pl.read_ipc(prepared[0] / "leads.arrow")
    assert "phone" not in cached_leads.columns and "name" not in cached_leads.columns
    assert "content" not in pl.read_ipc(prepared[0] / "conversation_messages.arrow").columns
    with Store(path, read_only=True) as store:
        again = load_tables(store)
    for name in first:
        assert_frame_equal(first[name], again[name])
    assert again["conversation_messages"].schema["lead_id"] == pl.Categorical

    # a change to the store (new data version) invalidates the cache
    with Store(path) as store:
        store.con.execute("DELETE FROM feedback")
        store.set_meta("data_version", "changed")
    with Store(path, read_only=True) as store:
        fresh = load_tables(store)
    assert fresh["feedback"].height == 0 < first["feedback"].height
    assert len(list((tmp_path / "t.duckdb.prepared").iterdir())) == 1  # the old version was removed

    # sensitive reads bypass the cache
    with Store(path, read_only=True) as store:
        sens = load_tables(store, sensitive=True)
    assert "phone" in sens["leads"].columns
