"""LGPD retention: data older than ``Settings.retention_years`` is excluded from analysis
and purged from the local store (shared/spec/personas-and-access.md, "LGPD").

**Reference instant** (``reference``): the data's own latest event (the instant
``analytics.dataset.default_as_of`` picks), or the explicit ``as_of`` of an analysis.
For a live bot this is "now"; for a stale export it keeps the data from being wiped,
and every number stays reproducible for a given (period, as_of).

**Cutoff** (``cutoff``): local midnight (settings time zone) of the reference's local
date minus ``retention_years`` calendar years (29 Feb → 28 Feb), as a UTC instant.
``retention_years <= 0`` disables retention (``None``).

**Row rule** (the same in ``exclude`` for Polars frames and in ``Store.retention_delete``
for the DuckDB store). A row is *recent* when its latest own timestamp (``TIMESTAMPS``,
nulls ignored) is at or after the cutoff, *old* when it is before, *undated* when all
its timestamps are null.

* A recent row is always kept, and it keeps what it references: a message referenced by
  a recent ``llm_interactions`` row (``message_id``); a conversation with a kept message
  or a recent LLM / feedback row; a lead with a recent status change, touchpoint,
  interaction or booking (booking: ``max(booked_at, scheduled_for)``) or a kept
  conversation. So a 3-year-old lead with a recent message is kept with only its
  recent rows.
* An old row is dropped unless a kept row references it (above). An old lead that is
  not kept takes every row referencing it along (all of them old or undated).
* An undated row follows its parent (kept when the parent is kept or absent); an
  undated lead (no parent) is kept: nothing says it is old.
* ``marketing_campaigns`` (one row per campaign, ``started_at``/``ended_at`` local
  dates): old when every non-null date is before the cutoff's local date; kept also
  when a kept lead or touchpoint names it (``campaign_id``).
* ``users`` are staff, never purged.

Analysis (``Dataset.build``) applies ``exclude`` right after the as_of clipping, with the
cutoff of the dataset's as_of; the store (``purge``) applies the same rule at the end of
every sync and with ``python -m analytics retention``.
"""

from __future__ import annotations

import argparse
import calendar
import functools
import hashlib
import inspect
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from analytics.settings import Settings

if TYPE_CHECKING:
    from analytics.sources.store import Store

Tables = dict[str, pl.DataFrame]

#: A row's own timestamps: it is old when every non-null one is before the cutoff.
TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "leads": ("created_at", "converted_at"),
    "lead_status_history": ("changed_at",),
    "conversations": ("started_at", "transferred_at", "closed_at"),
    "conversation_messages": ("created_at",),
    "llm_interactions": ("created_at",),
    "lead_interactions": ("created_at",),
    "feedback": ("created_at",),
    "lead_touchpoints": ("touched_at",),
    "procedure_bookings": ("booked_at", "scheduled_for"),
}
#: Campaign dates (local ``DATE``s), compared with the cutoff's local date.
CAMPAIGN_DATES = ("started_at", "ended_at")
#: Tables referencing ``leads`` by ``lead_id`` (besides ``conversations``).
LEAD_CHILDREN = ("lead_status_history", "lead_touchpoints", "lead_interactions", "procedure_bookings")
#: Tables referencing ``conversations`` by ``conversation_id``.
CONVERSATION_CHILDREN = ("conversation_messages", "llm_interactions", "feedback")
#: Every table the rule may delete from, children before parents (report order).
PURGE_ORDER = (
    "llm_interactions",
    "feedback",
    "conversation_messages",
    "conversations",
    *LEAD_CHILDREN,
    "leads",
    "marketing_campaigns",
)


# -- cutoff ---------------------------------------------------------------------------------
def years_before(day: date, years: int) -> date:
    """``day`` minus ``years`` calendar years; 29 Feb becomes 28 Feb in a non-leap year."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def cutoff(reference: datetime, settings: Settings) -> datetime | None:
    """Retention start (UTC): local midnight of ``reference``'s local date minus
    ``retention_years`` years; ``None`` when ``retention_years <= 0`` (disabled).

    E.g. reference 2026-11-20 02:54 UTC (2026-11-19 23:54 in São Paulo), 2 years →
    2024-11-19 00:00 -03:00 = 2024-11-19 03:00 UTC.

    A reference in the future (a mistyped date in the data) counts as now: one row dated 2062
    must not make every real row "older than two years" and purge the store.
    """
    if settings.retention_years <= 0:
        return None
    tz = settings.tz
    ref = reference if reference.tzinfo else reference.replace(tzinfo=UTC)
    ref = min(ref, datetime.now(UTC))
    day = years_before(ref.astimezone(tz).date(), settings.retention_years)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def cutoff_day(cut: datetime, tz_name: str) -> date:
    """The cutoff's local date (campaign dates are compared with it)."""
    return cut.astimezone(ZoneInfo(tz_name)).date()


# -- analysis: Polars frames → frames -------------------------------------------------------
def _latest(cols: tuple[str, ...]) -> pl.Expr:
    """Latest non-null of the columns (null when all are null)."""
    return pl.max_horizontal(*cols) if len(cols) > 1 else pl.col(cols[0])


def _min_latest(frame: pl.DataFrame, cols: tuple[str, ...]) -> Any:
    """Earliest row-latest timestamp (None for an empty or all-null frame)."""
    if len(cols) == 1:
        return frame.get_column(cols[0]).min()
    return frame.select(_latest(cols).min()).item()


def has_old(tables: Tables, cut: datetime, tz_name: str) -> bool:
    """Whether any row is older than ``cut`` (one min() per table: cheap, no copies)."""
    for table, cols in TIMESTAMPS.items():
        frame = tables.get(table)
        if frame is None or frame.height == 0:
            continue
        low = _min_latest(frame, cols)
        if low is not None and low < cut:
            return True
    campaigns = tables.get("marketing_campaigns")
    if campaigns is not None and campaigns.height:
        low = _min_latest(campaigns, CAMPAIGN_DATES)
        if low is not None and low < cutoff_day(cut, tz_name):
            return True
    return False


def _keep_frame(frame: pl.DataFrame, predicate: pl.Expr) -> pl.DataFrame:
    """``frame.filter(predicate)`` (null counts as false), the same frame when nothing drops."""
    pred = predicate.fill_null(False)
    if frame.select(pred.all()).item():
        return frame
    return frame.filter(pred)


def _refs(child: pl.DataFrame, keep: pl.Expr, fk: str, among: pl.Series) -> pl.Series:
    """Distinct non-null ``fk`` values of the ``keep`` rows of ``child`` that are in ``among``
    (semi join on the small ``among`` first, then the predicate on the few rows left)."""
    if child.height == 0 or among.len() == 0:
        return among.head(0)
    cand = among.to_frame(fk).with_columns(pl.col(fk).cast(child.schema[fk]))
    return child.join(cand, on=fk, how="semi").filter(keep).get_column(fk).unique().drop_nulls()


def _in(col: str, ids: pl.Series) -> pl.Expr:
    """``col`` is one of ``ids`` (false for a null ``col``)."""
    return pl.col(col).is_in(ids.implode()).fill_null(False)


def exclude(tables: Tables, cut: datetime | None, tz_name: str) -> Tables:
    """The tables without the rows the retention rule drops (module docstring).

    Returns ``tables`` itself when ``cut`` is ``None`` or no row is older than it; frames
    where nothing drops are returned uncopied. Extra columns (e.g. the messages'
    ``lead_id``) are kept; missing tables are ignored. Work on the large tables is one
    comparison per row plus semi joins against the (few) old rows' keys.
    """
    if cut is None or not has_old(tables, cut, tz_name):
        return tables
    t = dict(tables)
    lit = pl.lit(cut).dt.convert_time_zone("UTC")
    day = cutoff_day(cut, tz_name)

    def frame(name: str) -> pl.DataFrame:
        f = tables.get(name)
        return f if f is not None else empty_frame(name)

    def recent(table: str) -> pl.Expr:
        return (_latest(TIMESTAMPS[table]) >= lit).fill_null(False)

    def old(table: str) -> pl.Expr:
        return (_latest(TIMESTAMPS[table]) < lit).fill_null(False)

    def undated(table: str) -> pl.Expr:
        return _latest(TIMESTAMPS[table]).is_null()

    def keys(name: str, pred: pl.Expr, col: str = "id") -> pl.Series:
        return frame(name).filter(pred).get_column(col)

    def concat(parts: list[pl.Series], like: pl.Series) -> pl.Series:
        parts = [p.cast(like.dtype) for p in parts if p.len()]
        return pl.concat(parts).unique() if parts else like.head(0)

    def keep(name: str, strong: pl.Expr, fk: str, dropped: pl.Series) -> None:
        """Keep ``strong`` rows, and undated rows whose parent is not dropped; old rows go."""
        f = frame(name)
        if f.height == 0:
            return
        pred = strong | ~old(name)  # recent, forced or undated
        if dropped.len() and f.select(undated(name).any()).item():
            pred = strong | (undated(name) & ~_in(fk, dropped.cast(f.schema[fk])))
        t[name] = _keep_frame(f, pred)

    msgs, convs, leads = frame("conversation_messages"), frame("conversations"), frame("leads")
    # old/undated messages referenced by a recent LLM row
    msg_forced = _refs(
        frame("llm_interactions").rename({"message_id": "_mid"}, strict=False),
        recent("llm_interactions"),
        "_mid",
        keys("conversation_messages", ~recent("conversation_messages")).alias("_mid"),
    )
    msg_strong = recent("conversation_messages")
    if msg_forced.len():
        msg_strong = msg_strong | _in("id", msg_forced.cast(msgs.schema["id"]))
    # old/undated conversations kept by a kept message or a recent LLM / feedback row
    conv_cand = keys("conversations", ~recent("conversations"))
    conv_forced = concat(
        [
            _refs(frame(name), strong, "conversation_id", conv_cand)
            for name, strong in (
                ("conversation_messages", msg_strong),
                ("llm_interactions", recent("llm_interactions")),
                ("feedback", recent("feedback")),
            )
        ],
        conv_cand,
    )
    conv_strong = recent("conversations") | _in("id", conv_forced) if conv_forced.len() else recent("conversations")
    # old leads not kept by a recent child row or a kept conversation
    lead_cand = keys("leads", old("leads"))
    forced = concat(
        [_refs(frame(name), recent(name), "lead_id", lead_cand) for name in LEAD_CHILDREN]
        + [_refs(convs, conv_strong, "lead_id", lead_cand)],
        lead_cand,
    )
    lead_drop = lead_cand.filter(~lead_cand.is_in(forced.implode()))
    if lead_drop.len():
        t["leads"] = _keep_frame(leads, ~_in("id", lead_drop))
    for name in LEAD_CHILDREN:
        keep(name, recent(name), "lead_id", lead_drop)
    keep("conversations", conv_strong, "lead_id", lead_drop)
    kept_convs = t.get("conversations", convs)
    conv_drop = (
        convs.join(kept_convs.select("id"), on="id", how="anti").get_column("id")
        if kept_convs is not convs
        else convs.get_column("id").head(0)
    )
    keep("conversation_messages", msg_strong, "conversation_id", conv_drop)
    keep("llm_interactions", recent("llm_interactions"), "conversation_id", conv_drop)
    keep("feedback", recent("feedback"), "conversation_id", conv_drop)
    campaigns = tables.get("marketing_campaigns")
    if campaigns is not None and campaigns.height:
        latest = _latest(CAMPAIGN_DATES)
        old_ids = campaigns.filter((latest < day).fill_null(False)).get_column("id")
        named = ("leads", "lead_touchpoints")
        used = concat([_refs(t.get(n, frame(n)), pl.lit(True), "campaign_id", old_ids) for n in named], old_ids)
        t["marketing_campaigns"] = _keep_frame(campaigns, ~_in("id", old_ids.filter(~old_ids.is_in(used.implode()))))
    return t


@functools.cache
def _code_digest() -> str:
    return hashlib.sha256(inspect.getsource(sys.modules[__name__]).encode()).hexdigest()[:12]


def cache_dir(base: str | Path | None, settings: Settings) -> Path | None:
    """Where a dataset whose rows were excluded may cache facts beside the store
    (``Dataset.prepared_dir``): a subdirectory of ``base`` keyed by ``retention_years`` and
    this module's code, which the derived-cache keys (as_of, time zone, dataset code) do not
    hold. ``None`` without a base or when it cannot be created."""
    if base is None:
        return None
    path = Path(base) / f"retention-{settings.retention_years}-{_code_digest()}"
    try:
        path.mkdir(exist_ok=True)
    except OSError:
        return None
    return path


def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame of the contract's columns (for a table missing from the input)."""
    from analytics.dataset import empty_table

    return empty_table(table)


# -- the store ------------------------------------------------------------------------------
def purge(
    store: Store,
    settings: Settings,
    now_ref: datetime | None = None,
    *,
    dry_run: bool = False,
    in_transaction: bool = False,
) -> dict[str, int]:
    """Delete the rows the rule drops from ``store``; returns rows per table (``PURGE_ORDER``,
    all zero when retention is disabled or nothing is old).

    ``now_ref``: the reference instant (default: the store's latest event, as
    ``dataset.default_as_of``; now for a store with no event). All deletes and the
    ``data_version`` bump happen in one transaction (the caller's when ``in_transaction``,
    e.g. a sync's); when something was deleted outside a caller's transaction the prepared
    caches beside the store (``<store>.prepared/``) are removed (the caller does it otherwise).
    ``dry_run`` counts without deleting.
    """
    from analytics.dataset import _EVENT_COLUMNS

    counts = dict.fromkeys(PURGE_ORDER, 0)
    ref = now_ref or store.latest_event(_EVENT_COLUMNS) or datetime.now(UTC)
    cut = cutoff(ref, settings)
    if cut is None:
        return counts
    day = cutoff_day(cut, settings.timezone)
    if in_transaction:
        counts.update(store.retention_delete(cut, day, dry_run=dry_run))
        if not dry_run and any(counts.values()):
            store.set_meta("data_version", f"retention:{datetime.now(UTC).timestamp():.6f}")
        return counts
    with store.transaction():
        counts.update(store.retention_delete(cut, day, dry_run=dry_run))
        if not dry_run and any(counts.values()):
            store.set_meta("data_version", f"retention:{datetime.now(UTC).timestamp():.6f}")
    if not dry_run and any(counts.values()):
        from analytics.sources.resolve import remove_prepared

        remove_prepared(store.path)
    return counts


# -- CLI ------------------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    from analytics.errors import InputError
    from analytics.settings import load_settings
    from analytics.sources.store import Store

    path = Path(args.store)
    if not path.is_file():
        raise InputError(f"arquivo de store não encontrado: {path}")
    settings = load_settings()
    with Store(path) as store:
        from analytics.dataset import _EVENT_COLUMNS

        ref = store.latest_event(_EVENT_COLUMNS) or datetime.now(UTC)
        cut = cutoff(ref, settings)
        if cut is None:
            print("retenção desativada (retention_years <= 0): nada a remover")
            return 0
        counts = purge(store, settings, ref, dry_run=args.dry_run)
    total = sum(counts.values())
    detail = ", ".join(f"{t} {n}" for t, n in counts.items() if n)
    verb = "seriam removidas" if args.dry_run else "removidas"
    since = cutoff_day(cut, settings.timezone).isoformat()
    print(f"retenção de {settings.retention_years} ano(s): {total} linhas {verb} anteriores a {since}"
          + (f" ({detail})" if detail else ""))
    return 0


def register(subparsers: Any) -> None:
    """Add ``retention`` to the ``python -m analytics`` command line."""
    p = subparsers.add_parser(
        "retention",
        help="LGPD: remove do store local os dados mais antigos que o prazo de retenção",
        description="Aplica retention_years (settings.toml) a um arquivo DuckDB local.",
    )
    p.add_argument("--store", required=True, help="arquivo DuckDB do store local")
    p.add_argument("--dry-run", action="store_true", help="só conta as linhas, sem remover")
    p.set_defaults(run=_run)
