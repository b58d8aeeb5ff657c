"""Painel Executivo (layout only; numbers from analytics.dashboards.executivo)."""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("executivo")
st.title("📈 Painel Executivo")
st.caption(f"{ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
figs: dict[str, object] = {}
key = context.view_key(ctx)
trend, funnel, roi = view.tables["trend"], view.tables["funnel"], view.tables["roi"]
left, right = st.columns(2)
with left:
    if trend.frame.height:
        charts.show(
            figs, key, "Tendência mensal", lambda: charts.trends(trend.frame, "Mês", trend.chart_y, trend.units)
        )
        widgets.show_table(trend, key)
with right:
    if funnel.frame.height:
        charts.show(figs, key, "Funil", lambda: charts.funnel(funnel.frame))
        widgets.show_table(funnel, key)
if roi.frame.height:
    st.subheader("Receita e ROI por canal")
    charts.show(
        figs,
        key,
        "Receita e custo por canal",
        lambda: charts.bars(roi.frame, "Canal", ("Receita", "Custo"), "Receita e custo por canal", "brl"),
    )
    widgets.show_table(roi, key)
for title, rows in view.drill.items():
    widgets.drill(title, rows, key=key)
downloads.buttons(ctx, "Painel Executivo", view, figs)
