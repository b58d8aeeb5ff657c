"""Painel de Marketing (layout only; numbers from analytics.dashboards.marketing)."""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("marketing")
st.title("📣 Marketing")
st.caption(f"{ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
t = view.tables
figs = {}
left, right = st.columns(2)
with left:
    if t["roi"].frame.height:
        figs["ROI por canal"] = charts.bars(t["roi"].frame, "Canal", ("ROI",), "ROI por canal (%)", "percent")
        st.plotly_chart(figs["ROI por canal"], width="stretch")
        widgets.show_table(t["roi"])
with right:
    if t["cpa"].frame.height:
        figs["CPA por canal"] = charts.bars(t["cpa"].frame, "Canal", ("CPA",), "Custo por aquisição (CPA)", "brl")
        st.plotly_chart(figs["CPA por canal"], width="stretch")
        widgets.show_table(t["cpa"])
left, right = st.columns(2)
with left:
    if t["procedures"].frame.height:
        figs["Procedimentos"] = charts.bars(t["procedures"].frame, "Procedimento", ("Leads",),
                                            "Procedimentos mais procurados", horizontal=True)
        st.plotly_chart(figs["Procedimentos"], width="stretch")
        widgets.show_table(t["procedures"])
with right:
    if t["funnel"].frame.height:
        figs["Funil"] = charts.funnel(t["funnel"].frame)
        st.plotly_chart(figs["Funil"], width="stretch")
    if t["trend"].frame.height:
        figs["Tendência"] = charts.trends(t["trend"].frame, "Mês", t["trend"].chart_y, t["trend"].units)
        st.plotly_chart(figs["Tendência"], width="stretch")
st.subheader("Campanhas")
widgets.show_table(t["campaigns"])
for title, rows in view.drill.items():
    widgets.drill(title, rows)
downloads.buttons(ctx, "Painel de Marketing", view, figs)
