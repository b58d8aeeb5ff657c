"""Painel da Secretária: my numbers beside the team's, my priority leads (masked), my feedback scores.

Priority (no model yet): ``maturity_score × exp(−days since the lead's last inbound message / decay_days)``,
over the secretary's open leads (not converted, not lost); higher first.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from analytics import catalog
from analytics.dashboards.common import (
    KpiSpec,
    View,
    has,
    monthly_series,
    period_has_data,
    table,
    trend_table,
    value_of,
)
from analytics.dataset import Dataset
from analytics.formatting import fmt_value
from analytics.labels import label_expr
from analytics.period import Filters
from analytics.privacy import Viewer, mask_frame
from analytics.reports.model import Kpi

COMPARE = [
    KpiSpec("first_response_seconds", "median"),
    KpiSpec("response_seconds", "median"),
    KpiSpec("response_seconds", "p95"),
    KpiSpec("sla_compliance"),
    KpiSpec("first_contact_resolution"),
    KpiSpec("conversion_rate"),
    KpiSpec("csat"),
    KpiSpec("nps"),
]
FEEDBACK = [KpiSpec("csat"), KpiSpec("nps")]


def compare(mine: Dataset, team: Dataset) -> tuple[pl.DataFrame, tuple[Kpi, ...]]:
    """Métrica | Eu | Equipe (team-wide value over every secretary) | unit, plus KPIs with delta = me − team."""
    rows, ks = [], []
    for s in COMPARE:
        if not has(s.metric_id):
            continue
        m = catalog.get(s.metric_id)
        me, all_ = value_of(m.compute(mine), s.stat), value_of(m.compute(team), s.stat)
        label = m.label if s.stat in (None, "median") else f"{m.label} ({s.stat})"
        rows.append({"Métrica": label, "Eu": me, "Equipe": all_, "unidade": m.unit})
        ks.append(Kpi(label, me, m.unit, None if me is None or all_ is None else me - all_, m.definition))
    schema = {"Métrica": pl.String, "Eu": pl.Float64, "Equipe": pl.Float64, "unidade": pl.String}
    return pl.DataFrame(rows, schema=schema), tuple(ks)


def formatted(cmp: pl.DataFrame) -> pl.DataFrame:
    """The comparison with each value formatted in its own unit (R$, %, durations)."""
    rows = [
        {"Métrica": r["Métrica"], "Eu": fmt_value(r["Eu"], r["unidade"]),
         "Equipe": fmt_value(r["Equipe"], r["unidade"])}
        for r in cmp.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema={"Métrica": pl.String, "Eu": pl.String, "Equipe": pl.String})


def priority_leads(ds: Dataset, viewer: Viewer, contacts: pl.DataFrame | None = None, limit: int = 50) -> pl.DataFrame:
    """Open leads of the scope ranked by ``maturity × exp(−days idle / decay_days)`` (masked for non-admins).

    ``contacts`` (``id``, ``name``, ``phone``) is joined when given; non-admins see initials and masked phones.
    """
    leads = ds.leads.filter(pl.col("converted_at").is_null() & (pl.col("status") != "lost").fill_null(True))
    if leads.height == 0:
        return pl.DataFrame()
    last_in = (
        ds.lead_messages.filter(pl.col("direction") == "inbound")
        .group_by("lead_id")
        .agg(pl.col("created_at").max().alias("last_inbound"))
    )
    as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
    out = (
        leads.join(last_in, left_on="id", right_on="lead_id", how="left")
        .with_columns(pl.coalesce("last_inbound", "created_at").alias("last"))
        .with_columns(((as_of - pl.col("last")).dt.total_seconds() / 86400).clip(0).alias("idle_days"))
        .with_columns(
            (pl.col("maturity_score").fill_null(0).cast(pl.Float64)
             * (-pl.col("idle_days") / ds.settings.decay_days).exp()).round(1).alias("priority")
        )
        .sort(["priority", "id"], descending=[True, False])
        .head(limit)
    )
    if contacts is not None and contacts.height:
        contact = contacts.select(pl.col("id").cast(pl.String), "name", "phone")
        out = (
            out.drop("name", "phone", strict=False)
            .with_columns(pl.col("id").cast(pl.String))
            .join(contact, on="id", how="left")
        )
    elif "name" not in out.columns:
        out = out.with_columns(pl.lit(None, pl.String).alias("name"), pl.lit(None, pl.String).alias("phone"))
    out = mask_frame(out, viewer)
    return out.select(
        pl.col("name").alias("Lead"),
        pl.col("phone").alias("Telefone"),
        label_expr("procedure_interest", "procedure").fill_null("—").alias("Procedimento"),
        label_expr("status", "stage").alias("Etapa"),
        pl.col("maturity_score").alias("Maturidade"),
        ds.local("last").dt.strftime("%d/%m/%Y %H:%M").alias("Última mensagem"),
        pl.col("idle_days").round(1).alias("Dias sem resposta"),
        pl.col("priority").alias("Prioridade"),
    )


def build(
    ds: Dataset, prev: Dataset | None, viewer: Viewer, secretary_id: str | None,
    contacts: pl.DataFrame | None = None,
) -> View:
    """``ds`` is the team-level dataset (page filters without a secretary); ``secretary_id`` picks "me"."""
    if not secretary_id:
        return View(notes=("Selecione uma secretária.",))
    team = ds
    mine = Dataset(team.all, team.period, team.settings, replace(team.filters, secretaries=(secretary_id,)),
                   team.as_of)
    cmp, ks = compare(mine, team)
    trend = monthly_series(mine, FEEDBACK)
    tables = {
        "compare": table("Eu × equipe", formatted(cmp)),
        "leads": table("Meus leads prioritários", priority_leads(mine, viewer, contacts),
                       {"Maturidade": "count", "Prioridade": "count"}),
        "feedback": trend_table(trend, FEEDBACK, "Minhas avaliações por mês"),
    }
    active = period_has_data(mine)
    if not active:  # nothing of hers in the period: no row of "—" KPIs (the page says so instead)
        ks = ()
    values = [c for c in trend.columns if c not in ("Mês", "Início")]
    if trend.height and not trend.select(pl.any_horizontal(pl.col(values).is_not_null()).any()).item():
        tables["feedback"] = trend_table(trend.clear(), FEEDBACK, "Minhas avaliações por mês")  # no empty chart
    return View(kpis=ks, tables=tables, has_data=active or tables["leads"].frame.height > 0,
                extra={"period_empty": not active})


def team_filters(filters: Filters) -> Filters:
    return replace(filters, secretaries=())
