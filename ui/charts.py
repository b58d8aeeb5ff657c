"""Plotly figures for the dashboards (pt-BR separators, one consistent palette)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

PALETTE = ["#0F766E", "#F59E0B", "#6366F1", "#EF4444", "#10B981", "#8B5CF6", "#EC4899", "#64748B"]
def value_axis(unit: str, values: list[Any]) -> dict[str, Any]:
    """Tick format of a value axis in ``unit``: R$ and % with decimals only when a tick needs them
    ("~" trims zeros: R$ 1.500, R$ 0,5), counts as whole numbers (one tick per unit on a small range,
    never "0 0 1 1")."""
    top = max((abs(v) for v in values if v is not None), default=0)
    base = {"rangemode": "tozero"}  # all-zero bars start at 0, not at −1
    if unit == "brl":
        return {**base, "tickprefix": "R$ ", "tickformat": ",.2~f"}
    if unit == "percent":
        return {**base, "ticksuffix": "%", "tickformat": ",.1~f"}
    if unit in ("count", "seconds"):
        return {**base, "tickformat": ",d", **({"dtick": 1} if top <= 5 else {})}
    return {**base, "tickformat": ",.1~f"}


@st.cache_resource(ttl=300, max_entries=256, show_spinner=False)
def _cached(key: tuple[Any, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    """The figure for ``key``, built once and shared by every session (never mutate it).

    Building a Plotly figure (validation, template copies) costs 50–300 ms; a page rerun with its view
    in cache would otherwise spend most of its time rebuilding identical figures."""
    return _build()


def show(figs: dict[str, Any], key: tuple[Any, ...], name: str, build: Callable[[], go.Figure]) -> None:
    """Draw the figure ``name`` of the view ``key`` (``context.view_key``), built by ``build`` on the
    first call, and record it in ``figs`` for the page's exports."""
    fig = _cached((*key, name), build)
    figs[name] = fig
    st.plotly_chart(fig, width="stretch")


def _layout(fig: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    fig.update_layout(
        title=title, height=height, separators=",.", colorway=PALETTE, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.2}, template="plotly_white", font={"family": "sans-serif"},
    )
    return fig


def funnel(frame: pl.DataFrame) -> go.Figure:
    """Funnel of leads per stage; labels show the drop-off from the previous stage."""
    text = [
        f"{n:,}".replace(",", ".") + ("" if d is None else f" · perda {d:.1f}%".replace(".", ","))
        for n, d in zip(frame["Leads"].to_list(), frame["Perda"].to_list(), strict=True)
    ]
    fig = go.Figure(go.Funnel(y=frame["Etapa"].to_list(), x=frame["Leads"].to_list(), text=text,
                              textinfo="text", marker={"color": PALETTE[0]}))
    return _layout(fig, "Funil de conversão")


def bars(frame: pl.DataFrame, x: str, y: list[str] | tuple[str, ...], title: str, unit: str = "count",
         horizontal: bool = False) -> go.Figure:
    fig = go.Figure()
    every: list[Any] = []
    for col in y:
        vals = frame[col].to_list()
        every += vals
        if horizontal:
            fig.add_bar(y=frame[x].to_list(), x=vals, name=col, orientation="h")
        else:
            fig.add_bar(x=frame[x].to_list(), y=vals, name=col)
    axis = value_axis(unit, every)
    fig.update_xaxes(**axis) if horizontal else fig.update_yaxes(**axis)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return _layout(fig, title)


def daily_bars(frame: pl.DataFrame, x: str, y: str, title: str) -> go.Figure:
    """One bar per day, the day shown as dd/mm (pt-BR; Plotly's own date axis would say "Nov")."""
    labels = frame[x].dt.strftime("%d/%m").to_list()
    fig = go.Figure(go.Bar(x=labels, y=frame[y].to_list(), name=y, marker={"color": PALETTE[0]},
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_xaxes(type="category", nticks=16)
    return _layout(fig, title, 300)


def lines(frame: pl.DataFrame, x: str, y: list[str] | tuple[str, ...], title: str) -> go.Figure:
    fig = go.Figure()
    for col in y:
        fig.add_scatter(x=frame[x].to_list(), y=frame[col].to_list(), name=col, mode="lines+markers")
    return _layout(fig, title)


def trends(frame: pl.DataFrame, x: str, y: list[str] | tuple[str, ...], units: dict[str, str],
           title: str = "Tendência mensal") -> go.Figure:
    """Small multiples: one line per KPI with its own axis (units differ), month on x."""
    from plotly.subplots import make_subplots

    n = max(len(y), 1)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, subplot_titles=list(y), vertical_spacing=0.08)
    for i, col in enumerate(y, start=1):
        unit = units.get(col, "")
        vals = frame[col].to_list()
        if unit == "seconds":  # durations read in minutes (a response time of 487 s → 8,1 min)
            vals = [None if v is None else v / 60 for v in vals]
        fig.add_scatter(x=frame[x].to_list(), y=vals, name=col, mode="lines+markers",
                        row=i, col=1, showlegend=False, line={"color": PALETTE[(i - 1) % len(PALETTE)]})
        if unit in ("brl", "percent"):
            fig.update_yaxes(**value_axis(unit, vals), row=i, col=1)
        elif unit == "seconds":
            fig.update_yaxes(ticksuffix=" min", tickformat=",.1~f", row=i, col=1)
            fig.update_traces(hovertemplate="%{x}: %{y:,.1f} min<extra></extra>", row=i, col=1)
    fig.update_annotations(font_size=12)
    return _layout(fig, title, 140 + 150 * n)


def response_box(box: pl.DataFrame, stats: pl.DataFrame) -> go.Figure:
    """Response time per secretary (minutes, log axis): one box per secretary from precomputed statistics
    (``dashboards.operacoes.response_box``), with the p95/p99 marks."""
    fig = go.Figure()
    for i, row in enumerate(box.iter_rows(named=True)):
        fig.add_box(x=[row["Secretária"]], q1=[row["q1"] / 60], median=[row["median"] / 60], q3=[row["q3"] / 60],
                    lowerfence=[row["lowerfence"] / 60], upperfence=[row["upperfence"] / 60], name=row["Secretária"],
                    marker_color=PALETTE[i % len(PALETTE)], showlegend=False,
                    hovertemplate=f"{row['Secretária']}: {row['n']} respostas<extra></extra>")
    if stats.height:
        for col, sym in (("p95", "diamond"), ("p99", "x")):
            fig.add_scatter(x=stats["Secretária"].to_list(), y=(stats[col] / 60).to_list(), mode="markers",
                            name=col, marker={"symbol": sym, "size": 10, "color": "#111827"})
    ticks = [0.1, 1, 5, 15, 60, 240, 1440, 10080]
    fig.update_yaxes(title="tempo de resposta", type="log", tickvals=ticks,
                     ticktext=["6 s", "1 min", "5 min", "15 min", "1 h", "4 h", "1 d", "7 d"])
    fig = _layout(fig, "Tempo de resposta por secretária (escala log)", 440)
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"})
    return fig


def heatmap(frame: pl.DataFrame) -> go.Figure:
    days = list(dict.fromkeys(frame["Dia"].to_list()))
    z = [frame.filter(pl.col("Dia") == d).sort("Hora")["Mensagens"].to_list() for d in days]
    fig = go.Figure(go.Heatmap(z=z, x=list(range(24)), y=days, colorscale="Teal",
                               hovertemplate="%{y} %{x}h: %{z} mensagens<extra></extra>"))
    fig.update_xaxes(title="hora", dtick=2)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Mensagens recebidas por dia da semana × hora", 320)


def confusion(frame: pl.DataFrame) -> go.Figure:
    labels = sorted(set(frame["Intenção detectada"].to_list()) | set(frame["Intenção revisada"].to_list()))
    idx = {k: i for i, k in enumerate(labels)}
    z: list[list[Any]] = [[0] * len(labels) for _ in labels]
    for det, rev, n in frame.iter_rows():
        z[idx[rev]][idx[det]] = n
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=labels, colorscale="Blues", text=z, texttemplate="%{text}",
                               hovertemplate="revisada %{y} · detectada %{x}: %{z}<extra></extra>"))
    fig.update_xaxes(title="intenção detectada pelo bot", tickangle=-45, automargin=True)
    fig.update_yaxes(title="intenção revisada", autorange="reversed")
    return _layout(fig, "Matriz de confusão de intenções", 460)
