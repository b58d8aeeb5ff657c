"""Engagement metrics: hand-worked fixtures (period January 2025, São Paulo = UTC−3)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.metrics import engagement
from analytics.metrics.engagement import (
    active_leads,
    engagement_decay,
    inbound_gap_seconds,
    reengagement_rate,
    response_rate,
)
from tests.fixtures import dataset

AS_OF = "2025-02-15T00:00:00-03:00"
JAN = "2025-01-01T08:00:00-03:00"


def _msgs(rows: list[tuple[int, str, str, str]]) -> list[dict[str, object]]:
    """(id, conversation, direction, time) -> message rows."""
    return [{"id": i, "conversation_id": c, "direction": d, "created_at": t} for i, c, d, t in rows]


def _leads_convs(ids: list[str], created: str = JAN) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    leads = [{"id": x, "created_at": created} for x in ids]
    convs = [{"id": f"c{x}", "lead_id": x, "started_at": created} for x in ids]
    return leads, convs


# -- response_rate ---------------------------------------------------------------------------------
def test_response_rate_out_of_order_and_ties():
    leads, convs = _leads_convs(["A", "B", "C", "D", "E", "F"])
    leads.append({"id": "G", "created_at": "2025-02-02T10:00:00-03:00"})  # not in the cohort
    convs.append({"id": "cG", "lead_id": "G", "started_at": "2025-02-02T10:00:00-03:00"})
    t = "2025-01-05T10:00:00-03:00"
    ds = dataset(
        as_of=AS_OF,
        leads=leads,
        conversations=convs,
        # listed out of order on purpose
        messages=_msgs(
            [
                (2, "cA", "inbound", "2025-01-05T10:05:00-03:00"),  # A answers after the outbound
                (1, "cA", "outbound", "2025-01-05T10:00:00-03:00"),
                (3, "cB", "inbound", "2025-01-05T09:00:00-03:00"),  # B wrote only before the outbound
                (4, "cB", "outbound", "2025-01-05T10:00:00-03:00"),
                (5, "cC", "inbound", t),  # C never received an outbound: not in the denominator
                (7, "cD", "inbound", t),  # same time, higher id than the outbound -> after it
                (6, "cD", "outbound", t),
                (8, "cE", "inbound", t),  # same time, lower id than the outbound -> before it
                (9, "cE", "outbound", t),
                (10, "cG", "outbound", "2025-02-02T10:00:00-03:00"),
                (11, "cG", "inbound", "2025-02-02T10:01:00-03:00"),
            ]
        ),
    )
    # denominator A, B, D, E = 4; responded A, D = 2 -> 50 %
    assert response_rate(ds) == pytest.approx(50.0)
    rows = engagement.METRICS[0].rows(ds)
    assert dict(zip(rows["lead_id"], rows["responded"], strict=True)) == {"A": True, "B": False, "D": True, "E": False}


# -- reengagement_rate -------------------------------------------------------------------------------
def test_reengagement_rate():
    leads, convs = _leads_convs(["A", "B", "C", "D", "E", "F"])
    convs.append({"id": "cA2", "lead_id": "A", "started_at": "2025-01-10T10:00:00-03:00"})
    ds = dataset(
        as_of=AS_OF,
        leads=leads,
        conversations=convs,
        messages=_msgs(
            [
                # A: 9-day gap, then an outbound (other conversation), then A writes -> re-engaged
                (1, "cA", "inbound", "2025-01-01T10:00:00-03:00"),
                (2, "cA2", "outbound", "2025-01-10T10:00:00-03:00"),
                (3, "cA2", "inbound", "2025-01-11T10:00:00-03:00"),
                (4, "cA2", "outbound", "2025-02-14T10:00:00-03:00"),
                # B: silent since Jan 2 until as_of -> silence, not re-engaged
                (5, "cB", "inbound", "2025-01-01T10:00:00-03:00"),
                (6, "cB", "outbound", "2025-01-02T10:00:00-03:00"),
                # C: exactly 7 days between two inbound messages -> silence, re-engaged
                (7, "cC", "inbound", "2025-01-05T10:00:00-03:00"),
                (8, "cC", "inbound", "2025-01-12T10:00:00-03:00"),
                (9, "cC", "outbound", "2025-02-14T10:00:00-03:00"),
                # D: no gap of 7 days and last message 1 day before as_of -> excluded
                (10, "cD", "inbound", "2025-02-08T10:00:00-03:00"),
                (11, "cD", "inbound", "2025-02-14T00:00:00-03:00"),
                # E: only outbound messages around a gap -> silence, not re-engaged
                (12, "cE", "outbound", "2025-01-01T10:00:00-03:00"),
                (13, "cE", "outbound", "2025-01-20T10:00:00-03:00"),
                # F: no message at all -> excluded
            ]
        ),
    )
    # with a silence: A, B, C, E = 4; re-engaged: A, C -> 50 %
    assert reengagement_rate(ds) == pytest.approx(50.0)
    rows = engagement.METRICS[1].rows(ds)
    assert sorted(rows["lead_id"]) == ["A", "B", "C", "D", "E"]
    assert dict(zip(rows["lead_id"], rows["has_silence"], strict=True))["D"] is False


# -- inbound_gap_seconds ---------------------------------------------------------------------------------
def test_inbound_gap_seconds():
    leads, convs = _leads_convs(["A", "B", "C"], created="2024-12-20T10:00:00-03:00")
    ds = dataset(
        as_of=AS_OF,
        leads=leads,
        conversations=convs,
        messages=_msgs(
            [
                (1, "cA", "inbound", "2025-01-10T10:00:00-03:00"),
                (3, "cA", "inbound", "2025-01-10T10:00:30-03:00"),  # gap 30 s
                (2, "cA", "inbound", "2025-01-10T10:00:30-03:00"),  # duplicate: counted once
                (4, "cA", "outbound", "2025-01-10T10:01:00-03:00"),  # outbound ignored
                (5, "cA", "inbound", "2025-01-10T10:02:30-03:00"),  # gap 120 s
                (6, "cB", "inbound", "2025-01-10T10:00:00-03:00"),  # single inbound: no gap
                # gap across the period start: belongs to its later message (Jan 1, local) -> in
                (7, "cC", "inbound", "2024-12-31T23:59:00-03:00"),
                (8, "cC", "inbound", "2025-01-01T00:00:30-03:00"),  # gap 90 s
                # gap ending on Feb 1 local: out
                (9, "cC", "inbound", "2025-01-31T23:59:00-03:00"),  # gap from msg 8: 30 d ... in (later msg in Jan)
                (10, "cC", "inbound", "2025-02-01T00:01:00-03:00"),  # gap 120 s, out
            ]
        ),
    )
    gap_9 = (datetime(2025, 1, 31, 23, 59) - datetime(2025, 1, 1, 0, 0, 30)).total_seconds()
    # values: 30, 120, 90, gap_9 -> sorted [30, 90, 120, gap_9]
    d = inbound_gap_seconds(ds)
    assert d["count"] == 4
    assert d["mean"] == pytest.approx((30 + 120 + 90 + gap_9) / 4)
    assert d["median"] == pytest.approx(105.0)  # (90 + 120) / 2
    # p95: position 0.95 × 3 = 2.85 -> 120 + 0.85 × (gap_9 − 120)
    assert d["p95"] == pytest.approx(120 + 0.85 * (gap_9 - 120))


# -- active_leads -----------------------------------------------------------------------------------------
def _active_ds(as_of: str):
    leads, convs = _leads_convs(["L1", "L2", "L3", "L4"])
    return dataset(
        "2025-01-30",
        "2025-02-03",
        as_of=as_of,
        leads=leads,
        conversations=convs,
        messages=_msgs(
            [
                (1, "cL1", "inbound", "2025-01-30T10:00:00-03:00"),
                (2, "cL1", "inbound", "2025-01-30T11:00:00-03:00"),  # same lead, same day: once
                (3, "cL1", "inbound", "2025-02-01T10:00:00-03:00"),
                (4, "cL2", "inbound", "2025-02-01T02:00:00+00:00"),  # Jan 31 23:00 local
                (5, "cL2", "inbound", "2025-02-01T15:00:00-03:00"),
                (6, "cL3", "outbound", "2025-01-30T10:00:00-03:00"),  # outbound: not activity
                (7, "cL4", "inbound", "2025-02-03T01:00:00+00:00"),  # Feb 2 22:00 local
                (8, "cL4", "inbound", "2025-02-03T03:00:00+00:00"),  # Feb 3 00:00 local: after the period
            ]
        ),
    )


def test_active_leads():
    a = active_leads(_active_ds(AS_OF))
    # daily: Jan 30 {L1}, Jan 31 {L2}, Feb 1 {L1, L2}, Feb 2 {L4} -> [1, 1, 2, 1], dau 1.25
    assert a["daily"] == [
        {"date": "2025-01-30", "leads": 1},
        {"date": "2025-01-31", "leads": 1},
        {"date": "2025-02-01", "leads": 2},
        {"date": "2025-02-02", "leads": 1},
    ]
    assert a["dau"] == pytest.approx(1.25)
    # months cut to the period: Jan {L1, L2} = 2, Feb {L1, L2, L4} = 3 -> mau 2.5; 1.25 / 2.5 = 50 %
    assert a["mau"] == pytest.approx(2.5)
    assert a["dau_mau"] == pytest.approx(50.0)


def test_active_leads_cut_at_as_of():
    a = active_leads(_active_ds("2025-01-31T12:00:00-03:00"))
    # days up to Jan 31 only; L2's message (23:00) is after as_of -> [1, 0], dau 0.5; mau {L1} = 1
    assert a["daily"] == [{"date": "2025-01-30", "leads": 1}, {"date": "2025-01-31", "leads": 0}]
    assert a["dau"] == pytest.approx(0.5)
    assert a["mau"] == pytest.approx(1.0)
    assert a["dau_mau"] == pytest.approx(50.0)
    before = active_leads(_active_ds("2025-01-20T00:00:00-03:00"))
    assert before == {"dau": None, "mau": None, "dau_mau": None, "daily": []}


# -- engagement_decay ---------------------------------------------------------------------------------------
def test_engagement_decay():
    leads = [
        {"id": "A", "created_at": JAN, "status": "engaged"},
        {"id": "B", "created_at": AS_OF, "status": "new"},  # created at as_of, never wrote: 0 days
        {"id": "C", "created_at": JAN, "converted_at": "2025-01-10T10:00:00-03:00"},  # converted: not open
        {"id": "D", "created_at": JAN, "status": "lost"},  # lost: not open
        {"id": "E", "created_at": "2024-06-01T10:00:00-03:00"},  # old lead: open leads are not the cohort
        {"id": "F", "created_at": JAN},
    ]
    convs = [{"id": f"c{x}", "lead_id": x, "started_at": JAN} for x in "ACDEF"]
    ds = dataset(
        as_of=AS_OF,
        leads=leads,
        conversations=convs,
        messages=_msgs(
            [
                (1, "cA", "inbound", "2025-02-08T00:00:00-03:00"),  # 7 days -> e^-1
                (2, "cA", "outbound", "2025-02-14T00:00:00-03:00"),  # outbound does not refresh
                (3, "cE", "inbound", "2025-02-01T00:00:00-03:00"),  # 14 days -> e^-2
                (4, "cF", "inbound", "2025-02-14T00:00:00-03:00"),  # 1 day -> e^(-1/7)
                (5, "cF", "inbound", "2025-02-20T00:00:00-03:00"),  # after as_of: not seen
                (6, "cD", "inbound", "2025-02-14T00:00:00-03:00"),
            ]
        ),
    )
    vals = sorted([math.exp(-1), 1.0, math.exp(-2), math.exp(-1 / 7)])
    d = engagement_decay(ds)
    assert d["count"] == 4
    assert d["mean"] == pytest.approx(sum(vals) / 4)
    assert d["median"] == pytest.approx((vals[1] + vals[2]) / 2)
    rows = engagement.METRICS[4].rows(ds)
    assert rows.columns == ["lead_id", "last_inbound_at", "days_silent", "decay"]
    assert rows["lead_id"].to_list() == ["E", "A", "F", "B"]
    assert rows["days_silent"].to_list() == pytest.approx([14.0, 7.0, 1.0, 0.0])


# -- empty / declarations ------------------------------------------------------------------------------------
def test_empty_tables():
    ds = dataset(as_of="2025-02-15T00:00:00-03:00")
    assert response_rate(ds) is None
    assert reengagement_rate(ds) is None
    assert inbound_gap_seconds(ds) == {"count": 0, "mean": None, "median": None, "p95": None, "p99": None}
    a = active_leads(ds)
    assert a["dau"] == 0.0 and a["mau"] == 0.0 and a["dau_mau"] is None and len(a["daily"]) == 31
    assert engagement_decay(ds)["count"] == 0
    for m in engagement.METRICS:
        assert m.rows is not None
        m.rows(ds)
    assert [m.id for m in engagement.METRICS] == [
        "response_rate",
        "reengagement_rate",
        "inbound_gap_seconds",
        "active_leads",
        "engagement_decay",
    ]


# -- properties ------------------------------------------------------------------------------------------------
_BASE = datetime(2025, 1, 1, 3, tzinfo=UTC)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(-100, 800),  # lead created (hours after Jan 1 local)
            st.lists(st.tuples(st.sampled_from(["inbound", "outbound"]), st.integers(-5, 1200)), max_size=5),
        ),
        max_size=6,
    )
)
def test_properties_percentages_and_bounds(specs):
    leads, convs, msgs = [], [], []
    n = 0
    for i, (created, ms) in enumerate(specs):
        t0 = _BASE + timedelta(hours=created)
        leads.append({"id": f"L{i}", "created_at": t0.isoformat()})
        convs.append({"id": f"c{i}", "lead_id": f"L{i}", "started_at": t0.isoformat()})
        for d, h in ms:
            msgs.append(
                {
                    "id": n,
                    "conversation_id": f"c{i}",
                    "direction": d,
                    "created_at": (t0 + timedelta(hours=h)).isoformat(),
                }
            )
            n += 1
    ds = dataset(as_of="2025-02-20T00:00:00-03:00", leads=leads, conversations=convs, messages=msgs)
    for v in (response_rate(ds), reengagement_rate(ds)):
        assert v is None or 0.0 <= v <= 100.0
    g = inbound_gap_seconds(ds)
    assert g["count"] == 0 or g["mean"] >= 0
    a = active_leads(ds)
    assert a["mau"] is None or a["dau"] <= a["mau"] * 31
    assert all(0 <= r["leads"] <= len(specs) for r in a["daily"])
    d = engagement_decay(ds)
    assert d["count"] <= len(specs)
    for k in ("mean", "median", "p95", "p99"):
        assert d[k] is None or 0.0 <= d[k] <= 1.0


def test_filters_scope_messages():
    from analytics.period import Filters

    leads = [
        {"id": "A", "created_at": JAN, "channel": "instagram"},
        {"id": "B", "created_at": JAN, "channel": "site"},
    ]
    convs = [
        {"id": "cA", "lead_id": "A", "started_at": JAN, "playbook": "orcamento"},
        {"id": "cB", "lead_id": "B", "started_at": JAN, "playbook": "reativacao"},
    ]
    msgs = _msgs(
        [
            (1, "cA", "outbound", "2025-01-05T10:00:00-03:00"),
            (2, "cA", "inbound", "2025-01-05T10:01:00-03:00"),  # A: gap 60 s, responded
            (3, "cA", "inbound", "2025-01-05T10:02:00-03:00"),
            (4, "cB", "outbound", "2025-01-05T10:00:00-03:00"),  # B: never answers
            (5, "cB", "inbound", "2025-01-05T09:00:00-03:00"),
            (6, "cB", "inbound", "2025-01-05T09:10:00-03:00"),  # gap 600 s
        ]
    )
    everyone = dataset(as_of=AS_OF, leads=leads, conversations=convs, messages=msgs)
    assert response_rate(everyone) == pytest.approx(50.0)  # A of A, B
    assert inbound_gap_seconds(everyone)["mean"] == pytest.approx(330.0)  # (60 + 600) / 2
    site = dataset(as_of=AS_OF, leads=leads, conversations=convs, messages=msgs, filters=Filters(channels=("site",)))
    assert response_rate(site) == 0.0  # B only
    assert inbound_gap_seconds(site)["mean"] == pytest.approx(600.0)
    pb = dataset(
        as_of=AS_OF, leads=leads, conversations=convs, messages=msgs, filters=Filters(playbooks=("orcamento",))
    )
    assert inbound_gap_seconds(pb)["mean"] == pytest.approx(60.0)  # conversation scope: cA only


# -- adversarial review fixtures (plausible misreadings give other numbers) ---------------------------
def test_review_response_gap_and_local_day():
    j = "2025-01-02T{}-03:00".format
    leads = [{"id": x, "created_at": j("09:00:00")} for x in ("X", "Y", "Z")]
    convs = [
        {"id": c, "lead_id": lead, "started_at": j("09:00:00")}
        for c, lead in (("cx", "X"), ("cy", "Y"), ("cz", "Z"), ("cz2", "Z"))
    ]
    m = [
        {"id": 1, "conversation_id": "cx", "direction": "inbound", "created_at": j("10:00:00")},  # before outbound
        {"id": 2, "conversation_id": "cx", "direction": "outbound", "created_at": j("10:01:00")},
        {"id": 3, "conversation_id": "cy", "direction": "outbound", "created_at": j("10:00:00")},
        {"id": 4, "conversation_id": "cy", "direction": "inbound", "created_at": j("10:05:00")},
        {"id": 5, "conversation_id": "cz", "direction": "inbound", "created_at": j("10:00:00")},
        {"id": 6, "conversation_id": "cz2", "direction": "inbound", "created_at": j("10:02:00")},  # other conv
        {"id": 7, "conversation_id": "cz", "direction": "outbound", "created_at": j("10:03:00")},
        {"id": 8, "conversation_id": "cz", "direction": "inbound", "created_at": j("10:10:00")},
        # 23:30 local on Jan 31 = 02:30 UTC on Feb 1: a January local day, in the period
        {"id": 9, "conversation_id": "cz2", "direction": "inbound", "created_at": "2025-01-31T23:30:00-03:00"},
    ]
    ds = dataset(as_of=AS_OF, leads=leads, conversations=convs, messages=m)
    # X's only inbound precedes its first outbound -> not a response; Y and Z responded: 2/3
    assert response_rate(ds) == pytest.approx(200 / 3)
    # silence up to as_of for all three (last message ≥ 7 days before Feb 15); only Z wrote again
    # after a ≥ 7-day gap (Jan 2 -> Jan 31): 1/3
    assert reengagement_rate(ds) == pytest.approx(100 / 3)
    # gaps per conversation only (5 -> 6 crosses conversations): cz 10:00 -> 10:10 = 600 s;
    # cz2 Jan 2 10:02 -> Jan 31 23:30 = 29 d 13 h 28 min = 2 554 080 s
    g = inbound_gap_seconds(ds)
    assert g["count"] == 2 and g["mean"] == pytest.approx((600 + 2_554_080) / 2)
    # local days: Jan 2 has X, Y, Z; Jan 31 has Z -> dau = 4 / 31 days; mau = 3 (January)
    a = active_leads(ds)
    assert a["dau"] == pytest.approx(4 / 31) and a["mau"] == 3.0
    assert [d for d in a["daily"] if d["leads"]] == [
        {"date": "2025-01-02", "leads": 3},
        {"date": "2025-01-31", "leads": 1},
    ]
