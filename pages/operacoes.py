"""Painel de Operações (layout only; numbers from analytics.dashboards.operacoes)."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import fmt_duration, fmt_num
from ui import charts, context, downloads, live, widgets

ctx = context.open_page("operacoes")
st.title("🎧 Operações")
st.caption(f"{ctx.state.label} · SLA {fmt_duration(ctx.settings.sla_seconds)} · variação vs. período anterior")
live.queue(ctx)
view = context.kpis_or_stop(ctx)
t = view.tables
figs = {}
st.subheader("Tempo de resposta por secretária")
if view.extra["runs"].height:
    figs["Tempo de resposta"] = charts.response_box(view.extra["runs"], t["response_stats"].frame)
    st.plotly_chart(figs["Tempo de resposta"], width="stretch")
widgets.show_table(t["response_stats"])
for title, rows in view.drill.items():
    widgets.drill(title, rows, {"Espera (s)": "seconds"})
left, right = st.columns(2)
with left:
    st.subheader("Distribuição de carga")
    if t["load"].frame.height:
        figs["Carga"] = charts.bars(t["load"].frame, "Secretária", ("Conversas",), "Conversas por secretária",
                                    horizontal=True)
        st.plotly_chart(figs["Carga"], width="stretch")
    st.caption(f"Índice de Gini: {fmt_num(view.extra.get('gini'), 2)} (0 = carga igual) · "
               f"conversas sem responsável: {fmt_num(view.extra.get('unassigned'))}")
    widgets.show_table(t["productivity"])
with right:
    st.subheader("Volume por dia e hora")
    if t["heatmap"].frame.height:
        figs["Mapa de calor"] = charts.heatmap(t["heatmap"].frame)
        st.plotly_chart(figs["Mapa de calor"], width="stretch")
    if t["trend"].frame.height:
        figs["Tendência"] = charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        st.plotly_chart(figs["Tendência"], width="stretch")
downloads.buttons(ctx, "Painel de Operações", view, figs)
