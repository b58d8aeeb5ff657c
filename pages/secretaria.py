"""Painel da Secretária (layout only; numbers from analytics.dashboards.secretaria).

A secretary sees only herself; managers and admins pick a secretary.
"""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("secretaria")
st.title("🗂️ Painel da Secretária")
if ctx.viewer.role == "secretary":
    sid = ctx.viewer.user_id
else:
    options = context.secretary_options(ctx)
    sid = st.selectbox("Secretária", list(options), format_func=lambda k: options[k]) if options else None
st.caption(f"{ctx.state.label} · variação = eu − equipe")
view = context.view(ctx, sid, filters=context.team_scope(ctx))
if view.empty:
    widgets.no_data(ctx.state.label)
    st.stop()
widgets.kpi_row(view.kpis, delta_label="eu − equipe")
key = context.view_key(ctx, sid)
t = view.tables
left, right = st.columns([5, 6])
with left:
    st.subheader("Eu × equipe")
    widgets.show_table(t["compare"], key)
with right:
    st.subheader("Meus leads prioritários")
    masked = "" if ctx.viewer.unmasked else " Dados mascarados."
    st.caption(f"Leads em aberto ordenados por maturidade × recência da última mensagem.{masked}")
    widgets.show_table(t["leads"], key, height=360)
figs: dict[str, object] = {}
if t["feedback"].frame.height:
    charts.show(
        figs,
        key,
        "Minhas avaliações",
        lambda: charts.trends(
            t["feedback"].frame,
            "Mês",
            t["feedback"].chart_y,
            t["feedback"].units,
            "Minhas avaliações por mês (CSAT 1–5, NPS −100 a 100)",
        ),
    )
downloads.buttons(ctx, "Painel da Secretária", view, figs)
