"""Small Streamlit widgets: KPI rows with deltas, formatted tables, drill-down expanders, empty states."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import polars as pl
import streamlit as st

from analytics import catalog
from analytics.dashboards import common
from analytics.dashboards.drill import units as drill_units
from analytics.formatting import DASH, fmt_brl, fmt_date, fmt_datetime, fmt_duration, fmt_num, fmt_value
from analytics.reports.model import Kpi, Table

#: KPIs where a lower value is better (delta shown green when negative)
_LOWER_IS_BETTER = (
    "Tempo", "Sequências sem", "Respostas sem", "Abandono", "Recontato", "CPA", "Custo", "Investimento", "Janela",
)


#: labels too long for a KPI card (1/4 of the width): shown short, the full label in the help
SHORT_LABELS = {
    "Valor médio por lead convertido": "Valor por conversão",
    "Resolução no primeiro contato": "Resolução no 1º contato",
}
#: labels of the point-in-time KPIs (``dashboards.common.POINT_IN_TIME``: a stock, no change vs. the
#: previous period): their help says so
POINT_IN_TIME = tuple(catalog.CATALOG[m].label for m in common.POINT_IN_TIME if m in catalog.CATALOG)


def fmt_delta(delta: float | None, unit: str, decimals: int | None = None) -> str | None:
    """A change in the KPI's unit: p.p. for percentages, signed money / duration / number.

    ``decimals`` rounds money like the value shown (0 for R$ 12.345); a change that rounds to zero is
    shown unsigned ("0,0"), so it is displayed neutral.
    """
    if delta is None:
        return None
    a = abs(delta)
    match unit:
        case "percent":
            text = f"{fmt_num(a, 1)} p.p."
        case "brl":
            text = fmt_brl(a, 2 if decimals is None else decimals)
        case "seconds":
            text = fmt_duration(a)
        case "ratio":
            text = f"{fmt_num(a * 100, 1)} p.p."
        case _:
            text = fmt_num(a, 0 if float(a).is_integer() else 1)
    if is_zero(text):
        return text
    return ("+" if delta >= 0 else "-") + text


def is_zero(text: str) -> bool:
    """Whether a formatted change shows only zeros ("0,0", "R$ 0,00", "0 s")."""
    digits = [c for c in text if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def kpi_row(kpis: tuple[Kpi, ...] | list[Kpi], per_row: int = 4, delta_label: str = "vs. período anterior") -> None:
    for i in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, kpis[i : i + per_row], strict=False):
            inverse = any(k.label.startswith(p) for p in _LOWER_IS_BETTER)
            big_money = k.unit == "brl" and abs(k.value or 0) >= 10_000
            shown = fmt_brl(k.value, 0) if big_money else fmt_value(k.value, k.unit)
            point = k.label in POINT_IN_TIME
            delta = None if point else fmt_delta(k.delta, k.unit, 0 if big_money else None)
            flat = delta is not None and is_zero(delta)  # no change at the shown precision: grey, no arrow
            color = "off" if flat else ("inverse" if inverse else "normal")
            label = SHORT_LABELS.get(k.label, k.label)
            full = f"**{k.label}**. " if label != k.label else ""
            note = "valor no momento, sem comparação" if point else f"Δ {delta_label}"
            col.metric(label, shown, delta=delta, delta_color=color, delta_arrow="off" if flat else "auto",
                       help=f"{full}{k.help} ({note})", border=True)


def _cell(value: object, unit: str | None) -> str:
    """One cell as pt-BR text. Datetimes are shown in the zone they carry (drill-down rows carry the
    clinic's local time: ``analytics.dashboards.drill.present``), never converted here: dd/mm/aaaa HH:MM, or
    dd/mm/aaaa for unit ``date`` — as the exports write them."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, datetime):
        return fmt_date(value) if unit == "date" else fmt_datetime(value)
    if unit == "date" or isinstance(value, date):
        return fmt_date(value)  # type: ignore[arg-type]
    if unit and isinstance(value, int | float):
        return fmt_value(value, unit)
    if isinstance(value, float):
        return fmt_num(value, 1)
    return str(value)


def display(table: Table) -> pl.DataFrame:
    """The table with pt-BR formatted unit columns (R$ 1.234,56, 12,5%, durations, dd/mm/aaaa [HH:MM]).

    Duration columns are unit ``seconds`` unless the table says otherwise (as in the exports:
    ``reports._common.table_units``) and show humanised ("3 d 23 h"); booleans show sim/não; missing text "—".
    """
    f = table.frame
    exprs = []
    for col, dtype in f.schema.items():
        unit = table.units.get(col)
        c = pl.col(col)
        if isinstance(dtype, pl.Duration):
            unit = unit or "seconds"
            c = c.dt.total_microseconds() / 1e6
        if unit or dtype.is_float() or dtype in (pl.Date, pl.Boolean) or isinstance(dtype, pl.Datetime | pl.Duration):
            exprs.append(c.map_elements(lambda v, u=unit: _cell(v, u), return_dtype=pl.String).fill_null(DASH)
                         .alias(col))
        elif dtype == pl.String:
            exprs.append(c.fill_null(DASH))
    return f.with_columns(exprs) if exprs else f


@st.cache_resource(ttl=300, max_entries=512, show_spinner=False)
def _shown(key: tuple[Any, ...], ident: tuple[Any, ...], _table: Table) -> tuple[Any, dict[str, Any]]:
    """The formatted table ``ident`` (title, columns, rows) of view ``key`` as Arrow (what ``st.dataframe``
    draws without converting) and its column widths, built once per view and shared (never mutate)."""
    shown = display(_table)
    return shown.to_arrow(), column_config(shown)


def _prepared(table: Table, key: tuple[Any, ...] | None) -> tuple[Any, dict[str, Any]]:
    if key is None:
        shown = display(table)
        return shown, column_config(shown)
    return _shown(key, (table.title, tuple(table.frame.columns), table.frame.height), table)


def show_table(table: Table, key: tuple[Any, ...] | None = None, height: int | None = None) -> None:
    """A formatted table; with the page's view ``key`` (``context.view_key``) the formatting is cached."""
    if table.frame.height == 0:
        st.caption("Sem dados para este recorte.")
        return
    shown, config = _prepared(table, key)
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto", column_config=config)


#: text width (px) of characters in the grid's font (Source Sans, 14 px), measured in Chromium; letters not
#: listed: 8.4 upper case, 7.4 lower case; anything else (digits, accents' bases) 7.0
_CHAR_PX: dict[str, float] = {
    " ": 2.8,
    **dict.fromkeys(".,:;'|!iljIíÍ", 3.6),
    **dict.fromkeys("ftr()[]{}-/", 4.6),
    **dict.fromkeys("szxcç?\"", 6.1),
    **dict.fromkeys("mwMW%@—…", 11.5),
}
#: cell padding of the grid (8 px each side) plus a little slack
_PAD_PX = 20
#: a cell longer than this (px of text) is cut (hover shows it); a header never is
_CELL_CAP_PX = 240
_MIN_PX = 50


def text_px(text: str) -> float:
    """Estimated width (px) of ``text`` in the data grid's font (±5 % on pt-BR words, numbers and dates)."""
    return sum(_CHAR_PX.get(ch, 8.4 if ch.isupper() else 7.4 if ch.isalpha() else 7.0) for ch in text)


def _longest_px(col: pl.Series, sample: int = 25) -> float:
    """Widest of the ``sample`` longest (in characters) values of a column, in px."""
    text = col.cast(pl.String).drop_nulls()
    if text.len() == 0:
        return 0.0
    lengths = text.str.len_chars()
    longest = text.gather(lengths.arg_sort(descending=True).head(sample))
    return max(text_px(t) for t in longest.to_list())


def column_config(frame: pl.DataFrame) -> dict[str, Any]:
    """Each column as wide as its header or its widest (formatted) cell, measured in the grid's font
    (``text_px``), so no header is cut; a cell wider than ``_CELL_CAP_PX`` is cut.
    Tight widths let a half-width table show all its columns; a table still wider than its box scrolls."""
    out = {}
    for c in frame.columns:
        cell = min(_longest_px(frame.get_column(c)), _CELL_CAP_PX) if frame.height else 0.0
        width = max(_MIN_PX, math.ceil(max(text_px(c), cell) + _PAD_PX))
        out[c] = st.column_config.Column(c, width=width, help=c)
    return out


def drill_key(title: str) -> str:
    """The widget key of a drill-down expander (its open state lives in session state under it)."""
    return "drill_" + "".join(c if c.isalnum() else "_" for c in title.lower())


def drill(title: str, rows: pl.DataFrame, units: dict[str, str] | None = None,
          key: tuple[Any, ...] | None = None) -> None:
    """The rows behind an aggregate, in an expander (already masked for non-admins and presented:
    ``analytics.dashboards.drill``, whose numeric columns get their units here; ``units`` adds to them).

    Lazy: the rows are sent to the browser only while the expander is open (opening it reruns the page,
    a cache hit), so a closed drill-down of thousands of rows costs nothing on every page view."""
    box = st.expander(f"🔎 {title} ({rows.height})", key=drill_key(title), on_change="rerun")
    if not box.open:
        return
    with box:
        if rows.height == 0:
            st.caption("Nenhuma linha.")
        else:
            shown_units = drill_units(rows) | {c: u for c, u in (units or {}).items() if c in rows.columns}
            shown, config = _prepared(Table(title, rows, shown_units), None if key is None else (*key, "drill"))
            st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def no_data(period_label: str) -> None:
    st.info(f"Não há dados para o período {period_label} com os filtros escolhidos. "
            "Tente outro período ou remova filtros.", icon="📭")
