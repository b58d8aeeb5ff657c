"""Team (human service) metrics on hand-worked fixtures (local zone São Paulo, UTC−3).

Main fixture (period January 2025, as_of 2025-01-20 00:00 −03):

C1 (L1, Mon 01-06, handoff 09:05, U1, closed 12:00)
    09:00 in (before handoff: ignored) · 09:01 bot · 09:06 in (run 1) · 09:06:30 bot (does not end
    the run) · 09:07 in · 09:10 human U1 (answers run 1: 240 s) · 09:11 human U1 (proactive)
    · 09:20 in (run 2) · 12:30 human U2 (after the close: NOT an answer; run 2 waited 12:00−09:20 = 9600 s)
C2 (L2, Tue 01-07, handoff 10:00, U2, closed 11:00): ids 20 and 19 both inbound at 10:01 (duplicate,
    out of order), 10:21 human U2 -> one run, 1200 s; first response 1260 s
C3 (L3, Wed 01-08, handoff 14:10, U1, closed 15:00): 14:20 in, 14:22 U1 -> 120 s; first response 720 s
C4 (L4, Thu 01-09, handoff 09:30, unassigned, open): 09:40 in, never answered
    -> waits 2025-01-20 00:00 − 01-09 09:40 = 10 d 14 h 20 min = 915600 s
C5 (L2, Sat 01-11 12:00, bot only, U1, closed 14:00): recontact of C2 (within 7 days of 01-07 11:00)
C6 (L5, started Tue 2024-12-31 23:30, previous period; handoff 23:35, closed 2025-01-01 00:30):
    23:40 in / 23:45 U1 (run of December: out) · 2025-01-01 00:10 in / 00:15 U1 (run of January: 300 s)
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.metrics import team
from analytics.metrics.replies import period_runs, reply_runs
from analytics.period import Filters
from tests.fixtures import dataset

AS_OF = "2025-01-20T00:00:00-03:00"
USERS = [
    {"id": "U1", "name": "Ana", "role": "secretary", "active": True},
    {"id": "U2", "name": "Bia", "role": "secretary", "active": True},
    {"id": "U3", "name": "Caio", "role": "secretary", "active": False},
    {"id": "M1", "name": "Gerente", "role": "manager", "active": True},
]


def t(day: str, hm: str) -> str:
    return f"{day}T{hm}-03:00"


def msg(id_: int, conv: str, kind: str, at: str, sender: str | None = None) -> dict[str, Any]:
    """kind: 'in' (lead), 'bot' (outbound bot) or 'human' (outbound human)."""
    direction = "inbound" if kind == "in" else "outbound"
    sender_type = {"in": "lead", "bot": "bot", "human": "human"}[kind]
    return {"id": id_, "conversation_id": conv, "direction": direction, "sender_type": sender_type,
            "sender_id": sender, "created_at": at}


def conv(id_: str, lead: str, started: str, transferred: str | None = None, closed: str | None = None,
         assigned: str | None = None) -> dict[str, Any]:
    return {"id": id_, "lead_id": lead, "started_at": started, "transferred_at": transferred,
            "closed_at": closed, "assigned_to": assigned}


D6, D7, D8, D9 = "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09"
MAIN_CONVS = [
    conv("C1", "L1", t(D6, "09:00"), t(D6, "09:05"), t(D6, "12:00"), "U1"),
    conv("C2", "L2", t(D7, "10:00"), t(D7, "10:00"), t(D7, "11:00"), "U2"),
    conv("C3", "L3", t(D8, "14:00"), t(D8, "14:10"), t(D8, "15:00"), "U1"),
    conv("C4", "L4", t(D9, "09:00"), t(D9, "09:30"), None, None),
    conv("C5", "L2", t("2025-01-11", "12:00"), None, t("2025-01-11", "14:00"), "U1"),
    conv("C6", "L5", t("2024-12-31", "23:30"), t("2024-12-31", "23:35"), t("2025-01-01", "00:30"), "U1"),
]
MAIN_MSGS = [
    msg(1, "C1", "in", t(D6, "09:00")),
    msg(2, "C1", "bot", t(D6, "09:01")),
    msg(3, "C1", "in", t(D6, "09:06")),
    msg(4, "C1", "bot", t(D6, "09:06:30")),
    msg(5, "C1", "in", t(D6, "09:07")),
    msg(6, "C1", "human", t(D6, "09:10"), "U1"),
    msg(7, "C1", "human", t(D6, "09:11"), "U1"),
    msg(8, "C1", "in", t(D6, "09:20")),
    msg(9, "C1", "human", t(D6, "12:30"), "U2"),
    msg(21, "C2", "human", t(D7, "10:21"), "U2"),
    msg(20, "C2", "in", t(D7, "10:01")),
    msg(19, "C2", "in", t(D7, "10:01")),
    msg(30, "C3", "in", t(D8, "14:20")),
    msg(31, "C3", "human", t(D8, "14:22"), "U1"),
    msg(40, "C4", "in", t(D9, "09:40")),
    msg(50, "C5", "in", t("2025-01-11", "12:00")),
    msg(51, "C5", "bot", t("2025-01-11", "12:01")),
    msg(60, "C6", "in", t("2024-12-31", "23:40")),
    msg(61, "C6", "human", t("2024-12-31", "23:45"), "U1"),
    msg(62, "C6", "in", t("2025-01-01", "00:10")),
    msg(63, "C6", "human", t("2025-01-01", "00:15"), "U1"),
]
MAIN_LEADS = [
    {"id": "L1", "created_at": t(D6, "09:00"), "assigned_to": "U1", "converted_at": t("2025-01-15", "10:00")},
    {"id": "L2", "created_at": t("2024-12-01", "09:00"), "assigned_to": "U2", "converted_at": t("2024-12-20", "10:00")},
    {"id": "L3", "created_at": t(D8, "14:00"), "assigned_to": "U1", "converted_at": t("2025-01-16", "10:00")},
    {"id": "L4", "created_at": t(D9, "09:00"), "assigned_to": "U2"},
    {"id": "L5", "created_at": t("2024-12-31", "23:30")},
]


def main(**kw: Any) -> Any:
    return dataset(as_of=AS_OF, users=USERS, leads=MAIN_LEADS, conversations=MAIN_CONVS, messages=MAIN_MSGS, **kw)


# -- reply runs --------------------------------------------------------------------------
def test_reply_runs() -> None:
    runs = reply_runs(main()).sort("run_start")
    # C6 Dec run, C1 run 1, C1 run 2, C2, C3, C4, C6 Jan run -> 7 runs (C5 never handed off: none)
    assert runs.height == 7
    c1 = runs.filter(runs["conversation_id"] == "C1").sort("run_start")
    assert c1["n_inbound"].to_list() == [2, 1]  # 09:06 + 09:07 (bot between does not split); 09:20
    assert c1["answered"].to_list() == [True, False]  # 12:30 is after the 12:00 close
    assert c1["response_seconds"].to_list() == [240.0, None]
    assert c1["wait_seconds"].to_list() == [240.0, 9600.0]
    c2 = runs.filter(runs["conversation_id"] == "C2")
    assert c2["n_inbound"].to_list() == [2] and c2["answer_sender_id"].to_list() == ["U2"]
    assert runs.filter(runs["conversation_id"] == "C4")["wait_seconds"].to_list() == [915600.0]
    assert set(runs.columns) >= {"conversation_id", "lead_id", "run_start", "run_end", "n_inbound", "answered_at",
                                 "answer_sender_id", "response_seconds", "hour"}


def test_proactive_human_then_unanswered_run() -> None:
    # handoff 10:00; human 10:01 (proactive, answers nothing); lead 10:05; nothing after -> 1 unanswered run
    ds = dataset(
        as_of=t("2025-01-10", "12:00"),
        conversations=[conv("X", "L", t("2025-01-10", "09:00"), t("2025-01-10", "10:00"))],
        messages=[msg(1, "X", "human", t("2025-01-10", "10:01"), "U1"), msg(2, "X", "in", t("2025-01-10", "10:05"))],
    )
    assert team.unanswered_runs(ds) == 1
    assert team.response_seconds(ds)["count"] == 0
    # first response still counts the proactive message: 10:01 − 10:00 = 60 s
    assert team.first_response_seconds(ds)["mean"] == 60.0
    # SLA: 0 answered, 1 unanswered waiting 12:00 − 10:05 = 6900 s > 300 -> 0 / 1 = 0 %
    assert team.sla_compliance(ds) == 0.0


def test_unanswered_within_sla_is_excluded() -> None:
    # lead 11:58 and as_of 12:00: waited 120 s ≤ 300 -> neither term -> None
    ds = dataset(
        as_of=t("2025-01-10", "12:00"),
        conversations=[conv("X", "L", t("2025-01-10", "09:00"), t("2025-01-10", "10:00"))],
        messages=[msg(1, "X", "in", t("2025-01-10", "11:58"))],
    )
    assert team.unanswered_runs(ds) == 1
    assert team.sla_compliance(ds) is None


def test_handoff_abandonment_ignores_human_before_handoff() -> None:
    # A: the only human message (09:55) precedes the 10:00 handoff -> abandoned (a misreading that counts
    # any human message says served). B: human 10:20 after the handoff -> served. First response of A: none.
    d = "2025-01-10"
    ds = dataset(
        as_of=t(d, "18:00"),
        conversations=[conv("A", "LA", t(d, "09:00"), t(d, "10:00"), t(d, "11:00"), "U1"),
                       conv("B", "LB", t(d, "09:00"), t(d, "10:00"), None, "U1")],
        messages=[msg(1, "A", "human", t(d, "09:55"), "U1"), msg(2, "A", "in", t(d, "10:05")),
                  msg(3, "B", "human", t(d, "10:20"), "U1")],
    )
    assert team.handoff_abandonment_rate(ds) == 50.0  # 1 (A) / 2 handed off
    fr = team.first_response_seconds(ds)
    assert fr["count"] == 1 and fr["mean"] == 1200.0  # only B: 10:20 − 10:00


def test_never_handed_off_has_no_runs() -> None:
    ds = dataset(conversations=[conv("X", "L", t("2025-01-10", "09:00"))],
                 messages=[msg(1, "X", "in", t("2025-01-10", "09:00")), msg(2, "X", "human", t("2025-01-10", "09:01"))])
    assert reply_runs(ds).height == 0
    assert team.first_response_seconds(ds)["count"] == 0


# -- distributions -----------------------------------------------------------------------
def test_response_seconds() -> None:
    r = team.response_seconds(main())
    # January runs answered: C1 240, C2 1200, C3 120, C6 300 -> sorted [120, 240, 300, 1200]
    # mean 1860/4 = 465; median (240+300)/2 = 270; p95 at 2.85 -> 300 + .85·900 = 1065; p99 -> 300 + .97·900 = 1173
    assert r["count"] == 4 and r["mean"] == 465.0 and r["median"] == 270.0
    assert r["p95"] == pytest.approx(1065.0) and r["p99"] == pytest.approx(1173.0)
    by = {x["secretary_id"]: x for x in r["by_secretary"]}
    assert by["U1"]["count"] == 3 and by["U1"]["mean"] == 220.0 and by["U1"]["secretary_name"] == "Ana"  # 660/3
    assert by["U2"]["count"] == 1 and by["U2"]["median"] == 1200.0
    assert [(h["hour"], h["count"], h["mean"]) for h in r["by_hour"]] == [
        (0, 1, 300.0), (9, 1, 240.0), (10, 1, 1200.0), (14, 1, 120.0)
    ]


def test_response_business_seconds() -> None:
    r = team.response_business_seconds(main())
    # same runs in opening hours: 240, 1200, 120, and C6 2025-01-01 00:10–00:15 (night, holiday) = 0
    # mean 1560/4 = 390; median (120+240)/2 = 180
    assert r["count"] == 4 and r["mean"] == 390.0 and r["median"] == 180.0
    assert {x["secretary_id"]: x["count"] for x in r["by_secretary"]} == {"U1": 3, "U2": 1}


def test_first_response_seconds() -> None:
    r = team.first_response_seconds(main())
    # C1 09:05->09:10 = 300 (U1), C2 10:00->10:21 = 1260 (U2), C3 14:10->14:22 = 720 (U1); C4 none; C6 Dec
    # mean 2280/3 = 760, median 720
    assert r["count"] == 3 and r["mean"] == 760.0 and r["median"] == 720.0
    by = {x["secretary_id"]: x for x in r["by_secretary"]}
    assert by["U1"]["mean"] == 510.0 and by["U2"]["mean"] == 1260.0 and by["U2"]["secretary_name"] == "Bia"
    b = team.first_response_business_seconds(main())  # all inside opening hours: same numbers
    assert b["count"] == 3 and b["mean"] == 760.0


def test_resolution_seconds() -> None:
    ds = main()
    # closed, started in January: C1 3 h, C2 1 h, C3 1 h, C5 2 h -> [3600, 3600, 7200, 10800]
    # mean 25200/4 = 6300, median (3600+7200)/2 = 5400
    r = team.resolution_seconds(ds)
    assert r["count"] == 4 and r["mean"] == 6300.0 and r["median"] == 5400.0
    assert "by_secretary" not in r
    # business: C5 is Saturday 12:00–14:00, open 12–13 only -> 3600: [3600, 3600, 3600, 10800]
    # mean 21600/4 = 5400, median 3600
    b = team.resolution_business_seconds(ds)
    assert b["mean"] == 5400.0 and b["median"] == 3600.0


# -- scalars -----------------------------------------------------------------------------
def test_unanswered_and_sla() -> None:
    ds = main()
    # unanswered January runs: C1 run 2, C4 -> 2
    assert team.unanswered_runs(ds) == 2
    # within SLA: 240, 120, 300 (≤ 300) = 3; denominator 4 answered + 2 unanswered waiting > 300 = 6 -> 50 %
    assert team.sla_compliance(ds) == 50.0
    rows = team._runs_rows(ds)
    assert rows.filter(rows["sla_breach"]).height == 3  # C2 1200 + two unanswered


def test_first_contact_resolution() -> None:
    # closed handed-off January conversations: C1 (2 runs, only run 1 answered before the close: exactly
    # one ANSWERED run -> resolved), C2 (L2 recontact C5 on 01-11: not), C3 (ok) -> 2/3
    assert team.first_contact_resolution(main()) == pytest.approx(200 / 3)


def test_first_contact_resolution_counts_answered_runs_only() -> None:
    # spec: "exactly one answered reply run". A trailing unanswered run (the lead's closing "thanks")
    # does not disqualify; two answered runs do; a new conversation of the lead starting exactly at
    # closed_at (within 7 days of it) does.
    d = "2025-01-14"
    ds = dataset(
        as_of=t(d, "23:00"),
        conversations=[
            conv("A", "LA", t(d, "09:00"), t(d, "09:10"), t(d, "10:00"), "U1"),  # answered + trailing thanks
            conv("B", "LB", t(d, "09:00"), t(d, "09:10"), t(d, "10:00"), "U1"),  # two answered runs
            conv("C", "LC", t(d, "09:00"), t(d, "09:10"), t(d, "10:00"), "U1"),  # one answered, recontact
            conv("C2", "LC", t(d, "10:00")),  # starts exactly at C's closed_at
        ],
        messages=[
            msg(1, "A", "in", t(d, "09:11")), msg(2, "A", "human", t(d, "09:12"), "U1"),
            msg(3, "A", "in", t(d, "09:20")),
            msg(4, "B", "in", t(d, "09:11")), msg(5, "B", "human", t(d, "09:12"), "U1"),
            msg(6, "B", "in", t(d, "09:20")), msg(7, "B", "human", t(d, "09:21"), "U1"),
            msg(8, "C", "in", t(d, "09:11")), msg(9, "C", "human", t(d, "09:12"), "U1"),
        ],
    )
    # closed handed-off: A, B, C (C2 open, bot only). Resolved: A only -> 1/3
    # (the misreading "exactly one run, answered" gives 0/3; a strict "(closed_at, ...]" window gives 2/3)
    assert team.first_contact_resolution(ds) == pytest.approx(100 / 3)
    assert team._fcr_frame(ds).filter("resolved")["conversation_id"].to_list() == ["A"]
    # recontact: closed conversations A, B, C; C followed by C2 at its closed_at -> 1/3
    assert team.recontact_rate(ds) == pytest.approx(100 / 3)


def test_recontact_and_abandonment() -> None:
    ds = main()
    # closed January conversations C1, C2, C3, C5; only C2 followed (C5 within 7 days) -> 25 %
    assert team.recontact_rate(ds) == 25.0
    # handed-off January conversations C1..C4; C4 has no human message -> 25 %
    assert team.handoff_abandonment_rate(ds) == 25.0
    assert team._abandoned_rows(ds).filter("abandoned")["conversation_id"].to_list() == ["C4"]


def test_recontact_uses_unfiltered_conversations_and_window_edge() -> None:
    convs = [
        conv("A", "L", t("2025-01-02", "09:00"), closed=t("2025-01-02", "10:00")),
        # exactly closed_at + 7 days: inside [closed_at, closed_at + 7 d]
        {**conv("B", "L", t("2025-01-09", "10:00")), "playbook": "outro"},
    ]
    ds = dataset(conversations=convs, filters=Filters(playbooks=("nenhum",)))
    assert team.recontact_rate(ds) is None  # scope empty
    convs[0]["playbook"] = "p"
    ds = dataset(conversations=convs, filters=Filters(playbooks=("p",)))
    assert team.recontact_rate(ds) == 100.0  # B is outside the scope but still a recontact
    convs[1]["started_at"] = t("2025-01-09", "10:01")  # one minute too late
    assert team.recontact_rate(dataset(conversations=convs, filters=Filters(playbooks=("p",)))) == 0.0


def test_window_24h() -> None:
    d13, d14 = "2025-01-13", "2025-01-14"
    ds = dataset(
        as_of=AS_OF,
        conversations=[
            conv("W1", "L1", t(d13, "09:00"), t(d13, "09:00")),
            conv("W2", "L2", t(d13, "09:00"), t(d13, "09:00")),
            conv("W3", "L2", t("2025-01-19", "09:00"), t("2025-01-19", "09:00")),
            conv("W4", "L3", t("2024-12-30", "10:00"), t("2024-12-30", "10:00")),
            conv("W5", "L2", t("2025-01-10", "09:00"), t("2025-01-10", "09:00")),
        ],
        messages=[
            msg(70, "W1", "in", t(d13, "09:00")),
            msg(71, "W1", "in", t(d13, "10:00")),
            msg(72, "W1", "human", t(d14, "10:30"), "U1"),  # 24.5 h after the LAST inbound: late
            msg(73, "W1", "in", t(d14, "11:00")),
            msg(74, "W1", "human", t(d14, "11:02"), "U1"),
            msg(80, "W2", "in", t("2025-01-18", "23:00")),  # 25 h before as_of: expired (L2)
            msg(90, "W3", "in", t("2025-01-19", "09:00")),  # 15 h before as_of: not yet
            msg(91, "W4", "in", t("2024-12-30", "10:00")),  # December run: other period
            msg(95, "W5", "in", t("2025-01-10", "09:00")),  # expired, same lead L2: counted once
        ],
    )
    # answered January runs: W1 run 1 (late), W1 run 2 (2 min) -> 1/2 = 50 %
    assert team.window_24h_late_reply_rate(ds) == 50.0
    assert team.window_24h_expired(ds) == 1
    # W1 run 1: 09:00 -> next day 10:30 = 25.5 h = 91800 s
    # by hour of run start: 09h -> 91800, 11h -> 120
    assert [(h["hour"], h["mean"]) for h in team.response_seconds(ds)["by_hour"]] == [(9, 91800.0), (11, 120.0)]


def test_window_24h_measured_from_last_inbound() -> None:
    # the 24 h window counts from the run's LAST inbound message, not its first
    ds = dataset(
        as_of=AS_OF,  # 2025-01-20 00:00
        conversations=[conv("V1", "L1", t("2025-01-13", "09:00"), t("2025-01-13", "09:00")),
                       conv("V2", "L2", t("2025-01-18", "09:00"), t("2025-01-18", "09:00"))],
        messages=[
            # V1: run 01-13 09:00 .. 01-14 08:00, answered 01-14 10:00: 25 h after the first inbound but
            # 2 h after the last -> NOT late
            msg(1, "V1", "in", t("2025-01-13", "09:00")), msg(2, "V1", "in", t("2025-01-14", "08:00")),
            msg(3, "V1", "human", t("2025-01-14", "10:00"), "U1"),
            # V2: unanswered run 01-18 09:00 (39 h before as_of) .. 01-19 14:00 (10 h before) -> NOT expired
            msg(4, "V2", "in", t("2025-01-18", "09:00")), msg(5, "V2", "in", t("2025-01-19", "14:00")),
        ],
    )
    assert team.window_24h_late_reply_rate(ds) == 0.0  # 0 late / 1 answered (from the first: 100 %)
    assert team.window_24h_expired(ds) == 0  # (from the first inbound: 1)


# -- load and productivity -------------------------------------------------------------
def test_load_distribution() -> None:
    r = team.load_distribution(main())
    # January conversations: C1 U1, C2 U2, C3 U1, C4 none, C5 U1 -> U1 3, U2 1 (75 % / 25 %), 1 unassigned
    # Gini over active secretaries [3, 1]: sum|xi−xj| = 4, /n² = 1, /(2·mean 2) = 0.25
    assert r["by_secretary"] == [
        {"secretary_id": "U1", "secretary_name": "Ana", "conversations": 3, "share": 75.0},
        {"secretary_id": "U2", "secretary_name": "Bia", "conversations": 1, "share": 25.0},
    ]
    assert r["gini"] == pytest.approx(0.25) and r["unassigned"] == 1


def test_load_distribution_zeros_and_filter() -> None:
    users = [*USERS, {"id": "U4", "name": "Duda", "role": "secretary", "active": True}]
    r = team.load_distribution(dataset(as_of=AS_OF, users=users, conversations=MAIN_CONVS, messages=MAIN_MSGS))
    # U4 active with 0: Gini over [0, 1, 3]: sum|xi−xj| = 2·(1+3+2) = 12, /9, /(2·4/3) -> 12/9 / (8/3) = 0.5
    assert r["gini"] == pytest.approx(0.5)
    assert {x["secretary_id"]: x["conversations"] for x in r["by_secretary"]} == {"U1": 3, "U2": 1, "U4": 0}
    f = team.load_distribution(main(filters=Filters(secretaries=("U1",))))
    assert f["by_secretary"][0]["conversations"] == 3 and f["gini"] is None and f["unassigned"] == 0


def test_productivity() -> None:
    p = {r["secretary_id"]: r for r in team.productivity(main())}
    # U1: converted L1 (01-15), L3 (01-16) = 2; days with a sent message in January: 01-01 (00:15), 01-06, 01-08 = 3
    # U2: L2 converted in December = 0; days 01-06 (12:30), 01-07 = 2 -> 0.0
    assert p["U1"]["converted_leads"] == 2 and p["U1"]["active_days"] == 3
    assert p["U1"]["productivity"] == pytest.approx(2 / 3) and p["U1"]["secretary_name"] == "Ana"
    assert p["U2"]["productivity"] == 0.0 and p["U2"]["active_days"] == 2


def test_productivity_zero_days_is_none() -> None:
    ds = dataset(users=USERS, leads=[{"id": "L", "created_at": t("2025-01-02", "09:00"), "assigned_to": "U1",
                                      "converted_at": t("2025-01-03", "09:00")}])
    assert team.productivity(ds) == [
        {"secretary_id": "U1", "secretary_name": "Ana", "converted_leads": 1, "active_days": 0, "productivity": None}
    ]


# -- helpers and edges -------------------------------------------------------------------
def test_volume_heatmap_and_hourly() -> None:
    ds = main()
    h = team.volume_heatmap(ds)
    assert h.height == 168
    # January inbound: Mon(1) 09h: ids 1,3,5,8 = 4; Tue(2) 10h: 2; Wed(3) 14h: 1; Thu(4) 09h: 1; Sat(6) 12h: 1;
    # Wed(3) 00h: C6 00:10 on 2025-01-01 = 1; the December 23:40 message is out -> total 10
    cell = {(r["weekday"], r["hour"]): r["messages"] for r in h.iter_rows(named=True)}
    assert cell[(1, 9)] == 4 and cell[(2, 10)] == 2 and cell[(3, 0)] == 1 and cell[(6, 12)] == 1
    assert h["messages"].sum() == 10
    hv = team.hourly_volume(ds)
    assert hv.height == 24 and hv.filter(hv["hour"] == 9)["messages"].item() == 5
    assert hv.filter(hv["hour"] == 9)["per_day"].item() == pytest.approx(5 / 31)


def test_period_edge_local_midnight() -> None:
    # the run starting 2025-01-01 00:10 −03 (03:10 UTC) is January; 2024-12-31 23:40 −03 (= 02:40 UTC Jan 1) is not
    runs = period_runs(main())
    assert runs.filter(runs["conversation_id"] == "C6").height == 1


@pytest.mark.parametrize("metric", team.METRICS, ids=lambda m: m.id)
def test_empty_tables(metric: Any) -> None:
    value = metric.compute(dataset())
    if metric.kind == "distribution":
        assert value["count"] == 0 and value["mean"] is None
    elif metric.kind == "scalar":
        assert value in (None, 0)
    elif metric.id == "load_distribution":
        assert value == {"by_secretary": [], "gini": None, "unassigned": 0}
    else:
        assert value == []
    if metric.rows is not None:
        assert metric.rows(dataset()).height == 0


@pytest.mark.parametrize("metric", team.METRICS, ids=lambda m: m.id)
def test_rows_have_no_personal_columns(metric: Any) -> None:
    if metric.rows is None:
        pytest.skip("no drill-down")
    cols = set(metric.rows(main()).columns)
    assert not cols & {"name", "phone", "content", "comment"}


def test_one_row_and_nulls() -> None:
    # a message with null direction/sender_type and a conversation with null started_at: no crash, ignored
    ds = dataset(
        conversations=[conv("X", "L", t("2025-01-05", "10:00"), t("2025-01-05", "10:00")),
                       conv("Y", "L", None)],
        messages=[{"id": 1, "conversation_id": "X", "created_at": t("2025-01-05", "10:01")},
                  msg(2, "X", "in", t("2025-01-05", "10:02")),
                  {**msg(3, "X", "human", t("2025-01-05", "10:03")), "sender_id": None}],
    )
    r = team.response_seconds(ds)
    assert r["count"] == 1 and r["mean"] == 60.0
    assert r["by_secretary"][0]["secretary_id"] is None
    for m in team.METRICS:
        m.compute(ds)


# -- properties --------------------------------------------------------------------------
KINDS = st.sampled_from(["in", "bot", "human", "in", "in"])


@st.composite
def small_data(draw: st.DrawFn) -> dict[str, Any]:
    n_conv = draw(st.integers(1, 4))
    convs, msgs = [], []
    mid = 0
    for i in range(n_conv):
        day = draw(st.integers(1, 28))
        start = f"2025-01-{day:02d}T09:00:00-03:00"
        handed = draw(st.booleans())
        closed = draw(st.sampled_from([None, f"2025-01-{day:02d}T18:00:00-03:00", f"2025-02-{day:02d}T10:00:00-03:00"]))
        convs.append(conv(f"C{i}", f"L{draw(st.integers(0, 2))}", start,
                          f"2025-01-{day:02d}T09:30:00-03:00" if handed else None, closed,
                          draw(st.sampled_from([None, "U1", "U2"]))))
        for _ in range(draw(st.integers(0, 8))):
            mid += 1
            minute = draw(st.integers(0, 59))
            hour = draw(st.integers(8, 23))
            kind = draw(KINDS)
            msgs.append(msg(mid, f"C{i}", kind, f"2025-01-{day:02d}T{hour:02d}:{minute:02d}:00-03:00",
                            draw(st.sampled_from(["U1", "U2"])) if kind == "human" else None))
    return {"conversations": convs, "messages": msgs}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_data())
def test_properties(data: dict[str, Any]) -> None:
    ds = dataset(as_of="2025-02-15T00:00:00-03:00", users=USERS, **data)
    for mid in ("sla_compliance", "first_contact_resolution", "recontact_rate", "handoff_abandonment_rate",
                "window_24h_late_reply_rate"):
        v = getattr(team, mid)(ds)
        assert v is None or 0.0 <= v <= 100.0, mid
    for fn in (team.response_seconds, team.first_response_seconds):
        d = fn(ds)
        assert sum(x["count"] for x in d["by_secretary"]) == d["count"]
    r = team.response_seconds(ds)
    assert sum(x["count"] for x in r["by_hour"]) == r["count"]
    runs = period_runs(ds)
    assert r["count"] + team.unanswered_runs(ds) == runs.height
    assert (runs["response_seconds"].drop_nulls() >= 0).all()
    load = team.load_distribution(ds)
    total = sum(x["conversations"] for x in load["by_secretary"])
    assert total + load["unassigned"] == ds.period_conversations.height
    if total:
        assert sum(x["share"] for x in load["by_secretary"]) == pytest.approx(100.0)
    assert load["gini"] is None or 0.0 <= load["gini"] <= 1.0
    rb = team.response_business_seconds(ds)
    assert rb["count"] == r["count"]
    if r["count"]:
        assert rb["mean"] <= r["mean"] + 1e-6


def test_run_edges_at_handoff_and_close() -> None:
    # inbound exactly at transferred_at starts a run; a human answer exactly at closed_at still counts;
    # an inbound before the handoff does not, and the bot reply in between changes nothing
    d = "2025-01-14"
    ds = dataset(
        as_of=t(d, "18:00"),
        conversations=[conv("X", "L", t(d, "09:00"), t(d, "10:00"), t(d, "10:30"), "U1")],
        messages=[msg(1, "X", "in", t(d, "09:59")), msg(2, "X", "in", t(d, "10:00")),
                  msg(3, "X", "bot", t(d, "10:00:30")), msg(4, "X", "human", t(d, "10:30"), "U1")],
    )
    runs = reply_runs(ds)
    assert runs["n_inbound"].to_list() == [1] and runs["answered"].to_list() == [True]
    assert runs["response_seconds"].to_list() == [1800.0]  # 10:00 -> 10:30
    assert team.first_contact_resolution(ds) == 100.0
    assert team.sla_compliance(ds) == 0.0  # 1800 > 300


def test_same_time_order_by_id() -> None:
    # human (id 1) and inbound (id 2) at the same instant: ordered by id, the human message comes first
    # (proactive), the inbound opens a run nobody answers
    d = "2025-01-14"
    ds = dataset(
        as_of=t(d, "18:00"),
        conversations=[conv("X", "L", t(d, "09:00"), t(d, "09:00"))],
        messages=[msg(2, "X", "in", t(d, "10:00")), msg(1, "X", "human", t(d, "10:00"), "U1")],
    )
    assert team.unanswered_runs(ds) == 1 and team.response_seconds(ds)["count"] == 0


def test_with_period_reuses_runs_and_refilters() -> None:
    from analytics.period import Period

    ds = main()
    assert team.response_seconds(ds)["count"] == 4
    dec = ds.with_period(Period.parse("2024-12-01", "2025-01-01"))
    # December: only C6's 23:40 run, answered 23:45 -> 300 s; C6 is December's only conversation
    r = team.response_seconds(dec)
    assert r["count"] == 1 and r["mean"] == 300.0
    assert team.first_response_seconds(dec)["mean"] == 600.0  # handoff 23:35 -> first human 23:45
