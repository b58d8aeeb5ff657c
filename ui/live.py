"""Live queue on Operações: refreshed every 30 s straight from the source (analytics.sources.live)."""

from __future__ import annotations

import streamlit as st

from analytics.dashboards.common import name_secretaries
from analytics.formatting import fmt_datetime, fmt_duration, fmt_num
from analytics.sources.live import live_queue
from ui import data
from ui.context import PageContext


@st.fragment(run_every=30)
def queue(ctx: PageContext) -> None:
    try:
        q = live_queue(ctx.src, data.DEMO_PATH)
    except Exception:
        st.warning("Fila ao vivo indisponível no momento (banco de dados inacessível).", icon="📡")
        return
    with st.container(border=True):
        st.markdown("#### 🔴 Fila ao vivo")
        c1, c2, c3 = st.columns(3)
        c1.metric("Aguardando atendimento", fmt_num(q.waiting))
        c2.metric("Maior espera", fmt_duration(q.longest_wait_seconds))
        c3.metric("Mensagens na última hora", fmt_num(q.messages_last_hour))
        when = fmt_datetime(q.now, ctx.settings.tz)
        note = " (base de demonstração: 'agora' é a última mensagem registrada)" if q.snapshot else ""
        st.caption(f"Atualizado a cada 30 s · referência {when}{note}")
        if q.rows.height:
            names = {k: v for k, v in zip(*data.tables(ctx.src, ctx.ver)["users"].select("id", "name")
                                          .get_columns(), strict=True)}
            rows = name_secretaries(q.rows.select("conversation_id", "playbook", "assigned_to", "wait_seconds"),
                                    "assigned_to", names, "Responsável")
            show = rows.head(20).select(
                rows["conversation_id"].str.slice(0, 8).alias("Conversa"),
                rows["playbook"].fill_null("—").alias("Playbook"),
                "Responsável",
                rows["wait_seconds"].map_elements(fmt_duration, return_dtype=str).alias("Esperando há"),
            )
            with st.expander(f"Conversas aguardando ({q.waiting})"):
                st.dataframe(show, hide_index=True, width="stretch")
