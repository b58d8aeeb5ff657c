"""The framework's floor for bench/pages.py: one line of app, two trivial pages to navigate between, and a
third with one small Plotly chart (what a single interactive chart costs the framework and the browser)."""

import plotly.graph_objects as go
import streamlit as st


def _chart() -> None:
    st.title("Piso gráfico")
    st.plotly_chart(go.Figure(go.Bar(x=list("abcdef"), y=[1, 3, 2, 5, 4, 6])))


st.navigation([st.Page(lambda: st.title("Piso"), title="Piso", url_path="piso", default=True),
               st.Page(lambda: st.title("Piso 2"), title="Piso 2", url_path="piso2"),
               st.Page(_chart, title="Piso gráfico", url_path="pisografico")]).run()
