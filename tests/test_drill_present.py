"""Drill-down rows as people read them (analytics.dashboards.drill), the same on the page and in the exports;
one label per missing secretary; table widths that fit half-width columns."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import polars as pl
import pytest

from analytics import catalog
from analytics.dashboards import common, executivo, ia, operacoes
from analytics.dashboards.drill import COLUMNS, present, staff_name_expr
from analytics.metrics.base import Metric
from analytics.privacy import Viewer
from analytics.reports.export_csv import to_csv
from analytics.reports.model import Report, Table
from analytics.settings import Settings
from tests.fixtures import dataset

pytest.importorskip("streamlit")
from ui import widgets

ADMIN = Viewer("a", "admin")
MANAGER = Viewer("g", "manager")
TZ = Settings().timezone  # America/Sao_Paulo (UTC−3)
LEAD = "e0e6f3d2-fcea-4e4d-80b2-2b6e7037710b"
#: half of the main area at a 1440 px wide window (measured: 482 px per st.columns(2) column)
HALF_WIDTH_PX = 482


def _converted_lead() -> dict[str, list[dict[str, object]]]:
    # created 05/10/2026 22:38 local = 06/10/2026 01:38 UTC; converted 07/10 10:00 local
    return {"leads": [{"id": LEAD, "channel": "google_ads", "procedure_interest": "harmonizacao",
                       "created_at": "2026-10-05T22:38:00-03:00", "converted_at": "2026-10-07T10:00:00-03:00"}]}


def _csv_rows(rows: pl.DataFrame, title: str = "Drill") -> list[list[str]]:
    """The CSV export of one drill table (as ui/downloads builds it: no units), as rows of cells."""
    rep = Report("Painel", "Clínica", "01/10/2026 a 31/10/2026", datetime(2026, 11, 1, tzinfo=UTC), TZ,
                 "Administrador (dados completos)", tables=(Table(title, rows),))
    lines = to_csv(rep).decode("utf-8-sig").split("\r\n")
    start = lines.index(title) + 1
    return [ln.split(";") for ln in lines[start:start + rows.height + 1]]


# -- defect 1: pt-BR headers, labels, sim/não, short ids ------------------------------------------------
def test_converted_leads_drill_reads_as_pt_br() -> None:
    ds = dataset("2026-10-01", "2026-11-01", as_of="2026-10-31T12:00:00-03:00", **_converted_lead())
    rows = common.drill_rows(ds, "leads_converted", ADMIN)
    assert rows is not None
    assert rows.columns == ["Lead", "Canal", "Procedimento", "Criado em", "Convertido em", "Convertido"]
    shown = widgets.display(Table("Leads", rows))
    assert shown.row(0) == ("e0e6f3d2", "Google Ads", "Harmonização facial", "05/10/2026 22:38",
                            "07/10/2026 10:00", "sim")


def test_unknown_columns_and_new_codes_still_show() -> None:
    f = pl.DataFrame({"lead_id": ["L1", None], "channel": ["canal_novo", None], "some_new_col": [3, 4],
                      "flag": [True, False], "procedure": ["implante", "lente_contato"]})
    out = present(f, TZ)
    assert out.columns == ["Lead", "Canal", "Some new col", "Flag", "Procedimento"]
    assert out.rows() == [("L1", "Canal novo", 3, "sim", "Implante"), (None, None, 4, "não", "Lente contato")]
    assert present(out, TZ).equals(out)  # presenting twice changes nothing (no second time-zone shift)


def test_duplicate_headers_never_crash() -> None:
    f = pl.DataFrame({"procedure": ["botox"], "procedure_interest": ["canal"]})
    assert present(f, TZ).columns == ["Procedimento", "Procedimento (procedure_interest)"]


def test_drill_rows_mask_before_renaming(monkeypatch: pytest.MonkeyPatch) -> None:
    """Masking keys on the raw names (name, phone, content): it must run before the pt-BR headers."""
    raw = pl.DataFrame({"lead_id": ["L1"], "name": ["Maria da Silva"], "phone": ["5511987659999"],
                        "content": ["oi, quero marcar"]})
    fake = Metric("x_drill_test", "Teste", "count", "scalar", "teste", "test", lambda ds: 1, lambda ds: raw)
    monkeypatch.setitem(catalog.CATALOG, fake.id, fake)
    ds = dataset()
    masked = common.drill_rows(ds, fake.id, MANAGER)
    assert masked is not None and masked.rows() == [("L1", "M. S.", "5511****9999")]
    assert masked.columns == ["Lead", "Nome", "Telefone"]  # message text dropped for non-admins
    full = common.drill_rows(ds, fake.id, ADMIN)
    assert full is not None and full.row(0) == ("L1", "Maria da Silva", "5511987659999", "oi, quero marcar")


def test_every_metric_row_column_has_a_pt_br_header() -> None:
    """Guard: a new raw column in some ``Metric.rows`` shows humanised, but deserves a mapping in COLUMNS."""
    ds = dataset(**_converted_lead())
    missing = {}
    for mid, m in catalog.CATALOG.items():
        if m.rows is not None:
            cols = [c for c in m.rows(ds).columns if c not in COLUMNS]
            if cols:
                missing[mid] = cols
    assert not missing


# -- defect 2: local time on the page and in the exports ---------------------------------------------------
def test_page_and_export_show_the_same_local_time() -> None:
    ds = dataset("2026-10-01", "2026-11-01", as_of="2026-10-31T12:00:00-03:00", **_converted_lead())
    rows = common.drill_rows(ds, "cpa_by_channel", ADMIN)
    assert rows is not None
    page = widgets.display(Table("Conversões", rows))["Criado em"].to_list()
    header, line = _csv_rows(rows)
    assert page == ["05/10/2026 22:38"]  # not 06/10 (UTC)
    assert line[header.index("Criado em")] == "05/10/2026 22:38"


# -- defect 3: SLA breaches: one duration column, "—" for unanswered ---------------------------------------
def _sla_runs() -> dict[str, list[dict[str, object]]]:
    """C1: lead writes 10:00, secretary S1 answers 10:10 (600 s > SLA 300 s). C2: lead writes 10:00 and
    nobody answers until the conversation closes at 11:00 (3600 s)."""
    conv = {"lead_id": "L1", "status": "human", "started_at": "2025-01-10T09:00:00-03:00",
            "transferred_at": "2025-01-10T09:01:00-03:00"}
    return {
        "users": [{"id": "S1", "name": "Ana Souza", "role": "secretary"}],
        "leads": [{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}],
        "conversations": [{"id": "C1", "assigned_to": "S1", **conv},
                          {"id": "C2", **conv, "closed_at": "2025-01-10T11:00:00-03:00"}],
        "messages": [
            {"id": 1, "conversation_id": "C1", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-10T10:00:00-03:00"},
            {"id": 2, "conversation_id": "C1", "direction": "outbound", "sender_type": "human", "sender_id": "S1",
             "created_at": "2025-01-10T10:10:00-03:00"},
            {"id": 3, "conversation_id": "C2", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-10T10:00:00-03:00"},
        ],
    }


def test_sla_breach_wait_is_one_duration_column() -> None:
    rows = operacoes.sla_breaches(dataset(**_sla_runs()), MANAGER)
    assert rows.columns == ["Conversa", "Mensagem do lead", "Respondida", "Espera", "Respondida por"]
    assert rows.schema["Espera"] == pl.Duration("us")
    # the page: humanised durations; "—" for who answered an unanswered run
    shown = widgets.display(Table("SLA", rows))
    assert shown.rows() == [("C2", "10/01/2025 10:00", "não", "1 h", "—"),  # 11:00 − 10:00, longest first
                            ("C1", "10/01/2025 10:00", "sim", "10 min", "Ana Souza")]
    # the CSV: durations in seconds (unit from the Duration dtype), same local times
    header, *lines = _csv_rows(rows)
    assert header == rows.columns
    assert [ln[3] for ln in lines] == ["3600", "600"]
    assert [ln[4] for ln in lines] == ["", "Ana Souza"]


def test_excel_and_pdf_humanise_the_wait() -> None:
    from analytics.reports._common import cell_text, local_frame, table_units

    rows = operacoes.sla_breaches(dataset(**_sla_runs()), MANAGER)
    t = Table("SLA", rows)
    assert table_units(t)["Espera"] == "seconds"
    assert [cell_text(v, "seconds") for v in local_frame(t, TZ)["Espera"].to_list()] == ["1 h", "10 min"]


# -- defect 4: one label for a missing secretary -------------------------------------------------------------
def test_staff_labels_null_versus_unknown() -> None:
    f = pl.DataFrame({"sid": ["S1", None, "ffffffff-0000-0000-0000-000000000000", "S2"]})
    out = f.select(staff_name_expr("sid", {"S1": "Ana", "S2": None})).to_series().to_list()
    assert out == ["Ana", "sem responsável", "sem nome (ffffffff)", "sem nome (S2)"]


def test_box_plot_and_tables_use_the_same_labels() -> None:
    """Answers by Ana (S1), by nobody recorded (null sender) and by an id missing from users (X9)."""
    data = _sla_runs()
    data["conversations"] += [{"id": f"C{i}", "lead_id": "L1", "status": "human", "assigned_to": None,
                               "started_at": "2025-01-10T09:00:00-03:00",
                               "transferred_at": "2025-01-10T09:01:00-03:00"} for i in (3, 4)]
    data["messages"] += [
        {"id": 10, "conversation_id": "C3", "direction": "inbound", "sender_type": "lead",
         "created_at": "2025-01-10T10:00:00-03:00"},
        {"id": 11, "conversation_id": "C3", "direction": "outbound", "sender_type": "human", "sender_id": None,
         "created_at": "2025-01-10T10:02:00-03:00"},
        {"id": 12, "conversation_id": "C4", "direction": "inbound", "sender_type": "lead",
         "created_at": "2025-01-10T10:00:00-03:00"},
        {"id": 13, "conversation_id": "C4", "direction": "outbound", "sender_type": "human", "sender_id": "X9",
         "created_at": "2025-01-10T10:03:00-03:00"},
    ]
    ds = dataset(**data)
    box = operacoes.response_box(operacoes.response_runs(ds))["Secretária"].to_list()
    stats = operacoes.response_stats(ds)["Secretária"].to_list()
    assert sorted(box) == sorted(stats) == ["Ana Souza", "sem nome (X9)", "sem responsável"]
    assert "sem nome" not in stats  # the old catch-all label is gone


# -- defect 5: widths ---------------------------------------------------------------------------------------------
def _widths(table: Table) -> dict[str, int]:
    config = widgets.column_config(widgets.display(table))
    return {c: int(v["width"]) for c, v in config.items()}


def _fits_without_cutting_headers(table: Table) -> None:
    widths = _widths(table)
    for c, w in widths.items():
        assert w >= widgets.text_px(c) + 16, f"header {c!r} cut"  # 8 px cell padding each side
    assert sum(widths.values()) <= HALF_WIDTH_PX, widths


def test_executive_trend_fits_half_width() -> None:
    labels = [s.label or catalog.get(s.metric_id).label for s in executivo.TRENDS]
    frame = pl.DataFrame({"Mês": ["set/26", "out/26", "nov/26 (parcial)"],
                          **dict(zip(labels, [[309.0, 304.0, 197.0], [30.42, 31.25, 18.78],
                                              [125670.75, 127628.27, 83199.74], [-11.63, -5.05, -10.91]],
                                     strict=True))})
    _fits_without_cutting_headers(Table("Tendência", frame, common.series_units(executivo.TRENDS)))


def test_llm_table_fits_half_width() -> None:
    ds = dataset(
        conversations=[{"id": "C1", "lead_id": "L1", "started_at": "2025-01-10T09:00:00-03:00"}],
        leads=[{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}],
        # 2 interactions of 922,488 tokens each (1,844,976 in all); latencies 690 and 1166 ms
        llm=[{"id": i, "conversation_id": "C1", "intent": "preco", "model": "gpt-4.1-mini", "tokens_prompt": 900_000,
              "tokens_completion": 22_488, "latency_ms": 690 + 476 * i, "created_at": "2025-01-10T09:00:00-03:00"}
             for i in (0, 1)],
    )
    t = ia.build(ds, None, ADMIN).tables["llm"]
    assert t.frame.row(0)[:3] == ("gpt-4.1-mini", 2, 1_844_976)
    assert widgets.display(t).row(0)[3:] == ("928 ms", "1.142 ms")  # p50 = 690 + 476/2; p95 = 690 + 0.95·476 = 1142.2
    _fits_without_cutting_headers(t)


def test_text_width_estimate_matches_the_browser() -> None:
    """Widths measured with canvas.measureText in Chromium (Source Sans 14 px), within 5 %."""
    measured = {"Latência p95 (ms)": 102.9, "gpt-4.1-mini": 71.2, "1.844.976": 55.7, "Dias sem resposta": 104.9,
                "Roberto Gonçalves Fernandes": 174.2, "16/11/2026 14:32": 99.6}
    for text, px in measured.items():
        assert math.isclose(widgets.text_px(text), px, rel_tol=0.05), text
