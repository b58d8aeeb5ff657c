"""Painel Executivo (layout only; numbers from analytics.dashboards.executivo)."""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("executivo")
st.title("📈 Painel Executivo")
st.caption(f"{ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
figs = {}
trend, funnel, roi = view.tables["trend"], view.tables["funnel"], view.tables["roi"]
left, right = st.columns(2)
with left:
    if trend.frame.height:
        figs["Tendência mensal"] = charts.trends(trend.frame, "Mês", trend.chart_y, trend.units)
        st.plotly_chart(figs["Tendência mensal"], width="stretch")
        widgets.show_table(trend)
with right:
    if funnel.frame.height:
        figs["Funil"] = charts.funnel(funnel.frame)
        st.plotly_chart(figs["Funil"], width="stretch")
        widgets.show_table(funnel)
if roi.frame.height:
    st.subheader("Receita e ROI por canal")
    figs["Receita e custo por canal"] = charts.bars(roi.frame, "Canal", ("Receita", "Custo"),
                                                    "Receita e custo por canal", "brl")
    st.plotly_chart(figs["Receita e custo por canal"], width="stretch")
    widgets.show_table(roi)
for title, rows in view.drill.items():
    widgets.drill(title, rows)
downloads.buttons(ctx, "Painel Executivo", view, figs)
