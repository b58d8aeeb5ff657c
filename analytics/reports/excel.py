"""Excel (.xlsx) export of a ``Report`` with xlsxwriter, built in memory.

Sheets: "Resumo" (header block, KPI table, links to the tables) then one sheet per ``Table``: its full title
on row 1 (a sheet name holds at most 31 chars, see ``sheet_name``), the header on row 2, the data below.
Numbers stay numbers with number formats by unit (BRL ``"R$" #,##0.00``; percent values 0–100 as ``0.0"%"``;
ratios as ``0.0%``; counts ``#,##0``; durations in seconds plus a humanised text column), dates and datetimes
are real Excel dates in the clinic's local time, ``None`` is an empty cell. Excel shows the separators of the
user's locale (1.234,56 in pt-BR).
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
from analytics.reports._common import UNIT_LABELS, cell_text, generated_with_zone, local_frame, table_units
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
_MAX_SHEET = 31  # Excel's limit for a sheet name
_ELLIPSIS = "…"
_TRAILING = " ,;.-–—'\"&+"  # never at the end of a sheet name
# pt-BR words a shortened name should not end on ("Tempo de resposta por…" -> "Tempo de resposta…")
_FUNCTION_WORDS = frozenset(
    {"a", "o", "as", "os", "e", "ou", "de", "da", "do", "das", "dos", "em", "no", "na", "nos", "nas"}
    | {"por", "pela", "pelo", "pelas", "pelos", "para", "com", "sem", "um", "uma"}
)
_TITLE_ROW, _HEADER_ROW = 0, 1  # table sheets: full title, then the header; data from row 2
_MAX_WIDTH = 60
_WIDTH_SAMPLE = 1000  # rows sampled to size the columns
_CHART_TYPES = {"line": "line", "column": "column", "bar": "bar"}


def _shorten(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` chars, else its leading whole words (≤ ``limit`` − 1 chars) + "…".

    A cut never ends on a function word ("por", "da", ...), on punctuation or inside an unclosed "(": e.g.
    "Conversões por canal (base do CPA)" -> "Conversões por canal…". A first word longer than the limit is
    cut hard (nothing better exists).
    """
    if len(text) <= limit:
        return text
    room = limit - len(_ELLIPSIS)
    kept: list[str] = []
    for word in text.split(" "):
        if len(" ".join([*kept, word])) > room:
            break
        kept.append(word)
    while kept:
        stem = " ".join(kept)
        if stem.count("(") > stem.count(")"):  # drop the unclosed parenthetical
            kept = stem[: stem.rfind("(")].split()
        elif kept[-1].strip(_TRAILING).casefold() in _FUNCTION_WORDS:
            kept.pop()
        else:
            break
    stem = " ".join(kept).rstrip(_TRAILING) or text[:room].rstrip(_TRAILING) or text[:room]
    return stem + _ELLIPSIS


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitive) Excel sheet name of at most 31 chars, cut at a word boundary.

    Forbidden chars ``[]:*?/\\`` become spaces, spaces are collapsed, leading/trailing apostrophes, spaces and
    punctuation are dropped; a long title is shortened with "…" (see ``_shorten``); a name already in ``taken``
    gets " (2)", " (3)", ... (the title shortened further to make room). ``taken`` holds casefolded names and
    is updated.
    """
    base = " ".join(_INVALID_SHEET_CHARS.sub(" ", title).split()).strip("'").rstrip(_TRAILING) or "Tabela"
    name = _shorten(base, _MAX_SHEET)
    n = 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = _shorten(base, _MAX_SHEET - len(suffix)) + suffix
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
        self.sheet_title = wb.add_format({"bold": True, "font_size": 13, "font_color": "#1F4E79"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.label = wb.add_format({"bold": True})
        self.text = wb.add_format({"text_wrap": False})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})

    def num(self, fmt: str | None) -> Any:
        if fmt not in self._cache:
            self._cache[fmt] = self.wb.add_format({"num_format": fmt} if fmt else {})
        return self._cache[fmt]


def _write_resumo(wb: Workbook, ws: Worksheet, report: Report, fm: _Formats, sheets: list[tuple[str, str]]) -> None:
    """Header block, KPI table, then "Tabelas": each table's full title linked to its sheet (``sheets``:
    (sheet name, title) pairs)."""
    ws.write_string(0, 0, report.title, fm.title)
    info = [
        ("Clínica", report.clinic),
        ("Relatório", report.title),
        ("Período", report.period_label),
        ("Gerado em", generated_with_zone(report)),
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
    if sheets:
        row += 2
        ws.write_string(row, 0, "Tabelas", fm.label)
        for name, title in sheets:
            row += 1
            quoted = name.replace("'", "''")
            ws.write_url(row, 0, f"internal:'{quoted}'!A1", fm.link, string=title)
    # Header-block values spill over the empty cells to their right, so column B stays sized for the KPI values.
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(w, _MAX_WIDTH))


def _write_table(wb: Workbook, ws: Worksheet, name: str, table: Table, tz: str, fm: _Formats) -> None:
    """Row 1: the table's full title (the sheet name may be shortened); row 2: the header; then the data."""
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
    ws.write_string(_TITLE_ROW, 0, table.title, fm.sheet_title)
    ws.set_row(_TITLE_ROW, 20)
    ws.write_row(_HEADER_ROW, 0, [c for c, *_ in out_cols], fm.header)
    first = _HEADER_ROW + 1
    col_index: dict[str, int] = {}
    for j, (header, values, fmt, unit) in enumerate(out_cols):
        col_index.setdefault(header, j)
        for i, v in enumerate(values, start=first):
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
    ws.freeze_panes(first, 0)  # title and header stay visible
    ws.repeat_rows(_HEADER_ROW)  # printing: header on every page
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.autofilter(_HEADER_ROW, 0, _HEADER_ROW + max(n, 1), max(len(out_cols) - 1, 0))
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
                "name": [name, _HEADER_ROW, j],
                "categories": [name, _HEADER_ROW + 1, x, _HEADER_ROW + n, x],
                "values": [name, _HEADER_ROW + 1, j, _HEADER_ROW + n, j],
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
    ws.insert_chart(_HEADER_ROW, ncols + 1, chart, {"x_offset": 10, "y_offset": 5})


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
    names = [sheet_name(table.title, taken) for table in report.tables]
    _write_resumo(wb, resumo, report, fm, [(n, t.title) for n, t in zip(names, report.tables, strict=True)])
    resumo.set_landscape()
    resumo.fit_to_pages(1, 0)
    for name, table in zip(names, report.tables, strict=True):
        ws = wb.add_worksheet(name)
        _write_table(wb, ws, name, table, report.timezone, fm)
    wb.close()
    return buf.getvalue()
