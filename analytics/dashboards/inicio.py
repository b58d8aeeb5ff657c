"""Landing page: the headline KPIs for the viewer's role."""

from __future__ import annotations

from dataclasses import replace

from analytics.dashboards.common import KpiSpec, View, kpis, period_has_data
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


def headline(ds: Dataset, prev: Dataset | None, viewer: Viewer) -> View:
    """KPIs of the role (a secretary's are her own: ``ds`` is already scoped to her user id)."""
    if viewer.role == "secretary":
        assert ds.filters.secretaries == (viewer.user_id,), "secretary dataset must be scoped to her"
    return replace(View(), kpis=kpis(ds, prev, HEADLINES.get(viewer.role, [])), has_data=period_has_data(ds))
