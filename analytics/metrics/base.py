"""Shared shapes for metrics: the ``Metric`` declaration and numeric helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from analytics.dataset import Dataset

Unit = Literal["count", "percent", "brl", "seconds", "days", "ratio", "score", "messages", "tokens", "ms"]
Kind = Literal["scalar", "distribution", "breakdown"]


@dataclass(frozen=True)
class Metric:
    """One catalog entry. ``compute`` returns the JSON shape of metrics.md:

    - ``scalar``: a number or ``None`` (zero denominator);
    - ``distribution``: ``{"count", "mean", "median", "p95", "p99"}`` (+ optional
      ``"by_secretary"`` / ``"by_hour"`` lists of the same shape with their key);
    - ``breakdown``: a list of dicts holding the key(s) and values.

    ``rows`` returns the rows behind the aggregate (drill-down), pseudonymous ids only.
    """

    id: str
    label: str  # pt-BR, shown to users
    unit: Unit
    kind: Kind
    definition: str  # pt-BR, one or two sentences
    domain: str
    compute: Callable[[Dataset], Any]
    rows: Callable[[Dataset], pl.DataFrame] | None = None


def pct(num: float | int, den: float | int) -> float | None:
    """``num / den × 100``; ``None`` when the denominator is zero."""
    return None if not den else float(num) / float(den) * 100.0


def ratio(num: float | int, den: float | int) -> float | None:
    """``num / den``; ``None`` when the denominator is zero."""
    return None if not den else float(num) / float(den)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def distribution(values: pl.Series | pl.Expr | Any) -> dict[str, float | int | None]:
    """count, mean, median, p95, p99 of a numeric series (nulls ignored).

    Percentiles are linear-interpolated (numpy's default). Empty -> count 0, rest ``None``.
    """
    s = values if isinstance(values, pl.Series) else pl.Series(values)
    s = s.drop_nulls().cast(pl.Float64)
    if s.len() == 0:
        return {"count": 0, "mean": None, "median": None, "p95": None, "p99": None}
    return {
        "count": int(s.len()),
        "mean": _num(s.mean()),
        "median": _num(s.quantile(0.5, interpolation="linear")),
        "p95": _num(s.quantile(0.95, interpolation="linear")),
        "p99": _num(s.quantile(0.99, interpolation="linear")),
    }


def distribution_by(frame: pl.DataFrame, key: str, value: str) -> list[dict[str, Any]]:
    """``distribution`` of ``value`` per ``key`` value, sorted by key (one dict per key)."""
    if frame.height == 0:
        return []
    q = pl.col(value).cast(pl.Float64)
    agg = (
        frame.filter(pl.col(value).is_not_null())
        .group_by(key)
        .agg(
            pl.len().alias("count"),
            q.mean().alias("mean"),
            q.quantile(0.5, interpolation="linear").alias("median"),
            q.quantile(0.95, interpolation="linear").alias("p95"),
            q.quantile(0.99, interpolation="linear").alias("p99"),
        )
        .sort(key, nulls_last=True)
    )
    return agg.to_dicts()
