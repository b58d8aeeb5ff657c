"""Painel de IA: bot autonomy, transfers and reasons, intent accuracy and confusion, playbooks, LLM usage."""

from __future__ import annotations

import polars as pl

from analytics.dashboards.common import (
    KpiSpec,
    View,
    frame_of,
    kpis,
    metric,
    monthly_series,
    period_has_data,
    table,
    trend_table,
)
from analytics.dashboards.drill import present
from analytics.dataset import Dataset
from analytics.labels import label_expr
from analytics.privacy import Viewer, mask_frame

KPIS = [
    KpiSpec("bot_autonomy_rate"),
    KpiSpec("transfer_rate"),
    KpiSpec("intent_accuracy"),
    KpiSpec("maturity_at_conversion"),
    KpiSpec("csat"),
]
TRENDS = [KpiSpec("bot_autonomy_rate"), KpiSpec("transfer_rate"), KpiSpec("intent_accuracy")]


def reasons(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "escalation_reasons"))
    if f.height == 0:
        return f
    return f.select(label_expr("reason", "reason").fill_null("—").alias("Motivo"), pl.col("count").alias("Conversas"),
                    pl.col("share").alias("Participação"))


def confusion(ds: Dataset) -> pl.DataFrame:
    """Long confusion matrix: detected intent × reviewed intent → count."""
    f = frame_of(metric(ds, "intent_confusion"))
    if f.height == 0:
        return f
    return f.select(
        label_expr("intent", "intent").fill_null("—").alias("Intenção detectada"),
        label_expr("validated_intent", "intent").fill_null("—").alias("Intenção revisada"),
        pl.col("count").alias("Interações"),
    )


def intents(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "intent_metrics"))
    if f.height == 0:
        return f
    return f.select(label_expr("intent", "intent").fill_null("—").alias("Intenção"),
                    pl.col("precision").alias("Precisão"),
                    pl.col("recall").alias("Revocação"), pl.col("support").alias("Revisadas"))


def playbooks(ds: Dataset) -> pl.DataFrame:
    f = frame_of(metric(ds, "playbook_conversion"))
    if f.height == 0:
        return f
    return f.select(label_expr("playbook", "playbook").fill_null("sem playbook").alias("Playbook"),
                    pl.col("leads").alias("Leads"),
                    pl.col("converted").alias("Convertidos"), pl.col("conversion_rate").alias("Conversão"))


#: units of the language-model table: latencies in milliseconds ("690 ms" in the cells keeps the headers short)
LLM_UNITS = {"Tokens": "count", "Interações": "count", "Latência p50": "ms", "Latência p95": "ms"}


def llm_models(ds: Dataset) -> tuple[pl.DataFrame, float | None]:
    """Interactions, tokens and latency p50 / p95 (ms) per model (catalog ``llm_usage``)."""
    res = metric(ds, "llm_usage")
    if not isinstance(res, dict):
        return pl.DataFrame(), None
    f = frame_of(res.get("by_model"))
    if f.height:
        f = f.select(pl.col("model").fill_null("—").alias("Modelo"), pl.col("interactions").alias("Interações"),
                     pl.col("tokens").alias("Tokens"),
                     pl.col("latency_p50").round(0).cast(pl.Int64).alias("Latência p50"),
                     pl.col("latency_p95").round(0).cast(pl.Int64).alias("Latência p95"))
    return f, res.get("tokens_per_conversation")


def misclassified(ds: Dataset, viewer: Viewer, limit: int = 300) -> pl.DataFrame:
    """Reviewed interactions of the period where the bot's intent differs from the reviewer's (error log),
    newest first, presented like every drill-down (``drill.present``: local time, short id, pt-BR labels)."""
    llm = ds.llm.filter(ds.in_period("created_at") & pl.col("validated_intent").is_not_null())
    wrong = llm.filter((pl.col("intent") != pl.col("validated_intent")).fill_null(True))
    out = wrong.sort("created_at", descending=True).head(limit).select(
        "created_at", "conversation_id", "intent", "validated_intent",
        pl.col("confidence").cast(pl.Float64).round(2), "model",
    )
    return present(mask_frame(out, viewer), ds.settings.timezone,
                   headers={"created_at": "Quando", "intent": "Detectada", "validated_intent": "Revisada"})


def build(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    models, tpc = llm_models(ds)
    trend = monthly_series(ds, TRENDS)
    tables = {
        "trend": trend_table(trend, TRENDS),
        "reasons": table("Motivos de transferência", reasons(ds), {"Conversas": "count", "Participação": "percent"},
                         chart="bar", chart_x="Motivo", chart_y=("Conversas",)),
        "confusion": table("Matriz de confusão de intenções", confusion(ds), {"Interações": "count"}),
        "intents": table("Precisão e revocação por intenção", intents(ds),
                         {"Precisão": "percent", "Revocação": "percent", "Revisadas": "count"}),
        "playbooks": table("Conversão por playbook", playbooks(ds), {"Conversão": "percent", "Leads": "count"},
                           chart="bar", chart_x="Playbook", chart_y=("Conversão",)),
        "llm": table("Uso do modelo de linguagem", models, LLM_UNITS),
    }
    drill = {"Intenções classificadas errado (revisão humana)": misclassified(ds, viewer)}
    return View(kpis=kpis(ds, prev, KPIS), tables=tables, drill=drill, extra={"tokens_per_conversation": tpc},
                has_data=period_has_data(ds))
