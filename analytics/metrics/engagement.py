"""Engagement metrics (shared/spec/metrics.md, section Engagement).

Lead-centric metrics (response_rate, reengagement_rate) take the lead cohort and
all the lead's messages (``ds.lead_messages``, both directions, every conversation);
message metrics (inbound_gap_seconds, active_leads) take the message time;
engagement_decay describes the open leads at as_of. Messages are ordered by
(``created_at``, ``id``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.base import Metric, distribution, pct
from analytics.metrics.conversion import days_between, last_inbound, lead_keys, lost_flags, message_keys
from analytics.metrics.keys import key_code, lookup, lookup_codes

DOMAIN = "engagement"


def _cohort_messages(ds: Dataset) -> pl.DataFrame:
    """Messages of the cohort's leads (``message_keys`` rows) ordered by lead, time, id, with ``seq``
    (the row's position in that order)."""

    def build() -> pl.DataFrame:
        cohort = lead_keys(ds.cohort.select("id")).get_column("lk")
        keys = message_keys(ds)
        # cohort leads' messages (a semi join, by id code)
        mask = lookup_codes(keys.get_column("lk"), cohort, pl.repeat(True, cohort.len(), eager=True)).is_not_null()
        return (
            keys.filter(mask)
            # (lk, created_at, id) order: a 2-key sort then a stable sort (faster than 3 single-key sorts)
            .sort("created_at", "id", nulls_last=False, maintain_order=True)
            .sort("lk", maintain_order=True, nulls_last=False)
            .with_columns(pl.int_range(pl.len()).alias("seq"))
        )

    return ds.memo("period:cohort_messages", build)


def _with_lead_ids(ds: Dataset, frame: pl.DataFrame) -> pl.DataFrame:
    """Replace ``lk`` by the cohort's ``lead_id``, sorted by ``lead_id``."""
    ids = lead_keys(ds.cohort.select(pl.col("id").alias("lead_id")), "lead_id")
    # Categorical order is text order; sorting the text is faster (lead ids are unique)
    return ids.join(frame, on="lk", how="inner").drop("lk").sort(pl.col("lead_id").cast(pl.String))


# -- response_rate -----------------------------------------------------------------------
def _response_per_lead(ds: Dataset) -> pl.DataFrame:
    """``_response_rows`` keyed by ``lk``, unsorted (what the metric aggregates)."""

    def build() -> pl.DataFrame:
        return (
            _cohort_messages(ds)
            .group_by("lk")
            .agg(
                pl.col("created_at").filter(pl.col("outbound")).min().alias("first_outbound_at"),
                pl.col("seq").filter(pl.col("outbound")).min().alias("first_out_seq"),
                pl.col("seq").filter(pl.col("inbound")).max().alias("last_in_seq"),
            )
            .filter(pl.col("first_out_seq").is_not_null())
            .select(
                "lk",
                "first_outbound_at",
                (pl.col("last_in_seq") > pl.col("first_out_seq")).fill_null(False).alias("responded"),
            )
        )

    return ds.memo("period:response_per_lead", build)


def _response_rows(ds: Dataset) -> pl.DataFrame:
    """Cohort leads that received an outbound message: first outbound time and ``responded`` flag."""
    return ds.memo("period:response_rows", lambda: _with_lead_ids(ds, _response_per_lead(ds)))


def response_rate(ds: Dataset) -> float | None:
    """Cohort leads that received an outbound message (any sender) and sent an inbound message after

    their first outbound one / cohort leads that received an outbound message × 100 (percent).
    """
    r = _response_per_lead(ds)  # every lk is a cohort lead's: same rows as _response_rows
    return pct(int(r.get_column("responded").sum()), r.height)


# -- reengagement_rate -------------------------------------------------------------------------
def _reengagement_per_lead(ds: Dataset) -> pl.DataFrame:
    """``_reengagement_rows`` keyed by ``lk``, unsorted (what the metric aggregates)."""

    def build() -> pl.DataFrame:
        thr_us = int(ds.settings.reengagement_silence_days * 86_400_000_000)
        as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
        same_lead = pl.col("lk") == pl.col("lk").shift(1)
        gap = (pl.col("created_at") - pl.col("created_at").shift(1)).dt.total_microseconds()
        return (
            _cohort_messages(ds)
            .with_columns((same_lead & (gap >= thr_us)).fill_null(False).alias("after_gap"))
            .group_by("lk")
            .agg(
                pl.col("seq").filter(pl.col("after_gap")).min().alias("first_gap_seq"),
                pl.col("seq").filter(pl.col("inbound")).max().alias("last_in_seq"),
                pl.col("created_at").max().alias("last_message_at"),
            )
            .select(
                "lk",
                "last_message_at",
                (
                    pl.col("first_gap_seq").is_not_null()
                    | ((as_of - pl.col("last_message_at")).dt.total_microseconds() >= thr_us)
                ).alias("has_silence"),
                (pl.col("last_in_seq") >= pl.col("first_gap_seq")).fill_null(False).alias("reengaged"),
            )
        )

    return ds.memo("period:reengagement_per_lead", build)


def _reengagement_rows(ds: Dataset) -> pl.DataFrame:
    """Cohort leads with at least one message: ``has_silence`` and ``reengaged`` flags."""
    return ds.memo("period:reengagement_rows", lambda: _with_lead_ids(ds, _reengagement_per_lead(ds)))


def reengagement_rate(ds: Dataset) -> float | None:
    """Among cohort leads with at least one message (timeline = all their messages, both directions,

    ordered by (created_at, id)): a *silence* is a gap ≥ ``reengagement_silence_days`` (setting, 7)
    between two consecutive messages, or between the last message and as_of. Re-engaged = an inbound
    message comes after (at or later than the message ending) a silence between messages.
    Re-engaged leads / leads with a silence × 100 (percent). Leads without messages are excluded.
    """
    r = _reengagement_per_lead(ds)  # every lk is a cohort lead's: same rows as _reengagement_rows
    with_silence = r.filter(pl.col("has_silence"))
    return pct(int(with_silence.get_column("reengaged").sum()), with_silence.height)


# -- inbound_gap_seconds ----------------------------------------------------------------------------
def _gaps(ds: Dataset) -> pl.DataFrame:
    """``[id, gap_seconds]``: gap before each inbound message in the period since the previous inbound
    message of its conversation (conversation scope ``ds.messages``); zero gaps (duplicates with the
    same conversation and timestamp) dropped."""

    def build() -> pl.DataFrame:
        keys = (
            message_keys(ds)
            if ds.filters.empty
            else ds.messages.select(
                key_code(pl.col("conversation_id")).alias("ck"),
                "id",
                (pl.col("direction") == "inbound").fill_null(False).alias("inbound"),
                "created_at",
            )
        )
        inbound = keys.filter(pl.col("inbound") & (pl.col("created_at") < pl.lit(ds.end))).select(
            "ck", "id", "created_at"
        )
        in_period = inbound.filter(pl.col("created_at") >= pl.lit(ds.start))
        # before the period only each conversation's last inbound message matters (hash
        # aggregation, cheaper than sorting the whole history)
        before = (
            inbound.filter(pl.col("created_at") < pl.lit(ds.start))
            .group_by("ck")
            .agg(pl.col("created_at").max(), pl.lit(None, dtype=pl.Int64).alias("id"))
            .select("ck", "id", "created_at")
        )
        same_conv = pl.col("ck") == pl.col("ck").shift(1)
        gap = (pl.col("created_at") - pl.col("created_at").shift(1)).dt.total_microseconds() / 1e6
        return (
            pl.concat([before, in_period.with_columns(pl.col("id").cast(pl.Int64))])
            # (ck, created_at, id) order, nulls first: stable 2-key sort, then stable sort by ck
            .sort("created_at", "id", nulls_last=False, maintain_order=True)
            .sort("ck", maintain_order=True, nulls_last=False)
            .with_columns(pl.when(same_conv).then(gap).alias("gap_seconds"))
            .filter((pl.col("gap_seconds") > 0) & pl.col("id").is_not_null())
            .select("id", "gap_seconds")
        )

    return ds.memo("period:gaps", build)


def _gap_rows(ds: Dataset) -> pl.DataFrame:
    """Gaps between consecutive inbound messages of a conversation, attributed to the later message."""
    return (
        ds.messages.select("conversation_id", "lead_id", "id", "created_at")
        .join(_gaps(ds), on="id", how="inner")
        .select("conversation_id", "lead_id", pl.col("id").alias("message_id"), "created_at", "gap_seconds")
        .sort("created_at", "message_id")
    )


def inbound_gap_seconds(ds: Dataset) -> dict[str, Any]:
    """Distribution (seconds) of gaps between consecutive inbound messages of the same conversation

    (conversation scope, ordered by (created_at, id)); a gap belongs to the period of its later
    message. Inbound duplicates with the same conversation and timestamp count once.
    """
    return distribution(_gaps(ds).get_column("gap_seconds"))


# -- active_leads -----------------------------------------------------------------------------------
def _period_days(ds: Dataset) -> tuple[date, date] | None:
    """First and last local day counted: the period's days up to the as_of local date."""
    last = min(ds.period.end - timedelta(days=1), ds.as_of.astimezone(ds.settings.tz).date())
    return None if last < ds.period.start else (ds.period.start, last)


def _daily_rows(ds: Dataset) -> pl.DataFrame:
    """``[date, leads]``: distinct scope leads with an inbound message per local day (zeros included)."""

    def build() -> pl.DataFrame:
        days = _period_days(ds)
        if days is None:
            return pl.DataFrame(schema={"date": pl.Date, "leads": pl.UInt32})
        counts = _inbound_days(ds).group_by("date").agg(pl.col("lk").n_unique().alias("leads"))
        cal = pl.DataFrame({"date": pl.date_range(days[0], days[1], eager=True)})
        return (
            cal.join(counts, on="date", how="left")
            .with_columns(pl.col("leads").fill_null(0).cast(pl.UInt32))
            .sort("date")
        )

    return ds.memo("period:daily_active", build)


def _inbound_days(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "period:inbound_days",
        lambda: (
            message_keys(ds)
            .filter(pl.col("inbound") & ds.in_period("created_at"))
            .select("lk", ds.local("created_at").dt.date().alias("date"))
        ),
    )


def active_leads(ds: Dataset) -> dict[str, Any]:
    """``{"dau", "mau", "dau_mau", "daily"}`` over scope leads' inbound messages (``ds.lead_messages``).

    The days counted are the period's local days up to the as_of local date (days after as_of have
    no data yet). dau = mean over those days of distinct leads with an inbound message that day;
    mau = mean over the local calendar months they span (partial months cut to those days) of
    distinct leads with an inbound message in the month; dau_mau = dau / mau × 100 (``None`` if mau
    is 0 or None); daily = ``[{"date": "YYYY-MM-DD", "leads": n}]`` for every counted day.
    """
    daily = _daily_rows(ds)
    if daily.height == 0:
        return {"dau": None, "mau": None, "dau_mau": None, "daily": []}
    dau = float(daily.get_column("leads").mean())  # type: ignore[arg-type]
    months = daily.select(pl.col("date").dt.truncate("1mo").alias("month")).unique()
    month_counts = (
        _inbound_days(ds)
        .filter(pl.col("date") <= daily.get_column("date").max())
        .group_by(pl.col("date").dt.truncate("1mo").alias("month"))
        .agg(pl.col("lk").n_unique().alias("leads"))
    )
    per_month = months.join(month_counts, on="month", how="left").get_column("leads").fill_null(0)
    mau = float(per_month.mean())  # type: ignore[arg-type]
    return {
        "dau": dau,
        "mau": mau,
        "dau_mau": pct(dau, mau),
        "daily": [{"date": d.isoformat(), "leads": int(n)} for d, n in daily.iter_rows()],
    }


# -- engagement_decay -------------------------------------------------------------------------------
def _decay_rows(ds: Dataset) -> pl.DataFrame:
    """Open leads ``[lead_id, last_inbound_at, days_silent, decay]`` sorted by decay (then lead id)."""

    def build() -> pl.DataFrame:
        # (decay, lead_id): a sort by the id text, then a stable sort by decay (Categorical order
        # is text order; lead ids are unique)
        return (
            _decay_frame(ds)
            .sort(pl.col("lead_id").cast(pl.String))
            .sort("decay", maintain_order=True)
        )

    return ds.memo("decay_rows", build)


def _decay_frame(ds: Dataset) -> pl.DataFrame:
    """``_decay_rows`` in lead order (unsorted; what the metric aggregates)."""

    def build() -> pl.DataFrame:
        as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
        leads = ds.leads.filter(pl.col("converted_at").is_null()).select(pl.col("id").alias("lead_id"), "created_at")
        lost, last = lost_flags(ds), last_inbound(ds)
        ids = leads.get_column("lead_id")
        leads = leads.with_columns(lookup(ids, lost.get_column("lead_id"), lost.get_column("lost")))
        leads = leads.filter(~pl.col("lost").fill_null(False))
        ids = leads.get_column("lead_id")
        return (
            leads.with_columns(lookup(ids, last.get_column("lead_id"), last.get_column("last_inbound_at")))
            .with_columns(days_between(pl.coalesce("last_inbound_at", "created_at"), as_of).alias("days_silent"))
            .with_columns((-pl.col("days_silent") / float(ds.settings.decay_days)).exp().alias("decay"))
            .select("lead_id", "last_inbound_at", "days_silent", "decay")
        )

    return ds.memo("decay_frame", build)


def engagement_decay(ds: Dataset) -> dict[str, Any]:
    """Distribution of the decay of open leads at as_of (score 0–1).

    Open lead = scope lead (any ``created_at`` ≤ as_of, not only the cohort) with ``converted_at``
    null and not lost (see ``conversion.lost_flags``). decay = exp(−days since the lead's last
    inbound message (or since ``created_at`` if none) / ``decay_days`` (setting, 7)), days as float.
    Independent of the period.
    """
    return distribution(_decay_frame(ds).get_column("decay"))


METRICS: list[Metric] = [
    Metric(
        "response_rate",
        "Taxa de resposta",
        "percent",
        "scalar",
        "Leads da coorte que responderam depois da primeira mensagem enviada pela clínica ÷ leads da coorte "
        "que receberam mensagem × 100.",
        DOMAIN,
        response_rate,
        _response_rows,
    ),
    Metric(
        "reengagement_rate",
        "Taxa de reengajamento",
        "percent",
        "scalar",
        "Leads da coorte que voltaram a escrever depois de um silêncio de 7 dias ou mais (configurável) ÷ "
        "leads da coorte com esse silêncio × 100.",
        DOMAIN,
        reengagement_rate,
        _reengagement_rows,
    ),
    Metric(
        "inbound_gap_seconds",
        "Intervalo entre mensagens do lead",
        "seconds",
        "distribution",
        "Tempo entre mensagens consecutivas recebidas do lead na mesma conversa (média, mediana, p95, p99).",
        DOMAIN,
        inbound_gap_seconds,
        _gap_rows,
    ),
    Metric(
        "active_leads",
        "Leads ativos (DAU/MAU)",
        "count",
        "breakdown",
        "Média diária (DAU) e mensal (MAU) de leads distintos que enviaram mensagem, e a razão DAU/MAU em %.",
        DOMAIN,
        active_leads,
        _daily_rows,
    ),
    Metric(
        "engagement_decay",
        "Decaimento do engajamento",
        "score",
        "distribution",
        "Para cada lead em aberto: exp(−dias desde a última mensagem do lead ÷ 7 dias (configurável)); "
        "1 = escreveu agora, perto de 0 = sumiu.",
        DOMAIN,
        engagement_decay,
        _decay_rows,
    ),
]
