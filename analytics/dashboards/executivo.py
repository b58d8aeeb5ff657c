"""Painel Executivo: headline KPIs, month-over-month trends, funnel, revenue and ROI by channel."""

from __future__ import annotations

import polars as pl

from analytics.dashboards.common import (
    KpiSpec,
    View,
    drill_rows,
    frame_of,
    has,
    kpis,
    metric,
    monthly_series,
    period_has_data,
    table,
    trend_table,
)
from analytics.dataset import Dataset
from analytics.labels import label_expr
from analytics.metrics.base import ratio
from analytics.privacy import Viewer
from analytics.reports.model import Kpi

KPIS = [
    KpiSpec("leads_total"),
    KpiSpec("conversion_rate"),
    KpiSpec("revenue"),
    KpiSpec("pipeline_value"),
    KpiSpec("avg_value_per_converted_lead"),
    KpiSpec("nps"),
]
#: month-by-month: short headers ("Leads", not "Leads no período": each row is a month) so the table fits
#: its half-width column
TRENDS = [KpiSpec("leads_total", None, "Leads"), KpiSpec("conversion_rate", None, "Conversão"), KpiSpec("revenue"),
          KpiSpec("nps")]


def funnel_table(ds: Dataset) -> pl.DataFrame:
    """Funnel stages with leads, step conversion, conversion from contact and drop-off (pt-BR headers)."""
    f = frame_of(metric(ds, "funnel"))
    if f.height == 0:
        return f
    return f.select(
        label_expr("stage", "stage").alias("Etapa"),
        pl.col("leads").alias("Leads"),
        pl.col("step_conversion").alias("Conv. da etapa"),
        pl.col("overall_conversion").alias("Conv. acumulada"),
        pl.col("drop_off").alias("Perda"),
    )


FUNNEL_UNITS = {"Leads": "count", "Conv. da etapa": "percent", "Conv. acumulada": "percent",
                "Perda": "percent"}


def roi_table(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "roi_by_channel"))
    if f.height == 0:
        return f
    return f.select(
        label_expr("channel", "channel").fill_null("sem canal").alias("Canal"),
        pl.col("revenue").alias("Receita"),
        pl.col("cost").alias("Custo"),
        (pl.col("roi").cast(pl.Float64) * 100).alias("ROI"),
    )


ROI_UNITS = {"Receita": "brl", "Custo": "brl", "ROI": "percent"}


def total_roi(ds: Dataset) -> float | None:
    """(revenue − cost) / cost over all channels with cost; ``None`` without cost."""
    f = frame_of(metric(ds, "roi_by_channel"))
    if f.height == 0:
        return None
    rev, cost = float(f["revenue"].sum()), float(f["cost"].sum())
    r = ratio(rev - cost, cost)
    return None if r is None else r * 100


def build(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    ks = list(kpis(ds, prev, KPIS))
    if has("roi_by_channel"):
        now, before = total_roi(ds), (total_roi(prev) if prev is not None else None)
        ks.insert(3, Kpi("ROI total", now, "percent", None if now is None or before is None else now - before,
                         "(receita − custo de marketing) / custo de marketing × 100, todos os canais"))
    trend = monthly_series(ds, TRENDS)
    tables = {
        "trend": trend_table(trend, TRENDS),
        "funnel": table("Funil de conversão", funnel_table(ds), FUNNEL_UNITS, chart="bar", chart_x="Etapa",
                        chart_y=("Leads",)),
        "roi": table("Receita e ROI por canal", roi_table(ds), ROI_UNITS, chart="column", chart_x="Canal",
                     chart_y=("Receita", "Custo")),
    }
    drill = {}
    rows = drill_rows(ds, "leads_converted", viewer)
    if rows is not None:
        drill["Leads convertidos no período"] = rows
    return View(has_data=period_has_data(ds), kpis=tuple(ks), tables=tables, drill=drill)
