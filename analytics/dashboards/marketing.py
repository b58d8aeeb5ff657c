"""Painel de Marketing: investment, ROI / CPA by channel, procedures in demand, campaigns, funnel."""

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
from analytics.dashboards.executivo import FUNNEL_UNITS, ROI_UNITS, funnel_table, roi_table
from analytics.dataset import Dataset
from analytics.labels import label_expr
from analytics.metrics.base import pct, ratio
from analytics.privacy import Viewer
from analytics.reports.model import Kpi

KPIS = [KpiSpec("leads_total"), KpiSpec("conversion_rate"), KpiSpec("revenue")]
#: month-by-month (each row / point is a month): short labels, as on the Executivo page
TRENDS = [KpiSpec("leads_total", None, "Leads"), KpiSpec("conversion_rate", None, "Conversão")]


def _spend(ds: Dataset | None) -> tuple[float | None, float | None]:
    """(total cost, CPA = total cost / conversions) over ``cpa_by_channel``."""
    if ds is None:
        return None, None
    f = frame_of(metric(ds, "cpa_by_channel"))
    if f.height == 0:
        return None, None
    cost = float(f["cost"].sum())
    return cost, ratio(cost, int(f["conversions"].sum()))


def cpa_table(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "cpa_by_channel"))
    if f.height == 0:
        return f
    return f.select(
        label_expr("channel", "channel").fill_null("sem canal").alias("Canal"),
        pl.col("cost").alias("Custo"),
        pl.col("conversions").alias("Conversões"),
        pl.col("cpa").alias("CPA"),
    )


def procedures(ds: Dataset) -> pl.DataFrame:
    """Cohort leads by procedure of interest: leads, converted, conversion %, most asked first."""
    c = ds.cohort
    if c.height == 0:
        return pl.DataFrame()
    return (
        c.group_by(label_expr("procedure_interest", "procedure").fill_null("Não informado").alias("Procedimento"))
        .agg(pl.len().alias("Leads"), pl.col("converted_at").is_not_null().sum().alias("Convertidos"))
        .with_columns((pl.col("Convertidos") / pl.col("Leads") * 100).alias("Conversão"))
        .sort(["Leads", "Procedimento"], descending=[True, False])
    )


def campaigns(ds: Dataset) -> pl.DataFrame:
    """Campaigns active in the period: channel, cost, leads of the cohort from the campaign, conversions."""
    camp = ds.campaigns.filter(
        (pl.col("started_at").is_null() | (pl.col("started_at") < ds.period.end))
        & (pl.col("ended_at").is_null() | (pl.col("ended_at") >= ds.period.start))
    )
    if camp.height == 0:
        return pl.DataFrame()
    leads = ds.cohort.filter(pl.col("campaign_id").is_not_null()).group_by("campaign_id").agg(
        pl.len().alias("leads"), pl.col("converted_at").is_not_null().sum().alias("conv")
    )
    out = camp.join(leads, left_on="id", right_on="campaign_id", how="left").with_columns(
        pl.col("leads").fill_null(0), pl.col("conv").fill_null(0)
    )
    return out.select(
        pl.col("name").alias("Campanha"),
        label_expr("channel", "channel").alias("Canal"),
        pl.col("started_at").alias("Início"),
        pl.col("ended_at").alias("Fim"),
        pl.col("cost").cast(pl.Float64).alias("Custo total"),
        pl.col("leads").alias("Leads no período"),
        pl.col("conv").alias("Conversões"),
        pl.when(pl.col("conv") > 0).then(pl.col("cost").cast(pl.Float64) / pl.col("conv")).alias("Custo por conversão"),
    ).sort("Início", descending=True, nulls_last=True)


def build(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    ks = list(kpis(ds, prev, KPIS))
    if has("cpa_by_channel"):
        (cost, cpa), (pcost, pcpa) = _spend(ds), _spend(prev)
        ks.append(Kpi("Investimento em marketing", cost, "brl",
                      None if cost is None or pcost is None else cost - pcost,
                      "custo das campanhas rateado pelos dias no período"))
        ks.append(Kpi("CPA geral", cpa, "brl", None if cpa is None or pcpa is None else cpa - pcpa,
                      "investimento / leads convertidos no período"))
    proc = procedures(ds)
    trend = monthly_series(ds, TRENDS)
    tables = {
        "trend": trend_table(trend, TRENDS),
        "roi": table("ROI por canal", roi_table(ds), ROI_UNITS, chart="column", chart_x="Canal", chart_y=("ROI",)),
        "cpa": table("Custo por aquisição (CPA) por canal", cpa_table(ds),
                     {"Custo": "brl", "CPA": "brl", "Conversões": "count"}, chart="column", chart_x="Canal",
                     chart_y=("CPA",)),
        "procedures": table("Procedimentos mais procurados", proc,
                            {"Leads": "count", "Convertidos": "count", "Conversão": "percent"},
                            chart="bar", chart_x="Procedimento", chart_y=("Leads",)),
        "campaigns": table("Campanhas", campaigns(ds),
                           {"Início": "date", "Fim": "date", "Custo total": "brl", "Custo por conversão": "brl"}),
        "funnel": table("Funil de conversão", funnel_table(ds), FUNNEL_UNITS, chart="bar", chart_x="Etapa",
                        chart_y=("Leads",)),
    }
    drill = {}
    rows = drill_rows(ds, "cpa_by_channel", viewer)
    if rows is not None:
        drill["Conversões por canal (base do CPA)"] = rows
    share = pct(proc["Convertidos"].sum(), proc["Leads"].sum()) if proc.height else None
    return View(has_data=period_has_data(ds), kpis=tuple(ks), tables=tables, drill=drill, extra={"conversion": share})
