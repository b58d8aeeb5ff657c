"""CSV export of a ``Report``.

Format choice (pt-BR Excel convention, so a double click in Excel opens it correctly):
- UTF-8 with BOM (Excel otherwise reads the file as cp1252 and breaks the accents);
- ``;`` as separator and ``,`` as decimal mark, numbers without thousands separators (Excel in pt-BR parses
  them as numbers: 1234,56), percentages as their 0–100 value (12,5), durations in seconds;
- dates dd/mm/aaaa and datetimes dd/mm/aaaa HH:MM in the clinic's time zone; missing values are empty;
- CRLF line ends (RFC 4180).
Layout: a header block (report, clinic, period, generation time and zone, viewer, notes), then the KPIs
("Indicadores": label, raw value, unit, formatted value, variation, definition), then one section per table:
its title on a line of its own, the header row, the rows, and a blank line.
Text cells starting with ``=``, ``+``, ``-`` or ``@`` get a leading apostrophe so that a spreadsheet never runs
them as formulas (CSV injection).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime

from analytics.formatting import fmt_value
from analytics.reports._common import UNIT_LABELS, generated_with_zone, local_frame, table_units
from analytics.reports.model import Report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _num(x: float | int) -> str:
    """A number with decimal comma and no grouping: 1234.5 -> '1234,5'; integers stay integers."""
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return ""
    text = repr(round(x, 10))
    if "e" in text or "E" in text:
        text = f"{x:.10f}".rstrip("0").rstrip(".")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


def _cell(value: object, unit: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if unit == "date" else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, int | float):
        return _num(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(report: Report) -> bytes:
    """The report as CSV bytes (UTF-8 with BOM, ``;``-separated, decimal comma); see the module docstring."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["Relatório", _cell(report.title)])
    w.writerow(["Clínica", _cell(report.clinic)])
    w.writerow(["Período", _cell(report.period_label)])
    w.writerow(["Gerado em", generated_with_zone(report)])
    w.writerow(["Visualização", _cell(report.viewer_label)])
    for note in report.notes:
        w.writerow(["Nota", _cell(note)])
    if report.kpis:
        w.writerow([])
        w.writerow(["Indicadores"])
        w.writerow(["Indicador", "Valor", "Unidade", "Valor formatado", "Variação", "Definição"])
        for k in report.kpis:
            w.writerow(
                [
                    _cell(k.label),
                    _cell(k.value),
                    UNIT_LABELS.get(k.unit, k.unit),
                    fmt_value(k.value, k.unit),
                    _cell(k.delta),
                    _cell(k.help),
                ]
            )
    for table in report.tables:
        frame = local_frame(table, report.timezone)
        w.writerow([])
        w.writerow([_cell(table.title)])
        w.writerow([_cell(c) for c in frame.columns])
        units = [table_units(table).get(c) for c in frame.columns]
        for row in frame.iter_rows():
            w.writerow([_cell(v, u) for v, u in zip(row, units, strict=True)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
