"""Excel (.xlsx) export of a ``Report`` with xlsxwriter, built in memory.

Sheets: "Resumo" (header block and KPI table) then one sheet per ``Table``. Numbers stay numbers with number
formats by unit (BRL ``"R$" #,##0.00``; percent values 0–100 as ``0.0"%"``; ratios as ``0.0%``; counts
``#,##0``; durations in seconds plus a humanised text column), dates and datetimes are real Excel dates in the
clinic's local time, ``None`` is an empty cell. Excel shows the separators of the user's locale (1.234,56 in pt-BR).
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from analytics.formatting import fmt_duration, fmt_value
from analytics.reports._common import UNIT_LABELS, cell_text, generated_label, local_frame, table_units
from analytics.reports.model import Report, Table

NUMBER_FORMATS: dict[str, str] = {
    "brl": '"R$" #,##0.00',
    "percent": '0.0"%"',  # values already in 0–100
    "ratio": "0.0%",  # fractions (ROI 1.25 -> 125,0%)
    "count": "#,##0",
    "messages": "#,##0",
    "tokens": "#,##0",
    "seconds": "#,##0",
    "ms": "#,##0",
    "days": "#,##0.0",
    "score": "0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
_FLOAT_FORMAT = "#,##0.00"
_PP_FORMAT = '+0.0" p.p.";-0.0" p.p.";0.0" p.p."'  # variation of a percentage, in percentage points
_INT_FORMAT = "#,##0"
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_WIDTH_SAMPLE = 1000  # rows sampled to size the columns
_CHART_TYPES = {"line": "line", "column": "column", "bar": "bar"}


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitive) Excel sheet name: invalid chars ``[]:*?/\\`` dropped, ≤ 31 chars."""
    base = " ".join(_INVALID_SHEET_CHARS.sub(" ", title).split()).strip("'").strip() or "Tabela"
    name = base[:31]
    n = 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _unit_format(unit: str | None, dtype: pl.DataType) -> str | None:
    if unit in NUMBER_FORMATS:
        return NUMBER_FORMATS[unit]
    if isinstance(dtype, pl.Datetime):
        return NUMBER_FORMATS["datetime"]
    if isinstance(dtype, pl.Date):
        return NUMBER_FORMATS["date"]
    if dtype.is_float():
        return _FLOAT_FORMAT
    if dtype.is_integer():
        return _INT_FORMAT
    return None


class _Formats:
    """Workbook formats, created once per number format."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._cache: dict[str | None, Any] = {}
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "#FFFFFF",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.label = wb.add_format({"bold": True})
        self.text = wb.add_format({"text_wrap": False})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})

    def num(self, fmt: str | None) -> Any:
        if fmt not in self._cache:
            self._cache[fmt] = self.wb.add_format({"num_format": fmt} if fmt else {})
        return self._cache[fmt]


def _write_resumo(wb: Workbook, ws: Worksheet, report: Report, fm: _Formats) -> None:
    ws.write_string(0, 0, report.title, fm.title)
    info = [
        ("Clínica", report.clinic),
        ("Relatório", report.title),
        ("Período", report.period_label),
        ("Gerado em", f"{generated_label(report)} ({report.timezone})"),
        ("Visualização", report.viewer_label),
    ]
    row = 2
    for label, value in info:
        ws.write_string(row, 0, label, fm.label)
        ws.write_string(row, 1, value)
        row += 1
    for note in report.notes:
        ws.write_string(row, 0, "Nota", fm.label)
        ws.write_string(row, 1, note, fm.note)
        row += 1
    widths = [14.0, 16.0, 12.0, 18.0, 12.0, 40.0]
    if report.kpis:
        row += 1
        ws.write_string(row, 0, "Indicadores", fm.label)
        row += 1
        headers = ["Indicador", "Valor", "Unidade", "Valor (texto)", "Variação", "Definição"]
        ws.write_row(row, 0, headers, fm.header)
        header_row = row
        for k in report.kpis:
            row += 1
            fmt = fm.num(NUMBER_FORMATS.get(k.unit, _FLOAT_FORMAT))
            ws.write_string(row, 0, k.label)
            value = _clean(k.value)
            if value is None:
                ws.write_blank(row, 1, None, fmt)
            else:
                ws.write_number(row, 1, float(value), fmt)
            ws.write_string(row, 2, UNIT_LABELS.get(k.unit, k.unit))
            ws.write_string(row, 3, fmt_value(k.value, k.unit))
            delta = _clean(k.delta)
            if delta is not None:
                ws.write_number(row, 4, float(delta), fm.num(_PP_FORMAT) if k.unit == "percent" else fmt)
            if k.help:
                ws.write_string(row, 5, k.help)
            widths[0] = max(widths[0], len(k.label) + 2)
            widths[2] = max(widths[2], len(UNIT_LABELS.get(k.unit, k.unit)) + 2)
            widths[3] = max(widths[3], len(fmt_value(k.value, k.unit)) + 2)
            widths[5] = min(_MAX_WIDTH, max(widths[5], len(k.help) + 2))
        ws.autofilter(header_row, 0, row, len(headers) - 1)
    # Header-block values spill over the empty cells to their right, so column B stays sized for the KPI values.
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(w, _MAX_WIDTH))


def _write_table(wb: Workbook, ws: Worksheet, name: str, table: Table, tz: str, fm: _Formats) -> None:
    frame = local_frame(table, tz)
    units = table_units(table)
    # Durations get a humanised text column right after the seconds column.
    out_cols: list[tuple[str, list[Any], Any, str | None]] = []  # header, values, format, unit
    for col in frame.columns:
        dtype = frame.schema[col]
        unit = units.get(col)
        values = [_clean(v) for v in frame.get_column(col).to_list()]
        fmt = _unit_format(unit, dtype)
        out_cols.append((col, values, fm.num(fmt) if fmt else None, unit))
        if unit == "seconds" and dtype.is_numeric():
            out_cols.append((f"{col} (texto)", [None if v is None else fmt_duration(v) for v in values], None, None))
    n = frame.height
    ws.write_row(0, 0, [c for c, *_ in out_cols], fm.header)
    col_index: dict[str, int] = {}
    for j, (header, values, fmt, unit) in enumerate(out_cols):
        col_index.setdefault(header, j)
        for i, v in enumerate(values, start=1):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(i, j, v, fmt)
            elif isinstance(v, bool):
                ws.write_boolean(i, j, v, fmt)
            elif isinstance(v, datetime | date):
                ws.write_datetime(i, j, v, fmt or fm.num(NUMBER_FORMATS["date"]))
            elif isinstance(v, int | float):  # bool is handled above
                ws.write_number(i, j, v, fmt)
            else:
                ws.write_string(i, j, str(v), fmt)
        sample = values[:_WIDTH_SAMPLE]
        longest = max((len(cell_text(v, unit)) for v in sample), default=0)
        width = min(_MAX_WIDTH, max(len(header) * 1.1 + 3, longest * 1.1 + 2, 8))
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)  # printing: header on every page
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.autofilter(0, 0, max(n, 1), max(len(out_cols) - 1, 0))
    if table.chart and n:
        _add_chart(wb, ws, name, table, col_index, n, len(out_cols))


def _add_chart(
    wb: Workbook, ws: Worksheet, name: str, table: Table, col_index: dict[str, int], n: int, ncols: int
) -> None:
    kind = _CHART_TYPES.get(table.chart or "")
    ys = [y for y in table.chart_y if y in col_index]
    if kind is None or table.chart_x not in col_index or not ys:
        return  # nothing sensible to draw; the data is still in the sheet
    chart = wb.add_chart({"type": kind})
    x = col_index[table.chart_x]  # type: ignore[index]
    for y in ys:
        j = col_index[y]
        chart.add_series(
            {
                "name": [name, 0, j],
                "categories": [name, 1, x, n, x],
                "values": [name, 1, j, n, j],
                "marker": {"type": "circle", "size": 4} if kind == "line" else {"type": "none"},
            }
        )
    chart.set_title({"name": table.title, "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"position": "bottom" if len(ys) > 1 else "none"})
    units = table_units(table)
    value_fmt = NUMBER_FORMATS.get(units.get(ys[0], ""))
    value_axis: dict[str, Any] = {"major_gridlines": {"visible": True}}
    if value_fmt:
        value_axis["num_format"] = value_fmt
    # Category axis: dates shown as dates (not serial numbers) on a time scale.
    x_dtype = table.frame.schema[table.chart_x]  # type: ignore[index]
    x_unit = units.get(table.chart_x or "")
    cat_axis: dict[str, Any] = {}
    if x_unit in ("date", "datetime") or isinstance(x_dtype, pl.Date | pl.Datetime):
        is_dt = x_unit == "datetime" or (x_unit != "date" and isinstance(x_dtype, pl.Datetime))
        cat_axis = {"num_format": "dd/mm/yyyy hh:mm" if is_dt else "dd/mm/yyyy", "num_font": {"rotation": -45}}
        if kind != "bar":
            cat_axis["date_axis"] = True
    if kind == "bar":  # horizontal bars: categories on the y axis, first row on top
        chart.set_y_axis({"reverse": True, **cat_axis})
        chart.set_x_axis(value_axis)
    else:
        chart.set_x_axis(cat_axis)
        chart.set_y_axis(value_axis)
    chart.set_size({"width": 720, "height": 380})
    ws.insert_chart(1, ncols + 1, chart, {"x_offset": 10, "y_offset": 5})


def to_excel(report: Report) -> bytes:
    """The report as .xlsx bytes: a "Resumo" sheet, then a sheet per table (see the module docstring)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_urls": False, "strings_to_formulas": False, "nan_inf_to_errors": True}
    )
    wb.set_properties({"title": report.title, "company": report.clinic, "comments": report.period_label})
    fm = _Formats(wb)
    taken: set[str] = set()
    resumo = wb.add_worksheet(sheet_name("Resumo", taken))
    _write_resumo(wb, resumo, report, fm)
    resumo.set_landscape()
    resumo.fit_to_pages(1, 0)
    for table in report.tables:
        name = sheet_name(table.title, taken)
        ws = wb.add_worksheet(name)
        _write_table(wb, ws, name, table, report.timezone, fm)
    wb.close()
    return buf.getvalue()
