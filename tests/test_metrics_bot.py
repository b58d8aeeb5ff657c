"""Bot and AI metrics on hand-worked fixtures (period January 2025, local zone UTC−3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.metrics import bot
from tests.fixtures import dataset


def t(day: str, hm: str = "10:00") -> str:
    return f"{day}T{hm}-03:00"


def conv(id_: str, started: str, transferred: str | None = None, reason: str | None = None,
         closed: str | None = None, lead: str = "L", playbook: str | None = None) -> dict[str, Any]:
    return {"id": id_, "lead_id": lead, "started_at": started, "transferred_at": transferred,
            "transfer_reason": reason, "closed_at": closed, "playbook": playbook}


CONVS = [
    conv("B1", t("2025-01-02"), closed=t("2025-01-02", "11:00")),  # closed, bot only
    conv("B2", t("2025-01-03"), t("2025-01-03", "10:05"), "pedido_do_cliente", t("2025-01-03", "12:00")),
    conv("B3", t("2025-01-04"), t("2025-01-04", "10:05"), None),  # handed off, reason null, open
    conv("B4", t("2025-01-05")),  # open bot conversation
    conv("B5", t("2025-01-06"), t("2025-01-06", "10:05"), "pedido_do_cliente", t("2025-01-06", "12:00")),
    conv("B6", t("2024-12-31", "23:59"), closed=t("2025-01-01", "00:30")),  # previous period (local)
    conv("B7", t("2025-01-31", "23:59"), t("2025-01-31", "23:59"), "motivo_inedito"),  # last local minute
]


def conv_ds() -> Any:
    return dataset(as_of="2025-02-15T00:00:00-03:00", conversations=CONVS)


def test_bot_autonomy_rate() -> None:
    # closed January conversations: B1, B2, B5 (B6 is December) -> never handed off: B1 -> 1/3
    assert bot.bot_autonomy_rate(conv_ds()) == pytest.approx(100 / 3)


def test_transfer_rate() -> None:
    # January: B1 B2 B3 B4 B5 B7 = 6; handed off: B2 B3 B5 B7 = 4 -> 66.67 %
    assert bot.transfer_rate(conv_ds()) == pytest.approx(400 / 6)


def test_escalation_reasons() -> None:
    # pedido_do_cliente 2 (50 %), then ties of 1 sorted by reason: motivo_inedito, sem motivo (25 % each)
    assert bot.escalation_reasons(conv_ds()) == [
        {"reason": "pedido_do_cliente", "count": 2, "share": 50.0},
        {"reason": "motivo_inedito", "count": 1, "share": 25.0},
        {"reason": "sem motivo", "count": 1, "share": 25.0},
    ]


def test_transfer_after_as_of_is_undone() -> None:
    # B2's handoff at 10:05 is after as_of 10:01 -> not handed off yet; B2 is the only January conversation left
    ds = dataset(as_of=t("2025-01-03", "10:01"), conversations=CONVS)
    assert bot.transfer_rate(ds) == 0.0  # B1, B2 (B3.. start later) -> 0 / 2
    assert bot.escalation_reasons(ds) == []


def llm(id_: int, conv_id: str, intent: str | None, validated: str | None, conf: float | None,
        tp: int | None, tc: int | None, lat: int | None, model: str | None, at: str) -> dict[str, Any]:
    return {"id": id_, "conversation_id": conv_id, "intent": intent, "validated_intent": validated,
            "confidence": conf, "tokens_prompt": tp, "tokens_completion": tc, "latency_ms": lat, "model": model,
            "created_at": at}


LLM = [
    llm(1, "B1", "agendar", "agendar", 0.95, 100, 20, 100, "gpt-a", t("2025-01-02")),
    llm(2, "B1", "agendar", "preco", 0.55, 200, 30, 200, "gpt-a", t("2025-01-02")),
    llm(3, "B2", "preco", "preco", 0.5, 50, None, 300, "gpt-a", t("2025-01-03")),
    llm(4, "B2", "preco", None, 0.9, 10, 10, 1000, "gpt-b", t("2025-01-03")),
    llm(5, "B3", "saudacao", "saudacao", 1.0, 300, 0, None, "gpt-b", t("2025-01-04")),
    llm(6, "B3", "outro", "agendar", 0.05, 40, 60, 50, None, t("2025-01-04")),
    llm(7, "B6", "x", "y", 0.3, 999, 999, 9, "gpt-a", t("2024-12-31", "23:59")),  # December: out
]


def llm_ds() -> Any:
    return dataset(as_of="2025-02-15T00:00:00-03:00", conversations=CONVS, llm=LLM)


def test_intent_accuracy() -> None:
    # January reviewed: 1 ✓, 2 ✗, 3 ✓, 5 ✓, 6 ✗ (4 not reviewed, 7 December) -> 3/5 = 60 %
    assert bot.intent_accuracy(llm_ds()) == 60.0


def test_intent_metrics() -> None:
    # agendar: predicted {1,2} tp 1 -> 50 %; validated {1,6} -> recall 50 %, support 2
    # outro: predicted {6} tp 0 -> 0 %; never validated -> recall None, support 0
    # preco: predicted {3} tp 1 -> 100 %; validated {2,3} -> 50 %; saudacao 100/100, support 1
    assert bot.intent_metrics(llm_ds()) == [
        {"intent": "agendar", "precision": 50.0, "recall": 50.0, "support": 2},
        {"intent": "outro", "precision": 0.0, "recall": None, "support": 0},
        {"intent": "preco", "precision": 100.0, "recall": 50.0, "support": 2},
        {"intent": "saudacao", "precision": 100.0, "recall": 100.0, "support": 1},
    ]


def test_intent_confusion() -> None:
    assert bot.intent_confusion(llm_ds()) == [
        {"intent": "agendar", "validated_intent": "agendar", "count": 1},
        {"intent": "agendar", "validated_intent": "preco", "count": 1},
        {"intent": "outro", "validated_intent": "agendar", "count": 1},
        {"intent": "preco", "validated_intent": "preco", "count": 1},
        {"intent": "saudacao", "validated_intent": "saudacao", "count": 1},
    ]


def test_intent_accuracy_by_confidence() -> None:
    rows = {r["decile"]: r for r in bot.intent_accuracy_by_confidence(llm_ds())}
    assert sorted(rows) == list(range(1, 11))
    # 0.05 -> decile 1 (✗); 0.55 and 0.5 -> decile 6 (1 of 2); 0.95 and 1.0 -> decile 10 (2 of 2)
    assert rows[1] == {"decile": 1, "reviewed": 1, "correct": 0, "accuracy": 0.0}
    assert rows[6] == {"decile": 6, "reviewed": 2, "correct": 1, "accuracy": 50.0}
    assert rows[10] == {"decile": 10, "reviewed": 2, "correct": 2, "accuracy": 100.0}
    assert rows[5] == {"decile": 5, "reviewed": 0, "correct": 0, "accuracy": None}


def test_accuracy_by_confidence_float32_edges() -> None:
    # confidence is REAL (float32): 0.7 is stored as 0.69999998 and 0.9 as 0.89999998; read naively,
    # floor(x × 10) puts them in deciles 7 and 9. As written they belong to [0.7, 0.8) -> decile 8 and
    # [0.9, 1.0] -> decile 10.
    rows = [llm(1, "B1", "a", "a", 0.7, 1, 1, 1, "m", t("2025-01-02")),
            llm(2, "B1", "a", "b", 0.9, 1, 1, 1, "m", t("2025-01-02"))]
    ds = dataset(as_of="2025-02-15T00:00:00-03:00", conversations=CONVS, llm=rows)
    by = {r["decile"]: r["reviewed"] for r in bot.intent_accuracy_by_confidence(ds)}
    assert by[8] == 1 and by[10] == 1 and by[7] == 0 and by[9] == 0


def test_llm_usage() -> None:
    u = bot.llm_usage(llm_ds())
    # tokens per conversation: B1 120+230 = 350, B2 50+0+20 = 70, B3 300+100 = 400 -> 820/3
    assert u["tokens_per_conversation"] == pytest.approx(820 / 3)
    # gpt-a: 1,2,3 -> tokens 400, latency [100,200,300] p50 200, p95 200 + .9·100 = 290
    # gpt-b: 4,5 -> tokens 320, latency [1000] (null ignored); None model: 6 -> 100 tokens, 50 ms
    # per model tokens per conversation: gpt-a B1 350 + B2 50 = 400 / 2 conversations = 200;
    # gpt-b B2 20 + B3 300 = 320 / 2 = 160; None: B3 100 / 1 = 100
    assert u["by_model"] == [
        {"model": "gpt-a", "interactions": 3, "tokens": 400, "conversations": 2, "tokens_per_conversation": 200.0,
         "latency_p50": 200.0, "latency_p95": pytest.approx(290.0)},
        {"model": "gpt-b", "interactions": 2, "tokens": 320, "conversations": 2, "tokens_per_conversation": 160.0,
         "latency_p50": 1000.0, "latency_p95": 1000.0},
        {"model": None, "interactions": 1, "tokens": 100, "conversations": 1, "tokens_per_conversation": 100.0,
         "latency_p50": 50.0, "latency_p95": 50.0},
    ]


LEADS = [
    {"id": "La", "created_at": t("2025-01-05"), "converted_at": t("2025-01-10"), "maturity_score": 80},
    {"id": "Lb", "created_at": t("2025-01-06"), "converted_at": t("2025-01-20"), "maturity_score": None},
    {"id": "Lc", "created_at": t("2025-01-06"), "converted_at": t("2025-01-21"), "maturity_score": 60},
    {"id": "Ld", "created_at": t("2025-01-06"), "maturity_score": 99},
    {"id": "Le", "created_at": t("2024-12-20"), "converted_at": t("2025-01-05"), "maturity_score": 10},
    {"id": "Lf", "created_at": t("2025-01-07"), "converted_at": t("2025-03-01"), "maturity_score": 0},
    {"id": "Lg", "created_at": t("2025-01-08"), "converted_at": t("2025-01-09"), "maturity_score": 70},
]
LEAD_CONVS = [
    conv("X2", t("2025-01-05"), lead="La", playbook="orcamento"),
    conv("X1", t("2025-01-05"), lead="La", playbook="primeira_consulta"),  # same time, smaller id: first
    conv("Y1", t("2025-01-06"), lead="Lb", playbook=None),
    conv("Z1", t("2025-01-06"), lead="Lc", playbook="primeira_consulta"),
    conv("W1", t("2025-01-06"), lead="Ld", playbook="primeira_consulta"),
    conv("V1", t("2025-01-07"), lead="Lf", playbook="orcamento"),
    conv("E1", t("2024-12-20"), lead="Le", playbook="reativacao"),
    # Lg has no conversation
]


def lead_ds() -> Any:
    return dataset(as_of="2025-02-15T00:00:00-03:00", leads=LEADS, conversations=LEAD_CONVS)


def test_maturity_at_conversion() -> None:
    # converted January cohort: La 80, Lb null (ignored), Lc 60, Lg 70; Lf converts after as_of; Le is December
    # -> (80 + 60 + 70) / 3 = 70
    assert bot.maturity_at_conversion(lead_ds()) == 70.0


def test_playbook_conversion() -> None:
    # first conversation: La primeira_consulta (tie on time, id X1 < X2), Lb null, Lc/Ld primeira_consulta,
    # Lf orcamento (converted after as_of: no); Lg without conversation excluded
    assert bot.playbook_conversion(lead_ds()) == [
        {"playbook": "orcamento", "leads": 1, "converted": 0, "conversion_rate": 0.0},
        {"playbook": "primeira_consulta", "leads": 3, "converted": 2, "conversion_rate": pytest.approx(200 / 3)},
        {"playbook": "sem playbook", "leads": 1, "converted": 1, "conversion_rate": 100.0},
    ]


@pytest.mark.parametrize("metric", bot.METRICS, ids=lambda m: m.id)
def test_empty_tables(metric: Any) -> None:
    value = metric.compute(dataset())
    if metric.kind == "scalar":
        assert value is None
    elif metric.id == "llm_usage":
        assert value == {"tokens_per_conversation": None, "by_model": []}
    elif metric.id == "intent_accuracy_by_confidence":
        assert len(value) == 10 and all(r["accuracy"] is None for r in value)
    else:
        assert value == []
    if metric.rows is not None:
        assert metric.rows(dataset()).height == 0


def test_one_row_and_nulls() -> None:
    ds = dataset(conversations=[conv("A", t("2025-01-02"))],
                 llm=[llm(1, "A", None, "agendar", None, None, None, None, None, t("2025-01-02"))])
    # reviewed 1, intent null ≠ validated -> 0 %; null confidence -> no decile; null tokens -> 0
    assert bot.intent_accuracy(ds) == 0.0
    assert sum(r["reviewed"] for r in bot.intent_accuracy_by_confidence(ds)) == 0
    assert bot.llm_usage(ds)["tokens_per_conversation"] == 0.0
    assert bot.intent_metrics(ds) == [{"intent": "agendar", "precision": None, "recall": 0.0, "support": 1}]
    assert bot.bot_autonomy_rate(ds) is None and bot.transfer_rate(ds) == 0.0


INTENTS = st.sampled_from(["agendar", "preco", "outro", "novo"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(INTENTS, st.none() | INTENTS, st.floats(0, 1)), max_size=12),
       st.lists(st.tuples(st.booleans(), st.booleans(), st.none() | st.sampled_from(["a", "b"])), max_size=8))
def test_properties(rows: list[tuple[str, str | None, float]], convs: list[tuple[bool, bool, str | None]]) -> None:
    cs = [conv(f"C{i}", t("2025-01-10"), t("2025-01-10", "10:01") if h else None, r,
               t("2025-01-10", "11:00") if c else None) for i, (h, c, r) in enumerate(convs)]
    cs.append(conv("Z", t("2025-01-10")))
    ds = dataset(conversations=cs, llm=[llm(i, "Z", a, b, c, 1, 1, 1, "m", t("2025-01-10"))
                                        for i, (a, b, c) in enumerate(rows)])
    for v in (bot.intent_accuracy(ds), bot.transfer_rate(ds), bot.bot_autonomy_rate(ds)):
        assert v is None or 0.0 <= v <= 100.0
    for r in bot.intent_metrics(ds):
        assert all(r[k] is None or 0.0 <= r[k] <= 100.0 for k in ("precision", "recall"))
    reviewed = sum(1 for _, b, _ in rows if b is not None)
    assert sum(r["support"] for r in bot.intent_metrics(ds)) == reviewed
    assert sum(r["count"] for r in bot.intent_confusion(ds)) == reviewed
    assert sum(r["reviewed"] for r in bot.intent_accuracy_by_confidence(ds)) == reviewed
    reasons = bot.escalation_reasons(ds)
    assert sum(r["count"] for r in reasons) == sum(1 for h, _, _ in convs if h)
    if reasons:
        assert sum(r["share"] for r in reasons) == pytest.approx(100.0)
