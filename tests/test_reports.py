"""Export builders: CSV, Excel and PDF from one neutral Report."""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, date, datetime

import openpyxl
import polars as pl
import pytest
from pypdf import PdfReader

from analytics.reports import charts_static, pdf
from analytics.reports.excel import sheet_name, to_excel
from analytics.reports.export_csv import to_csv
from analytics.reports.model import Chart, Kpi, Report, Table
from analytics.reports.pdf import to_pdf


def _figure(title: str = "Receita diária — Operações") -> object:
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=["jan", "fev", "mar"], y=[3, 1, 2]), layout_title_text=title)


def _report(charts: int = 0, rows: int = 3) -> Report:
    detail = pl.DataFrame(
        {
            "Paciente": ["M. S. S.", "J. A.", None],
            "Valor (R$)": [1234.56, None, 10.0],
            "Satisfação (%)": [12.5, 100.0, None],
            "Dia": [date(2025, 1, 2), date(2025, 1, 3), None],
            # 12:30 UTC is 09:30 in São Paulo (UTC-3, no DST since 2019)
            "Primeira mensagem": [
                datetime(2025, 1, 2, 12, 30, tzinfo=UTC),
                None,
                datetime(2025, 1, 3, 2, 0, tzinfo=UTC),
            ],
            "Tempo de resposta": [200, 45, None],
            "Origem": ["Operações", "=1+1", "Indicação"],
        }
    ).with_columns(pl.col("Primeira mensagem").cast(pl.Datetime("us", "UTC")))
    if rows > 3:
        detail = pl.concat([detail] * (rows // 3))
    daily = pl.DataFrame({"Dia": [date(2025, 1, d) for d in (1, 2, 3)], "Receita (R$)": [100.0, 250.5, 75.25]})
    return Report(
        title="Painel Executivo",
        clinic="Clínica Sorriso",
        period_label="01/01/2025 a 31/01/2025",
        generated_at=datetime(2025, 2, 1, 13, 5, tzinfo=UTC),  # 10:05 in São Paulo
        timezone="America/Sao_Paulo",
        viewer_label="Gerente (dados mascarados)",
        kpis=(
            Kpi("Receita", 1234.56, "brl", 100.0),
            Kpi("Conversão", 12.5, "percent", -1.25),
            Kpi("Tempo até 1ª resposta", 200, "seconds"),
            Kpi("Leads", 1234, "count"),
            Kpi("Satisfação", None, "score"),
        ),
        tables=(
            Table(
                "Detalhe: Operações/Satisfação dos pacientes",
                detail,
                {
                    "Valor (R$)": "brl",
                    "Satisfação (%)": "percent",
                    "Dia": "date",
                    "Primeira mensagem": "datetime",
                    "Tempo de resposta": "seconds",
                },
            ),
            Table("Receita diária", daily, {"Dia": "date", "Receita (R$)": "brl"}, "line", "Dia", ("Receita (R$)",)),
        ),
        charts=tuple(Chart(f"Gráfico {i + 1}", _figure()) for i in range(charts)),
        notes=("Nomes mascarados conforme o perfil.",),
    )


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


# ---------------------------------------------------------------- CSV


def test_csv_is_excel_friendly_ptbr() -> None:
    raw = to_csv(_report())
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Relatório;Painel Executivo"
    assert "Gerado em;01/02/2025 10:05 (horário de Brasília)" in lines
    assert "Receita;1234,56;R$;R$ 1.234,56;100;" in lines  # raw value with decimal comma, then formatted
    assert "Conversão;12,5;%;12,5%;-1,25;" in lines
    # KPIs come before the tables
    assert text.index("Indicadores") < text.index("Detalhe: Operações/Satisfação dos pacientes")
    header = "Paciente;Valor (R$);Satisfação (%);Dia;Primeira mensagem;Tempo de resposta;Origem"
    i = lines.index(header)
    assert lines[i - 1] == "Detalhe: Operações/Satisfação dos pacientes"
    assert lines[i + 1] == "M. S. S.;1234,56;12,5;02/01/2025;02/01/2025 09:30;200;Operações"
    assert lines[i + 2] == "J. A.;;100;03/01/2025;;45;'=1+1"  # None empty; formula neutralised
    assert lines[i + 3] == ";10;;;02/01/2025 23:00;;Indicação"  # 02:00 UTC on the 3rd is 23:00 on the 2nd


# ---------------------------------------------------------------- Excel


def test_sheet_names_valid_unique_and_short() -> None:
    taken: set[str] = {"resumo"}
    assert sheet_name("Leads: detalhe/Operações?", taken) == "Leads detalhe Operações"
    long = "Conversão por origem e por secretária no período"
    a, b = sheet_name(long, taken), sheet_name(long, taken)
    assert a == "Conversão por origem…" and len(b) <= 31 and b.endswith(" (2)") and a != b
    assert sheet_name("Resumo", taken) == "Resumo (2)"
    assert sheet_name("[]*?", taken) == "Tabela"


def test_excel_sheets_formats_and_values() -> None:
    data = to_excel(_report())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Resumo", "Detalhe Operações Satisfação…", "Receita diária"]

    resumo = wb["Resumo"]
    cells = {(c.row, c.column): c for row in resumo.iter_rows() for c in row if c.value is not None}
    values = [c.value for c in cells.values()]
    assert "Clínica Sorriso" in values and "01/01/2025 a 31/01/2025" in values
    assert "01/02/2025 10:05 (horário de Brasília)" in values and "Gerente (dados mascarados)" in values
    by_label = {resumo.cell(r, 1).value: r for r in range(1, resumo.max_row + 1)}
    receita = resumo.cell(by_label["Receita"], 2)
    assert receita.value == 1234.56 and "R$" in receita.number_format and "#,##0.00" in receita.number_format
    conv = resumo.cell(by_label["Conversão"], 2)
    assert conv.value == 12.5 and conv.number_format == '0.0"%"'
    assert resumo.cell(by_label["Leads"], 2).number_format == "#,##0"
    tempo = by_label["Tempo até 1ª resposta"]
    assert resumo.cell(tempo, 2).value == 200 and resumo.cell(tempo, 4).value == "3 min 20 s"
    assert resumo.cell(by_label["Satisfação"], 2).value is None

    ws = wb["Detalhe Operações Satisfação…"]
    assert ws["A1"].value == "Detalhe: Operações/Satisfação dos pacientes"  # full title above the table
    headers = [c.value for c in ws[2]]
    assert headers == [
        "Paciente",
        "Valor (R$)",
        "Satisfação (%)",
        "Dia",
        "Primeira mensagem",
        "Tempo de resposta",
        "Tempo de resposta (texto)",
        "Origem",
    ]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:H5"
    r2 = [c.value for c in ws[3]]
    assert r2 == [
        "M. S. S.",
        1234.56,
        12.5,
        datetime(2025, 1, 2),
        datetime(2025, 1, 2, 9, 30),
        200,
        "3 min 20 s",
        "Operações",
    ]
    assert ws["B3"].number_format == '"R$" #,##0.00' and ws["C3"].number_format == '0.0"%"'
    assert ws["D3"].number_format == "dd/mm/yyyy" and ws["E3"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["B4"].value is None and ws["E4"].value is None  # None -> empty cell
    assert ws["H4"].value == "=1+1" and ws["H4"].data_type == "s"  # text, never a formula
    assert ws["E5"].value == datetime(2025, 1, 2, 23, 0)
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width  # widths follow content

    daily = wb["Receita diária"]
    assert [c.value for c in daily["B"]][2:] == [100.0, 250.5, 75.25]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts == ["xl/charts/chart1.xml"]  # only the table that asked for one
        xml = z.read(charts[0]).decode()
    assert "<c:lineChart>" in xml
    assert "'Receita diária'!$B$3:$B$5" in xml and "'Receita diária'!$A$3:$A$5" in xml
    assert "<c:dateAx>" in xml and 'formatCode="dd/mm/yyyy"' in xml  # dates on the axis, not serial numbers
    assert resumo.cell(by_label["Conversão"], 5).number_format.startswith('+0.0" p.p."')


# ---------------------------------------------------------------- PDF


def test_pdf_text_ptbr_and_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_TABLE_ROWS", 40)
    data = to_pdf(_report(rows=120))  # 120 detail rows: cut at 40, spills over a page
    pages, text = _pdf_text(data)
    assert data.startswith(b"%PDF")
    for needle in (
        "Clínica Sorriso",
        "Painel Executivo",
        "01/01/2025 a 31/01/2025",
        "01/02/2025 10:05",
        "Gerente (dados mascarados)",
        "R$ 1.234,56",
        "12,5%",
        "-1,2 p.p.",
        "3 min 20 s",
        "1.234",
        "M. S. S.",
        "Operações",
        "Satisfação",
        "Indicação",
        "02/01/2025 09:30",
    ):
        assert needle in text, needle
    assert "primeiras 40 linhas de 120; o Excel traz todas" in text
    assert pages >= 2
    assert f"Página 1 de {pages}" in text and f"Página {pages} de {pages}" in text
    assert re.search(r"Página \d+ de \{nb\}", text) is None


def test_pdf_without_browser_prints_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    _, text = _pdf_text(to_pdf(_report(charts=2)))
    assert text.count("Gráfico indisponível: navegador para exportar imagens não encontrado") == 2
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv(charts_static.DISABLE_ENV, "1")
    _, text = _pdf_text(to_pdf(_report(charts=1)))
    assert "Gráfico indisponível: exportação de imagens desativada" in text


class _FakeSession:
    def __init__(self, error: BaseException) -> None:
        self.error, self.calls, self.closed = error, 0, False

    def png(self, figure: object) -> bytes:
        self.calls += 1
        raise self.error

    def close(self) -> None:
        self.closed = True


def test_render_failures_and_timeouts_never_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts_static, "find_browser", lambda: "/usr/bin/true")
    failing = _FakeSession(RuntimeError("boom"))
    monkeypatch.setattr(charts_static, "_get_session", lambda browser: failing)
    out = charts_static.render_pngs([object(), object()])
    assert [r.reason for r in out] == [charts_static.FAILED] * 2 and failing.calls == 2  # each figure tried

    hung = _FakeSession(FutureTimeout())
    monkeypatch.setattr(charts_static, "_get_session", lambda browser: hung)
    out = charts_static.render_pngs([object(), object(), object()])
    assert [r.reason for r in out] == [charts_static.TIMED_OUT] * 3
    assert hung.calls == 1 and hung.closed  # a hung browser is dropped, the rest not attempted

    def no_start(browser: str) -> None:
        raise FutureTimeout

    monkeypatch.setattr(charts_static, "_get_session", no_start)
    _, text = _pdf_text(to_pdf(_report(charts=1)))
    assert "Gráfico indisponível: tempo esgotado ao exportar a imagem" in text


@pytest.mark.slow
def test_pdf_embeds_chart_images_when_a_browser_exists() -> None:
    if charts_static.find_browser() is None:
        pytest.skip("NO CHROMIUM FOUND (BROWSER_PATH/chromium on PATH): chart image export NOT tested")
    rendered = charts_static.render_pngs([_figure(), _figure("Segundo")])
    assert all(r.png is not None and r.png.startswith(b"\x89PNG") for r in rendered), [r.reason for r in rendered]
    data = to_pdf(_report(charts=2))
    reader = PdfReader(io.BytesIO(data))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 2
    assert "Gráfico indisponível" not in "\n".join(p.extract_text() for p in reader.pages)


def test_odd_dtypes_and_empty_inputs_never_raise() -> None:
    from datetime import time, timedelta
    from decimal import Decimal

    odd = pl.DataFrame(
        {
            "Duração": [timedelta(seconds=200), None],  # Duration -> seconds
            "Valor": [Decimal("1.50"), Decimal("2")],
            "Hora": [time(9, 30), None],
            "Ativo": [True, False],
            "Itens": [[1, 2], [3]],
            "Razão": [float("nan"), float("inf")],  # non-finite -> empty
        }
    )
    base = _report()
    rep = Report(
        base.title, base.clinic, base.period_label, base.generated_at, base.timezone, base.viewer_label,
        tables=(Table("Estranha", odd, chart="line", chart_x="ausente", chart_y=("Valor",)), Table("Vazia", odd[:0])),
    )  # fmt: skip
    lines = to_csv(rep).decode("utf-8-sig").split("\r\n")
    assert "200;1,5;09:30:00;sim;[1, 2];" in lines
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(rep)))
    ws = wb["Estranha"]
    assert [c.value for c in ws[3]][:3] == [200, "3 min 20 s", 1.5]  # seconds, then the humanised text column
    assert ws["G3"].value is None and ws["G4"].value is None
    assert wb["Vazia"].max_row == 2  # title and header
    _, text = _pdf_text(to_pdf(rep))
    assert "3 min 20 s" in text and "Sem dados" in text
    empty = Report("Vazio", "C", "p", base.generated_at, base.timezone, "v")
    assert to_csv(empty) and to_excel(empty) and _pdf_text(to_pdf(empty))[0] == 1


def test_wide_table_goes_landscape_and_caps_columns() -> None:
    n = pdf.MAX_TABLE_COLS + 2
    wide = pl.DataFrame({f"Receita da origem {i}": [1234.56 * (i + 1)] for i in range(n)})
    base = _report()
    rep = Report(
        base.title, base.clinic, base.period_label, base.generated_at, base.timezone, base.viewer_label,
        tables=(Table("Larga", wide, dict.fromkeys(wide.columns, "brl")),),
    )  # fmt: skip
    reader = PdfReader(io.BytesIO(to_pdf(rep)))
    last = reader.pages[-1]
    assert last.mediabox.width > last.mediabox.height  # landscape page for the wide table
    text = last.extract_text()
    assert f"primeiras {pdf.MAX_TABLE_COLS} colunas de {n}; o Excel traz todas" in text
    assert "R$ 1.234,56" in text


def test_session_wait_is_bounded() -> None:
    import asyncio
    import time

    s = charts_static._Session("/nonexistent")  # no browser started: only the loop thread
    try:
        t = time.perf_counter()
        with pytest.raises(FutureTimeout):
            s.run(asyncio.sleep(30), timeout=0.2)
        assert time.perf_counter() - t < 2
    finally:
        s.close()


# ---------------------------------------------------------------- review fixes: sheet names, PDF flow, file names


def _plain(title: str = "Painel", tables: tuple[Table, ...] = (), kpis: tuple[Kpi, ...] = (), tz: str = "") -> Report:
    base = _report()
    return Report(
        title, base.clinic, base.period_label, base.generated_at, tz or base.timezone, base.viewer_label,
        kpis=kpis, tables=tables,
    )  # fmt: skip


def _pages_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_sheet_names_cut_at_a_word_boundary() -> None:
    taken: set[str] = {"resumo"}
    got = {
        t: sheet_name(t, taken)
        for t in (
            "Precisão e revocação por intenção",  # 33 chars
            "Tempo de resposta por secretária",  # 32
            "Mensagens recebidas por dia da semana e hora",
            "Custo por aquisição (CPA) por canal",
            "Conversões por canal (base do CPA)",
            "Intenções classificadas errado (revisão humana)",
            "Respostas fora do SLA (5 min)",  # 29: fits, kept whole (closing parenthesis kept)
        )
    }
    # whole words up to 30 chars, then a trailing function word ("por", "da") or an unclosed "(" part is dropped
    assert got == {
        "Precisão e revocação por intenção": "Precisão e revocação…",
        "Tempo de resposta por secretária": "Tempo de resposta…",
        "Mensagens recebidas por dia da semana e hora": "Mensagens recebidas por dia…",
        "Custo por aquisição (CPA) por canal": "Custo por aquisição (CPA)…",
        "Conversões por canal (base do CPA)": "Conversões por canal…",
        "Intenções classificadas errado (revisão humana)": "Intenções classificadas errado…",
        "Respostas fora do SLA (5 min)": "Respostas fora do SLA (5 min)",
    }
    for title, name in got.items():
        assert len(name) <= 31 and name == name.strip() and not re.search(r"[\[\]:*?/\\]", name)
        stem = name.removesuffix("…")
        assert title.startswith(stem) and title[len(stem) : len(stem) + 1] in ("", " ")  # never mid-word
    # a single word longer than the limit is cut hard (nothing better exists), still ending with "…"
    assert sheet_name("Otorrinolaringologistasprofissionais", taken) == "Otorrinolaringologistasprofiss…"
    # duplicates get " (2)", " (3)" within 31 chars, at a word boundary too
    dup = [sheet_name("Tempo de resposta por secretária", taken) for _ in range(2)]
    assert dup == ["Tempo de resposta… (2)", "Tempo de resposta… (3)"]
    long = "Conversão por origem e por secretária no período"
    assert sheet_name(long, taken) == "Conversão por origem…"
    assert sheet_name(long, taken) == "Conversão por origem… (2)"
    assert sheet_name("Análise: custo/lead?", taken) == "Análise custo lead"  # forbidden chars dropped
    assert sheet_name("'Citação'", taken) == "Citação"  # Excel forbids a leading/trailing apostrophe


def test_excel_table_sheet_has_full_title_above_the_header() -> None:
    long = "Mensagens recebidas por dia da semana e hora"
    frame = pl.DataFrame({"Dia": ["seg", "ter"], "Mensagens": [3, 4]})
    rep = _plain(tables=(Table(long, frame, chart="column", chart_x="Dia", chart_y=("Mensagens",)),))
    data = to_excel(rep)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Mensagens recebidas por dia…"]
    assert ws["A1"].value == long and ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["Dia", "Mensagens"] and ws["B4"].value == 4
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:B4"
    # Resumo lists every table by its full title, linked to its sheet
    resumo = wb["Resumo"]
    link = next(c for row in resumo.iter_rows() for c in row if c.value == long)
    assert link.hyperlink is not None and link.hyperlink.location == "'Mensagens recebidas por dia…'!A1"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    assert "'Mensagens recebidas por dia…'!$B$3:$B$4" in xml  # the chart reads the data rows, not the title


def test_pdf_small_tables_flow_on_one_page() -> None:
    small = pl.DataFrame({"Canal": ["Instagram", "Google", "Indicação"], "Leads": [10, 20, 30]})
    tables = tuple(Table(f"Tabela {i}", small) for i in range(1, 6))
    pages = _pages_text(to_pdf(_plain(tables=tables)))
    # cover ≈ 60 mm, each table ≈ 10 mm title + 4 × 5 mm rows + 6 mm gap ≈ 36 mm: 60 + 5 × 36 = 240 < 277 mm
    assert len(pages) == 1
    assert all(f"Tabela {i}" in pages[0] for i in range(1, 6))


def test_pdf_table_title_header_and_first_rows_stay_together() -> None:
    """Whatever the space left by the table before, a title is never left without its header and first rows,
    and a short table (≤ SMALL_TABLE_ROWS rows) is never split over two pages."""
    second = pl.DataFrame({"Secretária": [f"Pessoa {i}" for i in range(8)], "Respostas": list(range(8))})
    for n in range(22, 50):  # one-line filler rows: the space left below the filler varies by one row at a time
        filler = pl.DataFrame(
            {
                "Descrição": [f"uma descrição de tamanho médio, linha {i}" for i in range(n)],
                "Canal": ["Google orgânico"] * n,  # wide enough not to be laid out in side-by-side blocks
                "Mensagens": list(range(n)),
            }
        )
        rep = _plain(tables=(Table("Enchimento", filler), Table("Segunda tabela", second)))
        pages = _pages_text(to_pdf(rep))
        page = next(p for p in pages if "Segunda tabela" in p)
        assert "Secretária" in page and all(f"Pessoa {i}" in page for i in range(8)), n
        assert len(pages) <= 2, n  # 60 mm cover + (22..49) × 6.3 mm + 70 mm: never more than 2 pages


def test_pdf_long_narrow_table_in_side_by_side_blocks() -> None:
    hours = pl.DataFrame(
        {
            "Dia": [f"d{i // 24}" for i in range(168)],
            "Hora": [f"h{i:03d}" for i in range(168)],  # unique tag per row
            "Mensagens": [i % 37 for i in range(168)],
        }
    )
    pages = _pages_text(to_pdf(_plain(tables=(Table("Mensagens por dia da semana e hora", hours),))))
    # 168 rows × 6.3 mm ≈ 1060 mm: 4+ pages in one column; in 3-4 blocks they take ≈ 1.5 pages
    assert len(pages) <= 2
    text = "\n".join(pages)
    positions = [text.find(f"h{i:03d}") for i in range(168)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)  # every row, in order
    assert text.count("Mensagens") >= 4  # each block has its own header (title + ≥ 3 blocks)


def test_pdf_header_cells_wrap_only_at_word_boundaries() -> None:
    trend = pl.DataFrame(
        {
            "Mês": ["jun/26", "jul/26", "nov/26 (parcial)"],
            "Cumprimento do SLA": [28.9, 32.1, 33.8],
            "Tempo de resposta (mediana)": ["10 min 30 s", "9 min 24 s", "7 min 58 s"],
            "Atendimentos": [1, 2, 3],
        }
    )
    wide = pl.DataFrame({f"Col {i}": [1.0] for i in range(8)} | {"Otorrinolaringologista responsável": ["x"]})
    rep = _plain(tables=(Table("Tendência", trend, {"Cumprimento do SLA": "percent"}), Table("Larga", wide)))
    text = "\n".join(_pages_text(to_pdf(rep)))
    for word in ("Cumprimento", "Atendimentos", "(mediana)", "Otorrinolaringologista"):
        assert word in text, word  # e.g. "Cumpriment\no do SLA" before the fix


def test_file_stem_uses_inclusive_end_and_subject() -> None:
    from analytics.period import Period
    from analytics.reports._common import file_stem

    period = Period(date(2026, 10, 21), date(2026, 11, 20))  # shown as 21/10/2026 a 19/11/2026
    assert file_stem("secretaria", period) == "secretaria_20261021_20261119"
    assert file_stem("secretaria", period, "Ana Paula d'Ávila  Júnior") == (
        "secretaria_ana-paula-d-avila-junior_20261021_20261119"
    )
    assert file_stem("secretaria", period, " ?! ") == "secretaria_20261021_20261119"  # nothing usable: no subject


def test_friendly_time_zone_name_in_every_export() -> None:
    from analytics.reports._common import zone_label

    assert zone_label("America/Sao_Paulo") == "horário de Brasília"
    assert zone_label("Europe/Lisbon") == "horário de Europe/Lisbon"  # IANA name as fallback
    rep = _plain()
    assert "01/02/2025 10:05 (horário de Brasília)" in "\n".join(_pages_text(to_pdf(rep)))
    assert "Gerado em;01/02/2025 10:05 (horário de Brasília)" in to_csv(rep).decode("utf-8-sig")
    lisbon = _plain(tz="Europe/Lisbon")  # 13:05 UTC is 13:05 in Lisbon in February (WET = UTC+0)
    assert "Gerado em;01/02/2025 13:05 (horário de Europe/Lisbon)" in to_csv(lisbon).decode("utf-8-sig")
    resumo = openpyxl.load_workbook(io.BytesIO(to_excel(rep)))["Resumo"]
    assert "01/02/2025 10:05 (horário de Brasília)" in [c.value for row in resumo.iter_rows() for c in row]


class _FakeColumn:
    def __init__(self, calls: list[tuple[str, object, str]]) -> None:
        self.calls = calls

    def download_button(self, label: str, data: object, file_name: str, *args: object, **kwargs: object) -> None:
        self.calls.append((label, data, file_name))


class _FakeStreamlit:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object, str]] = []

    def divider(self) -> None: ...

    def markdown(self, text: str) -> None: ...

    def columns(self, n: int) -> list[_FakeColumn]:
        return [_FakeColumn(self.calls) for _ in range(n)]


def test_download_buttons_name_files_by_inclusive_period_and_subject(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from analytics.dashboards.common import View
    from analytics.period import Period
    from analytics.privacy import Viewer
    from analytics.settings import Settings
    from ui import downloads

    fake = _FakeStreamlit()
    monkeypatch.setattr(downloads, "st", fake)
    ctx = SimpleNamespace(
        page="secretaria",
        period=Period(date(2026, 10, 21), date(2026, 11, 20)),
        settings=Settings(),
        state=SimpleNamespace(label="21/10/2026 a 19/11/2026"),
        viewer=Viewer("g", "manager"),
    )
    view = View(kpis=(Kpi("Leads", 3, "count"),))
    downloads.buttons(ctx, "Painel da Secretária", view, subject="Ana Paula Ferreira")  # type: ignore[arg-type]
    names = [name for _, _, name in fake.calls]
    stem = "secretaria_ana-paula-ferreira_20261021_20261119"
    assert names == [f"{stem}.csv", f"{stem}.xlsx", f"{stem}.pdf"]
    pdf_bytes = fake.calls[2][1]()  # type: ignore[operator]
    assert "Painel da Secretária — Ana Paula Ferreira" in _pages_text(pdf_bytes)[0]  # on the cover
    fake.calls.clear()
    downloads.buttons(ctx, "Painel da Secretária", view)  # type: ignore[arg-type]
    assert fake.calls[0][2] == "secretaria_20261021_20261119.csv"
