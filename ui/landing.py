"""Início: the headline KPIs for the viewer's role and the daily new leads of their scope (layout only)."""

from __future__ import annotations

import streamlit as st

from analytics.dashboards.common import ROLE_LABELS
from ui import charts, context, downloads

ctx = context.open_page("inicio")
st.title("🏠 Início")
st.caption(f"{ROLE_LABELS.get(ctx.viewer.role, '')} · {ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
figs: dict[str, object] = {}
daily = view.tables["daily"]
if daily.frame.height:
    charts.show(figs, context.view_key(ctx), "Leads novos por dia",
                lambda: charts.daily_bars(daily.frame, "Dia", "Leads", "Leads novos por dia"))
st.caption("Use o menu à esquerda para abrir os painéis do seu perfil.")
downloads.buttons(ctx, "Resumo", view, figs)
context.prefetch(ctx)  # the pages of the menu, while the user reads this one
