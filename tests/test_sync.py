"""PostgreSQL → DuckDB sync against the real server (hand-made dataset, exact expected counts)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from analytics import schema
from analytics.sources.store import Store
from analytics.sources.sync import SyncProgress, sync

pytestmark = pytest.mark.postgres

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
H = dt.timedelta(hours=1)


def U(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


# ids: users 1-2, campaign 10, leads 21-23 (+24 later), conversations 31-33 (+34), booking 41
U1, U2, CAMP, L1, L2, L3, L4 = U(1), U(2), U(10), U(21), U(22), U(23), U(24)
C1, C2, C3, C4, B1 = U(31), U(32), U(33), U(34), U(41)
T0 = NOW - 48 * H


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "users": [
            (U1, "Ana", "secretary", ["ortodontia", "implante"], Decimal("45.50"), True, T0),
            (U2, "Bia", "manager", None, None, False, T0),
        ],
        "marketing_campaigns": [(CAMP, "Verão", "instagram", Decimal("1234.56"), dt.date(2026, 1, 1), None, 7)],
        "leads": [
            (L1, "5511900000001", "L Um", "instagram", CAMP, "ortodontia", 10, "new", U1, T0, None, None),
            (L2, "5511900000002", "L Dois", "site", None, None, 40, "engaged", None, T0 + H, None, None),
            (L3, "5511900000003", "L Três", "referral", None, "implante", 70, "qualified", U1, T0 + 2 * H, None, None),
        ],
        "lead_status_history": [
            (L1, "new", T0),
            (L2, "new", T0 + H),
            (L2, "engaged", T0 + 2 * H),
            (L3, "new", T0 + 2 * H),
            (L3, "qualified", T0 + 3 * H),
        ],
        "conversations": [
            (C1, L1, "bot", "primeira_consulta", T0, None, None, None, None),
            (C2, L2, "closed", "orcamento", T0 + H, None, None, None, T0 + 2 * H),
            (C3, L3, "human", None, T0 + 2 * H, T0 + 3 * H, "negociacao_preco", U1, None),
        ],
        "conversation_messages": [
            (1, C1, "inbound", "lead", None, "oi", T0),
            (2, C1, "outbound", "bot", None, "olá!", T0 + dt.timedelta(seconds=5)),
            (3, C2, "inbound", "lead", None, "preço?", T0 + H),
            (4, C2, "inbound", "lead", None, "preço?", T0 + H),  # duplicate content and time
            (5, C3, "inbound", "lead", None, "quero implante", T0 + 2 * H),
            (6, C3, "outbound", "human", U1, "claro", T0 + 3 * H),
        ],
        "llm_interactions": [
            (1, C1, 1, "saudacao", 0.9, None, 100, 20, 300, "m1", T0),
            (2, C2, 3, "preco", 0.55, None, 120, 25, 350, "m1", T0 + H),
            (3, C3, 5, "agendar", 0.8, "agendar", 130, 30, 400, "m1", T0 + 2 * H),
        ],
        "lead_interactions": [(1, L3, U1, "call", "answered", 120, T0 + 3 * H)],
        "feedback": [(1, C2, 5, 9, "ótimo", T0 + 2 * H)],
        "lead_touchpoints": [
            (L1, "instagram", CAMP, T0 - H),
            (L1, "instagram", CAMP, T0 - H),  # exact duplicate kept as two rows
        ],
        "procedure_bookings": [(B1, L3, "implante", Decimal("350.00"), T0 + 3 * H, NOW + 72 * H, "booked")],
    }


def _insert(con: psycopg.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    cols = schema.column_names(table)
    with con.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:  # fixture data (a handful of rows), not a data path
            cp.write_row(r)


@pytest.fixture
def source(pg_url: str) -> str:
    with psycopg.connect(pg_url) as con:
        con.execute(schema.postgres_ddl())
        for table, rows in _rows().items():
            _insert(con, table, rows)
    return pg_url


def _norm(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).isoformat()
    if isinstance(v, uuid.UUID | Decimal | dt.date):
        return str(v)
    if isinstance(v, list):
        return tuple(v)
    if isinstance(v, float):  # real is float32: psycopg rounds it, DuckDB widens it
        return float(f"{v:.6g}")
    return v


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)


def _pg_rows(url: str, table: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as con:
        return _sorted(con.execute(f"SELECT {', '.join(schema.column_names(table))} FROM {table}").fetchall())


def _store_rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    with Store(path, read_only=True) as st:
        return _sorted(st.con.execute(f"SELECT * FROM {table}").fetchall())


def _assert_identical(url: str, path: Path) -> None:
    for table in schema.LOAD_ORDER:
        assert _store_rows(path, table) == _pg_rows(url, table), table


def test_first_sync_copies_everything_with_types(source: str, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    seen: list[SyncProgress] = []
    report = sync(source, path, progress=seen.append)
    counts = {t: len(r) for t, r in _rows().items()}
    assert {t: r.inserted for t, r in report.tables.items()} == counts
    assert all(r.updated == r.deleted == 0 for r in report.tables.values())
    _assert_identical(source, path)
    with Store(path, read_only=True) as st:
        types = dict(
            st.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users'"
            ).fetchall()
        )
        assert types == {
            "id": "UUID",
            "name": "VARCHAR",
            "role": "VARCHAR",
            "skills": "VARCHAR[]",
            "hourly_cost": "DECIMAL(12,2)",
            "active": "BOOLEAN",
            "created_at": "TIMESTAMP WITH TIME ZONE",
        }
        users = st.read("users").sort("id")
        assert users["id"][0] == str(U1)
        assert users["skills"][0].to_list() == ["ortodontia", "implante"]
        assert users["hourly_cost"][0] == Decimal("45.50")
        assert str(users["created_at"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
        assert st.get_meta("source") == source
        assert st.version() == report.data_version != "0"
    assert any(p.done and p.table == "conversation_messages" and p.rows == 6 for p in seen)


def test_incremental_brings_new_and_updated_rows(source: str, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    first = sync(source, path)
    again = sync(source, path)  # nothing changed: nothing written, same data version
    assert not again.changed and again.data_version == first.data_version

    with psycopg.connect(source) as con:
        _insert(
            con, "leads", [(L4, "5511900000004", "L Quatro", "google_ads", None, None, 5, "new", None, NOW, None, None)]
        )
        _insert(con, "lead_status_history", [(L4, "new", NOW), (L3, "scheduled", NOW)])
        _insert(con, "conversations", [(C4, L2, "bot", "reativacao", NOW, None, None, None, None)])
        _insert(
            con,
            "conversation_messages",
            [
                (7, C1, "inbound", "lead", None, "ainda aí?", NOW),
                (8, C1, "outbound", "bot", None, "sim", NOW),
                (9, C4, "outbound", "bot", None, "volte", NOW),
            ],
        )
        con.execute("UPDATE conversations SET status = 'closed', closed_at = %s WHERE id = %s", (NOW, C3))
        con.execute("UPDATE leads SET status = 'scheduled', converted_at = %s WHERE id = %s", (NOW, L3))
        con.execute("UPDATE procedure_bookings SET status = 'attended' WHERE id = %s", (B1,))
        con.execute("UPDATE llm_interactions SET validated_intent = 'preco' WHERE id = 2")

    report = sync(source, path)
    got = {t: (r.inserted, r.updated, r.deleted) for t, r in report.tables.items() if r.changed}
    assert got == {
        "leads": (1, 1, 0),  # L4 new; L3 converted (L1, L2 re-read as touched but unchanged)
        "lead_status_history": (2, 0, 0),
        "conversations": (1, 1, 0),  # C4 new; C3 closed
        "conversation_messages": (3, 0, 0),
        "procedure_bookings": (0, 1, 0),  # booked -> attended
        "llm_interactions": (0, 1, 0),  # validated_intent set
    }
    assert report.data_version != first.data_version
    _assert_identical(source, path)
    with Store(path, read_only=True) as st:
        assert st.con.execute("SELECT status FROM leads WHERE id = ?", [L3]).fetchall() == [("scheduled",)]
        assert st.con.execute("SELECT count(*) FROM lead_touchpoints").fetchall() == [(2,)]  # duplicates kept


def test_full_sync_removes_rows_deleted_at_source(source: str, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    sync(source, path)
    with psycopg.connect(source) as con:
        con.execute("DELETE FROM leads WHERE id = %s", (L1,))  # LGPD forget: cascades to children
    inc = sync(source, path)
    assert inc.tables["leads"].deleted == 0  # incremental cannot see deletions
    report = sync(source, path, full=True)
    # L1 had 1 status row, conversation C1 with messages 1-2 and llm row 1, 2 touchpoints
    got = {t: r.deleted for t, r in report.tables.items() if r.deleted}
    assert got == {
        "leads": 1,
        "lead_status_history": 1,
        "conversations": 1,
        "conversation_messages": 2,
        "llm_interactions": 1,
        "lead_touchpoints": 2,
    }
    assert all(r.inserted == r.updated == 0 for r in report.tables.values())
    _assert_identical(source, path)
    with Store(path, read_only=True) as st:
        assert st.get_meta("last_full_sync_at")


def test_full_sync_of_unchanged_source_changes_nothing(source: str, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    first = sync(source, path)
    report = sync(source, path, full=True)
    assert not report.changed and report.data_version == first.data_version
    assert report.tables["conversation_messages"].fetched == 6


@pytest.mark.slow
@pytest.mark.parametrize("messy", [False, True], ids=["clean", "messy"])
def test_generated_tiny_source_syncs_identically(pg_url: str, tmp_path: Path, messy: bool) -> None:
    generator = pytest.importorskip("analytics.generator")
    result = generator.generate(pg_url, size="tiny", seed=7, messy=messy, truth_path=tmp_path / "truth.json")
    path = tmp_path / "s.duckdb"
    report = sync(pg_url, path)
    assert {t: r.inserted for t, r in report.tables.items()} == {t: result.counts[t] for t in schema.LOAD_ORDER}
    assert report.tables["conversation_messages"].inserted > 0
    _assert_identical(pg_url, path)  # every value of every table, not just counts
    again = sync(pg_url, path, full=True)
    assert not again.changed
