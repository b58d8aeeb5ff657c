"""Painel de Operações: SLA, response times by secretary, volume heatmap, load, productivity, SLA breaches."""

from __future__ import annotations

import polars as pl

from analytics.dashboards.common import (
    KpiSpec,
    View,
    frame_of,
    has,
    kpis,
    metric,
    monthly_series,
    name_secretaries,
    period_has_data,
    staff_names,
    table,
    trend_table,
)
from analytics.dashboards.drill import NO_SECRETARY, present, staff_name_expr
from analytics.dataset import Dataset
from analytics.metrics.replies import period_runs
from analytics.privacy import Viewer, mask_frame

KPIS = [
    KpiSpec("sla_compliance"),
    KpiSpec("first_response_seconds", "median"),
    KpiSpec("response_seconds", "median"),
    KpiSpec("response_seconds", "p95"),
    KpiSpec("unanswered_runs"),
    KpiSpec("handoff_abandonment_rate"),
    KpiSpec("first_contact_resolution"),
    KpiSpec("resolution_seconds", "median"),
]
TRENDS = [KpiSpec("sla_compliance"), KpiSpec("response_seconds", "median", "Tempo de resposta (mediana)")]
WEEKDAYS = ("seg", "ter", "qua", "qui", "sex", "sáb", "dom")


def response_runs(ds: Dataset) -> pl.DataFrame:
    """Answered reply runs of the period: one row per run, secretary name and response time (s).

    Secretary labels follow ``name_secretaries`` (null sender: "sem responsável"; an id ``users`` does not
    name: "sem nome (<short id>)"), the same labels as the response, load and productivity tables."""
    runs = period_runs(ds).filter(pl.col("answered"))
    out = runs.select("answer_sender_id", pl.col("response_seconds").alias("Tempo de resposta (s)"))
    return name_secretaries(out, "answer_sender_id", staff_names(ds))


def response_box(runs: pl.DataFrame) -> pl.DataFrame:
    """Box-plot statistics (seconds) of the answered runs per secretary: ``n``, ``q1``, ``median``, ``q3``
    (linear-interpolated quantiles) and Tukey's whiskers: ``lowerfence`` = the smallest time not below
    q1 − 1.5·IQR, ``upperfence`` = the largest not above q3 + 1.5·IQR. The chart gets five numbers per
    secretary instead of every run (tens of thousands of points on a busy month)."""
    v = pl.col("Tempo de resposta (s)")
    q1, q3 = v.quantile(0.25, "linear"), v.quantile(0.75, "linear")
    iqr = q3 - q1
    return (
        runs.filter(v.is_not_null())
        .group_by("Secretária")
        .agg(n=v.len(), q1=q1, median=v.median(), q3=q3,
             lowerfence=v.filter(v >= q1 - 1.5 * iqr).min(), upperfence=v.filter(v <= q3 + 1.5 * iqr).max())
        .sort("Secretária")
    )


def _secretary(f: pl.DataFrame, ds: Dataset) -> pl.Expr:
    """The ``Secretária`` label of a breakdown keyed by ``secretary_id`` (``name_secretaries``' rule: null id
    "sem responsável", an id without a name "sem nome (<short id>)"); falls back to the breakdown's names."""
    if "secretary_id" in f.columns:
        return staff_name_expr("secretary_id", staff_names(ds)).alias("Secretária")
    return pl.col("secretary_name").fill_null(NO_SECRETARY).alias("Secretária")


def response_stats(ds: Dataset) -> pl.DataFrame:
    """Per secretary: answered runs, median, p95, p99 response time (catalog ``response_seconds``)."""
    res = metric(ds, "response_seconds")
    f = frame_of(res.get("by_secretary") if isinstance(res, dict) else None)
    if f.height == 0:
        return f
    return f.select(
        _secretary(f, ds),
        pl.col("count").alias("Respostas"),
        pl.col("median").alias("Mediana"),
        pl.col("p95").alias("p95"),
        pl.col("p99").alias("p99"),
    )


def heatmap(ds: Dataset) -> pl.DataFrame:
    """Inbound messages by local weekday × hour (``team.volume_heatmap``), pt-BR weekday labels."""
    try:
        from analytics.metrics.team import volume_heatmap
    except ImportError:
        return pl.DataFrame()
    h = volume_heatmap(ds)
    return h.select(
        pl.col("weekday").cast(pl.Int64).replace_strict(dict(enumerate(WEEKDAYS, 1)), return_dtype=pl.String)
        .alias("Dia"),
        pl.col("hour").cast(pl.Int64).alias("Hora"),
        pl.col("messages").alias("Mensagens"),
    )


def load_table(ds: Dataset) -> tuple[pl.DataFrame, dict[str, float | int | None]]:
    res = metric(ds, "load_distribution")
    if not isinstance(res, dict):
        return pl.DataFrame(), {}
    f = frame_of(res.get("by_secretary"))
    if f.height:
        f = f.select(
            _secretary(f, ds),
            pl.col("conversations").alias("Conversas"),
            pl.col("share").alias("Participação"),
        )
    return f, {"gini": res.get("gini"), "unassigned": res.get("unassigned")}


def productivity_table(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "productivity"))
    if f.height == 0:
        return f
    return f.select(
        _secretary(f, ds),
        pl.col("converted_leads").alias("Convertidos"),
        pl.col("active_days").alias("Dias ativos"),
        pl.col("productivity").alias("Conversões/dia ativo"),
    )


def sla_breaches(ds: Dataset, viewer: Viewer, limit: int = 5000) -> pl.DataFrame:
    """Reply runs of the period that breached the SLA: answered later than the SLA, or still
    waiting (or closed unanswered) for longer than the SLA. Longest first; no lead data.

    Presented like every drill-down (``drill.present``): short conversation id, the lead's message in local
    time, "sim"/"não", ``Espera`` as a duration (seconds), ``Respondida por`` empty for an unanswered run."""
    sla = ds.settings.sla_seconds
    runs = period_runs(ds).filter(
        (pl.col("answered") & (pl.col("response_seconds") > sla))
        | (~pl.col("answered") & (pl.col("wait_seconds") > sla))
    )
    out = runs.sort("wait_seconds", descending=True).head(limit).select(
        "conversation_id", "run_start", "answered", "wait_seconds", "answer_sender_id"
    )
    return present(mask_frame(out, viewer), ds.settings.timezone, staff_names(ds))


def build(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    load, load_info = load_table(ds)
    trend = monthly_series(ds, TRENDS)
    tables = {
        "trend": trend_table(trend, TRENDS),
        "response_stats": table("Tempo de resposta por secretária", response_stats(ds),
                                {"Mediana": "seconds", "p95": "seconds", "p99": "seconds", "Respostas": "count"}),
        "load": table("Distribuição de carga", load, {"Conversas": "count", "Participação": "percent"},
                      chart="bar", chart_x="Secretária", chart_y=("Conversas",)),
        "productivity": table("Produtividade", productivity_table(ds),
                              {"Convertidos": "count", "Dias ativos": "count"}),
        "heatmap": table("Mensagens recebidas por dia da semana e hora", heatmap(ds), {"Mensagens": "count"}),
    }
    drill = {}
    if has("sla_compliance"):
        drill[f"Respostas fora do SLA ({ds.settings.sla_seconds // 60} min)"] = sla_breaches(ds, viewer)
    return View(has_data=period_has_data(ds), kpis=kpis(ds, prev, KPIS), tables=tables, drill=drill,
                extra={"box": response_box(response_runs(ds)), **load_info})
