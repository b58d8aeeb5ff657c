"""Bot and AI metrics (shared/spec/metrics.md, section Bot and AI).

Period anchors: conversation metrics take conversations with ``started_at`` in the
period; LLM metrics take ``llm_interactions.created_at``; lead metrics take the lead
cohort (``created_at`` in the period).

Decisions (beyond the spec text):

- ``escalation_reasons``: handed-off conversations of the period by ``transfer_reason``
  (null -> "sem motivo"); ``share`` in percent; sorted by count desc, then reason.
- ``intent_accuracy``: reviewed = ``validated_intent`` not null. Extra ids:
  ``intent_metrics`` ([{"intent", "precision", "recall", "support"}], percent, ``None`` on a
  zero denominator, intents = union of detected and validated intents among reviewed
  rows; support = reviewed rows validated as that intent), ``intent_confusion``
  ([{"intent", "validated_intent", "count"}]) and ``intent_accuracy_by_confidence``
  (10 rows, decile 1 = confidence in [0, 0.1) ... 10 = [0.9, 1.0]; null confidence left out;
  values outside 0–1 are clipped into deciles 1/10; confidence × 10 is rounded to 6 decimals
  before flooring, so float32 values such as 0.7 fall in the decile written, [0.7, 0.8)).
- ``playbook_conversion``: playbook of each cohort lead's first conversation (any
  conversation of the lead, first by ``(started_at, id)``); null -> "sem playbook";
  leads with no conversation left out; ``conversion_rate`` in percent.
- ``llm_usage``: ``{"tokens_per_conversation", "by_model"}``: tokens = prompt +
  completion (nulls as 0) summed per conversation over conversations with interactions in
  the period, then averaged; by model (null model kept as ``None``): interactions, tokens,
  conversations (distinct, with an interaction of that model), tokens_per_conversation
  (= tokens / conversations, the model's tokens only), latency p50/p95 (ms, linear
  interpolation, nulls ignored).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.base import Metric, pct
from analytics.metrics.keys import lookup

DOMAIN = "bot"
NO_REASON = "sem motivo"
NO_PLAYBOOK = "sem playbook"


def _closed(ds: Dataset) -> pl.DataFrame:
    return ds.period_conversations.filter(pl.col("closed_at").is_not_null())


def bot_autonomy_rate(ds: Dataset) -> float | None:
    """Closed conversations (started in the period) never handed off / closed conversations × 100."""
    closed = _closed(ds)
    return pct(closed.filter(pl.col("transferred_at").is_null()).height, closed.height)


def transfer_rate(ds: Dataset) -> float | None:
    """Conversations started in the period that were handed off / conversations × 100."""
    convs = ds.period_conversations
    return pct(convs.filter(pl.col("transferred_at").is_not_null()).height, convs.height)


def _reasons_frame(ds: Dataset) -> pl.DataFrame:
    handed = ds.period_conversations.filter(pl.col("transferred_at").is_not_null())
    total = handed.height
    out = (
        handed.group_by(pl.col("transfer_reason").fill_null(NO_REASON).alias("reason"))
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .with_columns((pl.col("count") / total * 100.0).alias("share") if total else pl.lit(None).alias("share"))
    )
    return out.sort(["count", "reason"], descending=[True, False])


def escalation_reasons(ds: Dataset) -> list[dict[str, Any]]:
    """Handed-off conversations of the period by transfer reason: count and share (%)."""
    return _reasons_frame(ds).to_dicts()


# -- intents -----------------------------------------------------------------------------
def _period_llm(ds: Dataset) -> pl.DataFrame:
    return ds.memo("period:bot:llm", lambda: ds.llm.filter(ds.in_period("created_at")))


def _reviewed(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "period:bot:reviewed",
        lambda: (
            _period_llm(ds)
            .filter(pl.col("validated_intent").is_not_null())
            .with_columns((pl.col("intent") == pl.col("validated_intent")).fill_null(False).alias("correct"))
        ),
    )


def intent_accuracy(ds: Dataset) -> float | None:
    """Reviewed interactions of the period with intent = validated_intent / reviewed × 100."""
    r = _reviewed(ds)
    return pct(r.filter(pl.col("correct")).height, r.height)


def intent_metrics(ds: Dataset) -> list[dict[str, Any]]:
    """Per intent: precision and recall (%) against the reviewer, and support (validated count)."""
    r = _reviewed(ds)
    if r.height == 0:
        return []
    predicted = (
        r.group_by(pl.col("intent"))
        .agg(pl.len().alias("predicted"), pl.col("correct").sum().alias("tp"))
        .filter(pl.col("intent").is_not_null())
    )
    actual = r.group_by(pl.col("validated_intent").alias("intent")).agg(pl.len().alias("support"))
    out = (
        predicted.join(actual, on="intent", how="full", coalesce=True)
        .with_columns(pl.col("predicted", "tp", "support").fill_null(0).cast(pl.Int64))
        .sort("intent")
    )
    return [
        {
            "intent": row["intent"],
            "precision": pct(row["tp"], row["predicted"]),
            "recall": pct(row["tp"], row["support"]),
            "support": int(row["support"]),
        }
        for row in out.iter_rows(named=True)
    ]


def intent_confusion(ds: Dataset) -> list[dict[str, Any]]:
    """Confusion matrix of reviewed interactions: (intent, validated_intent) -> count."""
    return (
        _reviewed(ds)
        .group_by("intent", "validated_intent")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort("intent", "validated_intent", nulls_last=True)
        .to_dicts()
    )


def intent_accuracy_by_confidence(ds: Dataset) -> list[dict[str, Any]]:
    """Accuracy (%) of reviewed interactions per confidence decile 1..10."""
    r = _reviewed(ds).filter(pl.col("confidence").is_not_null())
    dec = r.select(
        # confidence is REAL (float32): 0.7 is stored as 0.69999998...; round before flooring so that
        # it lands in [0.7, 0.8) as written, not in [0.6, 0.7)
        ((pl.col("confidence").cast(pl.Float64) * 10).round(6).floor().cast(pl.Int64) + 1)
        .clip(1, 10)
        .alias("decile"),
        "correct",
    )
    agg = dec.group_by("decile").agg(
        pl.len().cast(pl.Int64).alias("reviewed"), pl.col("correct").sum().cast(pl.Int64).alias("correct")
    )
    full = pl.DataFrame({"decile": pl.Series(range(1, 11), dtype=pl.Int64)}).join(agg, on="decile", how="left")
    full = full.with_columns(pl.col("reviewed", "correct").fill_null(0)).sort("decile")
    return [{**row, "accuracy": pct(row["correct"], row["reviewed"])} for row in full.iter_rows(named=True)]


# -- leads -------------------------------------------------------------------------------
def maturity_at_conversion(ds: Dataset) -> float | None:
    """Mean maturity_score of converted cohort leads (None when none)."""
    v = ds.cohort.filter(pl.col("converted_at").is_not_null())["maturity_score"].drop_nulls()
    return None if v.len() == 0 else float(v.cast(pl.Float64).mean())  # type: ignore[arg-type]


def _playbook_frame(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        convs = ds.lead_conversations.select("id", "lead_id", "started_at", "playbook")
        cohort_ids = ds.cohort.get_column("id")
        # only cohort leads' conversations matter (the inner join below): drop the others before sorting
        in_cohort = lookup(convs.get_column("lead_id"), cohort_ids, pl.repeat(True, cohort_ids.len(), eager=True))
        first = (
            convs.filter(in_cohort.is_not_null())
            # Categorical order is text order; sorting the text is faster
            .sort("started_at", pl.col("id").cast(pl.String), nulls_last=True)
            .unique("lead_id", keep="first", maintain_order=True)  # = group_by(maintain_order).first()
            .select(pl.col("lead_id").alias("id"), pl.col("playbook").fill_null(NO_PLAYBOOK))
        )
        return (
            ds.cohort.select("id", "converted_at")
            .join(first, on="id", how="inner")
            .select(pl.col("id").alias("lead_id"), "playbook", pl.col("converted_at").is_not_null().alias("converted"))
        )

    return ds.memo("period:bot:playbook", build)


def playbook_conversion(ds: Dataset) -> list[dict[str, Any]]:
    """Per playbook of the cohort lead's first conversation: leads, converted, conversion rate (%)."""
    agg = (
        _playbook_frame(ds)
        .group_by("playbook")
        .agg(pl.len().cast(pl.Int64).alias("leads"), pl.col("converted").sum().cast(pl.Int64).alias("converted"))
        .sort("playbook")
    )
    return [{**row, "conversion_rate": pct(row["converted"], row["leads"])} for row in agg.iter_rows(named=True)]


# -- LLM usage ---------------------------------------------------------------------------
def _tokens(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (
            pl.col("tokens_prompt").fill_null(0).cast(pl.Int64)
            + pl.col("tokens_completion").fill_null(0).cast(pl.Int64)
        ).alias("tokens")
    )


def llm_usage(ds: Dataset) -> dict[str, Any]:
    """Mean tokens per conversation (period interactions) and per-model tokens and latency p50/p95 (ms)."""
    llm = _tokens(_period_llm(ds))
    per_conv = llm.group_by("conversation_id").agg(pl.col("tokens").sum())
    tpc = None if per_conv.height == 0 else float(per_conv["tokens"].mean())  # type: ignore[arg-type]
    lat = pl.col("latency_ms").cast(pl.Float64)
    by_model = (
        llm.group_by("model")
        .agg(
            pl.len().cast(pl.Int64).alias("interactions"),
            pl.col("tokens").sum().cast(pl.Int64).alias("tokens"),
            pl.col("conversation_id").n_unique().cast(pl.Int64).alias("conversations"),
            lat.quantile(0.5, interpolation="linear").alias("latency_p50"),
            lat.quantile(0.95, interpolation="linear").alias("latency_p95"),
        )
        .with_columns((pl.col("tokens") / pl.col("conversations")).alias("tokens_per_conversation"))
        .select("model", "interactions", "tokens", "conversations", "tokens_per_conversation", "latency_p50",
                "latency_p95")
        .sort("model", nulls_last=True)
    )
    return {"tokens_per_conversation": tpc, "by_model": by_model.to_dicts()}


def _llm_rows(ds: Dataset) -> pl.DataFrame:
    return _tokens(_period_llm(ds)).select(
        "id",
        "conversation_id",
        "message_id",
        "intent",
        "confidence",
        "validated_intent",
        "model",
        "tokens",
        "latency_ms",
        "created_at",
    )


def _conv_rows(ds: Dataset) -> pl.DataFrame:
    return ds.period_conversations.select(
        pl.col("id").alias("conversation_id"),
        "lead_id",
        "playbook",
        "started_at",
        "transferred_at",
        "transfer_reason",
        "closed_at",
    )


def _m(id_: str, label: str, unit: str, kind: str, definition: str, compute: Any, rows: Any = None) -> Metric:
    return Metric(id_, label, unit, kind, definition, DOMAIN, compute, rows)  # type: ignore[arg-type]


METRICS: list[Metric] = [
    _m(
        "bot_autonomy_rate",
        "Autonomia do bot",
        "percent",
        "scalar",
        "Conversas encerradas sem transferência para humano / conversas encerradas × 100.",
        bot_autonomy_rate,
        _conv_rows,
    ),
    _m(
        "transfer_rate",
        "Taxa de transferência",
        "percent",
        "scalar",
        "Conversas transferidas para humano / conversas iniciadas no período × 100.",
        transfer_rate,
        _conv_rows,
    ),
    _m(
        "escalation_reasons",
        "Motivos de transferência",
        "count",
        "breakdown",
        "Conversas transferidas por motivo (sem motivo quando vazio), com contagem e participação.",
        escalation_reasons,
        _conv_rows,
    ),
    _m(
        "intent_accuracy",
        "Acurácia de intenção",
        "percent",
        "scalar",
        "Interações revisadas em que a intenção detectada é igual à validada / interações revisadas × 100.",
        intent_accuracy,
        _llm_rows,
    ),
    _m(
        "intent_metrics",
        "Precisão e revocação por intenção",
        "percent",
        "breakdown",
        "Por intenção: precisão e revocação da detecção em relação à revisão humana, e o suporte.",
        intent_metrics,
        _llm_rows,
    ),
    _m(
        "intent_confusion",
        "Matriz de confusão de intenções",
        "count",
        "breakdown",
        "Interações revisadas por intenção detectada × intenção validada.",
        intent_confusion,
        _llm_rows,
    ),
    _m(
        "intent_accuracy_by_confidence",
        "Acurácia por faixa de confiança",
        "percent",
        "breakdown",
        "Acurácia das interações revisadas por decil de confiança do modelo (1 = 0–10%, 10 = 90–100%).",
        intent_accuracy_by_confidence,
        _llm_rows,
    ),
    _m(
        "maturity_at_conversion",
        "Maturidade na conversão",
        "score",
        "scalar",
        "Média do score de maturidade dos leads convertidos da coorte.",
        maturity_at_conversion,
    ),
    _m(
        "playbook_conversion",
        "Conversão por playbook",
        "percent",
        "breakdown",
        "Por playbook da primeira conversa do lead: leads, convertidos e taxa de conversão.",
        playbook_conversion,
        _playbook_frame,
    ),
    _m(
        "llm_usage",
        "Uso do modelo de linguagem",
        "tokens",
        "breakdown",
        "Tokens por conversa e, por modelo, interações, tokens e latência p50/p95.",
        llm_usage,
        _llm_rows,
    ),
]
