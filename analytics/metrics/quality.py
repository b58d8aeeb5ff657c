"""Quality metrics (shared/spec/metrics.md, section Quality)."""

from __future__ import annotations

from analytics.metrics.base import Metric

METRICS: list[Metric] = []
