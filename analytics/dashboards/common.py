"""Shared view-model helpers: period presets, catalog look-ups, KPIs with deltas, monthly trends.

Pure Python (no Streamlit). Every page's view-model is built from a ``Dataset``;
metric ids that the catalog does not (yet) declare are left out, never stubbed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from analytics import catalog
from analytics.dashboards.drill import present, staff_name_expr
from analytics.dataset import Dataset
from analytics.period import Period
from analytics.privacy import Viewer, mask_frame
from analytics.reports.model import Kpi, Table

#: preset key (URL) -> pt-BR label, in the order the sidebar shows them
PRESETS: dict[str, str] = {
    "30d": "Últimos 30 dias",
    "mes": "Este mês",
    "mes_passado": "Mês passado",
    "90d": "Últimos 90 dias",
    "ano": "Este ano",
    "custom": "Personalizado",
}

ROLE_LABELS = {
    "admin": "Administrador",
    "manager": "Gerente",
    "secretary": "Secretária",
    "marketing": "Marketing",
}

MONTHS_PT = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def preset_period(preset: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period of a preset relative to ``today`` (the data's as_of, local date).

    Periods are ``[start, end)``; "today" is included. ``custom`` takes the
    inclusive dates ``start``..``end`` typed by the user.
    """
    tomorrow = today + timedelta(days=1)
    match preset:
        case "30d":
            return Period(today - timedelta(days=29), tomorrow)
        case "90d":
            return Period(today - timedelta(days=89), tomorrow)
        case "mes":
            return Period(_month_start(today), tomorrow)
        case "mes_passado":
            first = _month_start(today)
            return Period(_add_months(first, -1), first)
        case "ano":
            return Period(date(today.year, 1, 1), tomorrow)
        case "custom":
            if start is None or end is None:
                raise ValueError("informe as datas inicial e final")
            if end < start:
                raise ValueError("a data final deve ser igual ou posterior à inicial")
            return Period(start, end + timedelta(days=1))
    raise ValueError(f"período desconhecido: {preset!r}")


def period_label(period: Period) -> str:
    """'01/01/2025 a 31/01/2025' (inclusive end)."""
    last = period.end - timedelta(days=1)
    return f"{period.start:%d/%m/%Y} a {last:%d/%m/%Y}"


def viewer_label(viewer: Viewer) -> str:
    role = ROLE_LABELS.get(viewer.role, viewer.role)
    return f"{role} (dados completos)" if viewer.unmasked else f"{role} (dados mascarados)"


# -- catalog access ------------------------------------------------------------
def has(metric_id: str) -> bool:
    return metric_id in catalog.CATALOG


def value_of(result: Any, stat: str | None = None) -> float | None:
    """A scalar from a metric result: the number itself, or ``stat`` of a distribution."""
    if isinstance(result, dict):
        v = result.get(stat or "median")
        return None if v is None else float(v)
    if isinstance(result, int | float):
        return float(result)
    return None


def metric(ds: Dataset, metric_id: str) -> Any:
    """The metric's value, or ``None`` if the catalog has no such id."""
    if not has(metric_id):
        return None
    return catalog.get(metric_id).compute(ds)


def frame_of(result: Any) -> pl.DataFrame:
    """A breakdown (list of dicts) as a frame; anything else as an empty frame."""
    if isinstance(result, list) and result and isinstance(result[0], dict):
        return pl.DataFrame(result, infer_schema_length=None)
    return pl.DataFrame()


@dataclass(frozen=True)
class KpiSpec:
    """A KPI read from the catalog: id, optional distribution stat, optional label override."""

    metric_id: str
    stat: str | None = None
    label: str | None = None


#: metrics that describe the moment ``as_of`` (a stock), not the period (a flow): no change vs the
#: previous period, on the page and in the exports alike
POINT_IN_TIME = ("pipeline_value",)


def kpis(ds: Dataset, prev: Dataset | None, specs: list[KpiSpec]) -> tuple[Kpi, ...]:
    """KPIs with the change vs ``prev`` (same unit; percent points for percentages); ``POINT_IN_TIME``
    metrics carry no change.

    Specs whose id is not in the catalog are left out.
    """
    out: list[Kpi] = []
    for spec in specs:
        if not has(spec.metric_id):
            continue
        m = catalog.get(spec.metric_id)
        now = value_of(m.compute(ds), spec.stat)
        point = spec.metric_id in POINT_IN_TIME
        before = value_of(m.compute(prev), spec.stat) if prev is not None and not point else None
        delta = None if now is None or before is None else now - before
        label = spec.label or (m.label if spec.stat in (None, "median") else f"{m.label} ({spec.stat})")
        out.append(Kpi(label=label, value=now, unit=m.unit, delta=delta, help=m.definition))
    return tuple(out)


def months_back(period: Period, n: int) -> list[Period]:
    """The ``n`` calendar months ending with the month of the period's last day (oldest first).

    The last month is clipped to the period's end, so a running month is partial.
    """
    last_day = period.end - timedelta(days=1)
    first = _month_start(last_day)
    out = []
    for k in range(n - 1, -1, -1):
        lo = _add_months(first, -k)
        hi = min(_add_months(lo, 1), period.end)
        out.append(Period(lo, hi))
    return out


def month_label(p: Period) -> str:
    return f"{MONTHS_PT[p.start.month - 1]}/{p.start:%y}"


def trend_label(p: Period) -> str:
    """``month_label`` plus `` (parcial)`` when the month is clipped (the running month)."""
    full = p.end >= _add_months(_month_start(p.start), 1)
    return month_label(p) + ("" if full else " (parcial)")


def monthly_series(ds: Dataset, specs: list[KpiSpec], n: int = 6) -> pl.DataFrame:
    """One row per month (``Mês``) and one column per KPI label; month-over-month trend data.

    Uses ``ds.with_period`` so scope, filters and as_of are the page's.
    """
    specs = [s for s in specs if has(s.metric_id)]
    rows: list[dict[str, Any]] = []
    for p in months_back(ds.period, n):
        mds = ds.with_period(p)
        row: dict[str, Any] = {"Mês": trend_label(p), "Início": p.start}
        for s in specs:
            m = catalog.get(s.metric_id)
            row[s.label or m.label] = value_of(m.compute(mds), s.stat)
        rows.append(row)
    schema: dict[str, Any] = {"Mês": pl.String, "Início": pl.Date}
    for s in specs:
        schema[s.label or catalog.get(s.metric_id).label] = pl.Float64
    return pl.DataFrame(rows, schema=schema)


def series_units(specs: list[KpiSpec]) -> dict[str, str]:
    out = {}
    for s in specs:
        if has(s.metric_id):
            m = catalog.get(s.metric_id)
            out[s.label or m.label] = m.unit
    return out


def trend_table(trend: pl.DataFrame, specs: list[KpiSpec], title: str = "Tendência mensal") -> Table:
    """A ``monthly_series`` frame as a report table with a line chart."""
    cols = tuple(c for c in trend.columns if c not in ("Mês", "Início"))
    return Table(title, trend.drop("Início"), series_units(specs), chart="line", chart_x="Mês", chart_y=cols)


def drill_rows(ds: Dataset, metric_id: str, viewer: Viewer, limit: int = 500) -> pl.DataFrame | None:
    """The rows behind a metric (``Metric.rows``) as people read them; ``None`` if unavailable.

    Masked for non-admins on the raw columns, then presented (``drill.present``: pt-BR headers and labels,
    short ids, sim/não, local times in ``ds.settings.timezone``, durations); the page and the exports show
    this same frame.
    """
    if not has(metric_id):
        return None
    m = catalog.get(metric_id)
    if m.rows is None:
        return None
    rows = mask_frame(m.rows(ds).head(limit), viewer)
    return present(rows, ds.settings.timezone, staff_names(ds))


def staff_names(ds: Dataset) -> dict[str, str]:
    """users.id -> staff name (staff names are not lead data)."""
    users = ds.users
    if users.height == 0:
        return {}
    return dict(zip(users.get_column("id").to_list(), users.get_column("name").to_list(), strict=True))


def name_secretaries(frame: pl.DataFrame, col: str, names: dict[str, str], alias: str = "Secretária") -> pl.DataFrame:
    """Replace a users.id column by the staff name (``drill.staff_name_expr``): a null id is
    "sem responsável", an id ``users`` does not name is "sem nome (<short id>)"."""
    if col not in frame.columns:
        return frame
    return frame.with_columns(staff_name_expr(col, names).alias(alias)).drop(col if col != alias else [])


@dataclass(frozen=True)
class View:
    """What a page shows: KPIs, named tables (pt-BR headers) and drill-down rows.

    ``tables`` keys are stable section ids used by the page layout;
    ``drill`` maps a pt-BR title to the (masked) rows behind an aggregate.
    """

    kpis: tuple[Kpi, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)
    drill: dict[str, pl.DataFrame] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    has_data: bool = True  # False when nothing happened in the period for this scope

    @property
    def empty(self) -> bool:
        return not self.has_data or (not self.kpis and all(t.frame.height == 0 for t in self.tables.values()))


def period_has_data(ds: Dataset) -> bool:
    """Anything in the period for this scope: a lead, a conversation, a message or a booking."""
    return bool(
        ds.cohort.height
        or ds.period_conversations.height
        or ds.messages.filter(ds.in_period("created_at")).height
        or ds.bookings.filter(ds.in_period("scheduled_for")).height
    )


def table(title: str, frame: pl.DataFrame, units: dict[str, str] | None = None, **chart: Any) -> Table:
    return Table(title=title, frame=frame, units=units or {}, **chart)


def as_of_local(ds: Dataset) -> datetime:
    return ds.as_of.astimezone(ds.settings.tz)
