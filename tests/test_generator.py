"""Demo-data generator: determinism, referential integrity, invariants, ground truth, anomalies, loaders."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache

import numpy as np
import polars as pl
import pytest

from analytics import schema
from analytics.generator import generate, generate_frames
from analytics.generator.truth import TRUTH_KEYS

END = date(2026, 11, 20)
END_UTC = datetime(2026, 11, 20, 3, tzinfo=UTC)  # local midnight (UTC-3)
TZ = "America/Sao_Paulo"


@cache
def tiny(seed: int = 42, messy: bool = False):
    return generate_frames("tiny", seed=seed, messy=messy)


@cache
def small():
    return generate_frames("small", seed=42)


def _fk_violations(frames: dict[str, pl.DataFrame]) -> dict[str, int]:
    bad = {}
    for (table, col), ref in schema.FOREIGN_KEYS.items():
        vals = frames[table][col].drop_nulls()
        missing = (~vals.is_in(frames[ref]["id"].implode())).sum()
        if missing:
            bad[f"{table}.{col}"] = int(missing)
    return bad


# -- determinism ---------------------------------------------------------------------------
def test_same_seed_same_frames_different_seed_different():
    a, ta, _ = tiny(42)
    b, tb, _ = generate_frames("tiny", seed=42)
    for t in schema.LOAD_ORDER:
        assert a[t].equals(b[t]), t
    assert ta["row_counts"] == tb["row_counts"]
    c, _, _ = tiny(7)
    assert not a["leads"].equals(c["leads"])
    assert not a["conversation_messages"]["created_at"].equals(c["conversation_messages"]["created_at"])


# -- shape and integrity -------------------------------------------------------------------
@pytest.mark.parametrize("messy", [False, True])
def test_columns_primary_keys_and_foreign_keys(messy):
    frames, _, _ = tiny(42, messy)
    for t in schema.LOAD_ORDER:
        assert frames[t].columns == schema.column_names(t), t
        pk = schema.PRIMARY_KEYS[t]
        if pk:
            assert frames[t][pk].null_count() == 0 and frames[t][pk].is_unique().all(), t
    assert _fk_violations(frames) == {}


def test_row_counts_scale_with_size():
    f_tiny, _, _ = tiny()
    f_small, t_small, _ = small()
    assert 250 <= f_tiny["leads"].height <= 350
    assert 2_700 <= f_small["leads"].height <= 3_300
    for f in (f_tiny, f_small):
        per_lead = f["conversation_messages"].height / f["leads"].height
        assert 8 <= per_lead <= 16
        assert f["users"].height == 12
        assert (f["users"]["role"] == "secretary").sum() == 8
    assert t_small["row_counts"]["leads"] == f_small["leads"].height
    assert t_small["start_date"] == "2025-11-01" and t_small["end_date"] == END.isoformat()


def test_all_timestamps_before_end_except_future_appointments():
    frames, _, _ = tiny()
    end = pl.lit(END_UTC)
    for t in schema.LOAD_ORDER:
        for col, dtype in frames[t].schema.items():
            if isinstance(dtype, pl.Datetime) and (t, col) != ("procedure_bookings", "scheduled_for"):
                assert frames[t].filter(pl.col(col) >= end).height == 0, (t, col)


# -- invariants ----------------------------------------------------------------------------
def test_lead_status_matches_history_and_conversion():
    frames, _, _ = tiny()
    leads, hist = frames["leads"], frames["lead_status_history"]
    last = hist.sort("changed_at").group_by("lead_id").agg(pl.col("status").last().alias("h"))
    j = leads.join(last, left_on="id", right_on="lead_id", how="left")
    assert j["h"].null_count() == 0
    assert (j["status"] == j["h"]).all()
    conv = leads.filter(pl.col("converted_at").is_not_null())
    assert conv.height > 0
    assert (conv["converted_at"] >= conv["created_at"]).all()
    assert (conv["status"] == "scheduled").all()
    sched = hist.filter(pl.col("status") == "scheduled")["lead_id"]
    assert conv["id"].is_in(sched.implode()).all()
    assert (leads["status"] == "lost").sum() == leads["lost_reason"].is_not_null().sum()
    first = hist.sort("changed_at").group_by("lead_id").agg(pl.col("status").first())
    assert (first["status"] == "new").all()
    assert leads["phone"].str.contains(r"^55\d{2}9\d{8}$").all()
    assert leads["maturity_score"].is_between(0, 100).all()


def test_messages_consistent_with_conversations():
    frames, _, _ = tiny()
    c, m = frames["conversations"], frames["conversation_messages"]
    j = m.join(c, left_on="conversation_id", right_on="id", suffix="_c")
    assert (j["created_at"] >= j["started_at"]).all()
    human = j.filter(pl.col("sender_type") == "human")
    assert human.height > 0
    assert (human["created_at"] > human["transferred_at"]).all()
    assert (human["sender_id"] == human["assigned_to"]).all()
    assert (
        j.filter(pl.col("sender_type") != "human")["sender_id"].null_count()
        == j.filter(pl.col("sender_type") != "human").height
    )
    assert ((j["direction"] == "inbound") == (j["sender_type"] == "lead")).all()
    # ids increase with time
    s = m.sort("id")
    assert (s["created_at"].diff().drop_nulls() >= timedelta(0)).all()
    # status vocabulary and consistency
    assert set(c["status"]) <= {"bot", "waiting_human", "human", "closed"}
    assert (c.filter(pl.col("status") == "closed")["closed_at"].null_count()) == 0
    assert c.filter(pl.col("status").is_in(["waiting_human", "human"]))["transferred_at"].null_count() == 0
    assert (c["transferred_at"].is_null() == c["assigned_to"].is_null()).all()
    last = m.sort("created_at", "id").group_by("conversation_id").agg(pl.col("sender_type").last().alias("last"))
    open_h = c.filter(pl.col("status").is_in(["waiting_human", "human"])).join(
        last, left_on="id", right_on="conversation_id"
    )
    assert ((open_h["status"] == "waiting_human") == (open_h["last"] == "lead")).all()
    llm = frames["llm_interactions"].join(m, left_on="message_id", right_on="id")
    assert (llm["direction"] == "inbound").all()
    assert (llm["created_at_right"] <= llm["created_at"]).all()


def test_values_positive_and_bookings_consistent():
    frames, _, _ = tiny()
    b = frames["procedure_bookings"]
    assert (b["value"].cast(pl.Float64) > 0).all()
    assert (b["scheduled_for"] > b["booked_at"]).all()
    end = pl.lit(END_UTC)
    fut = b.select((pl.col("scheduled_for") > end).alias("f"), pl.col("status"))
    assert ((fut["status"] == "booked") == fut["f"]).all()
    camp = frames["marketing_campaigns"]
    assert (camp["cost"].cast(pl.Float64) > 0).all()
    assert (camp["ended_at"] >= camp["started_at"]).all()
    assert (frames["users"]["hourly_cost"].cast(pl.Float64).is_between(25, 120)).all()
    fb = frames["feedback"]
    assert fb["csat_score"].drop_nulls().is_between(1, 5).all()
    assert fb["nps_score"].drop_nulls().is_between(0, 10).all()
    llm = frames["llm_interactions"]
    assert llm["confidence"].is_between(0, 1).all() and (llm["latency_ms"] > 0).all()
    # first touchpoint of each lead = its channel and campaign, at created_at
    tp = frames["lead_touchpoints"].sort("touched_at").group_by("lead_id").first()
    j = frames["leads"].join(tp, left_on="id", right_on="lead_id")
    assert j.height == frames["leads"].height
    assert (j["channel"] == j["channel_right"]).all() and (j["created_at"] == j["touched_at"]).all()


# -- ground truth --------------------------------------------------------------------------
def test_truth_file_beside_duckdb(tmp_path):
    from analytics.sources.store import Store

    target = tmp_path / "t.duckdb"
    res = generate(str(target), size="tiny")
    assert res.truth_path == tmp_path / "t.truth.json"
    truth = json.loads(res.truth_path.read_text(encoding="utf-8"))
    assert set(TRUTH_KEYS) <= set(truth)
    assert truth["elasticity"]["harmonizacao"] == -1.6
    assert len(truth["secretaries"]) == 8
    p = truth["lead_conversion_probability"]
    assert len(p) == res.counts["leads"] and all(0 < v < 1 for v in p.values())
    with Store(target, read_only=True) as store:
        for t in schema.LOAD_ORDER:
            assert store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == res.counts[t], t
        assert store.get_meta("data_version").startswith("generator:tiny:42")
        leads = store.read("leads")
    assert set(p) == set(leads["id"])


def test_cli_generate_and_bad_target(tmp_path, capsys):
    from analytics.cli import main

    assert main(["generate", "--target", str(tmp_path / "c.duckdb"), "--size", "tiny", "--seed", "3"]) == 0
    assert (tmp_path / "c.truth.json").exists()
    assert main(["generate", "--target", str(tmp_path / "c.sqlite"), "--size", "tiny"]) == 2
    assert "error:" in capsys.readouterr().err


def _reply_runs(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Reply runs after handoff: first inbound time, answer time, answering secretary."""
    m = frames["conversation_messages"].join(
        frames["conversations"].select(pl.col("id").alias("conversation_id"), "transferred_at"), on="conversation_id"
    )
    m = m.filter((pl.col("created_at") >= pl.col("transferred_at")) & (pl.col("sender_type") != "bot"))
    m = m.sort("conversation_id", "created_at", "id").with_columns(is_h=pl.col("sender_type") == "human")
    m = m.with_columns(prev_h=pl.col("is_h").shift(1).over("conversation_id").fill_null(True))
    m = m.with_columns(run=(~pl.col("is_h") & pl.col("prev_h")).cast(pl.Int32).cum_sum().over("conversation_id"))
    runs = m.group_by("conversation_id", "run").agg(
        first_in=pl.col("created_at").filter(~pl.col("is_h")).min(),
        answer=pl.col("created_at").filter(pl.col("is_h")).min(),
        sec=pl.col("sender_id").filter(pl.col("is_h")).first(),
    )
    local = pl.col("first_in").dt.convert_time_zone(TZ)
    return runs.drop_nulls().with_columns(
        seconds=(pl.col("answer") - pl.col("first_in")).dt.total_seconds(fractional=True),
        hour=local.dt.hour(),
        weekday=local.dt.weekday(),
        day=local.dt.date(),
    )


def test_recovers_secretary_response_medians_on_small():
    frames, truth, _ = small()
    runs = _reply_runs(frames)
    closed = {date.fromisoformat(d) for d in truth["closed_dates"]}
    for s in truth["secretaries"]:
        lo, hi = s["shift_hours_local"]
        off = closed | {date.fromisoformat(d) for d in s["absence_dates"]}
        r = runs.filter(
            (pl.col("sec") == s["id"])
            & pl.col("hour").is_between(lo, hi - 1)
            & (pl.col("weekday") <= 5)
            & ~pl.col("day").is_in(list(off))
        )
        assert r.height >= 80, s
        med = r["seconds"].median()
        assert abs(med / s["response_median_seconds"] - 1) < 0.2, (med, s["response_median_seconds"])


def test_intent_accuracy_and_conversion_truth_on_small():
    frames, truth, lead_p = small()
    llm = frames["llm_interactions"].filter(pl.col("validated_intent").is_not_null())
    share = llm.height / frames["llm_interactions"].height
    assert 0.08 < share < 0.12
    acc = (llm["intent"] == llm["validated_intent"]).mean()
    assert abs(acc - truth["intent_model"]["expected_accuracy"]) < 0.04
    # calibration of the true probability: leads old enough to have converted
    leads = frames["leads"].join(lead_p, left_on="id", right_on="lead_id")
    cutoff = pl.lit(END - timedelta(days=60)).cast(pl.Datetime("us", "UTC"))
    old = leads.filter(pl.col("created_at") < cutoff)
    rate = old["converted_at"].is_not_null().mean()
    assert abs(rate - old["p"].mean()) < 0.03
    hi = old.filter(pl.col("p") > 0.5)["converted_at"].is_not_null().mean()
    lo = old.filter(pl.col("p") < 0.15)["converted_at"].is_not_null().mean()
    assert hi > 0.5 > 0.15 > lo


def test_seasonality_shapes_on_small():
    frames, _, _ = small()
    local = frames["leads"]["created_at"].dt.convert_time_zone(TZ)
    wd = local.dt.weekday().value_counts().sort("created_at")
    counts = dict(zip(wd["created_at"], wd["count"], strict=True))
    assert counts[1] > counts[5] > counts[7]  # busy Monday, quiet Sunday
    hours = local.dt.hour().value_counts()
    h = dict(zip(hours["created_at"], hours["count"], strict=True))
    assert h.get(10, 0) > 3 * h.get(3, 0) and h.get(19, 0) > 3 * h.get(3, 0)


# -- messy ---------------------------------------------------------------------------------
def test_messy_anomalies_present():
    frames, truth, lead_p = tiny(42, True)
    clean, _, _ = tiny(42, False)
    inj = truth["messy_injected"]
    assert truth["messy"] is True
    assert all(v >= 0 for v in inj.values()) and inj["lgpd_deleted_leads"] >= 1
    assert frames["leads"].height == clean["leads"].height - inj["lgpd_deleted_leads"]
    assert lead_p.height == frames["leads"].height
    assert "tiktok" in set(frames["leads"]["channel"])
    assert "lente_contato_dental" in set(frames["leads"]["procedure_interest"].drop_nulls())
    assert "elogio" in set(frames["llm_interactions"]["intent"])
    assert "kwai" in set(frames["lead_touchpoints"]["channel"])
    for t, col in (("leads", "procedure_interest"), ("conversations", "playbook"), ("leads", "campaign_id")):
        assert frames[t][col].null_count() > clean[t][col].null_count(), (t, col)
    convs, msgs = frames["conversations"], frames["conversation_messages"]
    assert (~convs["id"].is_in(msgs["conversation_id"].implode())).sum() >= 1
    assert (~frames["leads"]["id"].is_in(convs["lead_id"].implode())).sum() >= 1
    j = msgs.join(convs, left_on="conversation_id", right_on="id")
    assert (j["created_at"] < j["started_at"]).sum() == inj["messages_before_conversation_start"] >= 1
    dup = msgs.group_by("conversation_id", "content", "created_at").len().filter(pl.col("len") > 1)
    assert dup.height >= 1
    assert msgs["id"].is_unique().all()
    conv_leads = frames["leads"].filter(pl.col("converted_at").is_not_null())
    sched = frames["lead_status_history"].filter(pl.col("status") == "scheduled")["lead_id"]
    assert (~conv_leads["id"].is_in(sched.implode())).sum() == inj["scheduled_history_rows_removed"]


# -- PostgreSQL ----------------------------------------------------------------------------
@pytest.mark.postgres
def test_postgres_round_trip_tiny(pg_url, tmp_path):
    import psycopg

    res = generate(pg_url, size="tiny", messy=True, truth_path=tmp_path / "pg.truth.json")
    with psycopg.connect(pg_url) as con:
        for t in schema.LOAD_ORDER:
            assert con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == res.counts[t], t
        fks = con.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'").fetchone()[0]
        assert fks == len(schema.FOREIGN_KEYS)
        skills = con.execute("SELECT skills FROM users WHERE role = 'secretary' LIMIT 1").fetchone()[0]
        assert isinstance(skills, list) and skills
        # the same instants as generated (timestamptz survives the text COPY)
        first = con.execute("SELECT min(created_at) FROM conversation_messages").fetchone()[0]
    frames, _, _ = tiny(42, True)
    assert first == frames["conversation_messages"]["created_at"].min()
    # regenerating replaces the previous content
    res2 = generate(pg_url, size="tiny", seed=5, truth_path=tmp_path / "pg.truth.json")
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT count(*) FROM leads").fetchone()[0] == res2.counts["leads"]
    assert np.isfinite(res2.seconds)


def test_unreachable_postgres_fails_fast_with_one_line(tmp_path):
    from analytics.errors import SourceError

    with pytest.raises(SourceError, match="cannot connect to PostgreSQL") as exc:
        generate("postgresql://postgres@127.0.0.1:1/nope", size="tiny", truth_path=tmp_path / "t.json")
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "t.json").exists()
