"""Início: the headline KPIs for the viewer's role (layout only)."""

from __future__ import annotations

import streamlit as st

from analytics.dashboards.common import ROLE_LABELS
from ui import context, downloads

ctx = context.open_page("inicio")
st.title("🏠 Início")
st.caption(f"{ROLE_LABELS.get(ctx.viewer.role, '')} · {ctx.state.label} · variação vs. período anterior")
view = context.kpis_or_stop(ctx)
st.caption("Use o menu à esquerda para abrir os painéis do seu perfil.")
downloads.buttons(ctx, "Resumo", view)
