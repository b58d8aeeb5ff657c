"""PDF export of a ``Report`` with fpdf2: cover, KPIs, charts (PNG via kaleido), tables, "Página X de Y".

Text uses DejaVu Sans shipped under ``assets/`` (a Latin subset, ~80 kB per weight, Bitstream Vera/DejaVu
license in ``assets/LICENSE-DejaVu.txt``) so accents render on a fresh machine; the full system DejaVu, when
installed, is a fallback for rarer glyphs. The subset was made with:
``pyftsubset DejaVuSans.ttf --unicodes=U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DC,U+2010-2027,U+2030-203A,
U+2044,U+20A0-20CF,U+2116,U+2122,U+2190-2199,U+2212,U+2264-2265,U+25A0-25CF,U+2713-2717,U+FFFD
--layout-features='*' --name-IDs='*' --name-languages='*'`` (same for DejaVuSans-Bold.ttf).

Layout: tables flow one after another; a new page starts only when a table needs landscape or its title,
heading and first rows would not fit (see ``_table_body``); a long narrow table is cut into side-by-side blocks;
headings wrap at word boundaries only (a column is at least as wide as its heading's widest word, or that heading
gets a smaller font).

Charts never make the export fail: without a browser, or when the image export fails or times out, a note
"Gráfico indisponível: <motivo>" takes the chart's place. Long tables are cut at ``MAX_TABLE_ROWS`` with a note.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import MethodReturnValue, PageOrientation, TableCellFillMode, TableHeadingsDisplay

from analytics.formatting import DASH, fmt_num, fmt_value
from analytics.reports._common import cell_text, generated_label, generated_with_zone, local_frame, table_units
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
KEEP_ROWS = 3  # a table starts on a new page unless its title, heading and this many rows fit on the current one
SMALL_TABLE_ROWS = 8  # ... or all its rows, for a table this short (never split a small table over two pages)
_MIN_BLOCK_ROWS = 30  # a narrow table longer than this is laid out in side-by-side blocks
_MAX_BLOCKS = 4
_BLOCK_GAP = 8.0  # mm between side-by-side blocks
_TABLE_TITLE_SIZE = 12.0  # pt
_LINE = 0.55  # table line height, mm per pt of font size
_CELL_PAD_Y = 0.8  # mm of table cell padding, top and bottom
_PAD = 2.5  # mm added to a text's width for a column's natural width
_CELL_PAD_X = 1.0  # mm of table cell padding, left and right
_MIN_HEAD_SIZE = 5.0  # pt: smallest font a heading shrinks to so that its widest word fits its column


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
        ("Gerado em", generated_with_zone(report)),
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


@dataclass(frozen=True)
class _Layout:
    """How a table is drawn: body font size (pt), column widths (mm), heading font size per column (pt)."""

    size: float
    widths: list[float]
    head_sizes: list[float]
    landscape: bool


def _longest_word(pdf: _PDF, text: str) -> float:
    """Width (mm) of the widest word of ``text`` in the current font: a cell narrower than that breaks mid-word."""
    return max((pdf.get_string_width(w) for w in text.split()), default=0.0)


def _layout(pdf: _PDF, cols: list[str], body: list[list[str]], numeric: list[bool]) -> _Layout:
    """Font size, column widths and heading sizes so that the table fits the page width.

    Natural width of a column: its longest cell (text capped at 70 mm), its heading (capped at 24 mm for numbers,
    45 mm for text: longer headings wrap) and never less than the heading's widest word, so headings wrap at
    word boundaries only. Too wide for portrait: 7 pt, then landscape, then 6 pt. Still too wide: text columns
    absorb the squeeze (they wrap), or all columns shrink; a heading whose widest word no longer fits its
    column gets a smaller font (down to ``_MIN_HEAD_SIZE``).
    """
    portrait_w = min(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
    landscape_w = max(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin

    def natural(font_size: float) -> list[float]:
        pdf.set_font(FONT, "B", font_size)
        head = [pdf.get_string_width(c) + _PAD for c in cols]
        words = [_longest_word(pdf, c) + _PAD for c in cols]
        pdf.set_font(FONT, "", font_size)
        out = []
        for j, h in enumerate(head):
            longest = max((pdf.get_string_width(r[j]) for r in body[:100]), default=0.0) + _PAD
            if numeric[j]:  # numbers never wrap; long headers may
                out.append(max(min(h, 24.0), longest, words[j], 12.0))
            else:
                out.append(max(min(h, 45.0), min(longest, 70.0), words[j], 12.0))
        return out

    size = 8.5
    widths = natural(size)
    landscape = False
    if sum(widths) > portrait_w:
        size = 7.0
        widths = natural(size)
        landscape = sum(widths) > portrait_w
        if landscape and sum(widths) > landscape_w:  # too wide even in landscape
            size = 6.0
            widths = natural(size)
    avail = (landscape_w if landscape else portrait_w) - 0.5  # fpdf2 rejects a width a rounding error too wide
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
    head_sizes = []
    for c, w in zip(cols, widths, strict=True):
        s = size
        pdf.set_font(FONT, "B", s)
        while s > _MIN_HEAD_SIZE and _longest_word(pdf, c) > w - 2 * _CELL_PAD_X - 0.1:
            s -= 0.5
            pdf.set_font(FONT, "B", s)
        head_sizes.append(s)
    return _Layout(size, widths, head_sizes, landscape)


def _draw_table(pdf: _PDF, cols: list[str], body: list[list[str]], numeric: list[bool], lay: _Layout) -> None:
    """The table at the current position (x included), heading repeated on every page it spans."""
    pdf.set_font(FONT, "", lay.size)
    pdf.set_fill_color(*_LIGHT)  # see _kpis
    with pdf.table(
        col_widths=tuple(lay.widths),
        width=sum(lay.widths),
        align="LEFT",
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
        line_height=lay.size * _LINE,
        padding=(_CELL_PAD_Y, _CELL_PAD_X),
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_BLUE),
        cell_fill_color=_LIGHT,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
    ) as t:
        head = t.row()
        for c, s in zip(cols, lay.head_sizes, strict=True):
            head.cell(c, style=FontFace(size_pt=s) if s != lay.size else None)
        for r in body:
            t.row(r)


def _row_height(pdf: _PDF, cells: list[str], lay: _Layout, heading: bool = False) -> float:
    """Height (mm) of a table row, measured the way fpdf2's table measures it (``multi_cell`` dry run)."""
    height = 0.0
    for j, (text, w) in enumerate(zip(cells, lay.widths, strict=True)):
        pdf.set_font(FONT, "B" if heading else "", lay.head_sizes[j] if heading else lay.size)
        h = pdf.multi_cell(
            w, lay.size * _LINE, text, max_line_height=lay.size * _LINE, dry_run=True,
            output=MethodReturnValue.HEIGHT, padding=(_CELL_PAD_Y, _CELL_PAD_X),
        )  # fmt: skip
        height = max(height, float(h))  # type: ignore[arg-type]
    return height


def _title_height(pdf: _PDF, title: str) -> float:
    """Height (mm) of ``_PDF.heading(title, _TABLE_TITLE_SIZE)``: the wrapped lines plus the gap below."""
    pdf.set_font(FONT, "B", _TABLE_TITLE_SIZE)
    lines = pdf.multi_cell(0, _TABLE_TITLE_SIZE * 0.5, title, dry_run=True, output=MethodReturnValue.LINES)
    return len(lines) * _TABLE_TITLE_SIZE * 0.5 + 2  # type: ignore[arg-type]


def _blocks(lay: _Layout, usable_w: float) -> int:
    """How many copies of the table fit side by side on the page width (a long narrow table is cut into
    blocks laid out like a phone book's columns)."""
    return max(1, min(_MAX_BLOCKS, int((usable_w + _BLOCK_GAP) // (sum(lay.widths) + _BLOCK_GAP))))


def _draw_in_blocks(
    pdf: _PDF,
    cols: list[str],
    body: list[list[str]],
    numeric: list[bool],
    lay: _Layout,
    n_blocks: int,
    head_h: float,
    row_h: float,
) -> None:
    """Long narrow table with rows of equal height ``row_h``: top to bottom in ``n_blocks`` side-by-side blocks,
    each with its own heading; the last page's rows are spread evenly over the blocks."""
    i, fresh = 0, False
    while i < len(body):
        top = pdf.get_y()
        per_block = int((pdf.page_break_trigger - top - head_h - 0.5) // row_h)
        if per_block < KEEP_ROWS and not fresh:
            pdf.add_page(orientation=pdf.cur_orientation)
            fresh = True
            continue
        if per_block < 1:
            raise ValueError("table heading taller than a page")  # _table prints a note instead
        fresh = False
        left = len(body) - i
        if left <= per_block * n_blocks:  # last page: balance the blocks
            per_block = -(-left // n_blocks)
        bottom = top
        for b in range(n_blocks):
            chunk = body[i : i + per_block]
            if not chunk:
                break
            pdf.set_xy(pdf.l_margin + b * (sum(lay.widths) + _BLOCK_GAP), top)
            _draw_table(pdf, cols, chunk, numeric, lay)
            bottom = max(bottom, pdf.get_y())
            i += len(chunk)
        pdf.set_xy(pdf.l_margin, bottom)
        if i < len(body):
            pdf.add_page(orientation=pdf.cur_orientation)
            fresh = True


def _table_body(pdf: _PDF, table: Table, tz: str) -> None:
    """Title and table, flowing after what is already on the page.

    A new page starts only when the table needs landscape and this page is not, or when the title, the heading
    and the first rows (all of them for a table of up to ``SMALL_TABLE_ROWS`` rows, else ``KEEP_ROWS``) do not
    fit in the rest of this page; so a title is never left alone and a heading never without rows below it.
    """
    frame = local_frame(table, tz)
    total = frame.height
    all_cols = frame.columns
    shown = frame.head(MAX_TABLE_ROWS).select(all_cols[:MAX_TABLE_COLS])
    cols = shown.columns
    units = [table_units(table).get(c) for c in cols]
    numeric = [shown.schema[c].is_numeric() for c in cols]
    body = [[cell_text(v, u) for v, u in zip(row, units, strict=True)] for row in shown.iter_rows()]
    lay = _layout(pdf, cols, body, numeric)
    orientation = PageOrientation.LANDSCAPE if lay.landscape else PageOrientation.PORTRAIT
    if pdf.page_no() == 0 or (lay.landscape and pdf.cur_orientation != PageOrientation.LANDSCAPE):
        pdf.add_page(orientation=orientation)
    n_blocks = _blocks(lay, pdf.usable_w) if len(body) > _MIN_BLOCK_ROWS else 1
    head_h = _row_height(pdf, cols, lay, heading=True)
    keep = body if len(body) <= SMALL_TABLE_ROWS else body[:KEEP_ROWS]
    row_hs = [_row_height(pdf, r, lay) for r in (body if n_blocks > 1 else keep)]
    need = _title_height(pdf, table.title) + head_h + sum(row_hs[: len(keep)])
    if pdf.get_y() + need > pdf.page_break_trigger:
        pdf.add_page(orientation=orientation)
    pdf.heading(table.title, _TABLE_TITLE_SIZE, min_space=0)
    if n_blocks > 1 and max(row_hs) - min(row_hs) < 0.01:  # rows of one line each: blocks side by side
        _draw_in_blocks(pdf, cols, body, numeric, lay, n_blocks, head_h, max(row_hs))
    else:
        _draw_table(pdf, cols, body, numeric, lay)
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
