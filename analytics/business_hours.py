"""Durations counted in the clinic's opening hours only.

``business_seconds(start, end, settings)`` = B(end) − B(start), where B(t) is the
number of open seconds from a reference date up to instant ``t``:

- opening hours are ``settings.business_hours`` (ISO weekday, 1 = Monday -> local
  intervals ``[open, close)``);
- Brazilian **national** public holidays (``holidays.Brazil``, default public category,
  no state/municipal subdivision) are closed all day;
- arithmetic is on local wall-clock time (``settings.timezone``), so historical DST
  (Brazil observed DST until 2019, with transitions at local midnight) is handled by the
  time-zone database: an hour that does not exist on the wall clock is never open.

B is computed from a small calendar table (one row per local date spanning the data):
``cum_before`` = open seconds of all earlier dates; plus the open seconds of the day up to
the wall-clock time of ``t``. Fully vectorized; nulls propagate. ``end < start`` gives a
negative duration (bad data is not hidden).
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

import holidays
import polars as pl

from analytics.settings import Settings

Hours = tuple[tuple[int, tuple[tuple[int, int], ...]], ...]


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _hours_key(settings: Settings) -> Hours:
    return tuple(
        (day, tuple((_secs(a), _secs(b)) for a, b in settings.business_hours.get(day, ())))
        for day in range(1, 8)
    )


def national_holidays(first_year: int, last_year: int) -> list[date]:
    """Brazilian national public holidays in ``[first_year, last_year]``."""
    return sorted(holidays.Brazil(years=range(first_year, last_year + 1)).keys())


@lru_cache(maxsize=16)
def _calendar(hours: Hours, first_year: int, last_year: int) -> pl.DataFrame:
    """One row per date of the years: ``date``, ``open_day`` (not a holiday), ``cum_before`` (s)."""
    days = pl.date_range(date(first_year, 1, 1), date(last_year, 12, 31), "1d", eager=True).alias("date")
    per_weekday = {day: sum(b - a for a, b in ivs) for day, ivs in hours}
    closed = national_holidays(first_year, last_year)
    cal = pl.DataFrame({"date": days}).with_columns(
        (~pl.col("date").is_in(pl.Series(closed, dtype=pl.Date).implode())).alias("open_day")
    )
    day_open = pl.col("date").dt.weekday().replace_strict(per_weekday, return_dtype=pl.Int64)
    return cal.with_columns(
        pl.when("open_day").then(day_open).otherwise(0).alias("open_seconds")
    ).with_columns((pl.col("open_seconds").cum_sum() - pl.col("open_seconds")).alias("cum_before"))


def _b_columns(frame: pl.DataFrame, col: str, cal: pl.DataFrame, hours: Hours, tz: str) -> pl.Series:
    """B(t) for timestamp column ``col``: calendar seconds before its local date + open seconds of
    the day before its wall-clock time (interval slots looked up by weekday, then clipped)."""
    # one time-zone conversion, materialised as naive wall-clock time; fields are then cheap
    naive = frame.select(pl.col(col).dt.convert_time_zone(tz).dt.replace_time_zone(None).alias("t"))
    local = pl.col("t")
    staged = naive.select(
        local.dt.date().alias("d"),
        local.dt.weekday().alias("wd"),
        (
            local.dt.hour().cast(pl.Float64) * 3600
            + local.dt.minute().cast(pl.Float64) * 60
            + local.dt.second().cast(pl.Float64)
            + local.dt.microsecond().cast(pl.Float64) / 1e6
        ).alias("sod"),
    )
    slots = max((len(ivs) for _, ivs in hours), default=0)
    parts: list[pl.Expr] = []
    for k in range(slots):
        starts = {day: float(ivs[k][0]) if k < len(ivs) else 0.0 for day, ivs in hours}
        lengths = {day: float(ivs[k][1] - ivs[k][0]) if k < len(ivs) else 0.0 for day, ivs in hours}
        a = pl.col("wd").replace_strict(starts, return_dtype=pl.Float64)
        length = pl.col("wd").replace_strict(lengths, return_dtype=pl.Float64)
        parts.append(pl.min_horizontal(pl.max_horizontal(pl.col("sod") - a, pl.lit(0.0)), length))
    open_until = pl.sum_horizontal(parts) if parts else pl.lit(0.0)
    cum = pl.col("d").replace_strict(cal["date"], cal["cum_before"].cast(pl.Float64), default=None)
    is_open = pl.col("d").replace_strict(cal["date"], cal["open_day"], default=None)
    out = staged.select((cum + pl.when(is_open).then(open_until).otherwise(0.0)).alias("b"))
    return out.get_column("b")


def business_seconds(start: pl.Series, end: pl.Series, settings: Settings) -> pl.Series:
    """Open seconds between each ``start`` and ``end`` (UTC timestamps), as Float64."""
    if start.len() != end.len():
        raise ValueError("business_seconds: start and end must have the same length")
    frame = pl.DataFrame({"s": start, "e": end})
    if frame.height == 0:
        return pl.Series("business_seconds", [], dtype=pl.Float64)
    for c in ("s", "e"):
        dtype = frame.schema[c]
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
            frame = frame.with_columns(pl.col(c).dt.replace_time_zone("UTC"))
    years = frame.select(
        pl.min_horizontal(pl.col("s").min(), pl.col("e").min()).dt.convert_time_zone(settings.timezone).dt.year(),
        pl.max_horizontal(pl.col("s").max(), pl.col("e").max())
        .dt.convert_time_zone(settings.timezone)
        .dt.year()
        .alias("hi"),
    ).row(0)
    if years[0] is None:
        return pl.Series("business_seconds", [None] * frame.height, dtype=pl.Float64)
    hours = _hours_key(settings)
    cal = _calendar(hours, int(years[0]), int(years[1]))
    b_end = _b_columns(frame, "e", cal, hours, settings.timezone)
    b_start = _b_columns(frame, "s", cal, hours, settings.timezone)
    return (b_end - b_start).alias("business_seconds")


def with_business_seconds(
    frame: pl.DataFrame, start: str, end: str, settings: Settings, alias: str
) -> pl.DataFrame:
    """``frame`` plus column ``alias`` = business_seconds(frame[start], frame[end])."""
    return frame.with_columns(business_seconds(frame.get_column(start), frame.get_column(end), settings).alias(alias))
