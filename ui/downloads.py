"""Downloads (CSV, Excel, PDF) built from one Report: exactly what the page shows to the viewer."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from analytics.dashboards.common import View, viewer_label
from analytics.reports.model import Chart, Report, Table
from ui.context import PageContext


def report(ctx: PageContext, title: str, view: View, figures: dict[str, object] | None = None) -> Report:
    """The page as a Report: its KPIs, its tables, its drill-down rows (masked), its charts."""
    tables = [t for t in view.tables.values() if t.frame.height]
    tables += [Table(name, rows) for name, rows in view.drill.items() if rows.height]
    charts = tuple(Chart(name, fig) for name, fig in (figures or {}).items())
    return Report(
        title=title, clinic=ctx.settings.clinic_name, period_label=ctx.state.label,
        generated_at=datetime.now(UTC), timezone=ctx.settings.timezone, viewer_label=viewer_label(ctx.viewer),
        kpis=view.kpis, tables=tuple(tables), charts=charts, notes=view.notes,
    )


def buttons(ctx: PageContext, title: str, view: View, figures: dict[str, object] | None = None) -> None:
    """Three download buttons; files are built only when clicked."""
    rep = report(ctx, title, view, figures)
    stem = f"{ctx.page}_{ctx.period.start:%Y%m%d}_{ctx.period.end:%Y%m%d}"

    def csv() -> bytes:
        from analytics.reports.export_csv import to_csv
        return to_csv(rep)

    def xlsx() -> bytes:
        from analytics.reports.excel import to_excel
        return to_excel(rep)

    def pdf() -> bytes:
        from analytics.reports.pdf import to_pdf
        return to_pdf(rep)

    st.divider()
    st.markdown("**Baixar este painel**")
    c1, c2, c3 = st.columns(3)
    c1.download_button("CSV", csv, f"{stem}.csv", "text/csv", on_click="ignore", icon="📄", width="stretch")
    c2.download_button("Excel", xlsx, f"{stem}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                       icon="📊", width="stretch")
    c3.download_button("PDF", pdf, f"{stem}.pdf", "application/pdf", on_click="ignore", icon="🧾", width="stretch")
