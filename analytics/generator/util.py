"""Vectorised helpers: deterministic UUIDs, lognormal draws, segmented sums, time conversion.

Times are int64 microseconds since the Unix epoch (UTC) until frames are built.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from analytics.generator.params import LOCAL_OFFSET_HOURS

US = 1_000_000
MIN = 60 * US
HOUR = 3600 * US
DAY = 86400 * US
LOCAL_OFFSET_US = LOCAL_OFFSET_HOURS * HOUR

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def uuids(rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` random version-4 UUID strings drawn from ``rng`` (deterministic)."""
    b = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, _POS[0::2]] = _HEX[b >> 4]
    out[:, _POS[1::2]] = _HEX[b & 15]
    arr = pa.array(out.view("S36").ravel(), type=pa.binary(36)) if n else pa.array([], type=pa.binary(36))
    return pl.Series(pc.cast(pc.cast(arr, pa.binary()), pa.string()))


def lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float, size: int) -> np.ndarray:
    """Lognormal draws with the given median (exp(mu)) and log-sd ``sigma``."""
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(size))


def choice_idx(
    rng: np.random.Generator, weights: np.ndarray | list[float] | tuple[float, ...], size: int
) -> np.ndarray:
    """Indices drawn with probabilities proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(w) - 1)


def row_choice(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One index per row of ``probs`` (n x k, rows summing to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def segment_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each segment of a flat array made of segments of ``counts`` rows."""
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64) if len(counts) else np.zeros(0, np.int64)


def within(counts: np.ndarray) -> np.ndarray:
    """Position of every row inside its segment (0, 1, ..., counts[i]-1 for each i)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_starts(counts), counts)


def segmented_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each segment (int64)."""
    cs = np.cumsum(values, dtype=np.int64)
    starts = segment_starts(counts)
    base = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0)
    return cs - np.repeat(base, counts)


def to_us(d: date) -> int:
    """Local midnight of ``d`` in UTC microseconds."""
    dt = datetime(d.year, d.month, d.day, tzinfo=UTC) - timedelta(hours=LOCAL_OFFSET_HOURS)
    return int(dt.timestamp()) * US


def local_hour(ts: np.ndarray) -> np.ndarray:
    return ((ts + LOCAL_OFFSET_US) // HOUR) % 24


def local_day(ts: np.ndarray) -> np.ndarray:
    """Local day number (days since 1970-01-01 local)."""
    return (ts + LOCAL_OFFSET_US) // DAY


def weekday(day_number: np.ndarray) -> np.ndarray:
    """ISO weekday index 0 = Monday for a day number (1970-01-01 was a Thursday)."""
    return (day_number + 3) % 7


def ts_series(name: str, ts: np.ndarray, mask: np.ndarray | None = None) -> pl.Series:
    """Datetime("us", "UTC") series; ``mask`` False rows become null."""
    s = pl.Series(name, ts.astype(np.int64)).cast(pl.Datetime("us", "UTC"))
    if mask is not None:
        s = pl.select(pl.when(pl.Series(mask)).then(s).otherwise(None).alias(name)).to_series()
    return s


def gather(
    values: tuple[str, ...] | list[str], idx: np.ndarray, name: str, mask: np.ndarray | None = None
) -> pl.Series:
    """Strings picked from a small vocabulary by index; ``mask`` False rows become null."""
    s = pl.Series(name, list(values), dtype=pl.String).gather(idx.astype(np.int64)).alias(name)
    if mask is not None:
        s = pl.select(pl.when(pl.Series(mask)).then(s).otherwise(None).alias(name)).to_series()
    return s


def masked(series: pl.Series, mask: np.ndarray) -> pl.Series:
    """Series with rows where ``mask`` is False set to null."""
    return pl.select(pl.when(pl.Series(mask)).then(series).otherwise(None).alias(series.name)).to_series()
