"""Reply runs: the derived fact behind the Team (human service) metrics.

Definition (metrics.md, Team, with the implementation's decisions):

- Messages of ``ds.messages`` (the conversation scope), ordered per conversation by
  ``(created_at, id)``. Messages stamped before the conversation's ``started_at`` are
  still ordered by their own time.
- Only **inbound** messages with ``created_at >= transferred_at`` start or extend a run;
  conversations never handed off have no runs. Inbound messages before the handoff
  and bot messages neither start nor end a run.
- A run is a maximal sequence of such inbound messages with no outbound ``human``
  message between them. The next outbound ``human`` message (in ``(created_at, id)``
  order) answers it; a human message with no pending run (proactive) answers nothing.
- A run is **answered** only if that message is at or before ``closed_at`` (when the
  conversation is closed); messages after ``as_of`` do not exist (Dataset clipping).
  A human message after the close is not an answer: the run stays unanswered.
- Inbound messages after ``closed_at`` still form runs (they can never be answered).
- ``response_seconds`` = answer time − the run's first inbound time.
- ``wait_seconds`` = for unanswered runs, ``(closed_at or as_of) − run_start``
  (may be negative for runs opened after the close); for answered runs, response_seconds.
- ``hour`` is the local hour of ``run_start``; a run belongs to the period of ``run_start``.
"""

from __future__ import annotations

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.keys import key_code, lookup

RUN_SCHEMA: dict[str, pl.DataType] = {
    "conversation_id": pl.Categorical(),  # ids are Categorical (dataset.normalize)
    "lead_id": pl.Categorical(),
    "run_start": pl.Datetime("us", "UTC"),
    "run_end": pl.Datetime("us", "UTC"),
    "n_inbound": pl.UInt32(),
    "answered_at": pl.Datetime("us", "UTC"),
    "answer_sender_id": pl.Categorical(),
    "response_seconds": pl.Float64(),
    "answered": pl.Boolean(),
    "wait_seconds": pl.Float64(),
    "hour": pl.Int8(),
}


def _seconds(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """``b − a`` in seconds (float)."""
    return (b - a).dt.total_microseconds().cast(pl.Float64) / 1e6


def human_outbound() -> pl.Expr:
    """Predicate: an outbound message sent by a human (nulls -> False)."""
    return ((pl.col("direction") == "outbound") & (pl.col("sender_type") == "human")).fill_null(False)


def _compute_runs(ds: Dataset) -> pl.DataFrame:
    convs = ds.conversations.select(pl.col("id").alias("conversation_id"), "transferred_at", "closed_at").filter(
        pl.col("transferred_at").is_not_null()
    )
    if convs.height == 0 or ds.messages.height == 0:
        return pl.DataFrame(schema=RUN_SCHEMA)
    is_human = human_outbound()
    is_run_in = (pl.col("direction") == "inbound") & (pl.col("created_at") >= pl.col("transferred_at"))
    # only the rows runs need: human outbound and inbound messages of handed-off conversations
    # (transferred_at by id code instead of a 12M-row join; null = not handed off)
    msgs = ds.messages.select("conversation_id", "id", "direction", "sender_type", "sender_id", "created_at", "lead_id")
    msgs = msgs.filter(is_human | (pl.col("direction") == "inbound").fill_null(False))
    transferred = lookup(msgs.get_column("conversation_id"), convs.get_column("conversation_id"),
                         convs.get_column("transferred_at"))
    msgs = (
        msgs.with_columns(transferred)
        .filter(pl.col("transferred_at").is_not_null() & (is_human | is_run_in.fill_null(False)))
        .select(
            "conversation_id",
            key_code(pl.col("conversation_id")).alias("_ck"),
            "id",
            "created_at",
            "lead_id",
            "sender_id",
            is_human.alias("_human"),
        )
        # (conversation, created_at, id) order as successive stable sorts (faster than one 3-key sort)
        .sort("created_at", "id", nulls_last=True)
        .sort("_ck", maintain_order=True)
        # rows are grouped by conversation: a global running count of human messages, paired with
        # the conversation, keys the runs exactly as a per-conversation count would
        .with_columns(pl.col("_human").cast(pl.UInt32).cum_sum().alias("_h"))
    )
    closed = lookup(msgs.get_column("conversation_id"), convs.get_column("conversation_id"),
                    convs.get_column("closed_at"))
    msgs = msgs.with_columns(closed).lazy()
    runs = (
        msgs.filter(~pl.col("_human"))
        .group_by("_ck", "_h", maintain_order=True)
        .agg(
            pl.col("conversation_id").first(),
            pl.col("lead_id").first(),
            pl.col("created_at").first().alias("run_start"),
            pl.col("created_at").last().alias("run_end"),
            pl.len().cast(pl.UInt32).alias("n_inbound"),
            pl.col("closed_at").first(),
        )
    )
    # the human message whose inclusive count is h answers the run keyed h − 1
    answers = msgs.filter(pl.col("_human")).select(
        "_ck",
        (pl.col("_h") - 1).alias("_h"),
        pl.col("created_at").alias("_answer_at"),
        pl.col("sender_id").alias("_answer_sender"),
    )
    as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
    valid = pl.col("closed_at").is_null() | (pl.col("_answer_at") <= pl.col("closed_at"))
    out = (
        runs.join(answers, on=["_ck", "_h"], how="left")
        .with_columns((pl.col("_answer_at").is_not_null() & valid).alias("answered"))
        .with_columns(
            pl.when("answered").then(pl.col("_answer_at")).alias("answered_at"),
            pl.when("answered").then(pl.col("_answer_sender")).alias("answer_sender_id"),
        )
        .with_columns(_seconds(pl.col("run_start"), pl.col("answered_at")).alias("response_seconds"))
        .with_columns(
            pl.when("answered")
            .then(pl.col("response_seconds"))
            .otherwise(_seconds(pl.col("run_start"), pl.coalesce(pl.col("closed_at"), as_of)))
            .alias("wait_seconds"),
            pl.col("run_start").dt.convert_time_zone(ds.tz).dt.hour().cast(pl.Int8).alias("hour"),
        )
        .sort("conversation_id", "run_start")
        .select(list(RUN_SCHEMA))
        .collect()
    )
    return out.cast(RUN_SCHEMA)  # type: ignore[arg-type]


def reply_runs(ds: Dataset) -> pl.DataFrame:
    """All reply runs of the scope (any period), one row per run (see module docstring)."""
    return ds.memo("replies:runs", lambda: _compute_runs(ds))


def period_runs(ds: Dataset) -> pl.DataFrame:
    """Reply runs whose first inbound message falls in the period."""
    return ds.memo("period:replies:runs", lambda: reply_runs(ds).filter(ds.in_period("run_start")))
