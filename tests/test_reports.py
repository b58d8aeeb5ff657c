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
    assert "Gerado em;01/02/2025 10:05 (America/Sao_Paulo)" in lines
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
    assert a == long[:31] and len(b) <= 31 and b.endswith(" (2)") and a != b
    assert sheet_name("Resumo", taken) == "Resumo (2)"
    assert sheet_name("[]*?", taken) == "Tabela"


def test_excel_sheets_formats_and_values() -> None:
    data = to_excel(_report())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Resumo", "Detalhe Operações Satisfação do", "Receita diária"]

    resumo = wb["Resumo"]
    cells = {(c.row, c.column): c for row in resumo.iter_rows() for c in row if c.value is not None}
    values = [c.value for c in cells.values()]
    assert "Clínica Sorriso" in values and "01/01/2025 a 31/01/2025" in values
    assert "01/02/2025 10:05 (America/Sao_Paulo)" in values and "Gerente (dados mascarados)" in values
    by_label = {resumo.cell(r, 1).value: r for r in range(1, resumo.max_row + 1)}
    receita = resumo.cell(by_label["Receita"], 2)
    assert receita.value == 1234.56 and "R$" in receita.number_format and "#,##0.00" in receita.number_format
    conv = resumo.cell(by_label["Conversão"], 2)
    assert conv.value == 12.5 and conv.number_format == '0.0"%"'
    assert resumo.cell(by_label["Leads"], 2).number_format == "#,##0"
    tempo = by_label["Tempo até 1ª resposta"]
    assert resumo.cell(tempo, 2).value == 200 and resumo.cell(tempo, 4).value == "3 min 20 s"
    assert resumo.cell(by_label["Satisfação"], 2).value is None

    ws = wb["Detalhe Operações Satisfação do"]
    headers = [c.value for c in ws[1]]
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
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H4"
    r2 = [c.value for c in ws[2]]
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
    assert ws["B2"].number_format == '"R$" #,##0.00' and ws["C2"].number_format == '0.0"%"'
    assert ws["D2"].number_format == "dd/mm/yyyy" and ws["E2"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["B3"].value is None and ws["E3"].value is None  # None -> empty cell
    assert ws["H3"].value == "=1+1" and ws["H3"].data_type == "s"  # text, never a formula
    assert ws["E4"].value == datetime(2025, 1, 2, 23, 0)
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width  # widths follow content

    daily = wb["Receita diária"]
    assert [c.value for c in daily["B"]][1:] == [100.0, 250.5, 75.25]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts == ["xl/charts/chart1.xml"]  # only the table that asked for one
        xml = z.read(charts[0]).decode()
    assert "<c:lineChart>" in xml
    assert "'Receita diária'!$B$2:$B$4" in xml and "'Receita diária'!$A$2:$A$4" in xml
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
    assert [c.value for c in ws[2]][:3] == [200, "3 min 20 s", 1.5]  # seconds, then the humanised text column
    assert ws["G2"].value is None and ws["G3"].value is None
    assert wb["Vazia"].max_row == 1
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
