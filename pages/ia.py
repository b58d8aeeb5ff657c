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
figs = {}
left, right = st.columns(2)
with left:
    if t["reasons"].frame.height:
        figs["Motivos de transferência"] = charts.bars(t["reasons"].frame, "Motivo", ("Conversas",),
                                                       "Motivos de transferência", horizontal=True)
        st.plotly_chart(figs["Motivos de transferência"], width="stretch")
    if t["trend"].frame.height:
        figs["Tendência"] = charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        st.plotly_chart(figs["Tendência"], width="stretch")
with right:
    if t["confusion"].frame.height:
        figs["Matriz de confusão"] = charts.confusion(t["confusion"].frame)
        st.plotly_chart(figs["Matriz de confusão"], width="stretch")
    widgets.show_table(t["intents"])
left, right = st.columns(2)
with left:
    st.subheader("Playbooks")
    if t["playbooks"].frame.height:
        figs["Playbooks"] = charts.bars(t["playbooks"].frame, "Playbook", ("Conversão",), "Conversão por playbook",
                                        "percent")
        st.plotly_chart(figs["Playbooks"], width="stretch")
    widgets.show_table(t["playbooks"])
with right:
    st.subheader("Modelo de linguagem")
    st.caption(f"Tokens por conversa (média): {fmt_num(view.extra.get('tokens_per_conversation'))}")
    widgets.show_table(t["llm"])
for title, rows in view.drill.items():
    widgets.drill(title, rows)
downloads.buttons(ctx, "Painel de IA", view, figs)
