"""Helpers shared by the CSV, Excel and PDF builders (no formatting rules here: see analytics/formatting.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl

from analytics.formatting import DASH, fmt_date, fmt_datetime, fmt_value
from analytics.reports.model import Report, Table

# Units whose column holds calendar values rather than numbers.
DATE_UNITS = frozenset({"date", "datetime"})

UNIT_LABELS: dict[str, str] = {
    "brl": "R$",
    "percent": "%",
    "ratio": "razão (1 = 100%)",
    "seconds": "segundos",
    "days": "dias",
    "count": "quantidade",
    "messages": "mensagens",
    "tokens": "tokens",
    "ms": "ms",
    "score": "nota",
}


def table_units(table: Table) -> dict[str, str]:
    """Column units: the table's own, plus ``seconds`` for Duration columns that have none."""
    units = {c: "seconds" for c, t in table.frame.schema.items() if isinstance(t, pl.Duration)}
    return units | dict(table.units)


def zone(report: Report) -> ZoneInfo:
    return ZoneInfo(report.timezone)


def generated_label(report: Report) -> str:
    """Generation instant as dd/mm/aaaa HH:MM in the clinic's time zone."""
    return fmt_datetime(report.generated_at, zone(report))


def local_frame(table: Table, tz: str) -> pl.DataFrame:
    """The table's frame with tz-aware datetimes converted to naive local time in ``tz``.

    Naive datetimes are taken as already local. Columns marked ``date`` that hold datetimes become local dates.
    Durations become seconds (float) and decimals become floats, so every builder sees plain numbers.
    """
    frame = table.frame
    exprs: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Duration):
            exprs.append((col.dt.total_microseconds() / 1e6).alias(name))
            continue
        if isinstance(dtype, pl.Decimal):
            exprs.append(col.cast(pl.Float64).alias(name))
            continue
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                col = col.dt.convert_time_zone(tz).dt.replace_time_zone(None)
            if table.units.get(name) == "date":
                col = col.dt.date()
            exprs.append(col.alias(name))
    return frame.with_columns(exprs) if exprs else frame


def cell_text(value: object, unit: str | None) -> str:
    """A cell as pt-BR text for the PDF: None -> '—'; dates dd/mm/aaaa; datetimes dd/mm/aaaa HH:MM."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return fmt_date(value) if unit == "date" else fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, int | float):
        if unit:
            return fmt_value(value, unit)
        return fmt_value(value, "count") if isinstance(value, int) else fmt_value(value, "")
    return str(value)


def is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()
