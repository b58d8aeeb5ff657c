"""``--messy``: inject the anomalies real data has (source-schema.md, "What real data looks like").

Works on the finished frames (small, sampled subsets); FK validity is kept, so a
PostgreSQL load with foreign keys still succeeds.
"""

from __future__ import annotations

import numpy as np
import polars as pl

Frames = dict[str, pl.DataFrame]


def _pick(rng: np.random.Generator, n: int, share: float, minimum: int = 1) -> np.ndarray:
    """Boolean mask selecting about ``share`` of ``n`` rows (at least ``minimum`` when n allows)."""
    k = min(n, max(minimum, round(n * share)))
    mask = np.zeros(n, bool)
    if k:
        mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def _set(frame: pl.DataFrame, col: str, mask: np.ndarray, value: object) -> pl.DataFrame:
    dtype = frame.schema[col]
    return frame.with_columns(
        pl.when(pl.Series(mask)).then(pl.lit(value, dtype=dtype)).otherwise(pl.col(col)).alias(col)
    )


def inject(frames: Frames, seed: int) -> tuple[Frames, dict[str, int]]:
    rng = np.random.default_rng(seed + 7919)
    f = dict(frames)
    log: dict[str, int] = {}

    # 1. LGPD: leads deleted leave no row anywhere
    leads = f["leads"]
    gone_mask = _pick(rng, leads.height, 0.003)
    gone = leads.filter(pl.Series(gone_mask))["id"]
    log["lgpd_deleted_leads"] = len(gone)
    gone_convs = f["conversations"].filter(pl.col("lead_id").is_in(gone.implode()))["id"]
    for t in ("leads",):
        f[t] = f[t].filter(~pl.col("id").is_in(gone.implode()))
    for t in ("lead_status_history", "conversations", "lead_interactions", "lead_touchpoints", "procedure_bookings"):
        f[t] = f[t].filter(~pl.col("lead_id").is_in(gone.implode()))
    for t in ("conversation_messages", "llm_interactions", "feedback"):
        f[t] = f[t].filter(~pl.col("conversation_id").is_in(gone_convs.implode()))

    # 2. a lead with no conversation
    leads = f["leads"]
    lonely = leads.filter(pl.Series(_pick(rng, leads.height, 0.002)))["id"]
    lonely_convs = f["conversations"].filter(pl.col("lead_id").is_in(lonely.implode()))["id"]
    f["conversations"] = f["conversations"].filter(~pl.col("lead_id").is_in(lonely.implode()))
    for t in ("conversation_messages", "llm_interactions", "feedback"):
        f[t] = f[t].filter(~pl.col("conversation_id").is_in(lonely_convs.implode()))
    log["leads_without_conversation"] = len(lonely)

    # 3. a conversation with no messages
    convs = f["conversations"]
    empty = convs.filter(pl.Series(_pick(rng, convs.height, 0.002)))["id"]
    for t in ("conversation_messages", "llm_interactions"):
        f[t] = f[t].filter(~pl.col("conversation_id").is_in(empty.implode()))
    log["conversations_without_messages"] = len(empty)

    # 4. open vocabularies
    leads = f["leads"]
    m = _pick(rng, leads.height, 0.01)
    leads = _set(leads, "channel", m, "tiktok")
    log["leads_channel_tiktok"] = int(m.sum())
    m = _pick(rng, leads.height, 0.01)
    leads = _set(leads, "procedure_interest", m, "lente_contato_dental")
    log["leads_procedure_lente_contato_dental"] = int(m.sum())
    lost = (leads["status"] == "lost").to_numpy()
    m = _pick(rng, leads.height, 0.01) & lost
    leads = _set(leads, "lost_reason", m, "mudou_de_cidade")
    log["lost_reason_mudou_de_cidade"] = int(m.sum())
    tp = f["lead_touchpoints"]
    m = _pick(rng, tp.height, 0.01)
    tp = _set(tp, "channel", m, "kwai")
    tp = _set(tp, "campaign_id", m, None)
    log["touchpoints_channel_kwai"] = int(m.sum())
    f["lead_touchpoints"] = tp
    bk = f["procedure_bookings"]
    m = _pick(rng, bk.height, 0.01)
    bk = _set(bk, "procedure", m, "lente_contato_dental")
    log["bookings_procedure_lente_contato_dental"] = int(m.sum())
    f["procedure_bookings"] = bk
    convs = f["conversations"]
    handed = convs["transferred_at"].is_not_null().to_numpy()
    m = _pick(rng, convs.height, 0.01) & handed
    convs = _set(convs, "transfer_reason", m, "problema_pagamento")
    log["transfer_reason_problema_pagamento"] = int(m.sum())
    llm = f["llm_interactions"]
    m = _pick(rng, llm.height, 0.01)
    llm = _set(llm, "intent", m, "elogio")
    log["intent_elogio"] = int(m.sum())
    rev = llm["validated_intent"].is_not_null().to_numpy()
    m = _pick(rng, llm.height, 0.02) & rev
    llm = _set(llm, "validated_intent", m, "elogio")
    log["validated_intent_elogio"] = int(m.sum())

    # 5. nulls wherever the column allows them
    def null(frame: pl.DataFrame, col: str, share: float, name: str, where: np.ndarray | None = None) -> pl.DataFrame:
        mm = _pick(rng, frame.height, share)
        if where is not None:
            mm &= where
        log[name] = int(mm.sum())
        return _set(frame, col, mm, None)

    leads = null(leads, "procedure_interest", 0.03, "null_procedure_interest")
    paid = leads["campaign_id"].is_not_null().to_numpy()
    leads = null(leads, "campaign_id", 0.05, "null_campaign_id_on_paid_leads", paid)
    leads = null(leads, "assigned_to", 0.02, "null_lead_assigned_to")
    leads = null(leads, "maturity_score", 0.01, "null_maturity_score")
    f["leads"] = leads
    convs = null(convs, "playbook", 0.03, "null_playbook")
    convs = null(
        convs, "transfer_reason", 0.05, "null_transfer_reason", convs["transferred_at"].is_not_null().to_numpy()
    )
    f["conversations"] = convs
    llm = null(llm, "confidence", 0.02, "null_confidence")
    f["llm_interactions"] = llm
    msgs = f["conversation_messages"]
    human = (msgs["sender_type"] == "human").to_numpy()
    msgs = null(msgs, "sender_id", 0.01, "null_sender_id_on_human_messages", human)
    li = f["lead_interactions"]
    f["lead_interactions"] = null(li, "user_id", 0.03, "null_interaction_user_id")

    # 6. converted leads whose 'scheduled' history row is missing
    h = f["lead_status_history"]
    sched = h.with_row_index("_i").filter(pl.col("status") == "scheduled")
    drop = sched.filter(pl.Series(_pick(rng, sched.height, 0.01)))["_i"]
    f["lead_status_history"] = h.with_row_index("_i").filter(~pl.col("_i").is_in(drop.implode())).drop("_i")
    log["scheduled_history_rows_removed"] = len(drop)

    # 7. out-of-order: first message a few seconds before its conversation's started_at
    firsts = msgs.with_row_index("_i").group_by("conversation_id").agg(pl.col("_i").min())
    sel = firsts.filter(pl.Series(_pick(rng, firsts.height, 0.001)))["_i"].to_numpy()
    shift = np.zeros(msgs.height, np.int64)
    shift[sel] = rng.integers(1, 11, len(sel)) * 1_000_000
    msgs = msgs.with_columns((pl.col("created_at") - pl.duration(microseconds=pl.Series(shift))).alias("created_at"))
    log["messages_before_conversation_start"] = len(sel)

    # 8. duplicate messages: same conversation, content and time, a new id (ids re-ranked by time)
    dup_mask = _pick(rng, msgs.height, 0.002)
    dups = msgs.filter(pl.Series(dup_mask)).with_columns(pl.lit(True).alias("_dup"))
    allm = pl.concat([msgs.with_columns(pl.lit(False).alias("_dup")), dups]).sort(["created_at", "id", "_dup"])
    allm = allm.with_columns(pl.int_range(1, allm.height + 1, dtype=pl.Int64).alias("_new"))
    remap = allm.filter(~pl.col("_dup")).select(pl.col("id").alias("message_id"), pl.col("_new"))
    f["conversation_messages"] = allm.with_columns(pl.col("_new").alias("id")).drop("_new", "_dup")
    llm = f["llm_interactions"].join(remap, on="message_id", how="left")
    f["llm_interactions"] = llm.with_columns(pl.col("_new").alias("message_id")).drop("_new")
    log["duplicate_messages"] = int(dup_mask.sum())
    from analytics import schema

    return {t: fr.select(schema.column_names(t)) for t, fr in f.items()}, log
