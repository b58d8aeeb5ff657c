"""Live queue, read straight from the source (not from the synced store): who is waiting for a human now.

- **waiting**: conversations with ``status = 'waiting_human'`` and no ``closed_at``;
- **longest wait**: ``now − transferred_at`` (``started_at`` when null) of the oldest waiting one;
- **messages in the last hour**: messages with ``now − 1 h < created_at ≤ now``.

"Now" is the database clock for PostgreSQL (``now()``). A DuckDB file (the demo) is a snapshot, so
"now" is its latest message time: the queue is shown as it was at the end of the data.
Every query is parameterised; no personal data is read (ids, playbook and times only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from analytics.errors import SourceError

_WAITING_DUCK = """
    SELECT CAST(c.id AS VARCHAR) AS conversation_id, c.playbook, CAST(c.assigned_to AS VARCHAR) AS assigned_to,
           COALESCE(c.transferred_at, c.started_at) AS waiting_since
    FROM conversations c
    WHERE c.status = 'waiting_human' AND c.closed_at IS NULL
      AND COALESCE(c.transferred_at, c.started_at) <= ?
    ORDER BY waiting_since
"""
_WAITING_PG = _WAITING_DUCK.replace("?", "%s")
_LAST_HOUR = "SELECT count(*) FROM conversation_messages WHERE created_at > ? AND created_at <= ?"


@dataclass(frozen=True)
class LiveQueue:
    now: datetime  # UTC
    waiting: int
    longest_wait_seconds: float | None
    messages_last_hour: int
    rows: pl.DataFrame = field(default_factory=pl.DataFrame)  # conversation_id, playbook, assigned_to, wait_seconds
    snapshot: bool = False  # True for a file source: "now" is the data's latest message


def _finish(now: datetime, frame: pl.DataFrame, last_hour: int, snapshot: bool) -> LiveQueue:
    if frame.height:
        frame = frame.with_columns(
            pl.col("waiting_since").dt.replace_time_zone(None).dt.replace_time_zone("UTC")
            if frame.schema["waiting_since"].time_zone is None  # type: ignore[union-attr]
            else pl.col("waiting_since").dt.convert_time_zone("UTC")
        ).with_columns(
            ((pl.lit(now) - pl.col("waiting_since")).dt.total_seconds()).cast(pl.Float64).alias("wait_seconds")
        )
    longest = float(frame["wait_seconds"].max()) if frame.height else None  # type: ignore[arg-type]
    return LiveQueue(now, frame.height, longest, last_hour, frame, snapshot)


def from_duckdb(path: str | Path, now: datetime | None = None) -> LiveQueue:
    """The queue of a DuckDB file (read-only); ``now`` defaults to its latest message time."""
    import duckdb

    if not Path(path).exists():
        raise SourceError(f"arquivo de dados não encontrado: {Path(path).name}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise SourceError(f"não foi possível abrir {Path(path).name}: {exc}") from None
    try:
        con.execute("SET TimeZone = 'UTC'")
        snapshot = now is None
        if now is None:
            row = con.sql("SELECT max(created_at) FROM conversation_messages").fetchall()[0]
            now = row[0] if row and row[0] is not None else datetime.now(UTC)
        now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
        frame = con.sql(_WAITING_DUCK, params=[now]).pl()
        (n,) = con.sql(_LAST_HOUR, params=[now - timedelta(hours=1), now]).fetchall()[0]
    except duckdb.Error as exc:
        raise SourceError(f"fila ao vivo indisponível: {exc}") from None
    finally:
        con.close()
    return _finish(now, frame, int(n), snapshot)


def from_postgres(url: str) -> LiveQueue:
    """The queue of the bot's PostgreSQL (psycopg, parameterised SQL, database clock)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as con, con.cursor() as cur:
            cur.execute("SELECT now()")
            now: datetime = cur.fetchone()[0]  # type: ignore[index]
            now = now.astimezone(UTC)
            cur.execute(_WAITING_PG, [now])
            data: list[Any] = cur.fetchall()
            cur.execute(_LAST_HOUR.replace("?", "%s"), [now - timedelta(hours=1), now])
            n = cur.fetchone()[0]  # type: ignore[index]
    except psycopg.Error:
        raise SourceError("fila ao vivo indisponível: banco de dados inacessível") from None
    schema = {"conversation_id": pl.String, "playbook": pl.String, "assigned_to": pl.String,
              "waiting_since": pl.Datetime("us", "UTC")}
    rows = [(str(r[0]), r[1], None if r[2] is None else str(r[2]), r[3]) for r in data]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return _finish(now, frame, int(n), False)


def live_queue(source: str, demo_path: str | Path) -> LiveQueue:
    """Dispatch on the source: PostgreSQL URL, DuckDB file path, or ``demo``."""
    if source.startswith(("postgresql://", "postgres://")):
        return from_postgres(source)
    return from_duckdb(demo_path if source == "demo" else source)
