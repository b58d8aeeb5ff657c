"""The local DuckDB analytics store: the replica every metric reads.

Tables mirror the source contract (``analytics.schema``) plus ``_meta``
(key/value: sync watermarks, source description, data version).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from analytics import schema
from analytics.errors import SourceError

#: Lead personal data never loaded for aggregated analyses (LGPD: pseudonymous ids only).
#: Staff names (users.name) are not lead data and are shown in team breakdowns.
SENSITIVE = {
    "leads": ("phone", "name"),
    "conversation_messages": ("content",),
    "feedback": ("comment",),
}


class StoreError(SourceError):
    """A store that cannot be opened or read; the message is one clear line."""


class Store:
    """A DuckDB file (or ``:memory:``) holding the analytics tables."""

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:" and read_only and not Path(self.path).exists():
            raise StoreError(f"store file not found: {self.path}")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        self.con.execute(schema.duckdb_ddl())
        self.con.execute("CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------
    def tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}

    def read(self, table: str, *, sensitive: bool = False) -> pl.DataFrame:
        """One table as a Polars frame (through Arrow); sensitive columns dropped unless asked."""
        if table not in schema.TABLES:
            raise StoreError(f"unknown table {table!r}")
        if table not in self.tables():
            raise StoreError(f"store {self.path} has no table {table!r}: run a sync first")
        drop = () if sensitive else SENSITIVE.get(table, ())
        cols = ", ".join(f'"{c}"' for c in schema.column_names(table) if c not in drop)
        return self.con.sql(f"SELECT {cols} FROM {table}").pl()

    def get_meta(self, key: str) -> str | None:
        if "_meta" not in self.tables():
            return None
        row = self.con.execute("SELECT value FROM _meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "INSERT INTO _meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def latest_event(self, columns: dict[str, tuple[str, ...]]) -> datetime | None:
        """Latest non-null value of the given ``{table: timestamp columns}`` (``None`` when none)."""
        parts = [f"SELECT max({c}) AS v FROM {t}" for t, cols in columns.items() for c in cols]
        return self.con.execute(f"SELECT max(v) FROM ({' UNION ALL '.join(parts)})").fetchone()[0]

    def version(self) -> str:
        """Changes whenever a sync changes data (cache key for the UI)."""
        return self.get_meta("data_version") or "0"

    # -- writing -----------------------------------------------------------------
    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Replace a whole table with ``frame`` (columns in contract order, through Arrow)."""
        arrow = frame.select(schema.column_names(table)).to_arrow()
        self.con.register("_incoming", arrow)
        try:
            self.con.execute(f"DELETE FROM {table}")
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One DuckDB transaction: committed on success, rolled back on any error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def retention_delete(self, cutoff: datetime, cutoff_day: date, *, dry_run: bool = False) -> dict[str, int]:
        """Delete (or, ``dry_run``, count) the rows ``analytics.retention`` drops for ``cutoff``
        (UTC) and ``cutoff_day`` (its local date, for campaign dates); rows per table.

        Runs in the caller's transaction. Cheap when nothing is old: one ``min`` per table.
        The drop sets are computed first (temp tables), then deleted children first.
        """
        from analytics import retention as r

        def latest(table: str) -> str:
            cols = r.TIMESTAMPS[table]
            return cols[0] if len(cols) == 1 else f"greatest({', '.join(cols)})"

        def recent(table: str) -> str:
            return f"coalesce({latest(table)} >= $cut, false)"

        def old(table: str) -> str:
            return f"coalesce({latest(table)} < $cut, false)"

        counts = dict.fromkeys(r.PURGE_ORDER, 0)
        present = self.tables()
        checks = [f"SELECT bool_or({old(t)}) FROM {t}" for t in r.TIMESTAMPS if t in present]
        if "marketing_campaigns" in present:
            checks.append("SELECT bool_or(greatest(started_at, ended_at) < $day) FROM marketing_campaigns")
        params = {"cut": cutoff, "day": cutoff_day}

        def run(sql: str) -> tuple | None:
            return self.con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchone()

        if not any(run(q)[0] for q in checks):  # type: ignore[index]
            return counts
        missing = [t for t in r.PURGE_ORDER if t not in present]
        if missing:
            raise StoreError(f"store {self.path} has no table {missing[0]!r}: run a sync first")

        temps = {
            # old/undated messages referenced by a recent LLM row
            "_ret_msg_forced": f"""SELECT DISTINCT message_id AS id FROM llm_interactions
                WHERE {recent("llm_interactions")} AND message_id IN
                (SELECT id FROM conversation_messages WHERE NOT {recent("conversation_messages")})""",
            # old/undated conversations kept by a kept message or a recent LLM / feedback row
            "_ret_conv_forced": f"""
                WITH cand AS (SELECT id FROM conversations WHERE NOT {recent("conversations")})
                SELECT conversation_id AS id FROM conversation_messages
                  WHERE conversation_id IN (SELECT id FROM cand)
                  AND ({recent("conversation_messages")} OR id IN (SELECT id FROM _ret_msg_forced))
                UNION SELECT conversation_id FROM llm_interactions
                  WHERE conversation_id IN (SELECT id FROM cand) AND {recent("llm_interactions")}
                UNION SELECT conversation_id FROM feedback
                  WHERE conversation_id IN (SELECT id FROM cand) AND {recent("feedback")}""",
            # old leads no kept row references
            "_ret_lead_drop": "WITH cand AS (SELECT id FROM leads WHERE {old_leads}) "
            "SELECT id FROM cand EXCEPT ({forced})".format(
                old_leads=old("leads"),
                forced=" UNION ".join(
                    [
                        f"SELECT lead_id FROM {t} WHERE lead_id IN (SELECT id FROM cand) AND {recent(t)}"
                        for t in r.LEAD_CHILDREN
                    ]
                    + [
                        f"SELECT lead_id FROM conversations WHERE lead_id IN (SELECT id FROM cand) AND "
                        f"({recent('conversations')} OR id IN (SELECT id FROM _ret_conv_forced))"
                    ]
                ),
            ),
            "_ret_conv_drop": f"""SELECT id FROM conversations
                WHERE NOT ({recent("conversations")} OR id IN (SELECT id FROM _ret_conv_forced))
                AND ({old("conversations")} OR coalesce(lead_id IN (SELECT id FROM _ret_lead_drop), false))""",
        }
        keep_where = {
            "conversation_messages": (
                f"{recent('conversation_messages')} OR id IN (SELECT id FROM _ret_msg_forced)",
                "conversation_id",
                "_ret_conv_drop",
            ),
            "llm_interactions": (recent("llm_interactions"), "conversation_id", "_ret_conv_drop"),
            "feedback": (recent("feedback"), "conversation_id", "_ret_conv_drop"),
            **{t: (recent(t), "lead_id", "_ret_lead_drop") for t in r.LEAD_CHILDREN},
        }

        def drop_where(table: str) -> str:
            strong, fk, dropped = keep_where[table]
            return (
                f"NOT ({strong}) AND ({old(table)} OR "
                f"({latest(table)} IS NULL AND coalesce({fk} IN (SELECT id FROM {dropped}), false)))"
            )

        kept_tp = (
            "SELECT campaign_id FROM lead_touchpoints "
            f"WHERE campaign_id IS NOT NULL AND NOT ({drop_where('lead_touchpoints')})"
        )
        temps["_ret_camp_drop"] = f"""SELECT id FROM marketing_campaigns
            WHERE coalesce(greatest(started_at, ended_at) < $day, false)
            AND id NOT IN (SELECT campaign_id FROM leads WHERE campaign_id IS NOT NULL
                           AND id NOT IN (SELECT id FROM _ret_lead_drop))
            AND id NOT IN ({kept_tp})"""
        wheres = {t: drop_where(t) for t in keep_where}
        wheres["conversations"] = "id IN (SELECT id FROM _ret_conv_drop)"
        wheres["leads"] = "id IN (SELECT id FROM _ret_lead_drop)"
        wheres["marketing_campaigns"] = "id IN (SELECT id FROM _ret_camp_drop)"
        try:
            for name, sql in temps.items():
                run(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
            for table in r.PURGE_ORDER:
                verb = "SELECT count(*) FROM" if dry_run else "DELETE FROM"
                row = run(f"{verb} {table} WHERE {wheres[table]}")
                counts[table] = int(row[0]) if row else 0
        finally:
            for name in temps:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
        return counts
