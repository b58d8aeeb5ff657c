"""LGPD retention (analytics.retention): cutoff, row rule, Dataset exclusion, store purge,
sync (real PostgreSQL) and the ``retention`` command. Hand-worked tiny fixtures.

Reference for the rule fixtures: as_of 2025-01-15 12:00 -03:00, 2 years →
cutoff = 2023-01-15 00:00 -03:00 = 2023-01-15T03:00Z (campaign cutoff day 2023-01-15).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics import catalog, retention, schema
from analytics.cli import main
from analytics.dataset import normalize
from analytics.metrics_cli import clean
from analytics.settings import Settings
from analytics.sources.store import Store
from tests.fixtures import dataset, frame

UTC = dt.UTC
SP = Settings()  # America/Sao_Paulo, retention_years = 2


def U(n: int) -> str:
    return str(uuid.UUID(int=n))


def at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(UTC)


# -- cutoff ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reference", "years", "expected"),
    [
        # 2026-11-20 02:54Z is 2026-11-19 23:54 in São Paulo → local date 2026-11-19 - 2 y, midnight -03:00
        ("2026-11-20T02:54:00+00:00", 2, "2024-11-19T03:00:00+00:00"),
        ("2026-11-20T03:00:00+00:00", 2, "2024-11-20T03:00:00+00:00"),  # already 2026-11-20 00:00 local
        ("2024-02-29T15:00:00-03:00", 1, "2023-02-28T03:00:00+00:00"),  # 29 Feb → 28 Feb
        ("2024-02-29T15:00:00-03:00", 4, "2020-02-29T03:00:00+00:00"),  # leap to leap: 29 Feb kept
        ("2026-01-10T12:00:00-03:00", 2, "2024-01-10T03:00:00+00:00"),  # no DST since 2019: -03:00 in summer
        ("2020-11-05T12:00:00-03:00", 2, "2018-11-05T02:00:00+00:00"),  # 2018 had DST (-02:00) from 4 Nov
    ],
)
def test_cutoff_is_local_midnight_years_before(reference: str, years: int, expected: str) -> None:
    assert retention.cutoff(at(reference), SP.with_(retention_years=years)) == at(expected)


def test_cutoff_disabled_and_naive_reference() -> None:
    ref = at("2026-11-20T12:00:00+00:00")
    assert retention.cutoff(ref, SP.with_(retention_years=0)) is None
    assert retention.cutoff(ref, SP.with_(retention_years=-1)) is None
    naive = dt.datetime(2026, 11, 20, 2, 54)  # naive = UTC
    assert retention.cutoff(naive, SP) == at("2024-11-19T03:00:00+00:00")
    assert retention.years_before(dt.date(2024, 2, 29), 2) == dt.date(2022, 2, 28)


# -- the row rule on a hand-made world ------------------------------------------------------
LA, LB, LC, LD, LE = U(1), U(2), U(3), U(4), U(5)
CA0, CA1, CA2, CB, CE, CD = U(10), U(11), U(12), U(13), U(14), U(15)
K1, K2, K3, K4 = U(20), U(21), U(22), U(23)
B_LB, B_LC = U(30), U(31)
STAFF = U(40)
OLD = "2021-06-01T10:00:00-03:00"  # 3.6 years before the reference
RECENT = "2024-12-10T10:00:00-03:00"


def world() -> dict[str, list[dict[str, Any]]]:
    """LA: 3.6-year-old lead with a recent message in an old conversation; LB: everything old;
    LC: booking booked 26 months / scheduled 23 months before the reference; LD: recent;
    LE: 10 minutes older than the cutoff, kept by an LLM row 1 s after it referencing its message."""
    return {
        "users": [{"id": STAFF, "created_at": "2010-01-01T00:00:00+00:00"}],
        "marketing_campaigns": [
            {"id": K1, "started_at": "2021-01-01", "ended_at": "2021-02-01"},  # old, unused → dropped
            {"id": K2, "started_at": "2021-01-01", "ended_at": "2021-02-01"},  # old, used by LA → kept
            {"id": K3, "started_at": "2022-12-01", "ended_at": "2023-01-15"},  # ends on the cutoff day → kept
            {"id": K4, "started_at": "2021-01-01", "ended_at": None},  # old, used only by LB → dropped
        ],
        "leads": [
            {"id": LA, "created_at": OLD, "campaign_id": K2, "status": "engaged"},
            {"id": LB, "created_at": "2022-03-01T10:00:00-03:00", "campaign_id": K4, "status": "lost"},
            {"id": LC, "created_at": "2022-11-10T10:00:00-03:00", "status": "scheduled"},
            {"id": LD, "created_at": "2024-12-20T10:00:00-03:00", "status": "new"},
            {"id": LE, "created_at": "2023-01-15T02:50:00+00:00", "status": "engaged"},
        ],
        "history": [
            {"lead_id": LA, "status": "new", "changed_at": OLD},  # dropped
            {"lead_id": LA, "status": "engaged", "changed_at": RECENT},
            {"lead_id": LB, "status": "lost", "changed_at": "2022-03-02T10:00:00-03:00"},  # dropped
            {"lead_id": LC, "status": "new", "changed_at": "2022-11-10T10:00:00-03:00"},  # dropped
            {"lead_id": LD, "status": "new", "changed_at": "2024-12-20T10:00:00-03:00"},
        ],
        "conversations": [
            {"id": CA0, "lead_id": LA, "started_at": "2021-07-01T10:00:00-03:00"},  # dropped
            {"id": CA1, "lead_id": LA, "started_at": OLD, "status": "bot"},  # kept: recent message
            {"id": CA2, "lead_id": LA, "started_at": RECENT, "closed_at": RECENT},
            {"id": CB, "lead_id": LB, "started_at": "2022-03-01T10:00:00-03:00"},  # dropped
            {"id": CE, "lead_id": LE, "started_at": "2023-01-15T02:50:00+00:00"},  # kept via m5 / llm 2
            {"id": CD, "lead_id": LD, "started_at": "2024-12-20T10:00:00-03:00"},
        ],
        "messages": [
            {"id": 1, "conversation_id": CA0, "direction": "inbound", "created_at": "2021-07-01T10:00:00-03:00"},
            {"id": 2, "conversation_id": CA1, "direction": "inbound", "created_at": OLD},  # dropped
            {"id": 3, "conversation_id": CA1, "direction": "inbound", "created_at": RECENT},
            {"id": 4, "conversation_id": CB, "direction": "inbound", "created_at": "2022-03-01T10:00:00-03:00"},
            {"id": 5, "conversation_id": CE, "direction": "inbound", "created_at": "2023-01-15T02:59:59+00:00"},
            {"id": 6, "conversation_id": CA2, "direction": "inbound", "created_at": RECENT},
            {"id": 7, "conversation_id": CD, "direction": "inbound", "created_at": "2024-12-20T10:00:00-03:00"},
            {"id": 8, "conversation_id": CD, "direction": "outbound", "created_at": "2025-01-15T12:00:00-03:00"},
        ],
        "llm": [
            {"id": 1, "conversation_id": CB, "message_id": 4, "created_at": "2022-03-01T10:00:01-03:00"},  # dropped
            {"id": 2, "conversation_id": CE, "message_id": 5, "created_at": "2023-01-15T03:00:01+00:00"},
        ],
        "feedback": [
            {"id": 1, "conversation_id": CB, "csat_score": 2, "created_at": "2022-03-02T10:00:00-03:00"},  # dropped
            {"id": 2, "conversation_id": CA2, "csat_score": 5, "created_at": RECENT},
        ],
        "interactions": [
            {"id": 1, "lead_id": LB, "user_id": STAFF, "created_at": "2022-03-03T10:00:00-03:00"},  # dropped
        ],
        "touchpoints": [
            {"lead_id": LA, "channel": "instagram", "campaign_id": K2, "touched_at": OLD},  # dropped
            {"lead_id": LB, "channel": "instagram", "campaign_id": K4, "touched_at": "2022-03-01T09:00:00-03:00"},
        ],
        "bookings": [
            {"id": B_LB, "lead_id": LB, "booked_at": "2022-03-05T10:00:00-03:00",
             "scheduled_for": "2022-03-10T10:00:00-03:00", "status": "cancelled"},  # dropped
            {"id": B_LC, "lead_id": LC, "booked_at": "2022-11-15T10:00:00-03:00",  # 26 months before
             "scheduled_for": "2023-02-15T10:00:00-03:00", "status": "attended"},  # 23 months before: kept
        ],
    }  # fmt: skip


ALIAS = {
    "messages": "conversation_messages",
    "history": "lead_status_history",
    "bookings": "procedure_bookings",
    "campaigns": "marketing_campaigns",
    "touchpoints": "lead_touchpoints",
    "llm": "llm_interactions",
    "interactions": "lead_interactions",
}
REF = at("2025-01-15T12:00:00-03:00")
CUT = at("2023-01-15T03:00:00+00:00")

#: rows the rule drops, per table (see the comments in ``world``)
EXPECTED_DROPPED = {
    "llm_interactions": 1,
    "feedback": 1,
    "conversation_messages": 3,  # 1 (CA0), 2 (old in CA1), 4 (CB)
    "conversations": 2,  # CA0, CB
    "lead_status_history": 3,  # LA old, LB, LC
    "lead_touchpoints": 2,
    "lead_interactions": 1,
    "procedure_bookings": 1,  # LB's
    "leads": 1,  # LB
    "marketing_campaigns": 2,  # K1, K4
}


def frames() -> dict[str, pl.DataFrame]:
    return {ALIAS.get(k, k): frame(ALIAS.get(k, k), v) for k, v in world().items()}


def _ids(f: pl.DataFrame, col: str = "id") -> set[Any]:
    return set(f.get_column(col).cast(pl.String if f.schema[col] != pl.Int64 else pl.Int64).to_list())


def test_cutoff_of_the_fixture_reference() -> None:
    assert retention.cutoff(REF, SP) == CUT


def test_row_rule_on_frames() -> None:
    tables = frames()
    kept = retention.exclude(tables, CUT, SP.timezone)
    dropped = {t: tables[t].height - kept[t].height for t in tables if tables[t].height != kept[t].height}
    assert dropped == EXPECTED_DROPPED
    # 3.6-year-old LA is kept with only its recent rows; LB disappears with all its children
    assert _ids(kept["leads"]) == {LA, LC, LD, LE}
    assert _ids(kept["conversations"]) == {CA1, CA2, CE, CD}
    assert _ids(kept["conversation_messages"]) == {3, 5, 6, 7, 8}
    assert kept["lead_status_history"].get_column("lead_id").to_list() == [LA, LD]
    assert kept["lead_touchpoints"].height == 0
    # booking booked 26 months ago, scheduled 23 months ago: kept, and it keeps LC
    assert _ids(kept["procedure_bookings"]) == {B_LC}
    assert _ids(kept["marketing_campaigns"]) == {K2, K3}
    assert kept["users"] is tables["users"]  # staff never purged, frame not copied
    _assert_integrity(kept)


def _assert_integrity(t: dict[str, pl.DataFrame]) -> None:
    """Every kept child row references a kept parent (or none)."""
    leads, convs = _ids(t["leads"]), _ids(t["conversations"])
    for name in (*retention.LEAD_CHILDREN, "conversations"):
        refs = {x for x in t[name].get_column("lead_id").cast(pl.String).to_list() if x is not None}
        assert refs <= leads, name
    for name in retention.CONVERSATION_CHILDREN:
        refs = {x for x in t[name].get_column("conversation_id").cast(pl.String).to_list() if x is not None}
        assert refs <= convs, name
    msgs = _ids(t["conversation_messages"])
    assert {x for x in t["llm_interactions"].get_column("message_id").to_list() if x is not None} <= msgs


def test_nothing_old_returns_the_same_frames() -> None:
    tables = frames()
    assert retention.exclude(tables, at("2020-01-01T03:00:00+00:00"), SP.timezone) is tables
    assert retention.exclude(tables, None, SP.timezone) is tables


def test_undated_rows_follow_their_parent() -> None:
    tables = frames()
    extra = frame(
        "lead_status_history",
        [{"lead_id": LB, "status": "x", "changed_at": None}, {"lead_id": LD, "status": "y", "changed_at": None}],
    )
    tables["lead_status_history"] = pl.concat([tables["lead_status_history"], extra])
    kept = retention.exclude(tables, CUT, SP.timezone)
    # undated row of dropped LB goes, of kept LD stays: 5 + 2 rows - 3 old - 1 undated of LB = 3
    assert kept["lead_status_history"].get_column("status").to_list() == ["engaged", "new", "y"]


# -- analysis --------------------------------------------------------------------------------
def _ds(years: int) -> Any:
    return dataset("2021-01-01", "2025-02-01", as_of="2025-01-15T12:00:00", settings=SP.with_(retention_years=years),
                   **world())  # fmt: skip


def test_dataset_excludes_rows_and_exposes_the_cutoff() -> None:
    full, ret = _ds(0), _ds(2)
    assert full.retention_start is None and ret.retention_start == CUT
    assert ret.period_before_retention and not full.period_before_retention
    # leads created in [2021-01-01, 2025-02-01): 5 without retention, LB excluded → 4
    before = catalog.compute(full, ["leads_total"])["leads_total"]
    after = catalog.compute(ret, ["leads_total"])["leads_total"]
    assert (before, after) == (5, 4)
    # message scope: 8 - 3 excluded messages
    assert (full.messages.height, ret.messages.height) == (8, 5)
    for table, n in EXPECTED_DROPPED.items():
        assert full.all[table].height - ret.all[table].height == n, table


def test_dataset_without_old_rows_is_unchanged() -> None:
    recent = {k: v for k, v in world().items()}
    recent["leads"] = [r for r in recent["leads"] if r["id"] == LD]
    recent["conversations"] = [r for r in recent["conversations"] if r["id"] == CD]
    recent["messages"] = [r for r in recent["messages"] if r["conversation_id"] == CD]
    for k in ("history", "llm", "feedback", "interactions", "touchpoints", "bookings", "campaigns"):
        recent[k] = []
    a = dataset("2024-12-01", "2025-02-01", settings=SP.with_(retention_years=0), **recent)
    b = dataset("2024-12-01", "2025-02-01", settings=SP, **recent)
    assert b.retention_start == at("2023-01-15T03:00:00+00:00")  # default as_of = message 8
    dump = lambda ds: json.dumps(clean(catalog.compute(ds)), sort_keys=True)  # noqa: E731
    assert dump(a) == dump(b)


# -- store purge ---------------------------------------------------------------------------
def _store(path: Path) -> Path:
    with Store(path) as st:
        for table, f in frames().items():
            st.replace_table(table, f)
        st.set_meta("data_version", "v0")
    return path


def _read_all(path: Path) -> dict[str, pl.DataFrame]:
    with Store(path, read_only=True) as st:
        return {t: st.read(t) for t in schema.LOAD_ORDER}


def test_purge_matches_the_frame_rule(tmp_path: Path) -> None:
    path = _store(tmp_path / "s.duckdb")
    prepared = tmp_path / "s.duckdb.prepared" / "abc"
    prepared.mkdir(parents=True)
    expected = retention.exclude(_read_all(path), CUT, SP.timezone)
    with Store(path) as st:
        dry = retention.purge(st, SP, REF, dry_run=True)
        assert st.version() == "v0"  # dry run changes nothing
        counts = retention.purge(st, SP, REF)
        assert counts == dry == dict(EXPECTED_DROPPED, **{t: 0 for t in retention.PURGE_ORDER if t not in
                                                                EXPECTED_DROPPED})  # fmt: skip
        assert st.version() != "v0"  # caches keyed by version are rebuilt
        version = st.version()
        assert not any(retention.purge(st, SP, REF).values())  # idempotent
        assert st.version() == version
    assert not prepared.parent.exists()  # stale prepared caches removed
    after = _read_all(path)
    for table in schema.LOAD_ORDER:
        cols = after[table].columns
        assert after[table].sort(cols).equals(expected[table].select(cols).sort(cols)), table
    _assert_integrity(after)


def test_purge_reference_defaults_to_latest_event(tmp_path: Path) -> None:
    # latest event = message 8 at 2025-01-15 12:00 -03:00 → same cutoff as REF
    path = _store(tmp_path / "s.duckdb")
    with Store(path) as st:
        assert retention.purge(st, SP, dry_run=True)["leads"] == 1
        assert not any(retention.purge(st, SP.with_(retention_years=0)).values())
        assert st.version() == "v0"


def test_retention_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _store(tmp_path / "s.duckdb")
    assert main(["retention", "--store", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("retenção de 2 ano(s): 17 linhas seriam removidas anteriores a 2023-01-15 (")
    assert _read_all(path)["leads"].height == 5  # dry run: nothing removed
    assert main(["retention", "--store", str(path)]) == 0
    assert "17 linhas removidas anteriores a 2023-01-15" in capsys.readouterr().out
    assert _read_all(path)["leads"].height == 4
    assert main(["retention", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == f"error: arquivo de store não encontrado: {tmp_path / 'none.duckdb'}"


def test_normalized_frames_follow_the_same_rule() -> None:
    """Categorical ids and messages with ``lead_id`` (as ``Dataset.build`` sees them)."""
    kept = retention.exclude(normalize(frames()), CUT, SP.timezone)
    assert {t: frames()[t].height - kept[t].height for t in kept if frames()[t].height != kept[t].height} == (
        EXPECTED_DROPPED
    )


# -- sync (real PostgreSQL) -------------------------------------------------------------------
NOW = dt.datetime.now(UTC).replace(microsecond=0)
Y3 = NOW - dt.timedelta(days=3 * 365)
D1 = NOW - dt.timedelta(days=1)


def _pg_rows() -> dict[str, list[dict[str, Any]]]:
    """L1: all rows 3 years old; L2: recent (its conversation also holds a 3-year-old message).
    Message ids of old rows are far below the recent one, as in a real database (the incremental
    sync re-reads the last ``ID_LAG`` ids)."""
    return {
        "leads": [{"id": U(1), "status": "lost", "created_at": Y3}, {"id": U(2), "status": "new", "created_at": D1}],
        "lead_status_history": [{"lead_id": U(1), "status": "lost", "changed_at": Y3},
                                {"lead_id": U(2), "status": "new", "changed_at": D1}],
        "conversations": [{"id": U(11), "lead_id": U(1), "status": "closed", "started_at": Y3, "closed_at": Y3},
                          {"id": U(12), "lead_id": U(2), "status": "bot", "started_at": D1}],
        "conversation_messages": [{"id": 1, "conversation_id": U(11), "created_at": Y3},
                                  {"id": 2, "conversation_id": U(12), "created_at": Y3},
                                  {"id": 5000, "conversation_id": U(12), "created_at": D1}],
    }  # fmt: skip


@pytest.fixture
def pg_source(pg_url: str) -> str:
    import psycopg

    with psycopg.connect(pg_url) as con:
        con.execute(schema.postgres_ddl())
        for table, rows in _pg_rows().items():
            cols = schema.column_names(table)
            with con.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                for r in rows:  # a handful of fixture rows
                    cp.write_row(tuple(r.get(c) for c in cols))
    return pg_url


@pytest.mark.postgres
def test_sync_purges_old_rows_and_full_does_not_bring_them_back(pg_source: str, tmp_path: Path) -> None:
    from analytics.sources.sync import sync

    path = tmp_path / "s.duckdb"
    first = sync(pg_source, path, settings=SP)
    purged = {"lead_status_history": 1, "conversations": 1, "conversation_messages": 2, "leads": 1}
    assert first.purged == purged
    assert first.retention_start == retention.cutoff(D1, SP)
    assert first.lines()[-1].endswith(f"; retention: 5 rows purged before {first.retention_start.isoformat()}")
    assert any(line.startswith("leads ") and line.endswith("retention -1") for line in first.lines())

    def contents() -> dict[str, set[Any]]:
        t = _read_all(path)
        return {n: _ids(t[n]) for n in ("leads", "conversations", "conversation_messages")}

    expected = {"leads": {U(2)}, "conversations": {U(12)}, "conversation_messages": {5000}}
    assert contents() == expected
    again = sync(pg_source, path, settings=SP)  # incremental: watermarks are past the purged rows
    assert not again.changed and again.data_version == first.data_version and contents() == expected
    prepared = tmp_path / "s.duckdb.prepared" / "old"
    prepared.mkdir(parents=True)
    full = sync(pg_source, path, full=True, settings=SP)  # re-reads them, then purges them again
    assert full.purged == purged and contents() == expected
    assert not prepared.exists()
    with Store(path, read_only=True) as st:
        assert st.get_meta("retention_start") == retention.cutoff(D1, SP).isoformat()
    off = sync(pg_source, tmp_path / "off.duckdb", settings=SP.with_(retention_years=0))
    assert off.purged == {} and off.retention_start is None
    assert _read_all(tmp_path / "off.duckdb")["conversation_messages"].height == 3


def test_prepared_dir_is_keyed_by_the_rule_when_rows_were_excluded(tmp_path: Path) -> None:
    from analytics.dataset import Dataset
    from analytics.period import Period
    from analytics.sources.resolve import PreparedTables

    tables = PreparedTables(frames())
    tables.prepared_dir = tmp_path
    period = Period.parse("2024-12-01", "2025-02-01")
    ds = Dataset.build(tables, period, SP)  # default as_of: rows excluded
    assert ds.prepared_dir is not None and ds.prepared_dir.parent == tmp_path and ds.prepared_dir.is_dir()
    assert ds.prepared_dir.name.startswith("retention-2-")
    assert Dataset.build(tables, period, SP.with_(retention_years=0)).prepared_dir == tmp_path  # nothing excluded


@pytest.mark.postgres
def test_a_table_emptied_by_retention_is_not_read_again_by_incremental_syncs(pg_source: str, tmp_path: Path) -> None:
    """Watermarks recorded by earlier syncs are floors: rows purged on purpose stay out, nothing churns."""
    import psycopg

    from analytics.sources.sync import sync

    with psycopg.connect(pg_source) as con:  # only old messages left in the source
        con.execute("DELETE FROM conversation_messages WHERE id = 5000")
    path = tmp_path / "s.duckdb"
    first = sync(pg_source, path, settings=SP)
    assert first.purged["conversation_messages"] == 2
    assert _read_all(path)["conversation_messages"].height == 0
    again = sync(pg_source, path, settings=SP)
    assert again.tables["conversation_messages"].fetched == 0  # not the whole table again
    assert not again.changed and again.data_version == first.data_version


def test_a_future_date_in_the_data_never_moves_the_cutoff_past_now() -> None:
    """A mistyped 2062 timestamp is the data's latest event; the cutoff still comes from today."""
    future = dt.datetime(2062, 1, 1, tzinfo=dt.UTC)
    today = dt.datetime.now(dt.UTC)
    assert retention.cutoff(future, SP) == retention.cutoff(today, SP)
    assert retention.cutoff(future, SP) < today
