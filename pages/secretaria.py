"""Painel da Secretária (layout only; numbers from analytics.dashboards.secretaria).

A secretary sees only herself; managers and admins pick a secretary.
"""

from __future__ import annotations

import streamlit as st

from ui import charts, context, downloads, widgets

ctx = context.open_page("secretaria")
st.title("🗂️ Painel da Secretária")
me = ctx.viewer.role == "secretary"
options = context.secretary_options(ctx, scoped=True)
if me:
    sid = ctx.viewer.user_id
else:  # the sidebar's secretary filter, when set, narrows the choice
    sid = st.selectbox("Secretária", list(options), format_func=lambda k: options[k]) if options else None
name = options.get(sid or "", "")
st.caption(f"{ctx.state.label} · variação = {'eu' if me else name.split(' ')[0] or 'secretária'} − equipe")
view = context.view(ctx, sid, filters=context.team_scope(ctx))
if view.empty:
    widgets.no_data(ctx.state.label)
    st.stop()
if view.extra.get("period_empty"):
    st.info(f"Nenhum atendimento {'seu' if me else 'dela'} em {ctx.state.label}. Abaixo, os leads em aberto "
            "de hoje.", icon="📭")
widgets.kpi_row(view.kpis, delta_label="eu − equipe" if me else "secretária − equipe")
key = context.view_key(ctx, sid)
t = view.tables
figs: dict[str, object] = {}
left, right = st.columns([5, 6])
with left:
    st.subheader("Eu × equipe" if me else f"{name} × equipe")
    widgets.show_table(t["compare"], key)
with right:
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
                f"{'Minhas avaliações' if me else 'Avaliações'} por mês (CSAT 1–5, NPS −100 a 100)",
            ),
        )
st.subheader("Meus leads prioritários" if me else "Leads prioritários")
masked = "" if ctx.viewer.unmasked else " Dados mascarados."
st.caption(f"Leads em aberto ordenados por maturidade × recência da última mensagem.{masked}")
widgets.show_table(t["leads"], key, height=360)
downloads.buttons(ctx, "Painel da Secretária", view, figs, subject=name or None)
