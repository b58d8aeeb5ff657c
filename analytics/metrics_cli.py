"""``python -m analytics metrics``: every catalog metric for a source and a period.

Output shapes follow shared/spec/metrics.md "Machine-readable output":
- ``json``: one object, a key per catalog id (with ``--meta`` also ``_meta``: period,
  as_of, time zone).
- ``csv``: long format ``metric,path,value`` — one line per number (``path`` is
  empty for scalars, ``median`` for a distribution field, ``funnel[2].leads`` for
  breakdowns), so any tool can read it without nesting.
- ``table``: the same lines aligned for reading in a terminal.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from analytics.errors import InputError
from analytics.period import Filters, Period, parse_instant
from analytics.settings import load_settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("metrics", help="print every catalog metric for a source and a period")
    p.add_argument("--source", required=True, help="postgresql://user@host:5432/db, a .duckdb file, or demo")
    p.add_argument("--start", required=True, help="first local date of the period (YYYY-MM-DD)")
    p.add_argument("--end", required=True, help="end local date, exclusive (YYYY-MM-DD)")
    p.add_argument("--as-of", dest="as_of", help="ISO timestamp the data describes (default: latest event)")
    p.add_argument("--format", choices=("json", "csv", "table"), default="json")
    p.add_argument("--meta", action="store_true", help="add a _meta key (period, as_of, time zone) to the JSON")
    p.add_argument("--metric", action="append", dest="metrics", help="only this metric id (repeatable)")
    p.add_argument("--channel", action="append", default=[], help="filter: lead channel (repeatable)")
    p.add_argument("--procedure", action="append", default=[], help="filter: procedure_interest (repeatable)")
    p.add_argument("--secretary", action="append", default=[], help="filter: secretary user id (repeatable)")
    p.add_argument("--playbook", action="append", default=[], help="filter: playbook (repeatable)")
    p.set_defaults(run=run)


def clean(value: Any) -> Any:
    """JSON-safe copy: NaN/inf -> None, dates -> ISO strings, tuples -> lists."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return clean(value.item())
    if value is not None and not isinstance(value, str | int | bool):
        return str(value)
    return value


def flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(path, scalar)`` pairs of a metric value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from flatten(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(v, f"{path}[{i}]")  # funnel[2].leads
    else:
        yield path, value


def compute_metrics(
    source: str,
    start: str,
    end: str,
    as_of: str | None = None,
    ids: list[str] | None = None,
    filters: Filters | None = None,
) -> dict[str, Any]:
    """The CLI's JSON object for a source and period (also used by tests)."""
    from analytics import catalog
    from analytics.dataset import Dataset
    from analytics.sources.resolve import load_tables, open_store

    settings = load_settings()
    try:
        period = Period.parse(start, end)
        at = parse_instant(as_of, settings.tz) if as_of else None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    unknown = [i for i in ids or [] if i not in catalog.CATALOG]
    if unknown:
        raise InputError(f"unknown metric id(s): {', '.join(unknown)}")
    store = open_store(source)
    try:
        tables = load_tables(store)
    finally:
        store.close()
    ds = Dataset.build(tables, period, settings, filters, at)
    out = clean(catalog.compute(ds, ids))
    out["_meta"] = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": ds.as_of.isoformat(),
        "timezone": settings.timezone,
    }
    return out


def run(args: argparse.Namespace) -> int:
    filters = Filters(tuple(args.channel), tuple(args.procedure), tuple(args.secretary), tuple(args.playbook))
    result = compute_metrics(args.source, args.start, args.end, args.as_of, args.metrics, filters)
    meta = result.pop("_meta")
    if args.meta:
        result["_meta"] = meta
    if args.format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    rows = [(mid, path, val) for mid, value in result.items() if mid != "_meta" for path, val in flatten(value)]
    if args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["metric", "path", "value"])
        w.writerows((m, p, "" if v is None else v) for m, p, v in rows)
        sys.stdout.write(buf.getvalue())
        return 0
    width = max((len(m) + len(p) + 1 for m, p, _ in rows), default=10)
    for mid, path, val in rows:
        key = f"{mid}{'' if path.startswith('[') else '.'}{path}" if path else mid
        shown = "null" if val is None else (f"{val:.4f}".rstrip("0").rstrip(".") if isinstance(val, float) else val)
        print(f"{key:<{width}}  {shown}")
    return 0
