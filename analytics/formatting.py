"""pt-BR presentation of numbers, money, percentages, dates and durations.

``None`` (a ratio with a zero denominator) is always shown as "—".
"""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

DASH = "—"


def _group(text: str) -> str:
    """Swap en-US separators for pt-BR: 1,234.5 -> 1.234,5."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def fmt_num(x: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (decimals=1)."""
    if _missing(x):
        return DASH
    return _group(f"{float(x):,.{decimals}f}")  # type: ignore[arg-type]


def fmt_int(x: float | int | None) -> str:
    return fmt_num(x, 0)


def fmt_brl(x: float | int | None, decimals: int = 2) -> str:
    """1234.56 -> 'R$ 1.234,56'; negatives as '-R$ 1.234,56'."""
    if _missing(x):
        return DASH
    v = float(x)  # type: ignore[arg-type]
    body = _group(f"{abs(v):,.{decimals}f}")
    return f"-R$ {body}" if v < 0 and body.strip("0,.") else f"R$ {body}"


def fmt_pct(x: float | int | None, decimals: int = 1) -> str:
    """A percentage already in 0–100: 12.5 -> '12,5%'."""
    if _missing(x):
        return DASH
    return f"{fmt_num(x, decimals)}%"


def fmt_ratio_pct(x: float | int | None, decimals: int = 1) -> str:
    """A ratio shown as a percentage: 1.25 -> '125,0%' (ROI)."""
    return DASH if _missing(x) else fmt_pct(float(x) * 100.0, decimals)  # type: ignore[arg-type]


def fmt_date(d: date | datetime | None, tz: ZoneInfo | None = None) -> str:
    """dd/mm/aaaa; datetimes are converted to ``tz`` first."""
    if d is None:
        return DASH
    if isinstance(d, datetime) and tz is not None and d.tzinfo is not None:
        d = d.astimezone(tz)
    return d.strftime("%d/%m/%Y")


def fmt_datetime(dt: datetime | None, tz: ZoneInfo | None = None) -> str:
    """dd/mm/aaaa HH:MM in ``tz`` (the clinic's time zone)."""
    if dt is None:
        return DASH
    if tz is not None and dt.tzinfo is not None:
        dt = dt.astimezone(tz)
    return dt.strftime("%d/%m/%Y %H:%M")


def fmt_duration(seconds: float | int | None) -> str:
    """Humanised duration: 45 s, 3 min 20 s, 2 h 05 min, 3 d 4 h."""
    if _missing(seconds):
        return DASH
    s = float(seconds)  # type: ignore[arg-type]
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{fmt_num(s, 0)} s"
    if s < 3600:
        m, sec = divmod(round(s), 60)
        return f"{sign}{m} min {sec:02d} s" if sec else f"{sign}{m} min"
    if s < 86400:
        h, rem = divmod(round(s / 60), 60)
        return f"{sign}{h} h {rem:02d} min" if rem else f"{sign}{h} h"
    d, rem = divmod(round(s / 3600), 24)
    return f"{sign}{d} d {rem} h" if rem else f"{sign}{d} d"


def fmt_days(days: float | int | None) -> str:
    return DASH if _missing(days) else f"{fmt_num(days, 1)} dias"


def fmt_value(x: object, unit: str) -> str:
    """Format a scalar metric value by its catalog unit."""
    if _missing(x):
        return DASH
    if not isinstance(x, int | float):
        return str(x)
    match unit:
        case "brl":
            return fmt_brl(x)
        case "percent":
            return fmt_pct(x)
        case "seconds":
            return fmt_duration(x)
        case "days":
            return fmt_days(x)
        case "ratio":
            return fmt_ratio_pct(x)
        case "count" | "messages" | "tokens":
            return fmt_num(x, 0) if float(x).is_integer() else fmt_num(x, 1)
        case "ms":
            return f"{fmt_num(x, 0)} ms"
        case "score":
            return fmt_num(x, 1)
        case _:
            return fmt_num(x, 2)
