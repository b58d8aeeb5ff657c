"""Metric implementations, one module per domain; each exposes ``METRICS``."""
