"""A ``Dataset``: the store's tables for one question (period, filters, as_of, settings).

Every metric is a pure function of a ``Dataset``. Building one applies, in one
place, the two rules every metric shares:

1. **as_of** (default: the latest event in the data: messages, conversations,
   leads, status changes; never a future appointment). Nothing later counts:
   rows created after ``as_of`` are dropped, and later state changes are undone
   (``converted_at``, ``transferred_at`` + ``transfer_reason``, ``closed_at``
   after ``as_of`` become null; ``leads.status`` is rewound to the last
   status-history row up to ``as_of``; an ``attended`` or ``no_show`` booking whose
   ``scheduled_for`` is after ``as_of`` is still ``booked``; campaign days after
   ``as_of`` cost nothing yet).
2. **filters** (see ``analytics.period.Filters``): ``leads`` is the lead-centric
   scope, ``conversations`` the conversation-centric one; child tables follow
   their parent (``messages`` follow ``conversations``, ``lead_messages``
   follow ``leads``).

3. **retention** (LGPD, ``analytics.retention``): right after the clipping, rows older
   than the retention cutoff of this as_of (local midnight ``retention_years`` before
   its local date; ``ds.retention_start``) are excluded by the same rule the store purge
   applies. Free when nothing is that old (one ``min`` per table, no copies).

Period membership is *not* applied here: each metric picks its own anchor
(lead ``created_at``, conversation ``started_at``, ...) with ``in_period``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from analytics import retention, schema
from analytics.period import Filters, Period
from analytics.settings import Settings

Tables = dict[str, pl.DataFrame]

_EVENT_COLUMNS = {
    "conversation_messages": ("created_at",),
    "conversations": ("started_at", "transferred_at", "closed_at"),
    "leads": ("created_at", "converted_at"),
    "lead_status_history": ("changed_at",),
}


def empty_table(table: str) -> pl.DataFrame:
    """An empty frame with the contract's columns and Polars types."""
    duck_to_pl: dict[str, pl.DataType] = {
        "UUID": pl.String(),
        "VARCHAR": pl.String(),
        "VARCHAR[]": pl.List(pl.String()),
        "DECIMAL(12,2)": pl.Decimal(12, 2),
        "BOOLEAN": pl.Boolean(),
        "TIMESTAMPTZ": pl.Datetime("us", "UTC"),
        "INTEGER": pl.Int32(),
        "BIGINT": pl.Int64(),
        "REAL": pl.Float32(),
        "DATE": pl.Date(),
    }
    return pl.DataFrame(schema={c.name: duck_to_pl[c.duck] for c in schema.TABLES[table]})


def normalize(tables: Tables) -> Tables:
    """Prepare raw store tables once: fill missing tables with empty frames, UUIDs
    as strings, timestamps as UTC µs, and give every message its conversation's
    ``lead_id`` (messages of unknown conversations are dropped).

    Idempotent and cheap on prepared tables, so callers that keep tables in memory
    (the app, benchmarks) should call it once and reuse the result.
    """
    out: Tables = {}
    utc_us = pl.Datetime("us", "UTC")
    uuid_cols = {t: tuple(c.name for c in cols if c.duck == "UUID") for t, cols in schema.TABLES.items()}
    for name in schema.TABLES:
        frame = tables.get(name)
        if frame is None:
            frame = empty_table(name)
        casts = []
        for col, dtype in frame.schema.items():
            if isinstance(dtype, pl.Datetime) and dtype != utc_us:
                if dtype.time_zone is None:
                    casts.append(pl.col(col).dt.replace_time_zone("UTC").dt.cast_time_unit("us"))
                else:
                    casts.append(pl.col(col).dt.convert_time_zone("UTC").dt.cast_time_unit("us"))
            elif col in uuid_cols.get(name, ()) and dtype != pl.Categorical:
                casts.append(pl.col(col).cast(pl.String).cast(pl.Categorical))
            elif dtype == pl.Object or isinstance(dtype, pl.Binary):
                casts.append(pl.col(col).cast(pl.String))
        out[name] = frame.with_columns(casts) if casts else frame
    msgs = out["conversation_messages"]
    if "lead_id" not in msgs.columns:
        conv_lead = out["conversations"].select(pl.col("id").alias("conversation_id"), "lead_id")
        out["conversation_messages"] = msgs.join(conv_lead, on="conversation_id", how="inner")
    return out


def default_as_of(tables: Tables) -> datetime:
    """Latest event timestamp in the data (UTC); now when there is no event at all."""
    latest: datetime | None = None
    for table, cols in _EVENT_COLUMNS.items():
        frame = tables.get(table)
        if frame is None or frame.height == 0:
            continue
        for col in cols:
            value = frame.get_column(col).max()
            if value is not None and (latest is None or value > latest):
                latest = value
    if latest is None:
        return datetime.now(UTC)
    return latest.astimezone(UTC) if latest.tzinfo else latest.replace(tzinfo=UTC)


def _rewind_status(leads: pl.DataFrame, history: pl.DataFrame, clipped: pl.DataFrame, lit: pl.Expr) -> pl.DataFrame:
    """``leads.status`` as it was at as_of, for leads whose status changed after it.

    The current status is kept unless the lead has status-history rows after
    ``as_of``; then it becomes the last history status up to ``as_of`` (``new``
    when there is none), and ``lost_reason`` is cleared unless that status is ``lost``.
    """
    changed = history.filter(pl.col("changed_at") > lit).select("lead_id").unique()
    if changed.height == 0:
        return leads
    before = (
        clipped.join(changed, on="lead_id", how="semi")
        .sort("changed_at")
        .group_by("lead_id")
        .agg(pl.col("status").last().alias("_status_at"))
    )
    rewound = changed.join(before, on="lead_id", how="left").select(
        pl.col("lead_id").alias("id"), pl.col("_status_at").fill_null("new"), pl.lit(True).alias("_rewind")
    )
    out = leads.join(rewound, on="id", how="left")
    status = pl.when(pl.col("_rewind")).then(pl.col("_status_at")).otherwise(pl.col("status"))
    reason = pl.when(pl.col("_rewind") & (status != "lost")).then(None).otherwise(pl.col("lost_reason"))
    return out.with_columns(status.alias("status"), reason.alias("lost_reason")).drop("_status_at", "_rewind")


def _keep(frame: pl.DataFrame, predicate: pl.Expr) -> pl.DataFrame:
    """``frame.filter(predicate)``, without copying the frame when every row passes (the
    common case with the default as_of: large tables are not duplicated per dataset)."""
    if frame.select(predicate.fill_null(False).all()).item():
        return frame
    return frame.filter(predicate)


def clip_as_of(tables: Tables, as_of: datetime, tz_name: str) -> Tables:
    """Drop what happened after ``as_of`` and undo later state changes."""
    t = dict(tables)
    lit = pl.lit(as_of).dt.convert_time_zone("UTC")

    def null_after(col: str, *also: str) -> list[pl.Expr]:
        late = pl.col(col) > lit
        return [pl.when(late).then(None).otherwise(pl.col(c)).alias(c) for c in (col, *also)]

    t["leads"] = t["leads"].filter(pl.col("created_at") <= lit).with_columns(null_after("converted_at"))
    t["lead_status_history"] = _keep(t["lead_status_history"], pl.col("changed_at") <= lit)
    t["leads"] = _rewind_status(t["leads"], tables["lead_status_history"], t["lead_status_history"], lit)
    t["conversations"] = (
        t["conversations"]
        .filter(pl.col("started_at") <= lit)
        .with_columns(*null_after("transferred_at", "transfer_reason"), *null_after("closed_at"))
    )
    kept = t["conversations"].height
    if kept < tables["conversations"].height:  # messages follow their conversation
        ids = t["conversations"].select(pl.col("id").alias("conversation_id"))
        t["conversation_messages"] = t["conversation_messages"].join(ids, on="conversation_id", how="semi")
    for name, col in (
        ("conversation_messages", "created_at"),
        ("llm_interactions", "created_at"),
        ("lead_interactions", "created_at"),
        ("feedback", "created_at"),
        ("lead_touchpoints", "touched_at"),
        ("procedure_bookings", "booked_at"),
    ):
        t[name] = _keep(t[name], pl.col(col) <= lit)
    # An outcome known only after the appointment (attended, no-show) cannot be
    # known before it: such a booking is still "booked" at as_of. Cancellations can
    # happen any time before the appointment and are kept.
    outcome_later = pl.col("status").is_in(["attended", "no_show"]) & (pl.col("scheduled_for") > lit)
    t["procedure_bookings"] = t["procedure_bookings"].with_columns(
        pl.when(outcome_later).then(pl.lit("booked")).otherwise(pl.col("status")).alias("status")
    )
    as_of_day = as_of.astimezone(ZoneInfo(tz_name)).date()
    t["marketing_campaigns"] = t["marketing_campaigns"].filter(
        pl.col("started_at").is_null() | (pl.col("started_at") <= as_of_day)
    ).with_columns(
        pl.when(pl.col("ended_at") > as_of_day).then(pl.lit(as_of_day)).otherwise(pl.col("ended_at")).alias(
            "ended_at_clipped"
        )
    )
    return t


class _Prepared:
    """What every default-as_of dataset over the same loaded tables shares (``Dataset.build``): the
    clipped and retention-filtered tables, and, for datasets without filters, their scope and their
    period-independent facts (the ``memo`` keys without ``period:``). Identity-checked against the
    input frames, so a different or changed input never hits."""

    def __init__(self, inputs: Tables, settings: Settings, as_of: datetime, cut: datetime | None,
                 kept: Tables, prepared_dir: Any) -> None:
        self.inputs = dict(inputs)  # strong references: the ids below cannot be reused while cached
        self.settings_key = repr(settings)
        self.as_of, self.cut, self.kept, self.prepared_dir = as_of, cut, kept, prepared_dir
        self.scope: dict[str, Any] | None = None
        self.shared: dict[str, Any] = {}

    def matches(self, tables: Tables, settings: Settings) -> bool:
        return (
            self.settings_key == repr(settings)
            and tables.keys() == self.inputs.keys()
            and all(tables[k] is v for k, v in self.inputs.items())
        )


#: the last prepared inputs (the app holds at most two store versions in memory)
_PREPARED: list[_Prepared] = []
_PREPARED_MAX = 2


def clear_prepared() -> None:
    """Forget every shared preparation (after a sync, a forget or a purge: no old rows stay cached)."""
    _PREPARED.clear()


#: attributes set by ``Dataset._scope``
_SCOPE_ATTRS = ("leads", "conversations", "messages", "lead_messages", "lead_conversations", "_lead_ids",
                "_conv_ids", "campaigns", "users", "all")


class Dataset:
    """Tables scoped to one question. Build with ``Dataset.build``; never mutate frames."""

    def __init__(
        self,
        tables: Tables,
        period: Period,
        settings: Settings,
        filters: Filters,
        as_of: datetime,
    ) -> None:
        self._init(tables, period, settings, filters, as_of)

    def _init(self, tables: Tables, period: Period, settings: Settings, filters: Filters, as_of: datetime,
              scope: dict[str, Any] | None = None) -> None:
        self.period = period
        self.settings = settings
        self.filters = filters
        self.as_of = as_of
        self.tz = settings.timezone
        self.start, self.end = period.bounds(settings.tz)
        self._memo: dict[str, Any] = {}  # period-dependent (keys ``period:…``), per dataset
        self._shared: dict[str, Any] = {}  # the rest, shared by every ``with_period`` clone
        #: cache directory of the store version (``resolve.load_tables``) when the dataset has
        #: the default as_of; metrics may keep facts there that depend on the data alone
        self.prepared_dir: Any = None
        #: retention cutoff (UTC): older rows were excluded; ``None`` when retention is off
        self.retention_start: datetime | None = None
        if scope is not None:
            self.__dict__.update(scope)
        else:
            self._scope(tables)

    @classmethod
    def build(
        cls,
        tables: Tables,
        period: Period,
        settings: Settings | None = None,
        filters: Filters | None = None,
        as_of: datetime | None = None,
    ) -> Dataset:
        settings = settings or Settings()
        filters = filters or Filters()
        if as_of is not None:
            return cls._make(tables, period, settings, filters, as_of, None)
        # default as_of: the preparation (and, without filters, the scope and the period-independent
        # facts) is the same for every page view over these tables: done once
        prep = next((p for p in _PREPARED if p.matches(tables, settings)), None)
        if prep is None:
            prepared_dir = getattr(tables, "prepared_dir", None)
            probe = cls._make(tables, period, settings, Filters(), None, prepared_dir)
            prep = _Prepared(tables, settings, probe.as_of, probe.retention_start, probe.all, probe.prepared_dir)
            prep.scope = {a: getattr(probe, a) for a in _SCOPE_ATTRS}
            _PREPARED.insert(0, prep)
            del _PREPARED[_PREPARED_MAX:]
        ds = object.__new__(cls)
        ds._init(prep.kept, period, settings, filters, prep.as_of, scope=prep.scope if filters.empty else None)
        ds.retention_start, ds.prepared_dir = prep.cut, prep.prepared_dir
        if filters.empty:
            if prep.scope is None:
                prep.scope = {a: getattr(ds, a) for a in _SCOPE_ATTRS}
            ds._shared = prep.shared
        return ds

    @classmethod
    def _make(cls, tables: Tables, period: Period, settings: Settings, filters: Filters, as_of: datetime | None,
              prepared_dir: Any) -> Dataset:
        """Normalize, clip to as_of (default: the latest event), apply retention, scope."""
        tables = normalize(tables)
        as_of = as_of or default_as_of(tables)
        clipped = clip_as_of(tables, as_of, settings.timezone)
        cut = retention.cutoff(as_of, settings)
        kept = retention.exclude(clipped, cut, settings.timezone)
        ds = cls(kept, period, settings, filters, as_of)
        ds.retention_start = cut
        # facts cached beside the store: keyed by the retention rule too when it excluded rows
        unchanged = all(kept[k] is v for k, v in clipped.items())
        ds.prepared_dir = prepared_dir if unchanged else retention.cache_dir(prepared_dir, settings)
        return ds

    @property
    def period_before_retention(self) -> bool:
        """The period starts before ``retention_start`` (its earlier part has no data left)."""
        return self.retention_start is not None and self.start < self.retention_start

    def with_period(self, period: Period) -> Dataset:
        """Same data, scope and as_of, another period (for trends and comparisons)."""
        other = object.__new__(Dataset)
        other.__dict__.update(self.__dict__)
        other.period = period
        other.start, other.end = period.bounds(self.settings.tz)
        other._memo = {}
        other._shared = self._shared  # same data and scope: period-independent facts are computed once
        return other

    # -- scoping -----------------------------------------------------------------
    def _scope(self, t: Tables) -> None:
        f = self.filters
        leads = t["leads"]
        convs = t["conversations"]
        if f.channels:
            leads = leads.filter(pl.col("channel").is_in(f.channels))
        if f.procedures:
            leads = leads.filter(pl.col("procedure_interest").is_in(f.procedures))
        # conversation scope: lead attributes, then the conversation's own
        conv_scope = convs
        if f.channels or f.procedures:
            conv_scope = conv_scope.join(leads.select(pl.col("id").alias("lead_id")), on="lead_id", how="semi")
        if f.playbooks:
            conv_scope = conv_scope.filter(pl.col("playbook").is_in(f.playbooks))
        if f.secretaries:
            conv_scope = conv_scope.filter(pl.col("assigned_to").is_in(f.secretaries))
            leads = leads.filter(pl.col("assigned_to").is_in(f.secretaries))
        if f.playbooks:
            first = (
                convs.sort("started_at", "id")
                .group_by("lead_id", maintain_order=True)
                .first()
                .filter(pl.col("playbook").is_in(f.playbooks))
                .select(pl.col("lead_id").alias("id"))
            )
            leads = leads.join(first, on="id", how="semi")

        lead_ids = leads.select(pl.col("id").alias("lead_id"))
        conv_ids = conv_scope.select(pl.col("id").alias("conversation_id"), "lead_id")
        msgs = t["conversation_messages"]  # carries lead_id (normalize)
        self.leads = leads
        self.conversations = conv_scope
        #: messages of ``conversations``, with the conversation's ``lead_id``
        if conv_scope.height == convs.height:
            self.messages = msgs  # every conversation is in scope: no 10M-row join
        else:
            self.messages = msgs.join(conv_ids.select("conversation_id"), on="conversation_id", how="semi")
        #: messages of every conversation of ``leads`` (lead-centric engagement metrics)
        lead_convs = convs.join(lead_ids, on="lead_id", how="semi").select(
            pl.col("id").alias("conversation_id"), "lead_id"
        )
        self.lead_messages = (
            self.messages if f.empty else msgs.join(lead_convs, on="conversation_id", how="semi")
        )
        #: every conversation of ``leads`` (whatever the conversation filters)
        self.lead_conversations = convs if f.empty else convs.join(lead_ids, on="lead_id", how="semi")
        # the child tables below are scoped on first use (properties): a page that never reads
        # ``llm`` does not pay a semi-join of millions of rows
        self._lead_ids = lead_ids
        self._conv_ids = conv_ids.select("conversation_id")
        campaigns = t["marketing_campaigns"]
        if f.channels:
            campaigns = campaigns.filter(pl.col("channel").is_in(f.channels))
        self.campaigns = campaigns
        self.users = t["users"]
        #: unfiltered (but as_of-clipped) tables, for rules that look beyond the scope
        #: (e.g. "a new conversation of the lead within 7 days")
        self.all = t

    # -- lazily scoped child tables ------------------------------------------------
    def _by_lead(self, table: str) -> pl.DataFrame:
        return self.memo(f"scope:{table}", lambda: self.all[table].join(self._lead_ids, on="lead_id", how="semi"))

    def _by_conversation(self, table: str) -> pl.DataFrame:
        return self.memo(
            f"scope:{table}", lambda: self.all[table].join(self._conv_ids, on="conversation_id", how="semi")
        )

    @property
    def status_history(self) -> pl.DataFrame:
        """``lead_status_history`` rows of the scope's leads."""
        return self._by_lead("lead_status_history")

    @property
    def bookings(self) -> pl.DataFrame:
        """``procedure_bookings`` rows of the scope's leads."""
        return self._by_lead("procedure_bookings")

    @property
    def touchpoints(self) -> pl.DataFrame:
        """``lead_touchpoints`` rows of the scope's leads."""
        return self._by_lead("lead_touchpoints")

    @property
    def interactions(self) -> pl.DataFrame:
        """``lead_interactions`` rows of the scope's leads."""
        return self._by_lead("lead_interactions")

    @property
    def llm(self) -> pl.DataFrame:
        """``llm_interactions`` rows of the scope's conversations."""
        return self._by_conversation("llm_interactions")

    @property
    def feedback(self) -> pl.DataFrame:
        """``feedback`` rows of the scope's conversations."""
        return self._by_conversation("feedback")

    # -- helpers -----------------------------------------------------------------
    def in_period(self, col: str) -> pl.Expr:
        """``col`` (a UTC timestamp) falls in the period ``[start, end)``."""
        return (pl.col(col) >= pl.lit(self.start)) & (pl.col(col) < pl.lit(self.end))

    def local(self, col: str) -> pl.Expr:
        """``col`` converted to the clinic's local time zone."""
        return pl.col(col).dt.convert_time_zone(self.tz)

    @property
    def cohort(self) -> pl.DataFrame:
        """Leads of the scope with ``created_at`` in the period (the lead cohort)."""
        return self.memo("period:cohort", lambda: self.leads.filter(self.in_period("created_at")))

    @property
    def period_conversations(self) -> pl.DataFrame:
        """Conversations of the scope with ``started_at`` in the period."""
        return self.memo("period:conversations", lambda: self.conversations.filter(self.in_period("started_at")))

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """Compute once. Keys starting with ``period:`` depend on the period (once per dataset); the
        others once for the dataset and all its ``with_period`` clones (e.g. the months of a trend)."""
        store = self._memo if key.startswith("period:") else self._shared
        if key not in store:
            store[key] = fn()
        return store[key]
