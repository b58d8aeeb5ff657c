"""What a report holds, independent of its format (CSV, Excel, PDF).

A page builds one ``Report`` from what the viewer sees (already masked), and the
builders turn it into bytes, so every export carries exactly the page's content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl


@dataclass(frozen=True)
class Kpi:
    label: str  # pt-BR
    value: float | int | None  # raw value
    unit: str  # catalog unit: brl, percent, seconds, count, ratio, days, score, ...
    delta: float | None = None  # change vs the previous period, same unit (percent points for percents)
    help: str = ""  # definition


@dataclass(frozen=True)
class Table:
    title: str  # pt-BR; also the Excel sheet name (shortened to 31 chars at a word boundary, see excel.sheet_name)
    frame: pl.DataFrame  # columns already with pt-BR headers
    units: dict[str, str] = field(default_factory=dict)  # column -> unit (brl, percent, date, datetime, seconds, count)
    chart: str | None = None  # "line" | "column" | "bar": a native Excel chart of the table
    chart_x: str | None = None  # category column for the chart
    chart_y: tuple[str, ...] = ()  # value columns for the chart


@dataclass(frozen=True)
class Chart:
    title: str
    figure: Any  # plotly.graph_objects.Figure


@dataclass(frozen=True)
class Report:
    title: str  # e.g. "Painel Executivo"
    clinic: str
    period_label: str  # e.g. "01/01/2025 a 31/01/2025"
    generated_at: datetime  # tz-aware, shown in the clinic's time zone
    timezone: str
    viewer_label: str  # e.g. "Gerente (dados mascarados)"
    kpis: tuple[Kpi, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = ()
