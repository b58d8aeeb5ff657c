"""Tiny inline fixtures in the contract's shape, for hand-worked metric tests.

``frame("leads", [{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}])``
fills the missing columns with nulls and parses ISO timestamps (offset required,
or UTC is assumed) into UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from analytics.dataset import Dataset, empty_table
from analytics.period import Filters, Period
from analytics.settings import Settings


def _value(v: Any, dtype: pl.DataType) -> Any:
    if isinstance(v, str) and isinstance(dtype, pl.Datetime):
        dt = datetime.fromisoformat(v)
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(v, str) and isinstance(dtype, pl.Date):
        return date.fromisoformat(v)
    return v


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = empty_table(table).schema
    unknown = {k for r in rows for k in r} - set(schema)
    if unknown:
        raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    data = {col: [_value(r.get(col), dtype) for r in rows] for col, dtype in schema.items()}
    return pl.DataFrame(data, schema=schema)


def dataset(
    start: str = "2025-01-01",
    end: str = "2025-02-01",
    *,
    as_of: str | None = None,
    filters: Filters | None = None,
    settings: Settings | None = None,
    **tables: list[dict[str, Any]],
) -> Dataset:
    """A ``Dataset`` from inline rows, e.g. ``dataset(leads=[...], conversations=[...])``.

    Keyword names are table names; ``messages`` is accepted for ``conversation_messages``
    and ``history`` for ``lead_status_history``, ``bookings`` for ``procedure_bookings``,
    ``campaigns`` for ``marketing_campaigns``, ``touchpoints`` for ``lead_touchpoints``,
    ``llm`` for ``llm_interactions``, ``interactions`` for ``lead_interactions``.
    """
    alias = {
        "messages": "conversation_messages",
        "history": "lead_status_history",
        "bookings": "procedure_bookings",
        "campaigns": "marketing_campaigns",
        "touchpoints": "lead_touchpoints",
        "llm": "llm_interactions",
        "interactions": "lead_interactions",
    }
    frames = {alias.get(k, k): frame(alias.get(k, k), v) for k, v in tables.items()}
    settings = settings or Settings()
    at = None
    if as_of is not None:
        dt = datetime.fromisoformat(as_of)
        at = (dt if dt.tzinfo else dt.replace(tzinfo=settings.tz)).astimezone(UTC)
    return Dataset.build(frames, Period.parse(start, end), settings, filters, at)
