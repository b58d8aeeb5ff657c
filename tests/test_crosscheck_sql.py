"""The headline metrics computed a second, independent way: plain SQL in PostgreSQL.

The generator loads a small demo into the real PostgreSQL; the analytics package
syncs it into DuckDB and computes the catalog (through the same function the CLI
uses); the SQL below re-derives each number from the metrics.md definitions
directly on the source tables. Both must agree.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import UTC, date
from typing import Any

import psycopg
import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

START, END = "2025-06-01", "2026-06-01"
TZ = "America/Sao_Paulo"

# Every query receives %(s)s, %(e)s (period bounds, timestamptz) and %(a)s (as_of).
AS_OF = """
SELECT greatest(
  (SELECT max(created_at) FROM conversation_messages),
  (SELECT max(greatest(started_at, transferred_at, closed_at)) FROM conversations),
  (SELECT max(greatest(created_at, converted_at)) FROM leads),
  (SELECT max(changed_at) FROM lead_status_history))
"""

SCALARS = {
    "leads_total": "SELECT count(*) FROM leads WHERE created_at >= %(s)s AND created_at < %(e)s",
    "leads_converted": """SELECT count(*) FROM leads WHERE created_at >= %(s)s AND created_at < %(e)s
                          AND converted_at IS NOT NULL AND converted_at <= %(a)s""",
    "revenue": """SELECT coalesce(sum(value), 0) FROM procedure_bookings
                  WHERE status = 'attended' AND scheduled_for >= %(s)s AND scheduled_for < %(e)s
                  AND scheduled_for <= %(a)s AND booked_at <= %(a)s""",
    "pipeline_value": """SELECT coalesce(sum(value), 0) FROM procedure_bookings
                         WHERE status IN ('booked', 'attended', 'no_show') AND scheduled_for > %(a)s
                         AND booked_at <= %(a)s""",
    "transfer_rate": """SELECT 100.0 * count(*) FILTER (WHERE transferred_at IS NOT NULL) / nullif(count(*), 0)
                        FROM conversations WHERE started_at >= %(s)s AND started_at < %(e)s""",
    "bot_autonomy_rate": """SELECT 100.0 * count(*) FILTER (WHERE transferred_at IS NULL) / nullif(count(*), 0)
                            FROM conversations WHERE started_at >= %(s)s AND started_at < %(e)s
                            AND closed_at IS NOT NULL""",
    "nps": """SELECT 100.0 * (count(*) FILTER (WHERE nps_score >= 9) - count(*) FILTER (WHERE nps_score <= 6))
                     / nullif(count(*), 0)
              FROM feedback WHERE nps_score IS NOT NULL AND created_at >= %(s)s AND created_at < %(e)s""",
    "csat": """SELECT avg(csat_score) FROM feedback
               WHERE csat_score IS NOT NULL AND created_at >= %(s)s AND created_at < %(e)s""",
    "intent_accuracy": """SELECT 100.0 * count(*) FILTER (WHERE intent = validated_intent) / nullif(count(*), 0)
                          FROM llm_interactions WHERE validated_intent IS NOT NULL
                          AND created_at >= %(s)s AND created_at < %(e)s""",
    "resolution_seconds.median": """SELECT percentile_cont(0.5)
                                    WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - started_at))
                                    FROM conversations WHERE closed_at IS NOT NULL
                                    AND started_at >= %(s)s AND started_at < %(e)s""",
}

FUNNEL = """
WITH cohort AS (SELECT id, converted_at FROM leads WHERE created_at >= %(s)s AND created_at < %(e)s),
hist AS (SELECT lead_id, max(CASE status WHEN 'engaged' THEN 1 WHEN 'qualified' THEN 2
                                       WHEN 'scheduled' THEN 3 ELSE 0 END) AS r
         FROM lead_status_history WHERE changed_at <= %(a)s GROUP BY lead_id),
att AS (SELECT DISTINCT lead_id FROM procedure_bookings
        WHERE status = 'attended' AND scheduled_for <= %(a)s AND booked_at <= %(a)s),
stage AS (SELECT c.id, greatest(coalesce(h.r, 0),
                                CASE WHEN c.converted_at IS NOT NULL AND c.converted_at <= %(a)s THEN 3 ELSE 0 END,
                                CASE WHEN att.lead_id IS NOT NULL THEN 4 ELSE 0 END) AS r
          FROM cohort c LEFT JOIN hist h ON h.lead_id = c.id LEFT JOIN att ON att.lead_id = c.id)
SELECT count(*) FILTER (WHERE r >= 0), count(*) FILTER (WHERE r >= 1), count(*) FILTER (WHERE r >= 2),
       count(*) FILTER (WHERE r >= 3), count(*) FILTER (WHERE r >= 4) FROM stage
"""

# Reply runs with window functions: k = human outbound messages so far (in
# (created_at, id) order); a run is the inbound messages at/after transferred_at
# sharing k; its answer is the first human outbound message with k + 1, if it
# came before the conversation closed (and by as_of).
RUNS = """
WITH m AS (
  SELECT msg.id, msg.conversation_id, msg.direction, msg.sender_type, msg.created_at,
         c.transferred_at, c.closed_at,
         sum(CASE WHEN msg.direction = 'outbound' AND msg.sender_type = 'human' THEN 1 ELSE 0 END)
           OVER (PARTITION BY msg.conversation_id ORDER BY msg.created_at, msg.id) AS k
  FROM conversation_messages msg JOIN conversations c ON c.id = msg.conversation_id
  WHERE c.transferred_at IS NOT NULL AND c.transferred_at <= %(a)s AND msg.created_at <= %(a)s
),
runs AS (
  SELECT conversation_id, k, min(created_at) AS first_at, max(closed_at) AS closed_at
  FROM m WHERE direction = 'inbound' AND created_at >= transferred_at GROUP BY conversation_id, k
),
answers AS (
  SELECT conversation_id, k - 1 AS k, min(created_at) AS answer_at
  FROM m WHERE direction = 'outbound' AND sender_type = 'human' GROUP BY conversation_id, k
),
j AS (
  SELECT r.first_at,
         CASE WHEN a.answer_at IS NOT NULL AND (r.closed_at IS NULL OR a.answer_at <= r.closed_at)
              THEN extract(epoch FROM a.answer_at - r.first_at) END AS secs,
         extract(epoch FROM coalesce(r.closed_at, %(a)s) - r.first_at) AS waited
  FROM runs r LEFT JOIN answers a USING (conversation_id, k)
  WHERE r.first_at >= %(s)s AND r.first_at < %(e)s
)
SELECT count(secs), avg(secs),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY secs),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY secs),
       count(*) FILTER (WHERE secs IS NULL),
       100.0 * count(*) FILTER (WHERE secs <= 300)
         / nullif(count(secs) + count(*) FILTER (WHERE secs IS NULL AND waited > 300), 0)
FROM j
"""


def _close(a: Any, b: Any, rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-6)


@pytest.fixture(scope="module")
def loaded(pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A module-scoped PostgreSQL database with the `small` demo (generator)."""
    from analytics.generator import generate

    name = f"clinic_xcheck_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url.rpartition("/")[0] + "/" + name
    truth = tmp_path_factory.mktemp("xcheck") / "truth.json"
    generate(url, size="small", seed=7, end_date=date(2026, 6, 20), truth_path=truth)
    yield url
    with psycopg.connect(pg_admin_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_headline_metrics_match_plain_sql(loaded: str, tmp_path, monkeypatch) -> None:
    from analytics.metrics_cli import compute_metrics

    monkeypatch.chdir(tmp_path)  # the sync cache store goes under ./data/cache
    ours = compute_metrics(loaded, START, END)
    with psycopg.connect(loaded) as con:
        con.execute(f"SET TIME ZONE '{TZ}'")
        s, e = con.execute(
            "SELECT %s::date::timestamp AT TIME ZONE %s, %s::date::timestamp AT TIME ZONE %s", (START, TZ, END, TZ)
        ).fetchone()
        a = con.execute(AS_OF).fetchone()[0]
        params = {"s": s, "e": e, "a": a}
        assert ours["_meta"]["as_of"] == a.astimezone(UTC).isoformat()
        checked = 0
        for key, sql in SCALARS.items():
            expected = con.execute(sql, params).fetchone()[0]
            mid, _, field = key.partition(".")
            got = ours[mid][field] if field else ours[mid]
            assert _close(got, expected), f"{key}: analytics {got} != SQL {expected}"
            checked += 1
        funnel = con.execute(FUNNEL, params).fetchone()
        assert [row["leads"] for row in ours["funnel"]] == list(funnel)
        n, mean, median, p95, unanswered, sla = con.execute(RUNS, params).fetchone()
        rs = ours["response_seconds"]
        assert rs["count"] == n and _close(rs["mean"], mean) and _close(rs["median"], median)
        assert _close(rs["p95"], p95)
        assert ours["unanswered_runs"] == unanswered
        assert _close(ours["sla_compliance"], sla)
        assert checked == len(SCALARS) and ours["leads_total"] > 100  # a real sample, not an empty pass
