"""Bot metrics (shared/spec/metrics.md, section Bot)."""

from __future__ import annotations

from analytics.metrics.base import Metric

METRICS: list[Metric] = []
