"""The local DuckDB analytics store: the replica every metric reads.

Tables mirror the source contract (``analytics.schema``) plus ``_meta``
(key/value: sync watermarks, source description, data version).
"""

from __future__ import annotations

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
