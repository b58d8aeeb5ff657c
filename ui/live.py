"""Live queue on Operações: refreshed every 30 s straight from the source (analytics.sources.live)."""

from __future__ import annotations

import logging

import polars as pl
import streamlit as st

from analytics.dashboards.common import name_secretaries
from analytics.formatting import fmt_datetime, fmt_duration, fmt_num
from analytics.labels import label_expr
from analytics.sources.live import live_queue
from ui import data
from ui.context import PageContext

_log = logging.getLogger("clinic.ui")

#: rows of the queue shown in the expander (the oldest waits first)
SHOWN = 20


def queue_table(rows: pl.DataFrame, names: dict[str, str], limit: int = SHOWN) -> pl.DataFrame:
    """The first ``limit`` waiting conversations: short id, playbook (pt-BR), responsible name, wait."""
    named = name_secretaries(rows.select("conversation_id", "playbook", "assigned_to", "wait_seconds"),
                             "assigned_to", names, "Responsável")
    return named.head(limit).select(
        pl.col("conversation_id").str.slice(0, 8).alias("Conversa"),
        label_expr("playbook", "playbook").fill_null("—").alias("Playbook"),
        "Responsável",
        pl.col("wait_seconds").map_elements(fmt_duration, return_dtype=pl.String).alias("Esperando há"),
    )


@st.fragment(run_every=30)
def queue(ctx: PageContext) -> None:
    """The live queue; any failure is a one-line pt-BR warning (a fragment rerun bypasses the page's guard)."""
    try:
        _queue(ctx)
    except Exception as exc:  # never Streamlit's English error box
        _log.error("live queue failed: %s", type(exc).__name__)
        st.warning("Fila ao vivo indisponível no momento. Tente novamente em instantes.", icon="📡")


def _queue(ctx: PageContext) -> None:
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
            users = data.tables(ctx.src, ctx.ver)["users"]
            names = dict(zip(users["id"].to_list(), users["name"].to_list(), strict=True))
            show = queue_table(q.rows, names)
            more = f" · mostrando as {SHOWN} mais antigas" if q.waiting > SHOWN else ""
            with st.expander(f"Conversas aguardando ({q.waiting}){more}"):
                st.dataframe(show, hide_index=True, width="stretch")
