"""Landing page: the headline KPIs for the viewer's role."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import polars as pl

from analytics.dashboards.common import KpiSpec, View, as_of_local, kpis, period_has_data, table
from analytics.dataset import Dataset
from analytics.privacy import Viewer

HEADLINES: dict[str, list[KpiSpec]] = {
    "admin": [KpiSpec("leads_total"), KpiSpec("conversion_rate"), KpiSpec("revenue"), KpiSpec("sla_compliance"),
              KpiSpec("nps"), KpiSpec("bot_autonomy_rate"), KpiSpec("response_seconds", "median"),
              KpiSpec("pipeline_value")],
    "manager": [KpiSpec("sla_compliance"), KpiSpec("response_seconds", "median"), KpiSpec("unanswered_runs"),
                KpiSpec("transfer_rate"), KpiSpec("bot_autonomy_rate"), KpiSpec("csat")],
    "marketing": [KpiSpec("leads_total"), KpiSpec("conversion_rate"), KpiSpec("revenue"),
                  KpiSpec("time_to_conversion_days", "median")],
    "secretary": [KpiSpec("response_seconds", "median"), KpiSpec("sla_compliance"),
                  KpiSpec("first_response_seconds", "median"), KpiSpec("leads_converted"), KpiSpec("csat")],
}


def leads_per_day(ds: Dataset) -> pl.DataFrame:
    """New leads of the scope per local day of the period (``Dia``, ``Leads``), days without any as 0,
    up to the as_of day (a period running into the future stops there)."""
    start = ds.period.start
    last = min(ds.period.end - timedelta(days=1), as_of_local(ds).date())
    if last < start:
        return pl.DataFrame(schema={"Dia": pl.Date, "Leads": pl.UInt32})
    days = pl.DataFrame({"Dia": pl.date_range(start, last, "1d", eager=True)})
    counts = ds.cohort.group_by(ds.local("created_at").dt.date().alias("Dia")).agg(pl.len().alias("Leads"))
    return days.join(counts, on="Dia", how="left").with_columns(pl.col("Leads").fill_null(0).cast(pl.UInt32))


def headline(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    """KPIs of the role (a secretary's are her own: ``ds`` is already scoped to her user id) and the
    daily new leads of that scope."""
    if viewer.role == "secretary":
        assert ds.filters.secretaries == (viewer.user_id,), "secretary dataset must be scoped to her"
    daily = table("Leads novos por dia", leads_per_day(ds), {"Leads": "count", "Dia": "date"}, chart="line",
                  chart_x="Dia", chart_y=("Leads",))
    return replace(View(), kpis=kpis(ds, prev, HEADLINES.get(viewer.role, [])), tables={"daily": daily},
                   has_data=period_has_data(ds))
