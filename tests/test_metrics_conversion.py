"""Conversion metrics: hand-worked fixtures (period January 2025, São Paulo = UTC−3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.metrics import conversion
from analytics.metrics.conversion import (
    abandonment_by_stage,
    conversion_rate,
    funnel,
    leads_converted,
    leads_total,
    messages_to_conversion,
    time_to_conversion_days,
)
from tests.fixtures import dataset

AS_OF = "2025-02-15T00:00:00-03:00"


def _lead(lid: str, created: str, **kw: object) -> dict[str, object]:
    return {"id": lid, "created_at": created, **kw}


# -- leads_total / leads_converted / conversion_rate / time_to_conversion_days -------------
@pytest.fixture
def basic():
    return dataset(
        as_of=AS_OF,
        leads=[
            # converted after 2 days
            _lead("L1", "2025-01-05T10:00:00-03:00", converted_at="2025-01-07T10:00:00-03:00"),
            # converted after 12 h = 0.5 day
            _lead("L2", "2025-01-10T10:00:00-03:00", converted_at="2025-01-10T22:00:00-03:00"),
            # 23:59 local on the last day of the period: in the cohort
            _lead("L3", "2025-01-31T23:59:00-03:00"),
            # 00:00 local on the next day (03:00 UTC): out of the cohort
            _lead("L4", "2025-02-01T00:00:00-03:00", converted_at="2025-02-02T00:00:00-03:00"),
            # conversion after as_of: not converted yet
            _lead("L5", "2025-01-20T10:00:00-03:00", converted_at="2025-03-01T10:00:00-03:00"),
            # 2024-12-31 23:59 local = 2025-01-01 02:59 UTC: out (before local midnight)
            _lead("L6", "2025-01-01T02:59:00+00:00", converted_at="2025-01-02T00:00:00-03:00"),
        ],
    )


def test_leads_total_local_period_edges(basic):
    # L1, L2, L3, L5 in January local time; L4 (Feb 1 00:00 local) and L6 (Dec 31 23:59 local) out
    assert leads_total(basic) == 4


def test_leads_converted_as_of_cuts_conversion(basic):
    # L1, L2 converted; L5 converts after as_of -> not converted
    assert leads_converted(basic) == 2
    rows = conversion.METRICS[1].rows(basic)
    assert sorted(rows.get_column("lead_id").to_list()) == ["L1", "L2"]


def test_conversion_rate(basic):
    # 2 / 4 × 100
    assert conversion_rate(basic) == pytest.approx(50.0)


def test_time_to_conversion_days(basic):
    # L1: 2.0 days, L2: 0.5 day -> mean 1.25, median 1.25
    d = time_to_conversion_days(basic)
    assert d["count"] == 2
    assert d["mean"] == pytest.approx(1.25)
    assert d["median"] == pytest.approx(1.25)
    # linear percentile: 0.5 + 0.95 × 1.5 = 1.925
    assert d["p95"] == pytest.approx(1.925)


def test_time_to_conversion_excludes_negative_durations():
    ds = dataset(
        as_of=AS_OF,
        leads=[
            _lead("A", "2025-01-15T10:00:00-03:00", converted_at="2025-01-14T10:00:00-03:00"),  # -1 day: excluded
            _lead("B", "2025-01-15T10:00:00-03:00", converted_at="2025-01-18T10:00:00-03:00"),  # 3 days
        ],
    )
    assert leads_converted(ds) == 2  # still a converted lead
    d = time_to_conversion_days(ds)
    assert d["count"] == 1
    assert d["mean"] == pytest.approx(3.0)


def test_single_lead():
    ds = dataset(as_of=AS_OF, leads=[_lead("A", "2025-01-15T10:00:00-03:00")])
    assert leads_total(ds) == 1
    assert leads_converted(ds) == 0
    assert conversion_rate(ds) == 0.0
    assert time_to_conversion_days(ds)["count"] == 0
    assert messages_to_conversion(ds) is None


# -- funnel ------------------------------------------------------------------------------
def _funnel_ds():
    jan = "2025-01-10T10:00:00-03:00"
    return dataset(
        as_of=AS_OF,
        leads=[
            _lead("A", jan),
            _lead("B", jan),
            _lead("C", jan, converted_at="2025-01-12T10:00:00-03:00"),  # converted, no `scheduled` row
            _lead("D", jan, status="lost"),
            _lead("E", jan),
            _lead("F", jan),
            _lead("G", jan),
            _lead("H", jan),
        ],
        history=[
            {"lead_id": "A", "status": "new", "changed_at": "2025-01-10T10:00:00-03:00"},
            {"lead_id": "A", "status": "engaged", "changed_at": "2025-01-11T10:00:00-03:00"},
            # B skips engaged
            {"lead_id": "B", "status": "qualified", "changed_at": "2025-01-11T10:00:00-03:00"},
            {"lead_id": "D", "status": "engaged", "changed_at": "2025-01-11T10:00:00-03:00"},
            {"lead_id": "D", "status": "lost", "changed_at": "2025-01-12T10:00:00-03:00"},
            # unknown vocabulary: ignored for stages
            {"lead_id": "E", "status": "reativado", "changed_at": "2025-01-11T10:00:00-03:00"},
            {"lead_id": "F", "status": "scheduled", "changed_at": "2025-01-11T10:00:00-03:00"},
            # after as_of: not seen
            {"lead_id": "H", "status": "scheduled", "changed_at": "2025-03-01T10:00:00-03:00"},
        ],
        bookings=[
            {
                "id": "BF",
                "lead_id": "F",
                "status": "attended",
                "value": 100,
                "booked_at": "2025-01-11T10:00:00-03:00",
                "scheduled_for": "2025-01-20T10:00:00-03:00",
            },
            # attended, but the appointment is after as_of -> still booked
            {
                "id": "BH",
                "lead_id": "H",
                "status": "attended",
                "value": 100,
                "booked_at": "2025-01-25T10:00:00-03:00",
                "scheduled_for": "2025-03-01T10:00:00-03:00",
            },
        ],
    )


def test_funnel_hand_worked():
    # furthest stage: A engaged, B qualified (skipped engaged), C scheduled (converted_at),
    # D engaged (lost is not a stage), E contact (unknown status), F attended, G contact,
    # H contact (history and attendance after as_of)
    # reached: contact 8; engaged A,B,C,D,F = 5; qualified B,C,F = 3; scheduled C,F = 2; attended F = 1
    f = funnel(_funnel_ds())
    assert [r["stage"] for r in f] == ["contact", "engaged", "qualified", "scheduled", "attended"]
    assert [r["leads"] for r in f] == [8, 5, 3, 2, 1]
    # step: 100, 5/8 = 62.5, 3/5 = 60, 2/3 = 66.67, 1/2 = 50
    assert [r["step_conversion"] for r in f] == pytest.approx([100.0, 62.5, 60.0, 200 / 3, 50.0])
    # overall: n / 8
    assert [r["overall_conversion"] for r in f] == pytest.approx([100.0, 62.5, 37.5, 25.0, 12.5])
    assert [r["drop_off"] for r in f] == pytest.approx([0.0, 37.5, 40.0, 100 / 3, 50.0])


def test_funnel_rows_furthest_stage():
    rows = conversion.METRICS[3].rows(_funnel_ds())
    got = dict(zip(rows.get_column("lead_id").to_list(), rows.get_column("furthest_stage").to_list(), strict=True))
    assert got == {
        "A": "engaged",
        "B": "qualified",
        "C": "scheduled",
        "D": "engaged",
        "E": "contact",
        "F": "attended",
        "G": "contact",
        "H": "contact",
    }


def test_funnel_zero_denominators():
    # one lead at contact only: engaged 0 -> qualified step 0/0 = None
    ds = dataset(as_of=AS_OF, leads=[_lead("A", "2025-01-10T10:00:00-03:00")])
    f = funnel(ds)
    assert f[0] == {
        "stage": "contact",
        "leads": 1,
        "step_conversion": 100.0,
        "overall_conversion": 100.0,
        "drop_off": 0.0,
    }
    assert f[1] == {
        "stage": "engaged",
        "leads": 0,
        "step_conversion": 0.0,
        "overall_conversion": 0.0,
        "drop_off": 100.0,
    }
    assert f[2]["step_conversion"] is None and f[2]["drop_off"] is None
    assert f[2]["overall_conversion"] == 0.0


# -- abandonment_by_stage ---------------------------------------------------------------------
def test_abandonment_by_stage():
    # as_of Feb 15 00:00 local; silence 14 days -> cutoff Feb 1 00:00 local (silent when last inbound ≤ cutoff)
    jan = "2025-01-10T10:00:00-03:00"
    conv = "2025-01-12T10:00:00-03:00"
    inbound = {
        "A": "2025-02-10T10:00:00-03:00",
        "B": "2025-02-10T10:00:00-03:00",
        "D": "2025-01-31T23:00:00-03:00",
        "E": "2025-02-01T00:00:00-03:00",
        "E2": "2025-02-01T00:01:00-03:00",
        "G": "2025-02-12T10:00:00-03:00",
    }
    ds = dataset(
        as_of=AS_OF,
        leads=[
            _lead("A", jan, status="engaged"),  # engaged, recent inbound -> kept
            _lead("B", jan, status="lost"),  # engaged, lost -> abandoned
            _lead("C", "2025-01-05T10:00:00-03:00"),  # contact, never wrote -> silent since created_at
            _lead("D", jan, converted_at=conv),  # scheduled, last inbound before cutoff -> silent
            _lead("E", jan, converted_at=conv),  # scheduled, last inbound exactly at cutoff -> silent
            _lead("E2", jan, converted_at=conv),  # scheduled, 1 min after cutoff -> kept
            _lead("F", "2025-01-20T10:00:00-03:00"),  # contact, only outbound -> silent
            _lead("G", jan, status="engaged"),  # engaged; history says lost on Feb 5 (≤ as_of) -> abandoned
        ],
        history=[
            {"lead_id": x, "status": "engaged", "changed_at": "2025-01-11T10:00:00-03:00"} for x in ("A", "B", "G")
        ]
        + [{"lead_id": "G", "status": "lost", "changed_at": "2025-02-05T10:00:00-03:00"}],
        conversations=[{"id": f"c{x}", "lead_id": x, "started_at": jan} for x in ("A", "B", "D", "E", "E2", "F", "G")],
        messages=[
            {"id": i, "conversation_id": f"c{x}", "direction": "inbound", "created_at": t}
            for i, (x, t) in enumerate(inbound.items())
        ]
        + [{"id": 99, "conversation_id": "cF", "direction": "outbound", "created_at": "2025-02-10T10:00:00-03:00"}],
    )
    got = {r["stage"]: r for r in abandonment_by_stage(ds)}
    # contact: C, F -> 2 abandoned of 2
    assert got["contact"] == {"stage": "contact", "leads": 2, "abandoned": 2, "abandonment_rate": 100.0}
    # engaged: A, B, G -> B (lost), G (lost in history) = 2 of 3
    assert got["engaged"]["leads"] == 3 and got["engaged"]["abandoned"] == 2
    assert got["engaged"]["abandonment_rate"] == pytest.approx(200 / 3)
    assert got["qualified"] == {"stage": "qualified", "leads": 0, "abandoned": 0, "abandonment_rate": None}
    # scheduled: D, E silent; E2 kept -> 2 of 3
    assert got["scheduled"]["leads"] == 3 and got["scheduled"]["abandoned"] == 2
    assert got["attended"]["leads"] == 0


# -- messages_to_conversion -------------------------------------------------------------------------
def test_messages_to_conversion():
    ds = dataset(
        as_of=AS_OF,
        leads=[
            _lead("L1", "2025-01-05T10:00:00-03:00", converted_at="2025-01-07T10:00:00-03:00"),
            _lead("L2", "2025-01-05T10:00:00-03:00", converted_at="2025-01-07T10:00:00-03:00"),  # no conversation
            _lead("L3", "2025-01-05T10:00:00-03:00"),  # not converted: ignored
        ],
        conversations=[
            {"id": "c1", "lead_id": "L1", "started_at": "2025-01-05T10:00:00-03:00"},
            {"id": "c2", "lead_id": "L1", "started_at": "2025-01-06T10:00:00-03:00"},
            {"id": "c3", "lead_id": "L3", "started_at": "2025-01-06T10:00:00-03:00"},
        ],
        messages=[
            {"id": 1, "conversation_id": "c1", "direction": "inbound", "created_at": "2025-01-05T10:00:00-03:00"},
            {"id": 2, "conversation_id": "c1", "direction": "outbound", "created_at": "2025-01-05T10:01:00-03:00"},
            # at converted_at: counted
            {"id": 3, "conversation_id": "c1", "direction": "inbound", "created_at": "2025-01-07T10:00:00-03:00"},
            {"id": 4, "conversation_id": "c2", "direction": "outbound", "created_at": "2025-01-06T10:00:00-03:00"},
            # after conversion: not counted
            {"id": 5, "conversation_id": "c2", "direction": "inbound", "created_at": "2025-01-08T10:00:00-03:00"},
            {"id": 6, "conversation_id": "c3", "direction": "inbound", "created_at": "2025-01-06T10:00:00-03:00"},
        ],
    )
    # L1: messages 1, 2, 3, 4 = 4; L2: 0 -> mean (4 + 0) / 2 = 2.0
    assert messages_to_conversion(ds) == pytest.approx(2.0)
    rows = conversion.METRICS[6].rows(ds)
    assert rows.get_column("messages").to_list() == [4, 0]


# -- empty tables -------------------------------------------------------------------------------------
def test_empty_tables_return_zero_shapes():
    ds = dataset()
    assert leads_total(ds) == 0
    assert leads_converted(ds) == 0
    assert conversion_rate(ds) is None
    assert [r["leads"] for r in funnel(ds)] == [0] * 5
    assert all(r["step_conversion"] is None and r["drop_off"] is None for r in funnel(ds))
    assert time_to_conversion_days(ds) == {"count": 0, "mean": None, "median": None, "p95": None, "p99": None}
    assert [r["abandonment_rate"] for r in abandonment_by_stage(ds)] == [None] * 5
    assert messages_to_conversion(ds) is None
    for m in conversion.METRICS:
        assert m.rows is not None and m.rows(ds).height == 0


def test_metric_declarations():
    ids = [m.id for m in conversion.METRICS]
    assert ids == [
        "leads_total",
        "leads_converted",
        "conversion_rate",
        "funnel",
        "time_to_conversion_days",
        "abandonment_by_stage",
        "messages_to_conversion",
    ]
    assert all(m.domain == "conversion" and m.label and m.definition for m in conversion.METRICS)


# -- properties -----------------------------------------------------------------------------------------
_BASE = datetime(2025, 1, 1, 3, tzinfo=UTC)  # 2025-01-01 00:00 local
_STATUSES = ["new", "engaged", "qualified", "scheduled", "lost", "reativado"]

_lead_st = st.fixed_dictionaries(
    {
        "created_h": st.integers(-200, 900),
        "converted_h": st.one_of(st.none(), st.integers(-50, 1200)),
        "status": st.sampled_from(_STATUSES),
        "history": st.lists(st.tuples(st.sampled_from(_STATUSES), st.integers(0, 1200)), max_size=3),
        "bookings": st.lists(
            st.tuples(st.sampled_from(["booked", "attended", "no_show", "cancelled"]), st.integers(0, 1200)),
            max_size=2,
        ),
        "inbound": st.lists(st.integers(0, 1200), max_size=3),
    }
)


def _gen_ds(specs: list[dict[str, object]]):
    def ts(h: int) -> str:
        return (_BASE + timedelta(hours=h)).isoformat()

    leads, history, bookings, convs, msgs = [], [], [], [], []
    for i, s in enumerate(specs):
        lid = f"L{i}"
        created = int(s["created_h"])  # type: ignore[call-overload]
        conv = s["converted_h"]
        leads.append(
            _lead(lid, ts(created), converted_at=None if conv is None else ts(created + conv), status=s["status"])  # type: ignore[operator]
        )
        history += [{"lead_id": lid, "status": st_, "changed_at": ts(created + h)} for st_, h in s["history"]]  # type: ignore[attr-defined]
        bookings += [
            {
                "id": f"B{i}-{j}",
                "lead_id": lid,
                "status": st_,
                "value": 10,
                "booked_at": ts(created),
                "scheduled_for": ts(created + h),
            }
            for j, (st_, h) in enumerate(s["bookings"])  # type: ignore[arg-type]
        ]
        convs.append({"id": f"c{i}", "lead_id": lid, "started_at": ts(created)})
        msgs += [
            {"id": i * 10 + j, "conversation_id": f"c{i}", "direction": "inbound", "created_at": ts(created + h)}
            for j, h in enumerate(s["inbound"])  # type: ignore[arg-type]
        ]
    return dataset(
        as_of="2025-02-10T00:00:00-03:00",
        leads=leads,
        history=history,
        bookings=bookings,
        conversations=convs,
        messages=msgs,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lead_st, max_size=8))
def test_properties_funnel_and_percentages(specs):
    ds = _gen_ds(specs)
    f = funnel(ds)
    counts = [r["leads"] for r in f]
    assert counts == sorted(counts, reverse=True)  # non-increasing
    assert counts[0] == leads_total(ds)
    for r in f:
        for k in ("step_conversion", "overall_conversion", "drop_off"):
            assert r[k] is None or 0.0 <= r[k] <= 100.0
    rate = conversion_rate(ds)
    assert rate is None or 0.0 <= rate <= 100.0
    assert leads_converted(ds) <= counts[3]  # a converted lead reached `scheduled`
    ab = abandonment_by_stage(ds)
    assert sum(r["leads"] for r in ab) == leads_total(ds)
    for r in ab:
        assert 0 <= r["abandoned"] <= r["leads"]
        assert r["abandonment_rate"] is None or 0.0 <= r["abandonment_rate"] <= 100.0
    d = time_to_conversion_days(ds)
    assert d["count"] <= leads_converted(ds)
    assert d["mean"] is None or d["mean"] >= 0


def test_nulls_and_unknown_vocabulary():
    # nulls wherever the contract allows them: no channel/status, null history status, null booking value
    ds = dataset(
        as_of=AS_OF,
        leads=[
            _lead("A", "2025-01-10T10:00:00-03:00", channel=None, status=None),
            _lead("B", "2025-01-10T10:00:00-03:00", status="aguardando"),  # unknown current status
        ],
        history=[
            {"lead_id": "A", "status": None, "changed_at": "2025-01-11T10:00:00-03:00"},
            {"lead_id": "A", "status": "engaged", "changed_at": "2025-01-12T10:00:00-03:00"},
            {"lead_id": "B", "status": "lost", "changed_at": "2025-01-11T10:00:00-03:00"},
            {"lead_id": "B", "status": "reativado", "changed_at": "2025-01-13T10:00:00-03:00"},
        ],
        bookings=[
            {"id": "X", "lead_id": "A", "status": None, "value": None, "scheduled_for": "2025-01-20T10:00:00-03:00",
             "booked_at": "2025-01-12T10:00:00-03:00"},
        ],
    )  # fmt: skip
    # A: engaged; B: contact (lost and reativado are not stages) -> [2, 1, 0, 0, 0]
    assert [r["leads"] for r in funnel(ds)] == [2, 1, 0, 0, 0]
    lost = dict(conversion.lost_flags(ds).iter_rows())
    # B's latest history row is "reativado" (not lost) and leads.status is not lost
    assert lost == {"A": False, "B": False}
    # both never wrote and were created > 14 days before as_of -> silent -> abandoned
    assert [r["abandoned"] for r in abandonment_by_stage(ds)] == [1, 1, 0, 0, 0]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lead_st, min_size=1, max_size=6))
def test_all_domain_metrics_json_shapes(specs):
    # every metric of the three domains returns its JSON shape; rows never carry personal data
    import json
    import math

    from analytics.metrics import engagement, revenue

    ds = _gen_ds(specs)
    for m in (*conversion.METRICS, *revenue.METRICS, *engagement.METRICS):
        value = m.compute(ds)
        text = json.dumps(value, allow_nan=False)  # no NaN / infinity
        assert text
        if m.kind == "scalar":
            assert value is None or (isinstance(value, int | float) and math.isfinite(value))
        elif m.kind == "distribution":
            assert set(value) >= {"count", "mean", "median", "p95", "p99"}
        else:
            assert isinstance(value, list | dict)
        rows = m.rows(ds)  # type: ignore[misc]
        assert not {"name", "phone", "content"} & set(rows.columns)


# -- adversarial review fixtures (plausible misreadings give other numbers) ---------------------------
def test_review_funnel_lost_after_qualified_and_conversion_boundaries():
    j = "2025-01-{:02d}T{}-03:00".format
    ds = dataset(
        as_of=AS_OF,
        leads=[
            _lead("A", j(2, "10:00:00"), status="scheduled"),  # new -> scheduled (skips engaged, qualified)
            _lead("D", j(5, "10:00:00"), status="lost"),  # qualified, then lost: stays qualified
            _lead("C", j(4, "10:00:00")),  # attended through a booking, no history
            # converted 36 h after creation; messages at converted_at count, later ones do not
            _lead("M", j(2, "10:00:00"), converted_at=j(3, "22:00:00")),
            # conversion after as_of: not converted
            _lead("N", j(2, "10:00:00"), converted_at="2025-02-20T10:00:00-03:00"),
        ],
        history=[
            {"lead_id": "A", "status": "new", "changed_at": j(2, "10:00:00")},
            {"lead_id": "A", "status": "scheduled", "changed_at": j(3, "10:00:00")},
            {"lead_id": "D", "status": "qualified", "changed_at": j(6, "10:00:00")},
            {"lead_id": "D", "status": "lost", "changed_at": j(7, "10:00:00")},
        ],
        bookings=[
            {
                "id": "b",
                "lead_id": "C",
                "status": "attended",
                "value": 100,
                "booked_at": j(5, "10:00:00"),
                "scheduled_for": j(8, "10:00:00"),
            }
        ],
        conversations=[
            {"id": "m1", "lead_id": "M", "started_at": j(2, "10:00:00")},
            {"id": "m2", "lead_id": "M", "started_at": j(3, "10:00:00")},
        ],
        messages=[
            {"id": 1, "conversation_id": "m1", "direction": "inbound", "created_at": j(2, "10:00:00")},
            {"id": 2, "conversation_id": "m1", "direction": "outbound", "created_at": j(2, "10:01:00")},
            {"id": 3, "conversation_id": "m2", "direction": "inbound", "created_at": j(3, "21:00:00")},
            {"id": 4, "conversation_id": "m2", "direction": "outbound", "created_at": j(3, "22:00:00")},
            {"id": 5, "conversation_id": "m2", "direction": "inbound", "created_at": j(3, "22:00:01")},
        ],
    )
    # ranks: A scheduled(3), D qualified(2), C attended(4), M scheduled(3, converted_at), N contact(0)
    # reached: contact 5; engaged A,D,C,M = 4; qualified 4; scheduled A,C,M = 3; attended C = 1
    f = funnel(ds)
    assert [r["leads"] for r in f] == [5, 4, 4, 3, 1]
    assert [r["drop_off"] for r in f] == pytest.approx([0.0, 20.0, 0.0, 25.0, 100 - 100 / 3])
    assert leads_converted(ds) == 1 and conversion_rate(ds) == pytest.approx(20.0)
    # Jan 2 10:00 -> Jan 3 22:00 = 36 h = 1.5 days
    assert time_to_conversion_days(ds)["mean"] == pytest.approx(1.5)
    # messages 1..4 (both directions, two conversations, 4 at converted_at); 5 is after
    assert messages_to_conversion(ds) == 4.0
