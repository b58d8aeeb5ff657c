"""The shared rules every metric relies on: as_of clipping, filter scoping, local periods."""

from datetime import UTC, datetime

import polars as pl

from analytics.dataset import Dataset, default_as_of, normalize
from analytics.period import Filters, Period
from tests.fixtures import dataset, frame

LEADS = [
    # São Paulo is UTC-3: 23:59 local on 31/01 is 02:59 UTC on 01/02 -> still January.
    {"id": "L1", "channel": "instagram", "procedure_interest": "implante", "assigned_to": "S1",
     "created_at": "2025-01-31T23:59:00-03:00", "converted_at": "2025-02-03T10:00:00-03:00"},
    # 00:00 local on 01/02 -> February, outside a January period.
    {"id": "L2", "channel": "google_ads", "procedure_interest": "botox", "assigned_to": "S2",
     "created_at": "2025-02-01T00:00:00-03:00"},
    {"id": "L3", "channel": "instagram", "procedure_interest": None, "assigned_to": "S2",
     "created_at": "2025-01-01T00:00:00-03:00"},
]
CONVS = [
    {"id": "C1", "lead_id": "L1", "playbook": "orcamento", "assigned_to": "S2",
     "started_at": "2025-01-31T23:59:30-03:00", "transferred_at": "2025-02-05T10:00:00-03:00",
     "transfer_reason": "reclamacao", "closed_at": "2025-02-06T10:00:00-03:00"},
    {"id": "C2", "lead_id": "L3", "playbook": "primeira_consulta", "assigned_to": "S1",
     "started_at": "2025-01-02T09:00:00-03:00"},
    {"id": "C3", "lead_id": "L3", "playbook": "orcamento", "assigned_to": "S2",
     "started_at": "2025-01-20T09:00:00-03:00"},
]
MSGS = [
    {"id": 1, "conversation_id": "C1", "direction": "inbound", "sender_type": "lead",
     "created_at": "2025-02-01T10:00:00-03:00"},
    {"id": 2, "conversation_id": "C2", "direction": "inbound", "sender_type": "lead",
     "created_at": "2025-01-02T09:00:00-03:00"},
    {"id": 3, "conversation_id": "C3", "direction": "outbound", "sender_type": "bot",
     "created_at": "2025-02-10T09:00:00-03:00"},
]


def test_cohort_uses_local_period_edges() -> None:
    ds = dataset(leads=LEADS, conversations=CONVS, messages=MSGS)
    assert sorted(ds.cohort["id"]) == ["L1", "L3"]


def test_default_as_of_is_latest_event_never_appointment() -> None:
    bookings = [{"id": "B1", "lead_id": "L1", "status": "booked", "value": 100,
                 "booked_at": "2025-02-01T00:00:00Z", "scheduled_for": "2026-01-01T00:00:00Z"}]
    ds = dataset(leads=LEADS, conversations=CONVS, messages=MSGS, bookings=bookings)
    # latest of: messages 2025-02-10 12:00Z, closed_at 2025-02-06 13:00Z, converted 2025-02-03 ...
    assert ds.as_of == datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
    assert default_as_of(normalize({})) is not None  # empty data: now, no error


def test_as_of_clips_later_events_and_undoes_state_changes() -> None:
    ds = dataset(leads=LEADS, conversations=CONVS, messages=MSGS, as_of="2025-02-04T00:00:00-03:00")
    leads = {r["id"]: r for r in ds.leads.to_dicts()}
    assert leads["L1"]["converted_at"] is not None  # converted 03/02 < as_of
    ds2 = dataset(leads=LEADS, conversations=CONVS, messages=MSGS, as_of="2025-02-02T00:00:00-03:00")
    leads2 = {r["id"]: r for r in ds2.leads.to_dicts()}
    assert leads2["L1"]["converted_at"] is None  # conversion after as_of undone
    assert "L2" in leads2  # created 01/02 00:00 local, before as_of
    c1 = ds2.conversations.filter(pl.col("id") == "C1").row(0, named=True)
    assert c1["transferred_at"] is None and c1["transfer_reason"] is None and c1["closed_at"] is None
    assert sorted(ds2.messages["id"]) == [1, 2]  # message 3 is after as_of


def test_booking_after_as_of_is_still_booked() -> None:
    bookings = [{"id": "B1", "lead_id": "L1", "status": "attended", "value": 100,
                 "booked_at": "2025-01-20T00:00:00Z", "scheduled_for": "2025-02-08T00:00:00Z"}]
    ds = dataset(leads=LEADS, bookings=bookings, as_of="2025-02-05T00:00:00-03:00")
    assert ds.bookings["status"].to_list() == ["booked"]


def test_filters_scope_leads_and_conversations_differently() -> None:
    ds = dataset(leads=LEADS, conversations=CONVS, messages=MSGS, filters=Filters(secretaries=("S2",)))
    # lead-centric: leads.assigned_to; conversation-centric: conversations.assigned_to
    assert sorted(ds.leads["id"]) == ["L2", "L3"]
    assert sorted(ds.conversations["id"]) == ["C1", "C3"]
    assert sorted(ds.messages["id"]) == [1, 3]
    assert sorted(ds.lead_messages["id"]) == [2, 3]  # every message of L2/L3's conversations


def test_playbook_filter_uses_first_conversation_for_leads() -> None:
    ds = dataset(leads=LEADS, conversations=CONVS, filters=Filters(playbooks=("orcamento",)))
    assert sorted(ds.conversations["id"]) == ["C1", "C3"]
    # L3's first conversation is primeira_consulta, so L3 is not an "orcamento" lead
    assert sorted(ds.leads["id"]) == ["L1"]


def test_channel_filter_reaches_children_and_campaigns() -> None:
    campaigns = [
        {"id": "K1", "channel": "instagram", "cost": 10, "started_at": "2025-01-01", "ended_at": "2025-01-10"},
        {"id": "K2", "channel": "google_ads", "cost": 10, "started_at": "2025-01-01", "ended_at": "2025-01-10"},
    ]
    ds = dataset(leads=LEADS, conversations=CONVS, messages=MSGS, campaigns=campaigns,
                 filters=Filters(channels=("instagram",)))
    assert sorted(ds.leads["id"]) == ["L1", "L3"]
    assert sorted(ds.conversations["id"]) == ["C1", "C2", "C3"]
    assert ds.campaigns["id"].to_list() == ["K1"]


def test_with_period_keeps_scope_and_drops_period_memos() -> None:
    ds = dataset(leads=LEADS)
    assert ds.cohort.height == 2
    feb = ds.with_period(Period.parse("2025-02-01", "2025-03-01"))
    assert feb.cohort["id"].to_list() == ["L2"]
    assert ds.cohort.height == 2


def test_empty_tables_build() -> None:
    ds = Dataset.build({}, Period.parse("2025-01-01", "2025-02-01"))
    assert ds.cohort.height == 0 and ds.messages.height == 0
    assert frame("leads", []).height == 0


def test_status_is_rewound_to_as_of() -> None:
    leads = [
        {"id": "A", "status": "lost", "lost_reason": "preco", "created_at": "2025-01-02T10:00:00-03:00"},
        {"id": "B", "status": "lost", "lost_reason": "preco", "created_at": "2025-01-02T10:00:00-03:00"},
        {"id": "C", "status": "qualified", "created_at": "2025-01-02T10:00:00-03:00"},
    ]
    history = [
        {"lead_id": "A", "status": "new", "changed_at": "2025-01-02T10:00:00-03:00"},
        {"lead_id": "A", "status": "engaged", "changed_at": "2025-01-05T10:00:00-03:00"},
        {"lead_id": "A", "status": "lost", "changed_at": "2025-01-20T10:00:00-03:00"},  # after as_of
        {"lead_id": "B", "status": "lost", "changed_at": "2025-01-06T10:00:00-03:00"},  # before as_of
    ]
    ds = dataset(leads=leads, history=history, as_of="2025-01-10T00:00:00-03:00")
    got = {r["id"]: (r["status"], r["lost_reason"]) for r in ds.leads.to_dicts()}
    # A was only engaged at as_of; B was already lost; C has no later history: kept.
    assert got == {"A": ("engaged", None), "B": ("lost", "preco"), "C": ("qualified", None)}


def test_default_as_of_builds_share_preparation_and_facts_but_never_across_inputs() -> None:
    """Page views over the same loaded tables prepare them once; other inputs or filters never hit."""
    from analytics.dataset import normalize

    base = normalize({"leads": frame("leads", LEADS)})
    jan, feb = Period.parse("2025-01-01", "2025-02-01"), Period.parse("2025-02-01", "2025-03-01")
    a, b = Dataset.build(base, jan), Dataset.build(base, feb)
    assert a.all is b.all and a.leads is b.leads and a._shared is b._shared
    calls: list[int] = []
    a.memo("fact", lambda: calls.append(1) or 1)
    b.memo("fact", lambda: calls.append(1) or 2)
    assert calls == [1] and b.memo("fact", lambda: 3) == 1
    assert b.cohort["id"].to_list() == ["L2"] and a.cohort.height == 2  # period facts stay per dataset
    # a filtered dataset over the same tables has its own scope and facts
    f = Dataset.build(base, jan, filters=Filters(channels=("instagram",)))
    assert f._shared is not a._shared and f.memo("fact", lambda: 9) == 9
    # the same content in new frames (e.g. after a sync) is prepared again, and its changes are seen
    changed = dict(base)
    changed["leads"] = base["leads"].head(1)
    c = Dataset.build(changed, jan)
    assert c.all is not a.all and c.leads.height == 1 and c.memo("fact", lambda: 5) == 5
