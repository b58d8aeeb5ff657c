"""Quality metrics (shared/spec/metrics.md, section Quality).

Period anchors: NPS and CSAT take ``feedback.created_at``; ``feedback_response_rate``
takes closed conversations with ``started_at`` in the period.

Decisions (beyond the spec text):

- Scores outside their scale (NPS 0–10, CSAT 1–5) are ignored like nulls.
- ``nps_breakdown`` (extra id): ``{"promoters", "passives", "detractors", "responses"}``.
- ``csat_pct``: share (%) of CSAT scores 4–5 among valid CSAT scores of the period.
- ``feedback_response_rate``: a conversation counts when it has at least one feedback row
  at any time up to ``as_of`` (not only within the period).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.base import Metric, pct

DOMAIN = "quality"


def _period_feedback(ds: Dataset) -> pl.DataFrame:
    return ds.memo("period:quality:feedback", lambda: ds.feedback.filter(ds.in_period("created_at")))


def _nps_scores(ds: Dataset) -> pl.Series:
    s = _period_feedback(ds)["nps_score"].drop_nulls()
    return s.filter(s.is_between(0, 10))


def nps_breakdown(ds: Dataset) -> dict[str, int]:
    """Promoters (9–10), passives (7–8), detractors (0–6) and responses of the period."""
    s = _nps_scores(ds)
    promoters = int((s >= 9).sum())
    detractors = int((s <= 6).sum())
    return {
        "promoters": promoters,
        "passives": int(s.len()) - promoters - detractors,
        "detractors": detractors,
        "responses": int(s.len()),
    }


def nps(ds: Dataset) -> float | None:
    """(promoters − detractors) / responses × 100, in −100..100; None without responses."""
    b = nps_breakdown(ds)
    return pct(b["promoters"] - b["detractors"], b["responses"])


def _csat_scores(ds: Dataset) -> pl.Series:
    s = _period_feedback(ds)["csat_score"].drop_nulls()
    return s.filter(s.is_between(1, 5))


def csat(ds: Dataset) -> float | None:
    """Mean CSAT score (1–5) of the period's feedback; None without scores."""
    s = _csat_scores(ds)
    return None if s.len() == 0 else float(s.cast(pl.Float64).mean())  # type: ignore[arg-type]


def csat_pct(ds: Dataset) -> float | None:
    """Share of CSAT scores 4–5 × 100."""
    s = _csat_scores(ds)
    return pct(int((s >= 4).sum()), s.len())


def _response_frame(ds: Dataset) -> pl.DataFrame:
    closed = ds.period_conversations.filter(pl.col("closed_at").is_not_null())
    return closed.select(
        pl.col("id").alias("conversation_id"),
        "lead_id",
        "closed_at",
        pl.col("id").is_in(ds.feedback["conversation_id"].unique().implode()).alias("has_feedback"),
    )


def feedback_response_rate(ds: Dataset) -> float | None:
    """Closed conversations (started in the period) with at least one feedback row × 100."""
    f = _response_frame(ds)
    return pct(f.filter(pl.col("has_feedback")).height, f.height)


def _feedback_rows(ds: Dataset) -> pl.DataFrame:
    """Feedback of the period without the free-text comment (sensitive)."""
    return _period_feedback(ds).select("id", "conversation_id", "nps_score", "csat_score", "created_at")


def _m(id_: str, label: str, unit: str, kind: str, definition: str, compute: Any, rows: Any = None) -> Metric:
    return Metric(id_, label, unit, kind, definition, DOMAIN, compute, rows)  # type: ignore[arg-type]


METRICS: list[Metric] = [
    _m(
        "nps",
        "NPS",
        "score",
        "scalar",
        "(Respostas 9–10 − respostas 0–6) / respostas com nota NPS × 100, de −100 a 100.",
        nps,
        _feedback_rows,
    ),
    _m(
        "nps_breakdown",
        "Composição do NPS",
        "count",
        "breakdown",
        "Promotores (9–10), neutros (7–8), detratores (0–6) e total de respostas.",
        nps_breakdown,
        _feedback_rows,
    ),
    _m("csat", "CSAT médio", "score", "scalar", "Média das notas de satisfação (1 a 5).", csat, _feedback_rows),
    _m(
        "csat_pct",
        "CSAT satisfeitos",
        "percent",
        "scalar",
        "Notas de satisfação 4 ou 5 / notas de satisfação × 100.",
        csat_pct,
        _feedback_rows,
    ),
    _m(
        "feedback_response_rate",
        "Taxa de resposta à pesquisa",
        "percent",
        "scalar",
        "Conversas encerradas com ao menos uma avaliação / conversas encerradas × 100.",
        feedback_response_rate,
        _response_frame,
    ),
]
