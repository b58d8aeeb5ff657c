"""PDF export of a ``Report`` with fpdf2: cover, KPIs, charts (PNG via kaleido), tables, "Página X de Y".

Text uses DejaVu Sans shipped under ``assets/`` (a Latin subset, ~80 kB per weight, Bitstream Vera/DejaVu
license in ``assets/LICENSE-DejaVu.txt``) so accents render on a fresh machine; the full system DejaVu, when
installed, is a fallback for rarer glyphs. The subset was made with:
``pyftsubset DejaVuSans.ttf --unicodes=U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DC,U+2010-2027,U+2030-203A,
U+2044,U+20A0-20CF,U+2116,U+2122,U+2190-2199,U+2212,U+2264-2265,U+25A0-25CF,U+2713-2717,U+FFFD
--layout-features='*' --name-IDs='*' --name-languages='*'`` (same for DejaVuSans-Bold.ttf).

Charts never make the export fail: without a browser, or when the image export fails or times out, a note
"Gráfico indisponível: <motivo>" takes the chart's place. Long tables are cut at ``MAX_TABLE_ROWS`` with a note.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import TableCellFillMode, TableHeadingsDisplay

from analytics.formatting import DASH, fmt_num, fmt_value
from analytics.reports._common import cell_text, generated_label, local_frame, table_units
from analytics.reports.charts_static import render_pngs
from analytics.reports.model import Kpi, Report, Table

log = logging.getLogger(__name__)

ASSETS = Path(__file__).parent / "assets"
_SYSTEM_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT = "dejavu"
MAX_TABLE_ROWS = 200
MAX_TABLE_COLS = 14  # more would not be readable on an A4 page (landscape)
_MARGIN = 15.0
_BLUE = (31, 78, 121)
_GREY = (110, 110, 110)
_LIGHT = (238, 243, 248)
_CHART_RATIO = 0.5  # height / width of the exported PNG


def _delta_text(k: Kpi) -> str:
    """Variation vs the previous period: '+1,2 p.p.' for percents, '+R$ 10,00', '−3 min'."""
    d = k.delta
    if d is None:
        return ""
    sign = "+" if d > 0 else ""
    if k.unit == "percent":
        return f"{sign}{fmt_num(d, 1)} p.p."
    return f"{sign}{fmt_value(d, k.unit)}"


class _PDF(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=_MARGIN + 5)
        self.add_font(FONT, "", str(ASSETS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(ASSETS / "DejaVuSans-Bold.ttf"))
        fallback = _SYSTEM_DEJAVU / "DejaVuSans.ttf"
        if fallback.is_file():
            self.add_font("dejavufull", "", str(fallback))
            self.set_fallback_fonts(["dejavufull"], exact_match=False)
        self.set_title(f"{report.title} — {report.clinic}")
        self.set_creator("Clinic Analytics")
        self.set_lang("pt-BR")

    @property
    def usable_w(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        r = self.report
        self.cell(0, 5, f"{r.clinic} · {r.title} · {r.period_label}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"Gerado em {generated_label(self.report)}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Página {self.page_no()} de {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 13, min_space: float = 30) -> None:
        if self.get_y() + min_space > self.page_break_trigger:
            self.add_page()
        self.set_font(FONT, "B", size)
        self.set_text_color(*_BLUE)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def note(self, text: str, size: float = 8.5) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*_GREY)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)


def _cover(pdf: _PDF, report: Report) -> None:
    pdf.add_page()
    pdf.set_fill_color(*_BLUE)
    pdf.rect(0, 0, pdf.w, 38, style="F")
    pdf.set_xy(_MARGIN, 12)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, report.clinic, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(48)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    rows = [
        ("Período", report.period_label),
        ("Gerado em", f"{generated_label(report)} (horário de {report.timezone})"),
        ("Visualização", report.viewer_label),
    ]
    for label, value in rows:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(32, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if report.notes:
        pdf.ln(2)
        for n in report.notes:
            pdf.note(f"• {n}", 9)
    pdf.ln(6)


def _kpis(pdf: _PDF, kpis: tuple[Kpi, ...]) -> None:
    pdf.heading("Indicadores")
    has_delta = any(k.delta is not None for k in kpis)
    headers = ["Indicador", "Valor", *(["Variação"] if has_delta else [])]
    widths = (95, 45, 40) if has_delta else (120, 60)
    pdf.set_font(FONT, "", 10)
    pdf.set_fill_color(*_LIGHT)  # fpdf2 2.8 leaves the heading fill active for filled rows otherwise
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", "RIGHT", "RIGHT")[: len(headers)],
        line_height=6.5,
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_BLUE),
        cell_fill_color=_LIGHT,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
    ) as t:
        t.row(headers)
        for k in kpis:
            t.row([k.label, fmt_value(k.value, k.unit), *([_delta_text(k)] if has_delta else [])])
    pdf.ln(5)


def _charts(pdf: _PDF, report: Report) -> None:
    rendered = render_pngs([c.figure for c in report.charts])
    pdf.heading("Gráficos", min_space=20 + pdf.usable_w * _CHART_RATIO)
    for chart, r in zip(report.charts, rendered, strict=True):
        img_h = pdf.usable_w * _CHART_RATIO if r.png else 16.0
        if pdf.get_y() + 8 + img_h > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(0, 6, chart.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        if r.png:
            pdf.image(io.BytesIO(r.png), x=pdf.l_margin, w=pdf.usable_w, h=img_h)
        else:
            pdf.set_draw_color(190, 190, 190)
            pdf.set_fill_color(248, 248, 248)
            pdf.set_font(FONT, "", 9.5)
            pdf.set_text_color(*_GREY)
            pdf.cell(
                0,
                img_h,
                f"Gráfico indisponível: {r.reason}",
                border=1,
                fill=True,
                align="C",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.set_text_color(0, 0, 0)
        pdf.ln(5)


def _table(pdf: _PDF, table: Table, tz: str) -> None:
    """One table, or a note in its place if it cannot be laid out (the Excel file always has it)."""
    try:
        _table_body(pdf, table, tz)
    except Exception as exc:  # layout limits of fpdf2 (e.g. absurd widths) must not lose the whole PDF
        log.warning("pdf: table could not be rendered: %s", type(exc).__name__)
        pdf.set_x(pdf.l_margin)
        pdf.note(f"A tabela “{table.title}” não coube no PDF; o Excel traz todos os dados.", 9)
        pdf.ln(4)


def _table_body(pdf: _PDF, table: Table, tz: str) -> None:
    frame = local_frame(table, tz)
    total = frame.height
    all_cols = frame.columns
    shown = frame.head(MAX_TABLE_ROWS).select(all_cols[:MAX_TABLE_COLS])
    cols = shown.columns
    units = [table_units(table).get(c) for c in cols]
    numeric = [shown.schema[c].is_numeric() for c in cols]
    body = [[cell_text(v, u) for v, u in zip(row, units, strict=True)] for row in shown.iter_rows()]
    size = 8.5
    pad = 2.5

    def natural(font_size: float) -> list[float]:
        pdf.set_font(FONT, "B", font_size)
        head = [pdf.get_string_width(c) + pad for c in cols]
        pdf.set_font(FONT, "", font_size)
        out = []
        for j, h in enumerate(head):
            longest = max((pdf.get_string_width(r[j]) for r in body[:100]), default=0.0) + pad
            if numeric[j]:  # numbers never wrap; long headers may
                out.append(max(min(h, 24.0), longest, 12.0))
            else:
                out.append(max(min(h, 45.0), min(longest, 70.0), 12.0))
        return out

    widths = natural(size)
    landscape = False
    if sum(widths) > pdf.usable_w:
        size = 7.0
        widths = natural(size)
        landscape = sum(widths) > pdf.usable_w
        if landscape and sum(widths) > pdf.h - pdf.l_margin - pdf.r_margin:  # too wide even in landscape
            size = 6.0
            widths = natural(size)
    if landscape:
        pdf.add_page(orientation="L")
    elif pdf.page_no() == 0 or pdf.cur_orientation != "P" or pdf.get_y() + 40 > pdf.page_break_trigger:
        pdf.add_page(orientation="P")
    pdf.heading(table.title, 12)
    avail = pdf.usable_w - 0.5  # fpdf2 rejects a width even a rounding error above the page width
    if sum(widths) > avail:
        # Text columns absorb the squeeze (they wrap); numeric ones keep their width if the text has room left.
        fixed = sum(w for w, n in zip(widths, numeric, strict=True) if n)
        text_w = sum(w for w, n in zip(widths, numeric, strict=True) if not n)
        n_text = numeric.count(False)
        if n_text and avail - fixed >= 18.0 * n_text:
            k = (avail - fixed) / text_w
            widths = [w if n else w * k for w, n in zip(widths, numeric, strict=True)]
        else:
            widths = [w * avail / sum(widths) for w in widths]
    pdf.set_font(FONT, "", size)
    pdf.set_fill_color(*_LIGHT)  # see _kpis
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
        line_height=size * 0.55,
        padding=(0.8, 1.0),
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_BLUE),
        cell_fill_color=_LIGHT,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
    ) as t:
        t.row(list(cols))
        for r in body:
            t.row(r)
    if total > shown.height:
        pdf.ln(1)
        pdf.note(f"Mostrando as primeiras {fmt_num(shown.height)} linhas de {fmt_num(total)}; o Excel traz todas.")
    if len(all_cols) > len(cols):
        pdf.note(f"Mostrando as primeiras {len(cols)} colunas de {len(all_cols)}; o Excel traz todas.")
    if total == 0:
        pdf.note(f"Sem dados no período ({DASH}).")
    pdf.ln(6)


def to_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4); chart images are best effort and never make this raise."""
    pdf = _PDF(report)
    _cover(pdf, report)
    if report.kpis:
        _kpis(pdf, report.kpis)
    if report.charts:
        _charts(pdf, report)
    for table in report.tables:
        _table(pdf, table, report.timezone)
    return bytes(pdf.output())
