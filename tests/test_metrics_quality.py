"""Quality metrics on hand-worked fixtures (period January 2025, local zone UTC−3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.metrics import quality
from tests.fixtures import dataset


def t(day: str, hm: str = "10:00") -> str:
    return f"{day}T{hm}-03:00"


CONVS = [
    {"id": "Q1", "lead_id": "L", "started_at": t("2025-01-02"), "closed_at": t("2025-01-02", "11:00")},
    {"id": "Q2", "lead_id": "L", "started_at": t("2025-01-03"), "closed_at": t("2025-01-03", "11:00")},
    {"id": "Q3", "lead_id": "L", "started_at": t("2025-01-04"), "closed_at": t("2025-01-04", "11:00")},
    {"id": "Q4", "lead_id": "L", "started_at": t("2025-01-05")},  # open
    {"id": "Q5", "lead_id": "L", "started_at": t("2024-12-31", "23:00"), "closed_at": t("2025-01-01", "01:00")},
]


def fb(id_: int, conv: str, nps: int | None, csat: int | None, at: str) -> dict[str, Any]:
    return {"id": id_, "conversation_id": conv, "nps_score": nps, "csat_score": csat, "created_at": at,
            "comment": "texto sensível"}


FEEDBACK = [
    fb(1, "Q1", 10, 5, t("2025-01-02", "12:00")),
    fb(2, "Q1", 9, 4, t("2025-01-02", "12:00")),  # duplicate-ish second row on the same conversation
    fb(3, "Q4", 9, 3, t("2025-01-05", "12:00")),
    fb(4, "Q4", 8, 1, t("2025-01-05", "12:00")),
    fb(5, "Q5", 6, None, t("2025-01-01", "02:00")),
    fb(6, "Q5", 0, 6, t("2025-01-01", "02:00")),  # csat 6: out of scale, ignored
    fb(7, "Q5", None, None, t("2025-01-01", "02:00")),
    fb(8, "Q5", 11, None, t("2025-01-01", "02:00")),  # nps 11: out of scale, ignored
    fb(9, "Q5", 0, 1, t("2024-12-31", "23:59")),  # December (local): out of the period
    fb(10, "Q2", 0, 1, t("2025-03-05")),  # after the period but before as_of: response only
]


def ds() -> Any:
    return dataset(as_of="2025-03-10T00:00:00-03:00", conversations=CONVS, feedback=FEEDBACK)


def test_nps() -> None:
    # January valid NPS: 10, 9, 9, 8, 6, 0 -> promoters 3, passives 1, detractors 2, responses 6
    # (3 − 2) / 6 × 100 = 16.67
    assert quality.nps_breakdown(ds()) == {"promoters": 3, "passives": 1, "detractors": 2, "responses": 6}
    assert quality.nps(ds()) == pytest.approx(100 / 6)


def test_csat() -> None:
    # January valid CSAT: 5, 4, 3, 1 -> mean 13/4 = 3.25; 4–5: 2 of 4 = 50 %
    assert quality.csat(ds()) == 3.25
    assert quality.csat_pct(ds()) == 50.0


def test_feedback_response_rate() -> None:
    # closed January conversations: Q1 (feedback), Q2 (feedback in March ≤ as_of), Q3 (none) -> 2/3
    # Q4 is open, Q5 started in December
    assert quality.feedback_response_rate(ds()) == pytest.approx(200 / 3)


def test_as_of_hides_later_feedback() -> None:
    early = dataset(as_of="2025-02-01T00:00:00-03:00", conversations=CONVS, feedback=FEEDBACK)
    assert quality.feedback_response_rate(early) == pytest.approx(100 / 3)  # Q2's March row does not exist yet


def test_rows_have_no_comment() -> None:
    for m in quality.METRICS:
        assert m.rows is not None
        assert "comment" not in m.rows(ds()).columns


def test_all_detractors_and_one_row() -> None:
    # as_of explicit: feedback is not an as_of event, the default would stop at the 11:00 close
    one = dataset(as_of=t("2025-01-03"), conversations=CONVS[:1],
                  feedback=[fb(1, "Q1", 3, 2, t("2025-01-02", "12:00"))])
    assert quality.nps(one) == -100.0  # (0 − 1) / 1
    assert quality.csat(one) == 2.0 and quality.csat_pct(one) == 0.0
    assert quality.feedback_response_rate(one) == 100.0


@pytest.mark.parametrize("metric", quality.METRICS, ids=lambda m: m.id)
def test_empty_tables(metric: Any) -> None:
    value = metric.compute(dataset())
    if metric.id == "nps_breakdown":
        assert value == {"promoters": 0, "passives": 0, "detractors": 0, "responses": 0}
    else:
        assert value is None
    assert metric.rows is not None and metric.rows(dataset()).height == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.none() | st.integers(-2, 12), st.none() | st.integers(0, 7)), max_size=15))
def test_properties(scores: list[tuple[int | None, int | None]]) -> None:
    d = dataset(as_of=t("2025-01-10"), conversations=CONVS[:2],
                feedback=[fb(i, "Q1", n, c, t("2025-01-02", "12:00")) for i, (n, c) in enumerate(scores)])
    v = quality.nps(d)
    assert v is None or -100.0 <= v <= 100.0
    b = quality.nps_breakdown(d)
    assert b["promoters"] + b["passives"] + b["detractors"] == b["responses"]
    assert b["responses"] == sum(1 for n, _ in scores if n is not None and 0 <= n <= 10)
    c = quality.csat(d)
    assert c is None or 1.0 <= c <= 5.0
    for p in (quality.csat_pct(d), quality.feedback_response_rate(d)):
        assert p is None or 0.0 <= p <= 100.0
