"""The metrics catalog: every metric declared once (id, pt-BR label, unit, definition, function).

Pages, exports and the command line read labels, units and values from here, so
the same number is the same everywhere.
"""

from __future__ import annotations

from typing import Any

from analytics.dataset import Dataset
from analytics.metrics import bot, conversion, engagement, quality, revenue, team
from analytics.metrics.base import Metric

_DOMAINS = (conversion, revenue, engagement, team, bot, quality)

CATALOG: dict[str, Metric] = {}
for _module in _DOMAINS:
    for _metric in _module.METRICS:
        if _metric.id in CATALOG:
            raise RuntimeError(f"metric id declared twice: {_metric.id}")
        CATALOG[_metric.id] = _metric


def get(metric_id: str) -> Metric:
    try:
        return CATALOG[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric id {metric_id!r}") from None


def compute(ds: Dataset, ids: list[str] | tuple[str, ...] | None = None) -> dict[str, Any]:
    """Values of the given metric ids (all by default), in catalog order."""
    wanted = list(CATALOG) if ids is None else list(ids)
    return {mid: get(mid).compute(ds) for mid in wanted}
