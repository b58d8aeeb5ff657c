"""Downloads (CSV, Excel, PDF) built from one Report: exactly what the page shows to the viewer."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from analytics.dashboards.common import View, viewer_label
from analytics.reports._common import file_stem
from analytics.reports.model import Chart, Report, Table
from ui.context import PageContext


def report_title(title: str, subject: str | None = None) -> str:
    """'Painel da Secretária — Ana Paula Ferreira' when the page is about one person or item, else ``title``."""
    subject = (subject or "").strip()
    return f"{title} — {subject}" if subject else title


def report(
    ctx: PageContext, title: str, view: View, figures: dict[str, object] | None = None, *, subject: str | None = None
) -> Report:
    """The page as a Report: its KPIs, its tables, its drill-down rows (masked), its charts.

    ``subject`` (e.g. the secretary's name) is appended to the title, so it is on the PDF cover and every
    page header, in the Excel "Resumo" sheet and in the CSV header block.
    """
    tables = [t for t in view.tables.values() if t.frame.height]
    tables += [Table(name, rows) for name, rows in view.drill.items() if rows.height]
    charts = tuple(Chart(name, fig) for name, fig in (figures or {}).items())
    return Report(
        title=report_title(title, subject), clinic=ctx.settings.clinic_name, period_label=ctx.state.label,
        generated_at=datetime.now(UTC), timezone=ctx.settings.timezone, viewer_label=viewer_label(ctx.viewer),
        kpis=view.kpis, tables=tuple(tables), charts=charts, notes=view.notes,
    )  # fmt: skip


def buttons(
    ctx: PageContext, title: str, view: View, figures: dict[str, object] | None = None, *, subject: str | None = None
) -> None:
    """Three download buttons; files are built only when clicked.

    File names: ``<page>[_<subject slug>]_<first day>_<last day>`` with the period's inclusive last day,
    e.g. ``secretaria_ana-paula-ferreira_20261021_20261119.pdf`` for 21/10/2026 a 19/11/2026.
    """
    rep = report(ctx, title, view, figures, subject=subject)
    stem = file_stem(ctx.page, ctx.period, subject)

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
