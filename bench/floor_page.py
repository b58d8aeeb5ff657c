"""The framework's floor for bench/pages.py: two one-line pages (the floor itself) and two references, one
small Plotly chart and five charts of a dashboard's kinds (what interactive charts alone cost the framework
and the browser, with no data work)."""

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

_X = ["instagram", "google", "facebook", "indicação", "site", "whatsapp"]


def _one_chart() -> None:
    st.title("Piso gráfico")
    st.plotly_chart(go.Figure(go.Bar(x=list("abcdef"), y=[1, 3, 2, 5, 4, 6])))


def _five_charts() -> None:
    st.title("Piso 5 gráficos")
    trend = make_subplots(rows=3, cols=1, shared_xaxes=True, subplot_titles=["a", "b", "c"])
    for i in range(1, 4):
        trend.add_scatter(x=[f"{m:02d}/2026" for m in range(1, 7)], y=[i, 3, 2, 5, 4, 6], row=i, col=1)
    figs = [
        go.Figure(go.Bar(x=_X, y=[120, 80, 45, 300, 12, 60])),
        go.Figure(go.Bar(x=_X, y=[52.5, 80.1, 45.9, 30.2, 12.7, 60.0])),
        go.Figure(go.Bar(y=[f"procedimento {i}" for i in range(12)], x=[1000 - 60 * i for i in range(12)],
                         orientation="h")),
        go.Figure(go.Funnel(y=["contato", "engajado", "qualificado", "agendado", "compareceu"],
                            x=[10000, 6000, 3000, 1500, 900])),
        trend,
    ]
    left, right = st.columns(2)
    for i, fig in enumerate(figs):
        fig.update_layout(height=360, template="plotly_white")
        (left if i % 2 == 0 else right).plotly_chart(fig, width="stretch")


st.navigation([st.Page(lambda: st.title("Piso"), title="Piso", url_path="piso", default=True),
               st.Page(lambda: st.title("Piso 2"), title="Piso 2", url_path="piso2"),
               st.Page(_one_chart, title="Piso gráfico", url_path="pisografico"),
               st.Page(_five_charts, title="Piso 5 gráficos", url_path="piso5graficos")]).run()
