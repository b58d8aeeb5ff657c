"""Conversion metrics (shared/spec/metrics.md, section Conversion).

Period anchor: the lead cohort (``ds.cohort``: scope leads with ``created_at`` in
the period). Everything is after ``as_of`` clipping (see ``analytics.dataset``):
``converted_at`` later than ``as_of`` is null, later history rows and bookings are gone.

Shared derived facts (also used by the revenue and engagement modules):

- ``stage_rank(ds)``: furthest funnel stage reached per scope lead (0..4, see ``STAGES``);
- ``lost_flags(ds)``: whether a lead is ``lost`` at ``as_of``;
- ``last_inbound(ds)``: time of each lead's last inbound message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.base import Metric, distribution, pct
from analytics.metrics.keys import key_code, lookup, lookup_codes

DOMAIN = "conversion"

#: Funnel stages in order; a lead's stage rank is the index in this tuple.
STAGES: tuple[str, ...] = ("contact", "engaged", "qualified", "scheduled", "attended")
#: ``lead_status_history.status`` values that are funnel stages (others, e.g. ``new``,
#: ``lost`` or unknown values such as ``reativado``, are ignored for stages).
_HISTORY_RANK: dict[str, int] = {"engaged": 1, "qualified": 2, "scheduled": 3}
_US_PER_DAY = 86_400_000_000


# -- shared derived facts ---------------------------------------------------------
def stage_rank(ds: Dataset) -> pl.DataFrame:
    """``[lead_id, stage_rank]`` for every scope lead: the furthest stage reached (index in ``STAGES``).

    Reached a stage if ``lead_status_history`` has that stage or a later one
    (``engaged`` < ``qualified`` < ``scheduled``); ``scheduled`` also when
    ``converted_at`` is set; ``attended`` when the lead has a booking with status
    ``attended``; every lead reached ``contact``. Reaching a stage implies the
    earlier ones, so skipped stages count as reached.
    """

    def build() -> pl.DataFrame:
        # by id code (see ``keys``): per-lead max over history rows that are stages, then looked
        # up for every lead; equal to left joins of the aggregates on ``lead_id``
        hist = (
            ds.status_history.select(
                key_code(pl.col("lead_id")).alias("_k"),
                pl.col("status").replace_strict(_HISTORY_RANK, default=0, return_dtype=pl.Int8).alias("r"),
            )
            .filter(pl.col("r") > 0)
            .group_by("_k")
            .agg(pl.col("r").max().alias("hist_rank"))
        )
        attended = ds.bookings.filter(pl.col("status") == "attended").select(key_code(pl.col("lead_id")).alias("_k"))
        attended = attended.unique().with_columns(att=pl.lit(True))
        leads = ds.leads.select(pl.col("id").alias("lead_id"), "converted_at")
        codes = leads.get_column("lead_id").to_physical()
        return leads.with_columns(
            lookup_codes(codes, hist.get_column("_k"), hist.get_column("hist_rank")),
            lookup_codes(codes, attended.get_column("_k"), attended.get_column("att")),
        ).select(
            "lead_id",
            pl.max_horizontal(
                pl.col("hist_rank").fill_null(0),
                pl.when(pl.col("converted_at").is_not_null()).then(3).otherwise(0),
                pl.when(pl.col("att").fill_null(False)).then(4).otherwise(0),
            )
            .cast(pl.Int8)
            .alias("stage_rank"),
        )

    return ds.memo("stage_rank", build)


def lost_flags(ds: Dataset) -> pl.DataFrame:
    """``[lead_id, lost]`` for every scope lead: is the lead ``lost`` at ``as_of``.

    Lost when its latest ``lead_status_history`` row at or before ``as_of`` is
    ``lost`` or ``leads.status`` is ``lost`` (the current snapshot, which cannot be
    rewound: with a past ``as_of`` a lead lost later without a history row still counts).
    """

    def build() -> pl.DataFrame:
        # rows keep their order after a stable sort by time: the last row per lead is the latest
        # (``unique(keep="last")`` on the id code equals ``group_by(...).agg(last())``)
        last = (
            ds.status_history.select(key_code(pl.col("lead_id")).alias("_k"), "status", "changed_at")
            .sort("changed_at", maintain_order=True)
            .unique("_k", keep="last")
        )
        leads = ds.leads.select(pl.col("id").alias("lead_id"), "status")
        hist_status = lookup_codes(
            leads.get_column("lead_id").to_physical(), last.get_column("_k"), last.get_column("status")
        ).alias("hist_status")
        return leads.with_columns(hist_status).select(
            "lead_id",
            ((pl.col("status") == "lost") | (pl.col("hist_status") == "lost")).fill_null(False).alias("lost"),
        )

    return ds.memo("lost_flags", build)


def message_keys(ds: Dataset) -> pl.DataFrame:
    """``ds.lead_messages`` reduced for fast aggregation: ``[lk, ck, id, inbound, outbound, created_at]``.

    ``lk`` / ``ck`` are the id codes of ``lead_id`` / ``conversation_id`` (``keys.key_code``:
    grouping and sorting on integers is several times faster than on UUID strings; equal ids,
    equal codes). Map back to ids with ``lead_keys``.
    """
    return ds.memo(
        "message_keys",
        lambda: ds.lead_messages.select(
            key_code(pl.col("lead_id")).alias("lk"),
            key_code(pl.col("conversation_id")).alias("ck"),
            "id",
            (pl.col("direction") == "inbound").fill_null(False).alias("inbound"),
            (pl.col("direction") == "outbound").fill_null(False).alias("outbound"),
            "created_at",
        ),
    )


def sort_lex(frame: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """``frame`` sorted by ``cols`` (lexicographic, ascending, nulls first), as successive stable
    single-column sorts (faster in Polars than one multi-column sort on large frames)."""
    for col in reversed(cols):
        if not frame.get_column(col).is_sorted():
            frame = frame.sort(col, maintain_order=True, nulls_last=False)
    return frame


def lead_keys(frame: pl.DataFrame, id_col: str = "id") -> pl.DataFrame:
    """``frame`` with ``lk`` (id code of ``id_col``, as in ``message_keys``)."""
    return frame.with_columns(key_code(pl.col(id_col)).alias("lk"))


def last_inbound(ds: Dataset) -> pl.DataFrame:
    """``[lead_id, last_inbound_at]``: latest inbound message of each scope lead (``ds.lead_messages``)."""

    def build() -> pl.DataFrame:
        last = (
            message_keys(ds)  # shared with the engagement metrics; lk is the lead id code
            .filter(pl.col("inbound"))
            .group_by(pl.col("lk").alias("_k"))
            .agg(pl.col("created_at").max().alias("last_inbound_at"), pl.lit(True).alias("_has"))
        )
        ids = ds.leads.select(pl.col("id").alias("lead_id"))
        codes = ids.get_column("lead_id").to_physical()
        keys = last.get_column("_k")
        return (
            ids.with_columns(
                lookup_codes(codes, keys, last.get_column("last_inbound_at")),
                lookup_codes(codes, keys, last.get_column("_has")),
            )
            .filter(pl.col("_has").fill_null(False))  # leads with an inbound message (an inner join)
            .select("lead_id", "last_inbound_at")
        )

    return ds.memo("last_inbound", build)


def days_between(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """``b − a`` in days (float)."""
    return (b - a).dt.total_microseconds().cast(pl.Float64) / _US_PER_DAY


# -- leads_total / leads_converted / conversion_rate -----------------------------
def _cohort_rows(ds: Dataset) -> pl.DataFrame:
    """Cohort leads with their ``converted`` flag (``converted_at`` not null after as_of clipping)."""
    return ds.memo(
        "period:cohort_rows",
        lambda: ds.cohort.select(
            pl.col("id").alias("lead_id"),
            "channel",
            "procedure_interest",
            "created_at",
            "converted_at",
            pl.col("converted_at").is_not_null().alias("converted"),
        ),
    )


def leads_total(ds: Dataset) -> int:
    """Leads of the cohort (scope leads with ``created_at`` in the period). Count."""
    return int(ds.cohort.height)


def leads_converted(ds: Dataset) -> int:
    """Cohort leads with ``converted_at`` not null after as_of clipping (i.e. ≤ as_of). Count."""
    return int(_cohort_rows(ds).get_column("converted").sum())


def conversion_rate(ds: Dataset) -> float | None:
    """leads_converted / leads_total × 100 (percent); ``None`` for an empty cohort."""
    return pct(leads_converted(ds), leads_total(ds))


# -- funnel -----------------------------------------------------------------------
def _funnel_ranks(ds: Dataset) -> pl.DataFrame:
    """Cohort leads with their furthest stage rank, in cohort order (unsorted ``_funnel_rows``)."""

    def build() -> pl.DataFrame:
        rows = _cohort_rows(ds).select("lead_id", "created_at", "converted_at")
        ranks = stage_rank(ds)
        rank = lookup(rows.get_column("lead_id"), ranks.get_column("lead_id"), ranks.get_column("stage_rank"))
        return rows.with_columns(rank.fill_null(0)).with_columns(
            pl.col("stage_rank").replace_strict(dict(enumerate(STAGES)), return_dtype=pl.String).alias("furthest_stage")
        )

    return ds.memo("period:funnel_ranks", build)


def _funnel_rows(ds: Dataset) -> pl.DataFrame:
    """Cohort leads with their furthest stage (rank and name), sorted by rank then lead id."""
    return ds.memo("period:funnel_rows", lambda: _funnel_ranks(ds).sort("stage_rank", "lead_id"))


def funnel(ds: Dataset) -> list[dict[str, Any]]:
    """Per stage ``contact → engaged → qualified → scheduled → attended`` (in order):

    ``leads`` = cohort leads that reached the stage (see ``stage_rank``),
    ``step_conversion`` = leads / leads of the previous stage × 100,
    ``overall_conversion`` = leads / leads at ``contact`` × 100,
    ``drop_off`` = 100 − step_conversion. ``contact`` has step 100, overall 100,
    drop-off 0 when it has leads. Zero denominators give ``None`` (drop-off too).
    """
    ranks = _funnel_ranks(ds).get_column("stage_rank")
    counts = [int((ranks >= i).sum()) for i in range(len(STAGES))]
    out: list[dict[str, Any]] = []
    for i, stage in enumerate(STAGES):
        step = pct(counts[i], counts[i - 1]) if i else pct(counts[0], counts[0])
        out.append(
            {
                "stage": stage,
                "leads": counts[i],
                "step_conversion": step,
                "overall_conversion": pct(counts[i], counts[0]),
                "drop_off": None if step is None else 100.0 - step,
            }
        )
    return out


# -- time_to_conversion_days -------------------------------------------------------
def _ttc_rows(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "period:ttc_rows",
        lambda: (
            _cohort_rows(ds)
            .filter(pl.col("converted"))
            .select(
                "lead_id",
                "created_at",
                "converted_at",
                days_between(pl.col("created_at"), pl.col("converted_at")).alias("days"),
            )
            .filter(pl.col("days") >= 0)
            .sort("lead_id")
        ),
    )


def time_to_conversion_days(ds: Dataset) -> dict[str, Any]:
    """Distribution of ``converted_at − created_at`` in days (float) over converted cohort leads.

    Negative durations (conversion stamped before creation: data errors) are excluded.
    """
    return distribution(_ttc_rows(ds).get_column("days"))


# -- abandonment_by_stage -----------------------------------------------------------
def _abandonment_frame(ds: Dataset) -> pl.DataFrame:
    """``_abandonment_rows`` in cohort order (unsorted; what the metric aggregates)."""

    def build() -> pl.DataFrame:
        cutoff = ds.as_of - timedelta(days=ds.settings.abandonment_silence_days)
        rows = _funnel_ranks(ds)
        ids = rows.get_column("lead_id")
        lost, last = lost_flags(ds), last_inbound(ds)
        return (
            rows.with_columns(
                lookup(ids, lost.get_column("lead_id"), lost.get_column("lost")),
                lookup(ids, last.get_column("lead_id"), last.get_column("last_inbound_at")),
            )
            .with_columns(
                (pl.coalesce("last_inbound_at", "created_at") <= pl.lit(cutoff).dt.convert_time_zone("UTC")).alias(
                    "silent"
                ),
                pl.col("lost").fill_null(False),
            )
            .with_columns((pl.col("lost") | pl.col("silent")).alias("abandoned"))
            .select("lead_id", "stage_rank", "furthest_stage", "lost", "last_inbound_at", "silent", "abandoned")
        )

    return ds.memo("period:abandonment_frame", build)


def _abandonment_rows(ds: Dataset) -> pl.DataFrame:
    """Cohort leads with furthest stage, ``lost``, last inbound time, ``silent`` and ``abandoned`` flags."""
    return ds.memo("period:abandonment_rows", lambda: _abandonment_frame(ds).sort("stage_rank", "lead_id"))


def abandonment_by_stage(ds: Dataset) -> list[dict[str, Any]]:
    """Per stage (the 5 funnel stages, in order): ``leads`` = cohort leads whose furthest stage it is;

    ``abandoned`` = of those, leads lost at as_of (see ``lost_flags``) or silent: no inbound
    message during the ``abandonment_silence_days`` (setting, 14) before as_of, i.e. last
    inbound (or ``created_at`` when the lead never wrote) ≤ as_of − 14 days;
    ``abandonment_rate`` = abandoned / leads × 100 (``None`` when no lead).
    """
    rows = _abandonment_frame(ds)
    agg = rows.group_by("stage_rank").agg(pl.len().alias("leads"), pl.col("abandoned").sum().alias("abandoned"))
    by_rank = {int(r["stage_rank"]): r for r in agg.to_dicts()}
    out = []
    for i, stage in enumerate(STAGES):
        r = by_rank.get(i, {"leads": 0, "abandoned": 0})
        n, a = int(r["leads"]), int(r["abandoned"])
        out.append({"stage": stage, "leads": n, "abandoned": a, "abandonment_rate": pct(a, n)})
    return out


# -- messages_to_conversion -----------------------------------------------------------
def _mtc_rows(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        conv = lead_keys(_cohort_rows(ds).filter(pl.col("converted")).select("lead_id", "converted_at"), "lead_id")
        counts = (
            message_keys(ds)
            .select("lk", "created_at")
            .join(conv.select("lk", "converted_at"), on="lk", how="inner")
            .filter(pl.col("created_at") <= pl.col("converted_at"))
            .group_by("lk")
            .agg(pl.len().alias("messages"))
        )
        return (
            conv.join(counts, on="lk", how="left")
            .select("lead_id", "converted_at", pl.col("messages").fill_null(0).cast(pl.Int64))
            .sort("lead_id")
        )

    return ds.memo("period:mtc_rows", build)


def messages_to_conversion(ds: Dataset) -> float | None:
    """Mean, over converted cohort leads, of the number of messages (both directions, all the

    lead's conversations, whatever the conversation filters) with ``created_at`` ≤ ``converted_at``
    (0 when none; duplicate rows count as stored). ``None`` when no cohort lead converted.
    """
    s = _mtc_rows(ds).get_column("messages")
    return None if s.len() == 0 else float(s.mean())  # type: ignore[arg-type]


METRICS: list[Metric] = [
    Metric(
        "leads_total",
        "Leads no período",
        "count",
        "scalar",
        "Leads criados no período (coorte).",
        DOMAIN,
        leads_total,
        _cohort_rows,
    ),
    Metric(
        "leads_converted",
        "Leads convertidos",
        "count",
        "scalar",
        "Leads da coorte com data de conversão até a data de referência.",
        DOMAIN,
        leads_converted,
        lambda ds: _cohort_rows(ds).filter(pl.col("converted")),
    ),
    Metric(
        "conversion_rate",
        "Taxa de conversão",
        "percent",
        "scalar",
        "Leads convertidos ÷ leads da coorte × 100.",
        DOMAIN,
        conversion_rate,
        _cohort_rows,
    ),
    Metric(
        "funnel",
        "Funil de conversão",
        "count",
        "breakdown",
        "Leads da coorte que chegaram a cada etapa (contato → engajado → qualificado → agendado → "
        "compareceu), conversão entre etapas, conversão desde o contato e perda por etapa.",
        DOMAIN,
        funnel,
        _funnel_rows,
    ),
    Metric(
        "time_to_conversion_days",
        "Tempo até a conversão",
        "days",
        "distribution",
        "Dias entre o primeiro contato e a conversão dos leads convertidos da coorte (média, mediana, p95, p99).",
        DOMAIN,
        time_to_conversion_days,
        _ttc_rows,
    ),
    Metric(
        "abandonment_by_stage",
        "Abandono por etapa",
        "percent",
        "breakdown",
        "Por etapa mais avançada atingida: leads da coorte perdidos ou sem mensagem recebida há 14 dias "
        "(configurável) ÷ leads que pararam nessa etapa × 100.",
        DOMAIN,
        abandonment_by_stage,
        _abandonment_rows,
    ),
    Metric(
        "messages_to_conversion",
        "Mensagens até a conversão",
        "messages",
        "scalar",
        "Média de mensagens (enviadas e recebidas) trocadas com cada lead convertido da coorte até a conversão.",
        DOMAIN,
        messages_to_conversion,
        _mtc_rows,
    ),
]
