"""View-models of the dashboards (analytics.dashboards): hand-worked values on tiny inline data."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from analytics.dashboards import common, ia, inicio, operacoes, secretaria
from analytics.dashboards.common import KpiSpec, months_back, period_has_data, preset_period
from analytics.period import Period
from analytics.privacy import Viewer
from analytics.settings import Settings
from tests.fixtures import dataset

MANAGER = Viewer("g", "manager")
ADMIN = Viewer("a", "admin")


# -- periods ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("30d", date(2026, 10, 22), date(2026, 11, 21)),  # 20/11 − 29 days .. 20/11 inclusive
        ("90d", date(2026, 8, 23), date(2026, 11, 21)),  # 20/11 − 89 days
        ("mes", date(2026, 11, 1), date(2026, 11, 21)),
        ("mes_passado", date(2026, 10, 1), date(2026, 11, 1)),
        ("ano", date(2026, 1, 1), date(2026, 11, 21)),
    ],
)
def test_presets_relative_to_as_of(preset: str, start: date, end: date) -> None:
    assert preset_period(preset, date(2026, 11, 20)) == Period(start, end)


def test_last_month_across_a_year_boundary() -> None:
    assert preset_period("mes_passado", date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2026, 1, 1))


def test_custom_period_is_inclusive_and_validated() -> None:
    assert preset_period("custom", date(2026, 1, 1), date(2026, 3, 1), date(2026, 3, 31)) == Period(
        date(2026, 3, 1), date(2026, 4, 1)
    )
    with pytest.raises(ValueError, match="posterior"):
        preset_period("custom", date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 1))
    with pytest.raises(ValueError):
        preset_period("bogus", date(2026, 1, 1))


def test_months_back_clips_the_running_month() -> None:
    ms = months_back(Period(date(2026, 10, 22), date(2026, 11, 21)), 3)
    assert ms == [
        Period(date(2026, 9, 1), date(2026, 10, 1)),
        Period(date(2026, 10, 1), date(2026, 11, 1)),
        Period(date(2026, 11, 1), date(2026, 11, 21)),  # partial: ends with the period
    ]
    assert [common.month_label(p) for p in ms] == ["set/26", "out/26", "nov/26"]
    # trends mark the running (clipped) month
    assert [common.trend_label(p) for p in ms] == ["set/26", "out/26", "nov/26 (parcial)"]


def test_period_label_shows_inclusive_end() -> None:
    assert common.period_label(Period(date(2025, 1, 1), date(2025, 2, 1))) == "01/01/2025 a 31/01/2025"


# -- catalog access -------------------------------------------------------------------------
def test_unknown_metric_ids_are_left_out() -> None:
    ds = dataset(leads=[{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}])
    ks = common.kpis(ds, None, [KpiSpec("no_such_metric"), KpiSpec("leads_total")])
    assert [k.value for k in ks] == [1.0]


def test_kpi_delta_against_previous_period() -> None:
    # January: 2 leads; December: 1 lead -> delta +1
    ds = dataset(
        "2025-01-01", "2025-02-01",
        leads=[
            {"id": "L0", "created_at": "2024-12-20T09:00:00-03:00"},
            {"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"},
            {"id": "L2", "created_at": "2025-01-11T09:00:00-03:00"},
        ],
    )
    (k,) = common.kpis(ds, ds.with_period(ds.period.previous()), [KpiSpec("leads_total")])
    assert (k.value, k.delta) == (2.0, 1.0)


def test_point_in_time_kpi_has_no_change() -> None:
    """"Valor em agenda" describes as_of, not the period: no delta (page and exports), while a flow has one."""
    ds = dataset(
        "2025-01-01", "2025-02-01", as_of="2025-01-31T12:00:00-03:00",
        leads=[{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}],
        bookings=[{"id": "B1", "lead_id": "L1", "status": "booked", "value": 250.0,
                   "scheduled_for": "2025-02-10T10:00:00-03:00", "booked_at": "2025-01-11T10:00:00-03:00"}],
    )
    pipe, leads = common.kpis(ds, ds.with_period(ds.period.previous()), [KpiSpec("pipeline_value"),
                                                                          KpiSpec("leads_total")])
    assert (pipe.value, pipe.delta) == (250.0, None)
    assert (leads.value, leads.delta) == (1.0, 1.0)


def test_monthly_series_one_row_per_month() -> None:
    ds = dataset(
        "2025-01-01", "2025-03-01",
        leads=[
            {"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"},
            {"id": "L2", "created_at": "2025-02-11T09:00:00-03:00"},
            {"id": "L3", "created_at": "2025-02-12T09:00:00-03:00"},
        ],
    )
    s = common.monthly_series(ds, [KpiSpec("leads_total")], n=3)
    assert s["Mês"].to_list() == ["dez/24", "jan/25", "fev/25"]
    assert s["Leads no período"].to_list() == [0.0, 1.0, 2.0]


def test_period_has_data() -> None:
    lead = {"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}
    assert period_has_data(dataset("2025-01-01", "2025-02-01", leads=[lead]))
    assert not period_has_data(dataset("2025-03-01", "2025-04-01", leads=[lead]))


# -- operations -------------------------------------------------------------------------------
def _handoff() -> dict[str, list[dict[str, object]]]:
    """One handed-off conversation: run 1 answered after 2 min, run 2 after 10 min (> SLA 5 min)."""
    return {
        "users": [{"id": "S1", "name": "Ana Souza", "role": "secretary"}],
        "leads": [{"id": "L1", "name": "Maria da Silva", "phone": "5511987659999",
                   "created_at": "2025-01-10T09:00:00-03:00"}],
        "conversations": [{"id": "C1", "lead_id": "L1", "assigned_to": "S1", "status": "human",
                           "started_at": "2025-01-10T09:00:00-03:00",
                           "transferred_at": "2025-01-10T09:01:00-03:00"}],
        "messages": [
            {"id": 1, "conversation_id": "C1", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-10T09:02:00-03:00"},
            {"id": 2, "conversation_id": "C1", "direction": "outbound", "sender_type": "human", "sender_id": "S1",
             "created_at": "2025-01-10T09:04:00-03:00"},
            {"id": 3, "conversation_id": "C1", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-10T10:00:00-03:00"},
            {"id": 4, "conversation_id": "C1", "direction": "outbound", "sender_type": "human", "sender_id": "S1",
             "created_at": "2025-01-10T10:10:00-03:00"},
        ],
    }


def test_sla_breaches_lists_only_runs_over_the_sla() -> None:
    ds = dataset(**_handoff())
    rows = operacoes.sla_breaches(ds, MANAGER)
    assert rows.height == 1
    assert rows["Espera"].dt.total_seconds().to_list() == [600]  # 10:10 − 10:00, a duration (unit seconds)
    assert rows["Respondida por"].to_list() == ["Ana Souza"]  # staff name, not lead data
    assert rows["Mensagem do lead"].dt.strftime("%d/%m/%Y %H:%M").to_list() == ["10/01/2025 10:00"]  # local time


def test_response_runs_carry_secretary_names() -> None:
    runs = operacoes.response_runs(dataset(**_handoff()))
    assert sorted(runs["Tempo de resposta (s)"].to_list()) == [120.0, 600.0]
    assert set(runs["Secretária"].to_list()) == {"Ana Souza"}


def test_response_box_statistics_by_hand() -> None:
    runs = pl.DataFrame({"Secretária": ["A"] * 5 + ["B"] * 2 + ["C"],
                         "Tempo de resposta (s)": [1.0, 2.0, 3.0, 4.0, 100.0, 10.0, 20.0, None]})
    box = {r["Secretária"]: r for r in operacoes.response_box(runs).iter_rows(named=True)}
    # A: q1 = 2, median = 3, q3 = 4 (linear); IQR 2 → whiskers within [-1, 7]: 1 and 4 (100 is an outlier)
    assert (box["A"]["n"], box["A"]["q1"], box["A"]["median"], box["A"]["q3"]) == (5, 2.0, 3.0, 4.0)
    assert (box["A"]["lowerfence"], box["A"]["upperfence"]) == (1.0, 4.0)
    # B: q1 = 10 + 0.25·10 = 12.5, q3 = 17.5; IQR 5 → [5, 25] holds both values
    assert (box["B"]["q1"], box["B"]["q3"], box["B"]["lowerfence"], box["B"]["upperfence"]) == (12.5, 17.5, 10.0, 20.0)
    assert "C" not in box  # only a null time: no box


# -- AI -------------------------------------------------------------------------------------------
def test_misclassified_lists_reviewer_disagreements() -> None:
    ds = dataset(
        as_of="2025-01-31T00:00:00-03:00",
        conversations=[{"id": "C1", "lead_id": "L1", "started_at": "2025-01-10T09:00:00-03:00"}],
        leads=[{"id": "L1", "created_at": "2025-01-10T09:00:00-03:00"}],
        llm=[
            {"id": 1, "conversation_id": "C1", "intent": "preco", "validated_intent": "preco",
             "created_at": "2025-01-10T09:00:00-03:00"},
            {"id": 2, "conversation_id": "C1", "intent": "preco", "validated_intent": "agendar", "confidence": 0.42,
             "created_at": "2025-01-10T09:01:00-03:00"},
            {"id": 3, "conversation_id": "C1", "intent": "outro", "validated_intent": None,
             "created_at": "2025-01-10T09:02:00-03:00"},
        ],
    )
    rows = ia.misclassified(ds, MANAGER)
    assert rows.select("Detectada", "Revisada").rows() == [("Preço", "Agendar")]  # pt-BR labels of the ids


# -- secretary --------------------------------------------------------------------------------------
def _leads_for_priority() -> dict[str, list[dict[str, object]]]:
    # as_of 2025-01-20 12:00 local; decay 7 days
    return {
        "users": [{"id": "S1", "name": "Ana Souza", "role": "secretary"}],
        "leads": [
            # A: maturity 80, last inbound 7 days before as_of -> 80·e^-1 = 29.4
            {"id": "A", "maturity_score": 80, "status": "engaged", "assigned_to": "S1",
             "created_at": "2025-01-05T12:00:00-03:00"},
            # B: maturity 40, last inbound at as_of -> 40
            {"id": "B", "maturity_score": 40, "status": "qualified", "assigned_to": "S1",
             "created_at": "2025-01-05T12:00:00-03:00"},
            # C: converted -> not open
            {"id": "C", "maturity_score": 99, "status": "scheduled", "assigned_to": "S1",
             "created_at": "2025-01-05T12:00:00-03:00", "converted_at": "2025-01-06T12:00:00-03:00"},
            # D: lost -> not open
            {"id": "D", "maturity_score": 99, "status": "lost", "assigned_to": "S1",
             "created_at": "2025-01-05T12:00:00-03:00"},
        ],
        "conversations": [
            {"id": "CA", "lead_id": "A", "started_at": "2025-01-05T12:00:00-03:00"},
            {"id": "CB", "lead_id": "B", "started_at": "2025-01-05T12:00:00-03:00"},
        ],
        "messages": [
            {"id": 1, "conversation_id": "CA", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-13T12:00:00-03:00"},
            {"id": 2, "conversation_id": "CB", "direction": "inbound", "sender_type": "lead",
             "created_at": "2025-01-20T12:00:00-03:00"},
        ],
    }


def test_priority_leads_order_and_masking() -> None:
    ds = dataset(as_of="2025-01-20T12:00:00-03:00", **_leads_for_priority())
    contacts = pl.DataFrame({"id": ["A", "B"], "name": ["Maria da Silva", "João Pereira"],
                             "phone": ["5511987659999", "5521912345678"]})
    rows = secretaria.priority_leads(ds, MANAGER, contacts)
    assert rows["Lead"].to_list() == ["J. P.", "M. S."]  # B (40) before A (29.4)
    assert rows["Telefone"].to_list() == ["5521****5678", "5511****9999"]
    assert rows["Prioridade"].to_list() == [40.0, round(80 * math.exp(-1), 1)]
    admin_rows = secretaria.priority_leads(ds, ADMIN, contacts)
    assert admin_rows["Lead"].to_list() == ["João Pereira", "Maria da Silva"]


def test_secretary_view_compares_me_with_team() -> None:
    data = _handoff()
    data["users"].append({"id": "S2", "name": "Bia Lima", "role": "secretary"})
    ds = dataset(**data)
    me = secretaria.build(ds, None, Viewer("s", "secretary", "S2"), "S2")
    cmp = me.tables["compare"].frame
    row = cmp.filter(pl.col("Métrica") == "Tempo de resposta").row(0, named=True)
    # S2 answered nothing ("—"); the team median of 120 s and 600 s is 360 s = 6 min
    assert (row["Eu"], row["Equipe"]) == ("—", "6 min")


def test_live_queue_from_duckdb(tmp_path: Path) -> None:
    from analytics.sources.live import from_duckdb
    from analytics.sources.store import Store
    from tests.fixtures import frame

    path = tmp_path / "q.duckdb"
    with Store(path) as st:
        st.replace_table("conversations", frame("conversations", [
            {"id": "00000000-0000-0000-0000-000000000001", "lead_id": "00000000-0000-0000-0000-0000000000a1",
             "status": "waiting_human", "started_at": "2025-01-10T09:00:00Z",
             "transferred_at": "2025-01-10T09:30:00Z"},
            {"id": "00000000-0000-0000-0000-000000000002", "lead_id": "00000000-0000-0000-0000-0000000000a1",
             "status": "closed", "started_at": "2025-01-10T08:00:00Z", "closed_at": "2025-01-10T08:30:00Z"},
        ]))
        st.replace_table("conversation_messages", frame("conversation_messages", [
            {"id": 1, "conversation_id": "00000000-0000-0000-0000-000000000001", "direction": "inbound",
             "created_at": "2025-01-10T08:50:00Z"},
            {"id": 2, "conversation_id": "00000000-0000-0000-0000-000000000001", "direction": "inbound",
             "created_at": "2025-01-10T10:00:00Z"},
        ]))
    q = from_duckdb(path)
    assert q.snapshot and q.now == datetime(2025, 1, 10, 10, 0, tzinfo=UTC)  # latest message
    assert q.waiting == 1
    assert q.longest_wait_seconds == 1800.0  # 10:00 − 09:30
    assert q.messages_last_hour == 1  # window (09:00, 10:00]: 08:50 outside, 10:00 inside


def test_exports_carry_masked_rows() -> None:
    """CSV/Excel/PDF are built from the same Report the page shows (masked for non-admins)."""
    from analytics.reports.model import Report, Table

    ds = dataset(as_of="2025-01-20T12:00:00-03:00", **_leads_for_priority())
    contacts = pl.DataFrame({"id": ["A", "B"], "name": ["Maria da Silva", "João Pereira"],
                             "phone": ["5511987659999", "5521912345678"]})
    rows = secretaria.priority_leads(ds, MANAGER, contacts)
    rep = Report("Painel", "Clínica", "01/01/2025 a 31/01/2025", datetime.now(UTC), Settings().timezone,
                 "Gerente (dados mascarados)", tables=(Table("Leads", rows),))
    try:
        from analytics.reports.export_csv import to_csv
    except ImportError:
        pytest.skip("CSV builder not available yet")
    text = to_csv(rep).decode("utf-8-sig")
    assert "M. S." in text and "Maria" not in text and "5511987659999" not in text


# -- pt-BR labels of the vocabulary ------------------------------------------------------------
def test_labels_known_unknown_and_null() -> None:
    from analytics.labels import label, label_expr, labels_of

    f = pl.DataFrame({"c": ["google_organic", "walk_in", "pinterest_ads", "tiktok", None]})
    assert f.select(label_expr("c", "channel"))["c"].to_list() == [
        "Google orgânico", "Presencial", "Pinterest ads", "TikTok", None,  # unknown: underscores → spaces
    ]
    assert label("procedure", "canal") == "Canal (endodontia)"
    assert label("intent", "duvida_procedimento") == "Dúvida sobre procedimento"
    assert label("reason", "baixa_confianca") == "Baixa confiança do bot"
    assert label("playbook", "pos_procedimento") == "Pós-procedimento"
    assert label("stage", "qualified") == "Qualificado"
    assert label("channel", None) is None
    assert labels_of("channel", ["site", "x_y"]) == {"site": "Site", "x_y": "X y"}


def test_leads_per_day_fills_empty_days_and_stops_at_as_of() -> None:
    ds = dataset(
        start="2025-01-01", end="2025-02-01", as_of="2025-01-04T12:00:00-03:00",
        leads=[{"id": "A", "created_at": "2025-01-01T08:00:00-03:00"},
               {"id": "B", "created_at": "2025-01-01T23:59:00-03:00"},  # still 01/01 in São Paulo
               {"id": "C", "created_at": "2025-01-03T00:00:00-03:00"}],
    )
    out = inicio.leads_per_day(ds)
    # 01/01: A, B · 02/01: none · 03/01: C · 04/01 (as_of day): none; nothing after as_of
    assert out["Dia"].to_list() == [date(2025, 1, d) for d in (1, 2, 3, 4)]
    assert out["Leads"].to_list() == [2, 0, 1, 0]
