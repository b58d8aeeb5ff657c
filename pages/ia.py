"""Painel de IA (layout only; numbers from analytics.dashboards.ia)."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import fmt_num
from ui import charts, context, downloads, widgets

ctx = context.open_page("ia")
st.title("🤖 Desempenho da IA")
st.caption(f"{ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
t = view.tables
figs: dict[str, object] = {}
key = context.view_key(ctx)
left, right = st.columns(2)
with left:
    if t["reasons"].frame.height:
        charts.show(
            figs,
            key,
            "Motivos de transferência",
            lambda: charts.bars(
                t["reasons"].frame, "Motivo", ("Conversas",), "Motivos de transferência", horizontal=True
            ),
        )
    if t["trend"].frame.height:
        charts.show(
            figs, key, "Tendência", lambda: charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        )
with right:
    if t["confusion"].frame.height:
        charts.show(figs, key, "Matriz de confusão", lambda: charts.confusion(t["confusion"].frame))
    widgets.show_table(t["intents"], key)
left, right = st.columns(2)
with left:
    st.subheader("Playbooks")
    if t["playbooks"].frame.height:
        charts.show(
            figs,
            key,
            "Playbooks",
            lambda: charts.bars(t["playbooks"].frame, "Playbook", ("Conversão",), "Conversão por playbook", "percent"),
        )
    widgets.show_table(t["playbooks"], key)
with right:
    st.subheader("Modelo de linguagem")
    st.caption(f"Tokens por conversa (média): {fmt_num(view.extra.get('tokens_per_conversation'))}")
    widgets.show_table(t["llm"], key)
for title, rows in view.drill.items():
    widgets.drill(title, rows, key=key)
downloads.buttons(ctx, "Painel de IA", view, figs)
