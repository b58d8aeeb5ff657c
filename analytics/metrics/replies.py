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
    conv_ids = convs.get_column("conversation_id")
    is_human = human_outbound()
    # booleans first: the direction / sender strings are compared once and never copied
    msgs = ds.messages.select(
        "conversation_id",
        "id",
        "sender_id",
        "created_at",
        "lead_id",
        is_human.alias("_human"),
        (pl.col("direction") == "inbound").fill_null(False).alias("_inbound"),
    )
    # transferred_at by id code instead of a 12M-row join (null: not a handed-off conversation)
    transferred = lookup(msgs.get_column("conversation_id"), conv_ids, convs.get_column("transferred_at"))
    is_run_in = (pl.col("_inbound") & (pl.col("created_at") >= pl.col("transferred_at"))).fill_null(False)
    # only the rows runs need: human outbound and run inbound messages of handed-off conversations,
    # in (conversation, created_at, id) order (successive stable sorts: faster than one 3-key sort)
    f = (
        msgs.with_columns(transferred)
        .filter(pl.col("transferred_at").is_not_null() & (pl.col("_human") | is_run_in))
        .select(
            "conversation_id",
            key_code(pl.col("conversation_id")).alias("_ck"),
            "id",
            "created_at",
            "lead_id",
            "sender_id",
            "_human",
        )
        .sort("created_at", "id", nulls_last=True)
        .sort("_ck", maintain_order=True)
    )
    # A run is a maximal block of consecutive inbound rows of one conversation (no human message
    # between them); the row right after the block answers it when it is a human message of the
    # same conversation (the next human message of the conversation), otherwise nothing does.
    same_prev = (pl.col("_ck") == pl.col("_ck").shift(1)).fill_null(False)
    same_next = (pl.col("_ck") == pl.col("_ck").shift(-1)).fill_null(False)
    inbound = ~pl.col("_human")
    f = f.with_columns(
        (inbound & ~(same_prev & ~pl.col("_human").shift(1).fill_null(True))).alias("_start"),
        (inbound & ~(same_next & ~pl.col("_human").shift(-1).fill_null(True))).alias("_end"),
        pl.when(same_next & pl.col("_human").shift(-1)).then(pl.col("created_at").shift(-1)).alias("_answer_at"),
        pl.when(same_next & pl.col("_human").shift(-1)).then(pl.col("sender_id").shift(-1)).alias("_answer_sender"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"),
    )
    starts = f.filter("_start").select(
        "conversation_id", "lead_id", pl.col("created_at").alias("run_start"), pl.col("_i").alias("_i0")
    )
    ends = f.filter("_end").select(pl.col("created_at").alias("run_end"), "_i", "_answer_at", "_answer_sender")
    closed = lookup(starts.get_column("conversation_id"), conv_ids, convs.get_column("closed_at"))
    as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
    valid = pl.col("closed_at").is_null() | (pl.col("_answer_at") <= pl.col("closed_at"))
    out = (
        pl.concat([starts.with_columns(closed), ends], how="horizontal")
        .lazy()
        .with_columns((pl.col("_i") - pl.col("_i0") + 1).cast(pl.UInt32).alias("n_inbound"))
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
        .select(list(RUN_SCHEMA))
        .collect()
    )
    return out.cast(RUN_SCHEMA)  # type: ignore[arg-type]


def _sorted(runs: pl.DataFrame) -> pl.DataFrame:
    """Runs in ``(conversation_id, run_start)`` order. Runs come grouped by conversation with
    ``run_start`` ascending inside it, so a stable sort by the id text is enough (Categorical
    order is text order; sorting the text is faster)."""
    return runs.sort(pl.col("conversation_id").cast(pl.String), maintain_order=True)


def _runs(ds: Dataset) -> pl.DataFrame:
    """``reply_runs`` grouped by conversation but not in id order (for aggregates: no sort)."""
    def build() -> pl.DataFrame:
        # period-independent: with the default as_of and no filters, computed once per sync
        from analytics.metrics import derived_cache, keys, replies

        return derived_cache.cached_frame(ds, "reply_runs", lambda: _compute_runs(ds), (replies, keys))

    return ds.memo("replies:runs_unsorted", build)


def period_runs_unsorted(ds: Dataset) -> pl.DataFrame:
    """``period_runs`` rows, not in id order (for aggregates: no sort)."""
    return ds.memo("period:replies:runs_unsorted", lambda: _runs(ds).filter(ds.in_period("run_start")))


def reply_runs(ds: Dataset) -> pl.DataFrame:
    """All reply runs of the scope (any period), one row per run (see module docstring)."""
    return ds.memo("replies:runs", lambda: _sorted(_runs(ds)))


def period_runs(ds: Dataset) -> pl.DataFrame:
    """Reply runs whose first inbound message falls in the period."""
    # sorting the period's runs equals filtering the sorted runs (a filter keeps the order)
    return ds.memo("period:replies:runs", lambda: _sorted(period_runs_unsorted(ds)))
