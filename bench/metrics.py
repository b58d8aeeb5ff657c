"""Benchmark: the whole metrics catalog on one year of a large demo store.

    .venv/bin/python bench/metrics.py [--store data/bench_large.duckdb] [--size large]

Builds the store with the generator if it is missing, then measures, in one run:
- loading the tables from the store into Polars (once per sync/session in the app),
- each dashboard's metric set and the whole catalog (wall time),
- peak memory (resident set, from the OS),
- three core metrics (funnel, response-time percentiles by secretary, daily inbound
  volume) in Polars (our implementation) and in a plain pandas implementation,
  for the speed ratio.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

from analytics import catalog  # noqa: E402
from analytics.dataset import Dataset  # noqa: E402
from analytics.period import Period  # noqa: E402
from analytics.settings import load_settings  # noqa: E402
from analytics.sources.resolve import load_tables, open_store  # noqa: E402

DASHBOARD_SETS = {
    "executivo": ["leads_total", "leads_converted", "conversion_rate", "funnel", "revenue", "pipeline_value",
                  "roi_by_channel", "nps", "csat"],
    "operacoes": ["first_response_seconds", "response_seconds", "sla_compliance", "unanswered_runs",
                  "load_distribution", "productivity", "resolution_seconds", "handoff_abandonment_rate",
                  "window_24h_late_reply_rate", "window_24h_expired"],
    "marketing": ["cost_by_channel", "roi_by_channel", "cpa_by_channel", "ltv_by_segment", "funnel",
                  "conversion_rate"],
    "ia": ["bot_autonomy_rate", "transfer_rate", "escalation_reasons", "intent_accuracy", "playbook_conversion",
           "llm_usage", "maturity_at_conversion"],
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def pandas_core(tables: dict[str, pl.DataFrame], start: pd.Timestamp, end: pd.Timestamp, tz: str) -> None:
    """Plain pandas version of funnel counts, response percentiles by secretary, daily volume."""
    leads = tables["leads"].select("id", "created_at", "converted_at").to_pandas()
    hist = tables["lead_status_history"].select("lead_id", "status").to_pandas()
    msgs = tables["conversation_messages"].select(
        "id", "conversation_id", "direction", "sender_type", "sender_id", "created_at").to_pandas()
    convs = tables["conversations"].select("id", "transferred_at").to_pandas()
    cohort = leads[(leads.created_at >= start) & (leads.created_at < end)]
    rank = {"new": 0, "engaged": 1, "qualified": 2, "scheduled": 3}
    h = hist[hist.lead_id.isin(cohort.id)].copy()
    h["rank"] = h.status.map(rank)
    best = h.groupby("lead_id")["rank"].max()
    furthest = cohort.set_index("id").join(best.rename("rank"))["rank"].fillna(0)
    furthest[cohort.set_index("id").converted_at.notna()] = furthest.clip(lower=3)
    _funnel = [(furthest >= r).sum() for r in range(4)]
    m = msgs.merge(convs, left_on="conversation_id", right_on="id", suffixes=("", "_c"))
    m = m[m.transferred_at.notna() & (m.created_at >= m.transferred_at)]
    m = m.sort_values(["conversation_id", "created_at", "id"])
    human = (m.direction == "outbound") & (m.sender_type == "human")
    m["run"] = human.groupby(m.conversation_id).cumsum()
    inbound = m[m.direction == "inbound"].groupby(["conversation_id", "run"]).created_at.min()
    answers = m[human].groupby(["conversation_id", "run"]).agg(at=("created_at", "min"), sid=("sender_id", "first"))
    answers.index = answers.index.set_levels(answers.index.levels[1] - 1, level=1)
    runs = inbound.to_frame("first").join(answers, how="inner")
    runs = runs[(runs["first"] >= start) & (runs["first"] < end)]
    runs["secs"] = (runs["at"] - runs["first"]).dt.total_seconds()
    _pct = runs.groupby("sid").secs.quantile([0.5, 0.95, 0.99])
    inb = msgs[(msgs.direction == "inbound") & (msgs.created_at >= start) & (msgs.created_at < end)]
    _daily = inb.groupby(inb.created_at.dt.tz_convert(tz).dt.date).size()


def polars_core(ds: Dataset) -> None:
    catalog.get("funnel").compute(ds)
    catalog.get("response_seconds").compute(ds)
    ds.messages.filter((pl.col("direction") == "inbound") & ds.in_period("created_at")).group_by(
        ds.local("created_at").dt.date()
    ).len()  # daily inbound volume


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default="data/bench_large.duckdb")
    ap.add_argument("--size", default="large")
    ap.add_argument("--start", default=None)
    ap.add_argument("--end", default=None)
    args = ap.parse_args()
    store_path = ROOT / args.store
    if not store_path.exists():
        from analytics.generator import generate

        print(f"building {store_path} ({args.size}) ...", file=sys.stderr)
        _, secs = timed(lambda: generate(str(store_path), size=args.size))
        print(f"  built in {secs:.1f} s", file=sys.stderr)
    settings = load_settings()
    store = open_store(str(store_path))
    tables, t_load = timed(lambda: load_tables(store))
    store.close()
    n_msgs = tables["conversation_messages"].height
    n_leads = tables["leads"].height
    ds0 = Dataset.build(tables, Period.parse("2000-01-01", "2000-01-02"), settings)
    end = ds0.as_of.astimezone(settings.tz).date()
    period = Period.parse(args.start or end.replace(year=end.year - 1).isoformat(), args.end or end.isoformat())
    rows = []

    _, t_build = timed(lambda: Dataset.build(tables, period, settings))
    for name, ids in DASHBOARD_SETS.items():
        ids = [i for i in ids if i in catalog.CATALOG]
        fresh = Dataset.build(tables, period, settings)
        _, secs = timed(lambda fresh=fresh, ids=ids: catalog.compute(fresh, ids))
        rows.append((f"dashboard {name} ({len(ids)} metrics)", secs))
    fresh = Dataset.build(tables, period, settings)
    _, t_all = timed(lambda: catalog.compute(fresh))
    rows.append((f"whole catalog ({len(catalog.CATALOG)} metrics)", t_all))

    fresh = Dataset.build(tables, period, settings)
    _, t_pl = timed(lambda: polars_core(fresh))
    lo, hi = (pd.Timestamp(x) for x in period.bounds(settings.tz))
    _, t_pd = timed(lambda: pandas_core(tables, lo, hi, settings.timezone))

    print(f"\nstore: {store_path.name}: {n_leads:,} leads, {n_msgs:,} messages; period {period.start}..{period.end}")
    print("| step | seconds |\n|---|---|")
    print(f"| load tables from store | {t_load:.2f} |")
    print(f"| build dataset (as_of clip + scope) | {t_build:.2f} |")
    for label, secs in rows:
        print(f"| {label} | {secs:.2f} |")
    print(f"| core 3 metrics, Polars (ours) | {t_pl:.2f} |")
    print(f"| core 3 metrics, plain pandas | {t_pd:.2f} |")
    print(f"| speed-up vs pandas | {t_pd / t_pl:.1f}x |")
    print(f"| peak RSS | {peak_rss_mb():,.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
