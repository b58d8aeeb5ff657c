"""Write generated frames to a DuckDB file (through Arrow) or a PostgreSQL database (COPY)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from analytics import schema
from analytics.errors import InputError, SourceError


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def write_duckdb(path: str | Path, frames: dict[str, pl.DataFrame], meta: dict[str, str]) -> None:
    """Replace ``path`` with a fresh store holding ``frames`` (every contract table) and ``_meta``."""
    from analytics.sources.store import Store

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    for f in (p, p.with_name(p.name + ".wal")):
        if f.exists():
            f.unlink()
    with Store(p) as store:
        store.con.execute("BEGIN")
        for table in schema.LOAD_ORDER:
            store.replace_table(table, frames[table])
        for k, v in meta.items():
            store.set_meta(k, v)
        store.con.execute("COMMIT")
        store.con.execute("CHECKPOINT")


def _csv(frame: pl.DataFrame) -> bytes:
    """CSV without header; lists as PostgreSQL array literals; nulls as empty unquoted fields."""
    cols = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List):
            cols.append(
                pl.when(pl.col(name).is_null())
                .then(None)
                .otherwise(pl.lit("{") + pl.col(name).list.join(",") + pl.lit("}"))
                .alias(name)
            )
        elif isinstance(dtype, pl.Datetime):
            cols.append(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00").alias(name))
        else:
            cols.append(pl.col(name))
    buf = io.BytesIO()
    frame.select(cols).write_csv(buf, include_header=False, null_value="", quote_style="necessary")
    return buf.getvalue()


def check_postgres(url: str) -> None:
    """Fail fast (before generating) when the server is unreachable."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as con:
            con.execute("SELECT 1")
    except psycopg.Error as exc:
        raise SourceError(f"cannot connect to PostgreSQL: {str(exc).splitlines()[0]}") from None


def write_postgres(url: str, frames: dict[str, pl.DataFrame], *, chunk_rows: int = 500_000) -> None:
    """Drop and recreate the contract tables at ``url`` and load them with COPY (FKs added after loading)."""
    import psycopg

    try:
        con = psycopg.connect(url, autocommit=False)
    except psycopg.Error as exc:
        raise SourceError(f"cannot connect to PostgreSQL: {str(exc).splitlines()[0]}") from None
    try:
        with con:
            cur = con.cursor()
            for table in reversed(schema.LOAD_ORDER):
                cur.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
            cur.execute(schema.postgres_ddl(foreign_keys=False))
            for table in schema.LOAD_ORDER:
                frame = frames[table].select(schema.column_names(table))
                cols = ", ".join(frame.columns)
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
                    for off in range(0, frame.height, chunk_rows):
                        copy.write(_csv(frame.slice(off, chunk_rows)))
            for (table, col), ref in schema.FOREIGN_KEYS.items():
                action = "CASCADE" if col in ("lead_id", "conversation_id") else "SET NULL"
                cur.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {table}_{col}_fkey FOREIGN KEY ({col}) "
                    f"REFERENCES {ref}(id) ON DELETE {action}"
                )
        with psycopg.connect(url, autocommit=True) as c2:
            c2.execute("ANALYZE")
    except psycopg.Error as exc:
        raise SourceError(f"PostgreSQL load failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()


def default_truth_path(target: str) -> Path:
    if is_postgres(target):
        db = target.rsplit("/", 1)[-1].split("?", 1)[0] or "postgres"
        return Path("data") / f"{db}.truth.json"
    p = Path(target)
    if p.suffix != ".duckdb":
        raise InputError(f"target must be a postgresql:// URL or a path ending in .duckdb: {target}")
    return p.with_name(p.name[: -len(".duckdb")] + ".truth.json")
