"""Read the bot's PostgreSQL tables as Arrow record batches (ADBC, binary COPY under the hood).

No row-by-row Python and no pandas: every query returns a ``pyarrow.RecordBatchReader``
that DuckDB consumes directly. Types as they arrive through ADBC (PostgreSQL driver 1.13):

- ``uuid`` → ``arrow.uuid`` extension (16-byte binary) → DuckDB ``UUID`` without a cast;
- ``numeric(12,2)`` → opaque extension over ``string`` ("12.50") → cast to ``DECIMAL(12,2)`` in DuckDB;
- ``text[]`` → ``list<string>`` → ``VARCHAR[]``; ``timestamptz`` → ``timestamp[us, tz=UTC]`` → ``TIMESTAMPTZ``.

The loader (``analytics.sources.sync``) therefore casts every column to its store type in the
DuckDB ``INSERT ... SELECT CAST(...)`` (``store_casts``), which is exact for all of them.
"""

from __future__ import annotations

import queue
import re
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyarrow as pa

from analytics import schema
from analytics.errors import SourceError

#: Arrow batch size asked from the driver (small batches let reading and loading overlap).
BATCH_BYTES = 1 << 20
#: Batches decoded ahead of the consumer.
PREFETCH = 8

#: PostgreSQL ``udt_name`` values accepted for each contract type (compatible = losslessly castable).
_COMPATIBLE: dict[str, set[str]] = {
    "uuid": {"uuid"},
    "text": {"text", "varchar", "bpchar"},
    "text[]": {"_text", "_varchar"},
    "numeric(12,2)": {"numeric"},
    "timestamptz": {"timestamptz", "timestamp"},  # timestamp without time zone is read as UTC
    "bigint": {"int8", "int4", "int2"},
    "integer": {"int4", "int2"},
    "real": {"float4", "float8", "numeric"},
    "boolean": {"bool"},
    "date": {"date"},
}


def redact(url: str) -> str:
    """The URL without its password (safe to print and to store in ``_meta``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}", parts.path, parts.query, parts.fragment))


def describe(url: str) -> str:
    """``host:port/db`` for messages (no user, no password)."""
    parts = urlsplit(url)
    port = parts.port or 5432
    return f"{parts.hostname or 'localhost'}:{port}{parts.path or '/'}"


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+"))


def _normalize(url: str) -> str:
    """libpq accepts ``postgresql://`` and ``postgres://``; strip SQLAlchemy driver suffixes."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def _connect_error(url: str, exc: BaseException) -> SourceError:
    text = str(exc)
    password = urlsplit(url).password
    if password:
        text = text.replace(password, "***")
    reason = text.split("\n")[0]
    low = text.lower()
    if "connection refused" in low:
        reason = "connection refused"
    elif "does not exist" in low:
        m = re.search(r'database "[^"]+" does not exist', text)
        reason = m.group(0) if m else "database does not exist"
    elif "password authentication failed" in low or "authentication failed" in low:
        reason = "authentication failed"
    elif "timeout" in low or "timed out" in low:
        reason = "connection timed out"
    elif "could not translate host name" in low or "name or service not known" in low:
        reason = "unknown host"
    else:
        reason = re.sub(r"^.*?Failed to connect: ", "", reason).strip() or exc.__class__.__name__
    return SourceError(f"cannot connect to PostgreSQL at {describe(url)}: {reason}")


@dataclass
class PostgresSource:
    """An open, validated connection to the bot database.

    ``present`` is the set of contract tables found at the source; NEW tables that are absent
    are read as empty (a warning was issued by ``validate``).
    """

    url: str
    con: Any = None
    present: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, url: str, *, validate: bool = True) -> PostgresSource:
        if not is_postgres_url(url):
            raise SourceError(f"source URL must start with postgresql:// (got {redact(url).split(':', 1)[0]}://...)")
        import adbc_driver_manager
        from adbc_driver_postgresql import dbapi

        try:
            con = dbapi.connect(_normalize(url))
        except adbc_driver_manager.Error as exc:
            raise _connect_error(url, exc) from None
        src = cls(url=url, con=con)
        if validate:
            try:
                src.present = src.validate()
            except BaseException:
                src.close()
                raise
        else:
            src.present = set(schema.TABLES)
        return src

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> PostgresSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- validation ------------------------------------------------------------------
    def columns(self) -> dict[str, dict[str, tuple[str, str]]]:
        """table -> column -> (udt_name, data_type) for the contract tables on the search path."""
        q = (
            "SELECT table_name::text, column_name::text, udt_name::text, data_type::text "
            "FROM information_schema.columns "
            "WHERE table_schema = ANY(current_schemas(false)) AND table_name = ANY($1::text::text[])"
        )
        names = "{" + ",".join(schema.TABLES) + "}"
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for t, c, udt, dt in self.query(q, [names]).to_pylist_rows():
            out.setdefault(t, {}).setdefault(c, (udt, dt))
        return out

    def validate(self) -> set[str]:
        """Check every contract table and column; return the tables present.

        Raises SourceError (one line) for a missing existing table, a missing column or an
        incompatible type; warns (``warnings.warn``) for absent NEW tables (read as empty).
        """
        found = self.columns()
        present: set[str] = set()
        for table in schema.LOAD_ORDER:
            cols = found.get(table)
            if cols is None:
                if table in schema.NEW_TABLES:
                    warnings.warn(f"source has no table '{table}' (new table): treated as empty", stacklevel=3)
                    continue
                raise SourceError(f"source is missing table '{table}'")
            for col in schema.TABLES[table]:
                if col.name not in cols:
                    raise SourceError(f"table {table} is missing column '{col.name}'")
                udt, data_type = cols[col.name]
                if udt not in _COMPATIBLE[col.pg]:
                    shown = f"{udt.lstrip('_')}[]" if data_type == "ARRAY" else data_type
                    shown = {"timestamp with time zone": "timestamptz"}.get(shown, shown)
                    raise SourceError(f"column {table}.{col.name} has type {shown}, expected {col.pg}")
            present.add(table)
        return present

    # -- reading ---------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> _Result:
        """Run a parameterised query (``$1``, ``$2``...) and return the whole result as Arrow."""
        cur = self.con.cursor()
        try:
            cur.execute(sql, params) if params else cur.execute(sql)
            return _Result(cur.fetch_arrow_table())
        except Exception as exc:
            raise SourceError(f"query failed on {describe(self.url)}: {str(exc).splitlines()[0]}") from None
        finally:
            cur.close()

    def scan(
        self, table: str, where: str | Sequence[str] = "", params: Sequence[Any] | None = None
    ) -> pa.RecordBatchReader:
        """Stream the contract columns of ``table`` (optionally ``WHERE ...``) as record batches.

        ``where`` may be several disjoint predicates: they are read as ``UNION ALL`` of one
        ``SELECT`` each, so every branch can use its own index.

        An absent NEW table yields an empty reader with the contract's Arrow-compatible columns.
        The cursor stays open until the reader is exhausted (the caller consumes it fully).
        """
        cols = schema.column_names(table)
        if table not in self.present:
            empty = pa.table({c: pa.array([], pa.null()) for c in cols})
            return pa.RecordBatchReader.from_batches(empty.schema, [])
        select = f"SELECT {', '.join(cols)} FROM {table}"
        wheres = [where] if isinstance(where, str) else list(where)
        wheres = [w for w in wheres if w]
        sql = " UNION ALL ".join(f"{select} WHERE {w}" for w in wheres) if wheres else select
        cur = self.con.cursor()
        try:
            cur.adbc_statement.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(BATCH_BYTES)})
            cur.execute(sql, params) if params else cur.execute(sql)
            reader = cur.fetch_record_batch()
        except Exception as exc:
            cur.close()
            raise SourceError(f"cannot read {table} from {describe(self.url)}: {str(exc).splitlines()[0]}") from None
        return pa.RecordBatchReader.from_batches(reader.schema, _prefetch(reader, cur, table, self.url))


def _prefetch(reader: pa.RecordBatchReader, cur: Any, table: str, url: str) -> Iterator[pa.RecordBatch]:
    """Yield the reader's batches while a thread already decodes the next ones.

    ADBC decodes PostgreSQL's binary COPY without the GIL, so reading (thread) and loading into
    DuckDB (consumer) overlap; this is what brings the sync close to the raw COPY speed.
    The cursor is closed when the stream ends or the consumer stops early.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=PREFETCH)
    stop = threading.Event()
    end = object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for batch in reader:
                if not put(batch):
                    return
            put(end)
        except Exception as exc:  # surfaced in the consumer as one line
            put(SourceError(f"cannot read {table} from {describe(url)}: {str(exc).splitlines()[0]}"))

    thread = threading.Thread(target=work, name=f"pg-read-{table}", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
        cur.close()


@dataclass
class _Result:
    table: pa.Table

    def to_pylist_rows(self) -> list[tuple[Any, ...]]:
        """Small metadata results only (catalog lookups), never data tables."""
        cols = [self.table.column(i).to_pylist() for i in range(self.table.num_columns)]
        return list(zip(*cols, strict=True))

    def scalar(self) -> Any:
        return self.table.column(0)[0].as_py() if self.table.num_rows else None


def store_casts(table: str) -> str:
    """``CAST(col AS <store type>) AS col, ...`` for a DuckDB SELECT over an incoming Arrow stream."""
    return ", ".join(f'CAST("{c.name}" AS {c.duck}) AS "{c.name}"' for c in schema.TABLES[table])
