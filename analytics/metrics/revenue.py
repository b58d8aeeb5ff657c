"""Revenue metrics (shared/spec/metrics.md, section Revenue)."""

from __future__ import annotations

from analytics.metrics.base import Metric

METRICS: list[Metric] = []
