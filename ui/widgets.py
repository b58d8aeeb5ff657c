"""Small Streamlit widgets: KPI rows with deltas, formatted tables, drill-down expanders, empty states."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import streamlit as st

from analytics.formatting import DASH, fmt_brl, fmt_date, fmt_duration, fmt_num, fmt_value
from analytics.reports.model import Kpi, Table

#: KPIs where a lower value is better (delta shown green when negative)
_LOWER_IS_BETTER = (
    "Tempo", "Sequências sem", "Respostas sem", "Abandono", "Recontato", "CPA", "Custo", "Investimento", "Janela",
)


def fmt_delta(delta: float | None, unit: str) -> str | None:
    """A change in the KPI's unit: p.p. for percentages, signed money / duration / number."""
    if delta is None:
        return None
    sign = "+" if delta >= 0 else "-"
    a = abs(delta)
    match unit:
        case "percent":
            return f"{sign}{fmt_num(a, 1)} p.p."
        case "brl":
            return f"{sign}{fmt_brl(a)}"
        case "seconds":
            return f"{sign}{fmt_duration(a)}"
        case "ratio":
            return f"{sign}{fmt_num(a * 100, 1)} p.p."
        case _:
            return f"{sign}{fmt_num(a, 0 if float(a).is_integer() else 1)}"


def kpi_row(kpis: tuple[Kpi, ...] | list[Kpi], per_row: int = 4, delta_label: str = "vs. período anterior") -> None:
    for i in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, kpis[i : i + per_row], strict=False):
            inverse = any(k.label.startswith(p) for p in _LOWER_IS_BETTER)
            big_money = k.unit == "brl" and abs(k.value or 0) >= 10_000
            shown = fmt_brl(k.value, 0) if big_money else fmt_value(k.value, k.unit)
            col.metric(k.label, shown, delta=fmt_delta(k.delta, k.unit),
                       delta_color="inverse" if inverse else "normal", help=f"{k.help} (Δ {delta_label})",
                       border=True)


def _cell(value: object, unit: str | None) -> str:
    if value is None:
        return DASH
    if unit == "date" or isinstance(value, date | datetime):
        return fmt_date(value)  # type: ignore[arg-type]
    if unit and isinstance(value, int | float):
        return fmt_value(value, unit)
    if isinstance(value, float):
        return fmt_num(value, 1)
    return str(value)


def display(table: Table) -> pl.DataFrame:
    """The table with pt-BR formatted unit columns (R$ 1.234,56, 12,5%, durations, dd/mm/aaaa)."""
    f = table.frame
    exprs = []
    for col, dtype in f.schema.items():
        unit = table.units.get(col)
        if unit or dtype.is_float() or dtype == pl.Date or isinstance(dtype, pl.Datetime):
            exprs.append(
                pl.col(col).map_elements(lambda v, u=unit: _cell(v, u), return_dtype=pl.String).fill_null(DASH)
            )
    return f.with_columns(exprs) if exprs else f


def show_table(table: Table, height: int | None = None) -> None:
    if table.frame.height == 0:
        st.caption("Sem dados para este recorte.")
        return
    st.dataframe(display(table), hide_index=True, width="stretch", height=height or "auto")


def drill(title: str, rows: pl.DataFrame, units: dict[str, str] | None = None) -> None:
    """The rows behind an aggregate, in an expander (already masked for non-admins)."""
    with st.expander(f"🔎 {title} ({rows.height})"):
        if rows.height == 0:
            st.caption("Nenhuma linha.")
        else:
            st.dataframe(display(Table(title, rows, units or {})), hide_index=True, width="stretch")


def no_data(period_label: str) -> None:
    st.info(f"Não há dados para o período {period_label} com os filtros escolhidos. "
            "Tente outro período ou remova filtros.", icon="📭")
