"""PostgreSQL → DuckDB sync: the bot database into the local analytics store, through Arrow.

Every read is one ADBC query streamed as Arrow record batches straight into DuckDB
(``INSERT ... SELECT CAST(...) FROM <arrow stream>``): no Python loop over rows, no pandas.
All source reads of one sync share one REPEATABLE READ snapshot; all store writes happen in one
DuckDB transaction, so a reader never sees half a sync.

Incremental design (the source has no ``updated_at``; run incremental hourly, ``full`` daily):

* **Append-only, bigint key** (conversation_messages, lead_interactions, feedback): fetch
  ``id > max(id in store) - ID_LAG`` (primary-key range scan) and insert the ids not yet stored.
  Re-reading the last ``ID_LAG`` ids catches rows whose transaction committed after a higher id
  had already been synced (sequences are not commit-ordered).
* **Append-only, no key** (lead_status_history, lead_touchpoints): fetch ``changed_at``/``touched_at
  >= max(ts in store) - SAFETY_LAG`` and insert the multiset difference (``EXCEPT ALL``) against
  the store rows of the same window, so exact duplicates at the source are kept, never doubled.
* **Mutable** (re-fetched by key, then upserted = DELETE by key + INSERT, only rows that differ):
  users and marketing_campaigns are small and read whole every time (deletions included);
  conversations: ``started_at >= watermark - SAFETY_LAG`` OR id in (conversations not closed in
  the store, conversations of new messages / LLM rows / feedback); procedure_bookings:
  ``booked_at >= watermark - SAFETY_LAG`` OR id in (bookings still ``booked`` in the store);
  leads: ``created_at >= watermark - SAFETY_LAG`` OR id in (leads touched by any new or changed
  child row of this sync: status history, conversation, message, booking, touchpoint,
  interaction); llm_interactions: the bigint rule above plus rows with a ``validated_intent`` now
  set among ids the store still has unreviewed within the last ``REVIEW_WINDOW_DAYS``.
  The timestamp branch and the key branch are read as two disjoint ``UNION ALL`` selects, each
  on its own index (primary key; ``leads_created_at``, ``conversations_started_at``), so the cost
  follows the change and the open set, not the history. Without an index (``booked_at``,
  ``changed_at``, ``touched_at``) PostgreSQL scans those tables, which are small next to messages.
* Limits of incremental: a row stamped more than ``SAFETY_LAG`` before it is committed is only
  caught by the next full sync (leads and conversations also when a child row touches them).
* **Full** (``full=True``) re-reads every table and reconciles: inserts, updates and deletes
  (rows removed at the source, e.g. an LGPD forget). It also catches what incremental cannot see:
  in-place edits of closed rows with no new child row (a lead's maturity_score, a reassignment),
  rows back-dated beyond the safety lag, rows with a NULL timestamp.

**LGPD retention**: every sync (incremental and full) ends, in the same transaction, with
``analytics.retention.purge``: rows older than the retention cutoff (``retention_years`` before
the store's latest event) are deleted and counted per table (``TableSync.purged``). Purged rows
are below the incremental watermarks, so they are not re-read; a full sync re-reads and
reconciles them, then purges them again. The prepared caches beside the store are removed when
anything was purged.

Watermarks are derived from the store itself (max id / max timestamp per table, always
consistent with its contents) and recorded in ``_meta`` as ``watermark.<table>``. ``_meta`` also
gets ``source`` (URL without password), ``last_sync_at``, ``last_full_sync_at`` and
``data_version`` (new value whenever a sync changed anything: the UI's cache key).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from analytics import retention, schema
from analytics.errors import SourceError
from analytics.settings import Settings, load_settings
from analytics.sources.postgres import PostgresSource, redact, store_casts
from analytics.sources.store import Store, StoreError

#: Re-read window for timestamp watermarks (clock skew, late commits).
SAFETY_LAG = timedelta(minutes=10)
#: Re-read window for bigint-id watermarks (ids committed out of order).
ID_LAG = 1000
#: How far back unreviewed LLM interactions are re-checked for a reviewer's validated_intent.
REVIEW_WINDOW_DAYS = 30

#: Small tables read whole on every sync.
_SMALL = ("users", "marketing_campaigns")
_BIGINT_APPEND = ("conversation_messages", "lead_interactions", "feedback")
_TS_APPEND = {"lead_status_history": "changed_at", "lead_touchpoints": "touched_at"}
#: Processing order of an incremental sync: children first, so their parents can be re-fetched.
_INCREMENTAL_ORDER = (
    "users",
    "marketing_campaigns",
    "conversation_messages",
    "llm_interactions",
    "lead_interactions",
    "feedback",
    "lead_status_history",
    "lead_touchpoints",
    "procedure_bookings",
    "conversations",
    "leads",
)


@dataclass(frozen=True)
class SyncProgress:
    """Progress of one table: rows read so far and elapsed seconds."""

    table: str
    rows: int
    seconds: float
    done: bool = False

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class TableSync:
    """Outcome of one table: rows read from the source and rows changed in the store."""

    table: str
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    #: rows removed by the LGPD retention rule at the end of the sync
    purged: int = 0
    seconds: float = 0.0

    @property
    def rows_per_s(self) -> float:
        """Rows read from the source per second of this table's sync."""
        return self.fetched / self.seconds if self.seconds > 0 else 0.0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted + self.purged


@dataclass
class SyncReport:
    source: str
    store: str
    full: bool
    tables: dict[str, TableSync] = field(default_factory=dict)
    seconds: float = 0.0
    data_version: str = "0"
    #: retention cutoff applied (UTC); ``None`` when retention is disabled
    retention_start: datetime | None = None

    @property
    def purged(self) -> dict[str, int]:
        """Rows removed by the retention rule, per table (tables with none omitted)."""
        return {name: t.purged for name, t in self.tables.items() if t.purged}

    @property
    def changed(self) -> bool:
        return any(t.changed for t in self.tables.values())

    def lines(self) -> list[str]:
        """One summary line per table (contract order; rows purged by retention at the end),
        then the total line (with the retention cutoff and rows purged: counts only)."""
        out = []
        for name in schema.LOAD_ORDER:
            t = self.tables.get(name)
            if t is None:
                continue
            out.append(
                f"{name:<22} read {t.fetched:>9}  +{t.inserted:<8} ~{t.updated:<7} -{t.deleted:<7}"
                f" {t.seconds:7.2f} s {t.rows_per_s:>11,.0f} rows/s" + (f"  retention -{t.purged}" if t.purged else "")
            )
        kind = "full" if self.full else "incremental"
        retained = (
            f"; retention: {sum(self.purged.values())} rows purged before {self.retention_start.isoformat()}"
            if self.retention_start is not None
            else "; retention off"
        )
        out.append(f"{kind} sync from {self.source} into {self.store} in {self.seconds:.2f} s{retained}")
        return out


# -- the sync ---------------------------------------------------------------------------
def sync(
    source_url: str,
    store: Store | str | Path,
    *,
    full: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
    settings: Settings | None = None,
) -> SyncReport:
    """Bring the store up to date with the PostgreSQL source, then apply the LGPD retention
    rule with ``settings.retention_years`` (default: ``load_settings()``); see module docstring."""
    settings = settings or load_settings()
    started = time.perf_counter()
    with PostgresSource.open(source_url) as src:  # validate the source before touching the store
        _snapshot(src)
        own = not isinstance(store, Store)
        st = Store(store) if own else store
        assert isinstance(st, Store)
        report = SyncReport(source=redact(source_url), store=st.path, full=full)
        con = st.con
        try:
            # row order inside a table carries no meaning; letting DuckDB insert in parallel is faster
            con.execute("SET preserve_insertion_order = false")
            con.execute("BEGIN TRANSACTION")
            try:
                run = _Run(src, st, report, full, progress)
                run.run()
                meta = run.meta
                _retention(st, settings, report, progress, meta)
                report.data_version = str(time.time_ns()) if report.changed else st.version()
                now = datetime.now(UTC).isoformat()
                meta.update({"data_version": report.data_version, "source": redact(source_url), "last_sync_at": now})
                if full:
                    meta["last_full_sync_at"] = now
                _write_meta(con, meta)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            finally:
                _drop_temps(con)
        except duckdb.Error as exc:
            raise StoreError(f"cannot write store {st.path}: {str(exc).splitlines()[0]}") from None
        finally:
            if own:
                st.close()
            else:
                con.execute("RESET preserve_insertion_order")
        if report.purged:
            from analytics.sources.resolve import remove_prepared

            remove_prepared(st.path)
    report.seconds = time.perf_counter() - started
    return report


def _retention(
    st: Store,
    settings: Settings,
    report: SyncReport,
    progress: Callable[[SyncProgress], None] | None,
    meta: dict[str, str],
) -> None:
    """Purge what the LGPD retention rule drops, inside the sync's transaction (counts only: no
    personal data is reported)."""
    from analytics.dataset import _EVENT_COLUMNS

    t0 = time.perf_counter()
    ref = st.latest_event(_EVENT_COLUMNS) or datetime.now(UTC)
    report.retention_start = retention.cutoff(ref, settings)
    if report.retention_start is None:
        return
    counts = retention.purge(st, settings, ref, in_transaction=True)
    for name, n in counts.items():
        report.tables.setdefault(name, TableSync(name)).purged = n
    meta["retention_start"] = report.retention_start.isoformat()
    if progress:
        progress(SyncProgress("retention", sum(counts.values()), time.perf_counter() - t0, done=True))


def _write_meta(con: Any, meta: dict[str, str]) -> None:
    """Upsert all ``_meta`` keys of this sync in one statement."""
    values = ", ".join("(?, ?)" for _ in meta)
    params = [x for kv in meta.items() for x in kv]
    con.execute(
        f"INSERT INTO _meta VALUES {values} ON CONFLICT (key) DO UPDATE SET value = excluded.value", params
    ).fetchall()


def _snapshot(src: PostgresSource) -> None:
    """Start a read-only REPEATABLE READ transaction so all reads see one snapshot."""
    src.con.rollback()
    cur = src.con.cursor()
    try:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    finally:
        cur.close()


def _drop_temps(con: Any) -> None:
    for name in ("_stage", "_changed", "_touched_conv", "_touched_lead"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


class _Run:
    """One sync run: reads per table, applies to the store, tracks touched parents."""

    def __init__(
        self,
        src: PostgresSource,
        store: Store,
        report: SyncReport,
        full: bool,
        progress: Callable[[SyncProgress], None] | None,
    ) -> None:
        self.src, self.store, self.con, self.report = src, store, store.con, report
        self.full, self.progress = full, progress
        self.meta: dict[str, str] = {}
        #: the watermarks the previous syncs recorded: never lowered by a retention purge or a forget,
        #: so rows the store deleted on purpose are not read (and purged) again on every sync
        self.recorded = {t: store.get_meta(f"watermark.{t}") for t in schema.TABLES}
        #: the previous sync's retention start: append-only rows older than it are not read again
        #: (they would only be purged again; the cutoff never moves back)
        self.retention_floor: datetime | None = None
        if not full and (rs := store.get_meta("retention_start")):
            try:
                self.retention_floor = datetime.fromisoformat(rs)
            except ValueError:
                self.retention_floor = None
        self.con.execute("CREATE OR REPLACE TEMP TABLE _touched_conv (id UUID)")
        self.con.execute("CREATE OR REPLACE TEMP TABLE _touched_lead (id UUID)")

    # -- store helpers ----------------------------------------------------------------
    def _one(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def _register(self, reader: pa.RecordBatchReader) -> None:
        # DuckDB 2 refuses register() while an earlier execute() result is unfetched (e.g. set_meta)
        self.con.execute("SELECT 1").fetchall()
        self.con.register("_incoming", reader)

    def _count(self, table: str) -> int:
        return int(self._one(f"SELECT count(*) FROM {table}"))

    def _uuid_array(self, sql: str) -> str:
        """A PostgreSQL array literal of the UUIDs selected by ``sql`` (bound as one text parameter)."""
        ids = self._one(f"SELECT string_agg(DISTINCT CAST(id AS VARCHAR), ',') FROM ({sql}) WHERE id IS NOT NULL")
        return "{" + (ids or "") + "}"

    # -- plan -------------------------------------------------------------------------
    def run(self) -> None:
        order = schema.LOAD_ORDER if self.full else _INCREMENTAL_ORDER
        for table in order:
            t0 = time.perf_counter()
            res = TableSync(table)
            self.report.tables[table] = res
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT * FROM {table} LIMIT 0")
            if self.full or table in _SMALL or (self._count(table) == 0 and self.recorded.get(table) is None):
                self._full_table(table, res, t0)
            else:
                where, params = self._incremental_where(table)
                res.fetched = self._stage(table, where, params, t0)
                if table in _TS_APPEND:
                    self._append_window(table, _TS_APPEND[table], params[0], res)
                else:
                    self._upsert(table, res, full=False)
            self._after(table)
            res.seconds = time.perf_counter() - t0
            wm = self._watermark(table)
            if wm is not None:
                self.meta[f"watermark.{table}"] = wm.isoformat() if isinstance(wm, datetime) else str(wm)
            if self.progress:
                self.progress(SyncProgress(table, res.fetched, res.seconds, done=True))

    def _watermark(self, table: str) -> Any:
        col = self._watermark_col(table)
        if col is None and schema.TABLES[table][0].duck == "BIGINT":
            col = "id"
        return self._one(f"SELECT max({col}) FROM {table}") if col else None

    def _since(self, table: str, col: str) -> datetime:
        wm = self._one(f"SELECT max({col}) FROM {table}")
        rec = self.recorded.get(table)
        if rec is not None and self._watermark_col(table) == col:
            try:
                prev = datetime.fromisoformat(rec)
                wm = prev if wm is None or prev > wm else wm
            except ValueError:
                pass  # not a timestamp watermark: the store's own maximum decides
        if wm is None:
            return datetime(1, 1, 2, tzinfo=UTC)
        return wm - SAFETY_LAG

    def _id_floor(self, table: str) -> int:
        top = int(self._one(f"SELECT coalesce(max(id), 0) FROM {table}"))
        rec = self.recorded.get(table)
        if rec is not None and rec.lstrip("-").isdigit():
            top = max(top, int(rec))
        return top - ID_LAG

    @staticmethod
    def _watermark_col(table: str) -> str | None:
        """The timestamp column ``_watermark`` records for a table (``None``: its id, or nothing)."""
        if table in _TS_APPEND:
            return _TS_APPEND[table]
        return {"leads": "created_at", "conversations": "started_at", "procedure_bookings": "booked_at"}.get(table)

    def _incremental_where(self, table: str) -> tuple[str | list[str], list[Any]]:
        def recent(n: int) -> str:  # created at or after the previous cutoff (parameter $n)
            return f"(created_at >= ${n} OR created_at IS NULL)"

        if table in _BIGINT_APPEND:
            if self.retention_floor is not None:
                return f"id > $1 AND {recent(2)}", [self._id_floor(table), self.retention_floor]
            return "id > $1", [self._id_floor(table)]
        if table == "llm_interactions":
            floor = self._id_floor(table)
            cutoff = datetime.now(UTC) - timedelta(days=REVIEW_WINDOW_DAYS)
            first = self._one(
                "SELECT min(id) FROM llm_interactions WHERE validated_intent IS NULL AND created_at >= ?", [cutoff]
            )
            low = min(floor, int(first) - 1) if first is not None else floor
            where = "id > $1 AND (id > $2 OR validated_intent IS NOT NULL)"
            if self.retention_floor is not None:
                return f"{where} AND {recent(3)}", [low, floor, self.retention_floor]
            return where, [low, floor]
        if table in _TS_APPEND:
            since = self._since(table, _TS_APPEND[table])
            if self.retention_floor is not None:
                since = max(since, self.retention_floor)
            return f"{_TS_APPEND[table]} >= $1", [since]
        if table == "procedure_bookings":
            return self._by_time_or_key(table, "booked_at", "SELECT id FROM procedure_bookings WHERE status = 'booked'")
        if table == "conversations":
            return self._by_time_or_key(
                table,
                "started_at",
                "SELECT id FROM conversations WHERE status IS DISTINCT FROM 'closed' OR closed_at IS NULL "
                "UNION ALL SELECT id FROM _touched_conv",
            )
        if table == "leads":
            return self._by_time_or_key(table, "created_at", "SELECT id FROM _touched_lead")
        raise AssertionError(table)

    def _by_time_or_key(self, table: str, col: str, keys_sql: str) -> tuple[list[str], list[Any]]:
        """New rows by timestamp watermark, plus the given keys: two disjoint branches (UNION ALL).

        The key branch is a primary-key lookup (the array is parsed once, not per row).
        """
        since = self._since(table, col)
        ids = self._uuid_array(keys_sql)
        wheres = [f"{col} >= $1"]
        if ids != "{}":
            wheres.append(f"id = ANY($2::text::uuid[]) AND ({col} < $1 OR {col} IS NULL)")
            return wheres, [since, ids]
        return wheres, [since]

    def _after(self, table: str) -> None:
        """Record the parents touched by this table's new/changed rows (incremental only)."""
        if self.full:
            return
        if table in ("conversation_messages", "llm_interactions", "feedback"):
            self.con.execute("INSERT INTO _touched_conv SELECT DISTINCT conversation_id FROM _changed")
        if table in ("lead_status_history", "lead_touchpoints", "lead_interactions", "procedure_bookings"):
            self.con.execute("INSERT INTO _touched_lead SELECT DISTINCT lead_id FROM _changed")
        if table == "conversations":
            # changed conversations and the conversations of new messages (whose lead saw activity)
            self.con.execute(
                "INSERT INTO _touched_lead SELECT DISTINCT lead_id FROM conversations "
                "WHERE id IN (SELECT id FROM _changed UNION SELECT id FROM _touched_conv)"
            )
        self.con.execute("DROP TABLE IF EXISTS _changed")

    # -- reading ----------------------------------------------------------------------
    def _reader(
        self, table: str, where: str | list[str], params: list[Any] | None, t0: float
    ) -> tuple[pa.RecordBatchReader, list]:
        raw = self.src.scan(table, where, params)
        counter = [0]
        progress = self.progress

        def batches():  # per batch, not per row; runs on DuckDB's reader threads, not the caller's
            for batch in raw:
                counter[0] += batch.num_rows
                if progress is not None:
                    with contextlib.suppress(Exception):  # a progress display never fails the sync
                        progress(SyncProgress(table, counter[0], time.perf_counter() - t0))
                yield batch

        return pa.RecordBatchReader.from_batches(raw.schema, batches()), counter

    def _stage(self, table: str, where: str | list[str], params: list[Any] | None, t0: float) -> int:
        reader, counter = self._reader(table, where, params, t0)
        self._register(reader)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS SELECT {store_casts(table)} FROM _incoming")
        finally:
            self.con.unregister("_incoming")
        return counter[0]

    # -- applying ---------------------------------------------------------------------
    def _full_table(self, table: str, res: TableSync, t0: float) -> None:
        if self._count(table) == 0:  # fast path: stream straight into the empty table
            reader, counter = self._reader(table, "", None, t0)
            self._register(reader)
            try:
                self.con.execute(f"INSERT INTO {table} SELECT {store_casts(table)} FROM _incoming")
            finally:
                self.con.unregister("_incoming")
            res.fetched = res.inserted = counter[0]
            # parents are re-read by key only when they are already in the store (else read whole)
            if not self.full and res.inserted and (self._count("conversations") or self._count("leads")):
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT * FROM {table}")
            return
        res.fetched = self._stage(table, "", None, t0)
        if schema.PRIMARY_KEYS[table] is None:
            res.inserted = self._one(f"SELECT count(*) FROM (SELECT * FROM _stage EXCEPT ALL SELECT * FROM {table})")
            res.deleted = self._one(f"SELECT count(*) FROM (SELECT * FROM {table} EXCEPT ALL SELECT * FROM _stage)")
            if res.inserted or res.deleted:
                self.con.execute(f"DELETE FROM {table}")
                self.con.execute(f"INSERT INTO {table} SELECT * FROM _stage")
        else:
            self._upsert(table, res, full=True)

    def _upsert(self, table: str, res: TableSync, *, full: bool) -> None:
        """Apply the staged rows by key: changed rows replace stored ones; ``full`` also deletes."""
        k = schema.PRIMARY_KEYS[table]
        if full:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT * FROM _stage EXCEPT SELECT * FROM {table}"
            )
        else:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT * FROM _stage "
                f"EXCEPT SELECT * FROM {table} WHERE {k} IN (SELECT {k} FROM _stage)"
            )
        total = self._count("_changed")
        res.updated = self._one(f"SELECT count(*) FROM _changed WHERE {k} IN (SELECT {k} FROM {table})")
        res.inserted = total - res.updated
        if total:
            self.con.execute(f"DELETE FROM {table} WHERE {k} IN (SELECT {k} FROM _changed)")
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _changed")
        if full:
            res.deleted = self._one(f"SELECT count(*) FROM {table} WHERE {k} NOT IN (SELECT {k} FROM _stage)")
            if res.deleted:
                self.con.execute(f"DELETE FROM {table} WHERE {k} NOT IN (SELECT {k} FROM _stage)")

    def _append_window(self, table: str, col: str, since: datetime, res: TableSync) -> None:
        """Insert the multiset difference between the source window and the store window."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT * FROM _stage "
            f"EXCEPT ALL SELECT * FROM {table} WHERE {col} >= ?",
            [since],
        )
        res.inserted = self._count("_changed")
        if res.inserted:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _changed")


# -- CLI ----------------------------------------------------------------------------------
def _printer(stream: Any = sys.stderr, *, after: float = 2.0, every: float = 1.0) -> Callable[[SyncProgress], None]:
    """Progress lines on stderr for long syncs (first after ``after`` s, then every ``every`` s)."""
    start = time.perf_counter()
    last = [0.0]

    def show(p: SyncProgress) -> None:
        now = time.perf_counter()
        if now - start < after or (now - last[0] < every and not p.done):
            return
        last[0] = now
        state = "done" if p.done else "..."
        print(f"  {p.table}: {p.rows:,} rows ({p.rows_per_s:,.0f} rows/s) {state}", file=stream, flush=True)

    return show


def _run(args: argparse.Namespace) -> int:
    from analytics.sources.resolve import cache_path, source_url_from_env

    url = args.source or source_url_from_env()
    if not url:
        raise SourceError("no source: pass --source postgresql://... or set CLINIC_DATABASE_URL")
    store = Path(args.store) if args.store else cache_path(url)  # the store the app reads for this URL
    store.parent.mkdir(parents=True, exist_ok=True)
    report = sync(url, store, full=args.full, progress=_printer())
    for line in report.lines():
        print(line)
    return 0


def register(subparsers: Any) -> None:
    """Add ``sync`` to the ``python -m analytics`` command line."""
    p = subparsers.add_parser(
        "sync",
        help="copy the bot's PostgreSQL database into the local DuckDB store",
        description="Incremental by default (run hourly); --full reconciles deletions (run daily).",
    )
    p.add_argument("--source", default=None, help="postgresql://user@host:port/db (default: $CLINIC_DATABASE_URL)")
    p.add_argument(
        "--store",
        default=None,
        help="DuckDB store file (default: the app's store for this URL, data/cache/<hash>.duckdb)",
    )
    p.add_argument("--full", action="store_true", help="re-read everything and remove rows deleted at the source")
    p.set_defaults(run=_run)
