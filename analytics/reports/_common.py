"""Helpers shared by the CSV, Excel and PDF builders (no formatting rules here: see analytics/formatting.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from analytics.formatting import DASH, fmt_date, fmt_datetime, fmt_value
from analytics.period import Period
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


#: IANA zone -> the name people in Brazil use for it; other zones show their IANA name
ZONE_NAMES: dict[str, str] = {"America/Sao_Paulo": "Brasília"}


def zone_label(tz: str) -> str:
    """'horário de Brasília' for America/Sao_Paulo; 'horário de <IANA name>' for any other zone."""
    return f"horário de {ZONE_NAMES.get(tz, tz)}"


def generated_label(report: Report) -> str:
    """Generation instant as dd/mm/aaaa HH:MM in the clinic's time zone."""
    return fmt_datetime(report.generated_at, zone(report))


def generated_with_zone(report: Report) -> str:
    """'01/02/2025 10:05 (horário de Brasília)': generation instant and the zone it is shown in."""
    return f"{generated_label(report)} ({zone_label(report.timezone)})"


def slug(text: str) -> str:
    """ASCII, lower case, words joined by '-': "Ana Paula d'Ávila" -> 'ana-paula-d-avila' ('' if nothing left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def file_stem(page: str, period: Period, subject: str | None = None) -> str:
    """Download file name without extension: page, optional subject slug, first and LAST day of the period.

    ``period`` is half-open ``[start, end)``, so the last day shown to the user is ``end - 1 day``:
    Period(2026-10-21, 2026-11-20) -> 'secretaria_20261021_20261119'.
    """
    last = period.end - timedelta(days=1)
    parts = [page, slug(subject or ""), f"{period.start:%Y%m%d}", f"{last:%Y%m%d}"]
    return "_".join(p for p in parts if p)


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
