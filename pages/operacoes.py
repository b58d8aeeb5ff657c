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
figs: dict[str, object] = {}
key = context.view_key(ctx)
st.subheader("Tempo de resposta por secretária")
if view.extra["box"].height:
    charts.show(
        figs, key, "Tempo de resposta", lambda: charts.response_box(view.extra["box"], t["response_stats"].frame)
    )
widgets.show_table(t["response_stats"], key)
for title, rows in view.drill.items():
    widgets.drill(title, rows, {"Espera (s)": "seconds"}, key=key)
left, right = st.columns(2)
with left:
    st.subheader("Distribuição de carga")
    if t["load"].frame.height:
        charts.show(
            figs,
            key,
            "Carga",
            lambda: charts.bars(
                t["load"].frame, "Secretária", ("Conversas",), "Conversas por secretária", horizontal=True
            ),
        )
    st.caption(
        f"Índice de Gini: {fmt_num(view.extra.get('gini'), 2)} (0 = carga igual) · "
        f"conversas sem responsável: {fmt_num(view.extra.get('unassigned'))}"
    )
    widgets.show_table(t["productivity"], key)
with right:
    st.subheader("Volume por dia e hora")
    if t["heatmap"].frame.height:
        charts.show(figs, key, "Mapa de calor", lambda: charts.heatmap(t["heatmap"].frame))
    if t["trend"].frame.height:
        charts.show(
            figs, key, "Tendência", lambda: charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        )
downloads.buttons(ctx, "Painel de Operações", view, figs)
