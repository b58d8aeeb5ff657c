"""Painel de Marketing (layout only; numbers from analytics.dashboards.marketing)."""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("marketing")
st.title("📣 Marketing")
st.caption(f"{ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
t = view.tables
figs: dict[str, object] = {}
key = context.view_key(ctx)
left, right = st.columns(2)
with left:
    if t["roi"].frame.height:
        charts.show(
            figs,
            key,
            "ROI por canal",
            lambda: charts.bars(t["roi"].frame, "Canal", ("ROI",), "ROI por canal (%)", "percent"),
        )
        widgets.show_table(t["roi"], key)
    else:
        st.caption("ROI por canal: nenhum canal com custo de campanha neste recorte.")
with right:
    if t["cpa"].frame.height:
        charts.show(
            figs,
            key,
            "CPA por canal",
            lambda: charts.bars(t["cpa"].frame, "Canal", ("CPA",), "Custo por aquisição (CPA)", "brl"),
        )
        widgets.show_table(t["cpa"], key)
left, right = st.columns(2)
with left:
    if t["procedures"].frame.height:
        charts.show(
            figs,
            key,
            "Procedimentos",
            lambda: charts.bars(
                t["procedures"].frame, "Procedimento", ("Leads",), "Procedimentos mais procurados", horizontal=True
            ),
        )
        widgets.show_table(t["procedures"], key)
with right:
    if t["funnel"].frame.height:
        charts.show(figs, key, "Funil", lambda: charts.funnel(t["funnel"].frame))
    if t["trend"].frame.height:
        charts.show(
            figs, key, "Tendência", lambda: charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        )
st.subheader("Campanhas")
widgets.show_table(t["campaigns"], key)
for title, rows in view.drill.items():
    widgets.drill(title, rows, key=key)
downloads.buttons(ctx, "Painel de Marketing", view, figs)
