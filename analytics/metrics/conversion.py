"""Conversion metrics (shared/spec/metrics.md, section Conversion)."""

from __future__ import annotations

from analytics.metrics.base import Metric

METRICS: list[Metric] = []
