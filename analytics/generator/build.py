"""Assemble every table of the contract from the simulation (vectorised numpy -> Polars frames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

from analytics.generator import params as P
from analytics.generator import vocab
from analytics.generator.leads import Campaigns, Leads, build_campaigns, build_leads, price_factors
from analytics.generator.timeline import BOT_OUT, HUMAN_OUT, IN_BOT, IN_RUN, Timeline, build_timeline
from analytics.generator.util import (
    DAY,
    HOUR,
    MIN,
    US,
    choice_idx,
    gather,
    local_day,
    lognormal,
    masked,
    ts_series,
    uuids,
)
from analytics.generator.world import Staff, World, build_staff

STATUSES = ("new", "engaged", "qualified", "scheduled", "lost")


@dataclass
class Built:
    frames: dict[str, pl.DataFrame]
    truth: dict[str, Any] = field(default_factory=dict)
    lead_p: np.ndarray = field(default_factory=lambda: np.zeros(0))
    world: World | None = None
    staff: Staff | None = None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def simulate(seed: int, size: str, end: date, months: int, n_leads: int, chat_factor: float) -> Built:
    world = World.build(seed, size, end, months)
    rng = world.rng
    staff = build_staff(world)
    camps = build_campaigns(world)
    leads = build_leads(world, staff, camps, n_leads)
    pf = price_factors(world)
    n = leads.n
    end_us = world.end_us

    # -- first conversation (known before the outcome) --------------------------------
    expensive = np.isin(leads.procedure, [P.PROCEDURES.index(p) for p in P.EXPENSIVE])
    first_pb = np.where(rng.random(n) < np.where(expensive, 0.55, 0.3), 1, 0)  # index in FIRST_PLAYBOOKS
    hprob = np.array([P.HANDOFF_PROB[p] for p in P.FIRST_PLAYBOOKS])[first_pb]
    handoff1 = rng.random(n) < hprob
    t1 = build_timeline(
        world, staff, leads.created, leads.secretary, np.zeros(n, bool), np.ones(n, bool), handoff1, chat_factor
    )
    handed1 = t1.transferred_at >= 0
    frt_min = np.where(handed1, np.nan_to_num(t1.first_response, nan=24 * 3600.0) / 60.0, 0.0)

    # -- conversion model ---------------------------------------------------------------
    ch_lift = np.array([P.CHANNEL_LIFT[c] for c in P.CHANNELS])[leads.channel]
    pr_lift = np.array([P.PROCEDURE_LIFT[p] for p in P.PROCEDURES])[leads.procedure]
    pb_lift = np.where(
        first_pb == 0,
        np.where(
            expensive, P.PLAYBOOK_LIFT["primeira_consulta"]["expensive"], P.PLAYBOOK_LIFT["primeira_consulta"]["other"]
        ),
        np.where(expensive, P.PLAYBOOK_LIFT["orcamento"]["expensive"], P.PLAYBOOK_LIFT["orcamento"]["other"]),
    )
    logit = (
        P.INTERCEPT
        + P.MATURITY_COEF * (leads.maturity - 50)
        + ch_lift
        + pr_lift
        + pb_lift
        + handed1 * (P.HANDOFF_COEF + P.SPEED_COEF * np.log1p(frt_min))
    )
    delay = np.maximum(lognormal(rng, P.CONVERSION_DELAY_DAYS[0] * DAY, P.CONVERSION_DELAY_DAYS[1], n), 30 * MIN)
    conv_at_all = leads.created + delay.astype(np.int64)
    conv_month = np.clip(world.month_index(conv_at_all), 0, pf.shape[0] - 1)
    elast_by_proc = np.array([P.ELASTICITY[p] for p in P.PROCEDURES])
    elast = elast_by_proc[leads.procedure]
    price_mult = pf[conv_month, leads.procedure] ** elast
    p_true = np.minimum(_sigmoid(logit) * price_mult, P.P_MAX)
    eventual = rng.random(n) < p_true
    converted = eventual & (conv_at_all < end_us)

    # -- status history -----------------------------------------------------------------
    hist_lead, hist_status, hist_t = [], [], []

    def add(mask: np.ndarray, status: int, t: np.ndarray) -> None:
        m = mask & (t < end_us)
        hist_lead.append(np.flatnonzero(m))
        hist_status.append(np.full(int(m.sum()), status))
        hist_t.append(t[m])

    u = rng.random((4, n))
    mat = leads.maturity / 100.0
    p_new, p_qual = 0.25 - 0.15 * mat, 0.2 + 0.3 * mat
    furthest = np.where(u[0] < p_new, 0, np.where(u[0] < 1 - p_qual, 1, 2))  # non-converted: new/engaged/qualified
    eng_t = np.where(
        eventual,
        leads.created + (delay * rng.uniform(0.05, 0.2, n)).astype(np.int64),
        leads.created + lognormal(rng, 10 * MIN, 1.0, n).astype(np.int64),
    )
    qual_t = np.where(
        eventual,
        leads.created + (delay * rng.uniform(0.3, 0.8, n)).astype(np.int64),
        eng_t + lognormal(rng, DAY, 1.0, n).astype(np.int64),
    )
    skip_eng = eventual & (u[1] < 0.05)
    skip_qual = eventual & (u[2] < 0.15)
    add(np.ones(n, bool), 0, leads.created)
    add((eventual & ~skip_eng) | (~eventual & (furthest >= 1)), 1, eng_t)
    add((eventual & ~skip_qual) | (~eventual & (furthest >= 2)), 2, qual_t)
    add(eventual, 3, conv_at_all)
    last_stage_t = np.where(furthest == 0, leads.created, np.where(furthest == 1, eng_t, qual_t))
    lost_t = last_stage_t + lognormal(rng, P.LOST_DELAY_DAYS[0] * DAY, P.LOST_DELAY_DAYS[1], n).astype(np.int64)
    lost_mask = ~eventual & (u[3] < P.LOST_PROB)
    add(lost_mask, 4, lost_t)
    h_lead = np.concatenate(hist_lead)
    h_status = np.concatenate(hist_status)
    h_t = np.concatenate(hist_t)
    order = np.lexsort((h_t, h_lead))
    h_lead, h_status, h_t = h_lead[order], h_status[order], h_t[order]
    last_row = np.r_[h_lead[1:] != h_lead[:-1], True]
    status = np.zeros(n, np.int64)
    status[h_lead[last_row]] = h_status[last_row]
    lost_reason = choice_idx(rng, P.LOST_REASON_SHARE, n)

    # -- bookings -----------------------------------------------------------------------
    bk_lead = np.flatnonzero(converted)
    nb1 = len(bk_lead)
    booked = conv_at_all[bk_lead]
    appt_days = np.maximum(1, np.round(lognormal(rng, P.APPOINTMENT_LEAD_DAYS[0], P.APPOINTMENT_LEAD_DAYS[1], nb1)))
    day0 = (local_day(booked) * DAY) - (-3 * HOUR)  # local midnight in UTC µs
    sched = (
        day0 + appt_days.astype(np.int64) * DAY + rng.integers(8, 18, nb1) * HOUR + rng.integers(0, 2, nb1) * 30 * MIN
    )
    bk_proc = leads.procedure[bk_lead]
    outcome_names = list(P.BOOKING_OUTCOME)
    bk_out = choice_idx(rng, list(P.BOOKING_OUTCOME.values()), nb1)
    # repeat bookings after an attended first appointment
    rep = (bk_out == 0) & (sched < end_us) & (rng.random(nb1) < 2.0 * P.REPEAT_BOOKING_PROB)
    rep_lead = bk_lead[rep]
    rep_booked = sched[rep] + lognormal(rng, 45 * DAY, 0.6, int(rep.sum())).astype(np.int64)
    keep_rep = rep_booked < end_us
    rep_lead, rep_booked = rep_lead[keep_rep], rep_booked[keep_rep]
    rep_proc = choice_idx(rng, [P.PROCEDURE_SHARE[p] for p in P.PROCEDURES], len(rep_lead))
    # the same price elasticity thins repeat bookings in promotion / premium months
    rep_month = np.clip(world.month_index(rep_booked), 0, pf.shape[0] - 1)
    rep_keep = rng.random(len(rep_lead)) < np.minimum(pf[rep_month, rep_proc] ** elast_by_proc[rep_proc] / 2.0, 1.0)
    rep_lead, rep_booked, rep_proc = rep_lead[rep_keep], rep_booked[rep_keep], rep_proc[rep_keep]
    nr = len(rep_lead)
    rep_sched = rep_booked + np.round(lognormal(rng, 10, 0.6, nr)).astype(np.int64) * DAY
    rep_out = choice_idx(rng, list(P.BOOKING_OUTCOME.values()), nr)
    b_lead = np.concatenate([bk_lead, rep_lead])
    b_booked = np.concatenate([booked, rep_booked])
    b_sched = np.concatenate([sched, rep_sched])
    b_proc = np.concatenate([bk_proc, rep_proc])
    b_out = np.concatenate([bk_out, rep_out])
    b_month = np.clip(world.month_index(b_booked), 0, pf.shape[0] - 1)
    list_price = np.array([P.PRICE[p] for p in P.PROCEDURES])[b_proc]
    b_value = np.round(
        list_price * pf[b_month, b_proc] * (1 + P.BOOKING_PRICE_NOISE * rng.standard_normal(len(b_lead))), 2
    )
    b_status = np.where(b_sched > end_us, "booked", np.array(outcome_names)[b_out])

    # -- later conversations ------------------------------------------------------------
    first_attended = (bk_out == 0) & (sched < end_us)
    post = first_attended & (rng.random(nb1) < P.POST_PROCEDURE_PROB)
    post_lead = bk_lead[post]
    post_start = sched[post] + rng.uniform(20, 72, int(post.sum())).astype(np.int64) * HOUR
    react = ~converted & (rng.random(n) < P.REACTIVATION_PROB)
    react_lead = np.flatnonzero(react)
    hours = np.array(list(P.REACTIVATION_REPLY_BY_HOUR))
    r_hour = hours[rng.integers(0, len(hours), len(react_lead))]
    r_day = local_day(leads.created[react_lead]) + rng.integers(7, 31, len(react_lead))
    react_start = r_day * DAY + 3 * HOUR + r_hour * HOUR + rng.integers(0, 3600, len(react_lead)) * US
    react_reply = rng.random(len(react_lead)) < np.array([P.REACTIVATION_REPLY_BY_HOUR[h] for h in r_hour])
    recon = rng.random(n) < P.RECONTACT_PROB
    recon_lead = np.flatnonzero(recon)
    recon_start = leads.created[recon_lead] + lognormal(rng, 3 * DAY, 0.6, len(recon_lead)).astype(np.int64)
    pb_post, pb_react = P.PLAYBOOKS.index("pos_procedimento"), P.PLAYBOOKS.index("reativacao")
    c2_lead = np.concatenate([post_lead, react_lead, recon_lead])
    c2_start = np.concatenate([post_start, react_start, recon_start])
    c2_pb = np.concatenate([np.full(len(post_lead), pb_post), np.full(len(react_lead), pb_react), first_pb[recon_lead]])
    c2_open = np.concatenate([np.ones(len(post_lead) + len(react_lead), bool), np.zeros(len(recon_lead), bool)])
    c2_reply = np.concatenate([rng.random(len(post_lead)) < 0.7, react_reply, np.ones(len(recon_lead), bool)])
    keep2 = c2_start < end_us
    c2_lead, c2_start, c2_pb, c2_open, c2_reply = (a[keep2] for a in (c2_lead, c2_start, c2_pb, c2_open, c2_reply))
    c2_hprob = np.array([P.HANDOFF_PROB[p] for p in P.PLAYBOOKS])[c2_pb]
    t2 = build_timeline(
        world,
        staff,
        c2_start,
        leads.secretary[c2_lead],
        c2_open,
        c2_reply,
        rng.random(len(c2_lead)) < c2_hprob,
        chat_factor,
    )

    conv = _conversations(world, staff, leads, t1, t2, first_pb, c2_lead, c2_start, c2_pb)
    msgs, llm = _messages(world, staff, leads, conv, t1, t2)
    frames: dict[str, pl.DataFrame] = {"users": staff.users}
    frames["marketing_campaigns"] = _campaign_frame(world, camps, leads)
    frames["leads"] = pl.DataFrame(
        {
            "id": leads.ids,
            "phone": leads.phones,
            "name": leads.names,
            "channel": gather(P.CHANNELS, leads.channel, "channel"),
            "campaign_id": masked(camps.ids.gather(np.maximum(leads.campaign, 0)), leads.campaign >= 0).alias(
                "campaign_id"
            ),
            "procedure_interest": gather(P.PROCEDURES, leads.procedure, "procedure_interest"),
            "maturity_score": pl.Series(leads.maturity).cast(pl.Int32),
            "status": gather(STATUSES, status, "status"),
            "assigned_to": pl.Series(staff.secretary_ids).gather(leads.secretary),
            "created_at": ts_series("created_at", leads.created),
            "converted_at": ts_series("converted_at", conv_at_all, converted),
            "lost_reason": gather(P.LOST_REASONS, lost_reason, "lost_reason", status == 4),
        }
    )
    frames["lead_status_history"] = pl.DataFrame(
        {
            "lead_id": leads.ids.gather(h_lead),
            "status": gather(STATUSES, h_status, "status"),
            "changed_at": ts_series("changed_at", h_t),
        }
    )
    frames["conversations"] = conv.frame
    frames["conversation_messages"] = msgs
    frames["llm_interactions"] = llm
    frames["lead_interactions"] = _lead_interactions(world, staff, leads, status, converted)
    frames["feedback"] = _feedback(world, conv)
    frames["lead_touchpoints"] = _touchpoints(world, camps, leads, conv_at_all, converted)
    order_b = np.argsort(b_booked, kind="stable")
    frames["procedure_bookings"] = pl.DataFrame(
        {
            "id": uuids(rng, len(b_lead)),
            "lead_id": leads.ids.gather(b_lead[order_b]),
            "procedure": gather(P.PROCEDURES, b_proc[order_b], "procedure"),
            "value": pl.Series(b_value[order_b]).cast(pl.Decimal(12, 2)),
            "booked_at": ts_series("booked_at", b_booked[order_b]),
            "scheduled_for": ts_series("scheduled_for", b_sched[order_b]),
            "status": pl.Series(b_status[order_b]),
        }
    )

    truth = {
        "coefficients": {
            "intercept": P.INTERCEPT,
            "maturity_per_point_centered_50": P.MATURITY_COEF,
            "handoff": P.HANDOFF_COEF,
            "log1p_first_response_minutes": P.SPEED_COEF,
            "unanswered_first_response_minutes": 24 * 60,
            "channel_lift": P.CHANNEL_LIFT,
            "procedure_lift": P.PROCEDURE_LIFT,
            "playbook_lift": P.PLAYBOOK_LIFT,
            "playbook_expensive_procedures": list(P.EXPENSIVE),
            "price_multiplier": "p = min(sigmoid(logit) * price_factor(month of conversion) ** elasticity, p_max)",
            "p_max": P.P_MAX,
        },
        "observed": {
            "conversion_rate_eventual": float(eventual.mean()) if n else None,
            "conversion_rate_by_end": float(converted.mean()) if n else None,
            "mean_p": float(p_true.mean()) if n else None,
            "handoff_rate_first_conversation": float(handed1.mean()) if n else None,
        },
    }
    months_list = []
    y, m = world.start.year, world.start.month
    for _ in range(pf.shape[0]):
        months_list.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    truth["price_factor_by_month"] = {
        proc: {months_list[i]: float(pf[i, j]) for i in range(pf.shape[0])} for j, proc in enumerate(P.PROCEDURES)
    }
    truth["campaign_intensity"] = {camps.ids[i]: float(camps.intensity[i]) for i in range(len(camps.channel))}
    return Built(frames, truth, p_true, world, staff)


@dataclass
class Conv:
    frame: pl.DataFrame
    lead: np.ndarray
    sec: np.ndarray
    start: np.ndarray
    closed: np.ndarray  # -1 when open at end
    transferred: np.ndarray  # -1 when none (or after end)
    reason: np.ndarray  # index in TRANSFER_REASONS
    first_response: np.ndarray
    last_unanswered: np.ndarray
    ids: pl.Series
    playbook: np.ndarray  # index in PLAYBOOKS


def _conversations(
    world: World,
    staff: Staff,
    leads: Leads,
    t1: Timeline,
    t2: Timeline,
    first_pb: np.ndarray,
    c2_lead: np.ndarray,
    c2_start: np.ndarray,
    c2_pb: np.ndarray,
) -> Conv:
    rng = world.rng
    end_us = world.end_us
    n1 = leads.n
    lead = np.concatenate([np.arange(n1), c2_lead])
    start = np.concatenate([leads.created, c2_start])
    pb = np.concatenate([first_pb, c2_pb])  # FIRST_PLAYBOOKS and PLAYBOOKS share the first two names
    sec = leads.secretary[lead]
    transferred = np.concatenate([t1.transferred_at, t2.transferred_at])
    last_ts = np.concatenate([t1.last_ts, t2.last_ts])
    unans = np.concatenate([t1.last_unanswered, t2.last_unanswered])
    first_resp = np.concatenate([t1.first_response, t2.first_response])
    nc = len(lead)
    # the bot closes a conversation after inactivity (longer when a lead is left waiting)
    wait = np.where(unans, rng.uniform(48, 96, nc) * HOUR, lognormal(rng, 20 * HOUR, 0.6, nc)).astype(np.int64)
    closed = last_ts + wait
    is_closed = closed < end_us
    handed = (transferred >= 0) & (transferred < end_us)
    reason = choice_idx(rng, P.TRANSFER_REASON_SHARE, nc)
    # any human message before the end?
    # open and handed off: waiting_human while the latest message is an unanswered lead message
    last_kind = np.concatenate([_last_kind_before(t1, n1, end_us), _last_kind_before(t2, len(c2_lead), end_us)])
    status = np.where(is_closed, 3, np.where(handed, np.where(last_kind == HUMAN_OUT, 2, 1), 0))
    ids = uuids(rng, nc)
    frame = pl.DataFrame(
        {
            "id": ids,
            "lead_id": leads.ids.gather(lead),
            "status": gather(("bot", "waiting_human", "human", "closed"), status, "status"),
            "playbook": gather(P.PLAYBOOKS, pb, "playbook"),
            "started_at": ts_series("started_at", start),
            "transferred_at": ts_series("transferred_at", transferred, handed),
            "transfer_reason": gather(P.TRANSFER_REASONS, reason, "transfer_reason", handed),
            "assigned_to": masked(pl.Series(staff.secretary_ids).gather(sec), handed).alias("assigned_to"),
            "closed_at": ts_series("closed_at", closed, is_closed),
        }
    )
    return Conv(
        frame,
        lead,
        sec,
        start,
        np.where(is_closed, closed, -1),
        np.where(handed, transferred, -1),
        reason,
        first_resp,
        unans,
        ids,
        pb,
    )


def _last_kind_before(t: Timeline, nc: int, end_us: int) -> np.ndarray:
    """Kind of each conversation's last event before ``end_us`` (-1 when none)."""
    out = np.full(nc, -1, np.int64)
    idx = np.flatnonzero(t.ev_ts < end_us)
    if len(idx):
        conv = t.ev_conv[idx]
        last = np.r_[conv[1:] != conv[:-1], True]  # events are grouped by conversation in time order
        out[conv[last]] = t.ev_kind[idx[last]]
    return out


def _messages(world: World, staff: Staff, leads: Leads, conv: Conv, t1: Timeline, t2: Timeline):
    rng = world.rng
    end_us = world.end_us
    n1 = leads.n
    ev_conv = np.concatenate([t1.ev_conv, t2.ev_conv + n1])
    ts = np.concatenate([t1.ev_ts, t2.ev_ts])
    kind = np.concatenate([t1.ev_kind, t2.ev_kind])
    first_in = np.concatenate([t1.ev_first_in_conv, t2.ev_first_in_conv])
    keep = ts < end_us
    ev_conv, ts, kind, first_in = ev_conv[keep], ts[keep], kind[keep], first_in[keep]
    order = np.argsort(ts, kind="stable")
    ev_conv, ts, kind, first_in = ev_conv[order], ts[order], kind[order], first_in[order]
    ne = len(ts)
    inbound = (kind == IN_BOT) | (kind == IN_RUN)
    # the lead's true intent drives the text and the classifier
    true_intent = np.where(
        first_in, choice_idx(rng, P.FIRST_INTENT_SHARE, ne), choice_idx(rng, P.LATER_INTENT_SHARE, ne)
    )
    texts: list[str] = []
    offsets = {}
    for it in P.INTENTS:
        offsets[it] = (len(texts), len(vocab.INBOUND_BY_INTENT[it]))
        texts.extend(vocab.INBOUND_BY_INTENT[it])
    bot_off = len(texts)
    texts.extend(vocab.BOT_TEXTS)
    react_off = len(texts)
    texts.extend(vocab.REACTIVATION_TEXTS)
    post_off = len(texts)
    texts.extend(vocab.POST_PROCEDURE_TEXTS)
    human_off = len(texts)
    texts.extend(vocab.HUMAN_TEXTS)
    off_arr = np.array([offsets[i][0] for i in P.INTENTS])
    len_arr = np.array([offsets[i][1] for i in P.INTENTS])
    u = rng.random(ne)
    pb = conv.playbook[ev_conv]
    opening = (kind == BOT_OUT) & _is_first_in_conv(ev_conv, ts)
    content = np.where(
        inbound,
        off_arr[true_intent] + (u * len_arr[true_intent]).astype(np.int64),
        np.where(
            kind == HUMAN_OUT,
            human_off + (u * len(vocab.HUMAN_TEXTS)).astype(np.int64),
            np.where(
                opening & (pb == P.PLAYBOOKS.index("reativacao")),
                react_off + (u * len(vocab.REACTIVATION_TEXTS)).astype(np.int64),
                np.where(
                    opening & (pb == P.PLAYBOOKS.index("pos_procedimento")),
                    post_off + (u * len(vocab.POST_PROCEDURE_TEXTS)).astype(np.int64),
                    bot_off + (u * len(vocab.BOT_TEXTS)).astype(np.int64),
                ),
            ),
        ),
    )
    msg_id = np.arange(1, ne + 1, dtype=np.int64)
    sender = conv.sec[ev_conv]
    msgs = pl.DataFrame(
        {
            "id": msg_id,
            "conversation_id": conv.ids.gather(ev_conv),
            "direction": gather(("outbound", "inbound"), inbound.astype(np.int64), "direction"),
            "sender_type": gather(("lead", "bot", "lead", "human"), kind, "sender_type"),
            "sender_id": masked(pl.Series(staff.secretary_ids).gather(sender), kind == HUMAN_OUT).alias("sender_id"),
            "content": gather(texts, content, "content"),
            "created_at": ts_series("created_at", ts),
        }
    )
    # -- LLM classification of inbound messages ---------------------------------------
    li = np.flatnonzero(inbound)
    nl = len(li)
    ti = true_intent[li]
    conf = rng.beta(*P.CONFIDENCE_BETA, nl)
    correct = rng.random(nl) < np.clip(P.ACC_BASE + P.ACC_SLOPE * conf, 0, 1)
    main = np.array([P.INTENTS.index(P.CONFUSABLE[i]) for i in P.INTENTS])[ti]
    other = (ti + 1 + rng.integers(0, len(P.INTENTS) - 1, nl)) % len(P.INTENTS)
    wrong = np.where(rng.random(nl) < P.CONFUSION_MAIN, main, other)
    detected = np.where(correct, ti, wrong)
    reviewed = rng.random(nl) < P.REVIEW_SHARE
    switch = world.start_us + int(P.MODEL_SWITCH_FRACTION * (world.end_us - world.start_us))
    model = (ts[li] >= switch).astype(np.int64)
    med = np.array([P.MODEL_LATENCY_MS[m][0] for m in P.MODELS])[model]
    sig = np.array([P.MODEL_LATENCY_MS[m][1] for m in P.MODELS])[model]
    latency = np.round(med * np.exp(sig * rng.standard_normal(nl))).astype(np.int64)
    created = ts[li] + latency * 1000
    keep_l = created < end_us
    order_l = np.argsort(created[keep_l], kind="stable")
    sel = np.flatnonzero(keep_l)[order_l]
    pos_in_conv = np.minimum(_rank_in_conv(ev_conv, ne)[li], 30)
    llm = pl.DataFrame(
        {
            "id": np.arange(1, len(sel) + 1, dtype=np.int64),
            "conversation_id": conv.ids.gather(ev_conv[li][sel]),
            "message_id": msg_id[li][sel],
            "intent": gather(P.INTENTS, detected[sel], "intent"),
            "confidence": pl.Series(np.round(conf[sel], 3)).cast(pl.Float32),
            "validated_intent": gather(P.INTENTS, ti[sel], "validated_intent", reviewed[sel]),
            "tokens_prompt": pl.Series((600 + 45 * pos_in_conv[sel] + rng.integers(0, 200, len(sel))).astype(np.int32)),
            "tokens_completion": pl.Series(rng.integers(25, 160, len(sel)).astype(np.int32)),
            "latency_ms": pl.Series(latency[sel].astype(np.int32)),
            "model": gather(P.MODELS, model[sel], "model"),
            "created_at": ts_series("created_at", created[sel]),
        }
    )
    return msgs, llm


def _is_first_in_conv(ev_conv: np.ndarray, ts: np.ndarray) -> np.ndarray:
    first = np.zeros(len(ev_conv), bool)
    _, idx = np.unique(ev_conv, return_index=True)
    first[idx] = True
    return first


def _rank_in_conv(ev_conv: np.ndarray, ne: int) -> np.ndarray:
    """Position of each (time-ordered) event among its conversation's events."""
    order = np.argsort(ev_conv, kind="stable")
    sc = ev_conv[order]
    starts = np.r_[0, np.flatnonzero(sc[1:] != sc[:-1]) + 1] if ne else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, ne])
    rank = np.empty(ne, np.int64)
    rank[order] = np.arange(ne) - np.repeat(starts, counts)
    return rank


def _campaign_frame(world: World, camps: Campaigns, leads: Leads) -> pl.DataFrame:
    rng = world.rng
    nc = len(camps.channel)
    count = np.bincount(leads.campaign[leads.campaign >= 0], minlength=nc).astype(float)
    cost = np.zeros(nc)
    for c, name in enumerate(P.CHANNELS):
        m = camps.channel == c
        if not m.any():
            continue
        pos = count[m][count[m] > 0]
        ref = max(float(np.median(pos)) if len(pos) else 1.0, 1.0)
        leads_eff = np.maximum(count[m], 0.3)
        cost[m] = P.CHANNEL_CPL[name] * ref * (leads_eff / ref) ** (1 / P.CHANNEL_BETA[name])
    cost = np.round(cost * np.exp(0.1 * rng.standard_normal(nc)), 2)
    reported = np.round(count * rng.uniform(0.85, 1.15, nc)).astype(np.int64)
    return pl.DataFrame(
        {
            "id": camps.ids,
            "name": camps.frame_parts["name"],
            "channel": gather(P.CHANNELS, camps.channel, "channel"),
            "cost": pl.Series(cost).cast(pl.Decimal(12, 2)),
            "started_at": [world.start + timedelta(days=int(d)) for d in camps.start_day],
            "ended_at": [world.start + timedelta(days=int(d)) for d in camps.end_day],
            "leads_generated": pl.Series(reported).cast(pl.Int32),
        },
        schema_overrides={"started_at": pl.Date, "ended_at": pl.Date},
    )


def _lead_interactions(
    world: World, staff: Staff, leads: Leads, status: np.ndarray, converted: np.ndarray
) -> pl.DataFrame:
    rng = world.rng
    n = leads.n
    lam = 0.25 + 0.6 * (status >= 2) * (status != 4) + 0.5 * converted
    k = rng.poisson(lam)
    li = np.repeat(np.arange(n), k)
    m = len(li)
    horizon = np.minimum(30 * DAY, world.end_us - 1 - leads.created[li])
    created = leads.created[li] + (rng.random(m) * horizon).astype(np.int64)
    types = ("call", "whatsapp", "email", "visit", "followup")
    ty = choice_idx(rng, (0.5, 0.2, 0.05, 0.05, 0.2), m)
    outcomes = ("answered", "no_answer", "scheduled", "not_interested", "callback")
    oc = np.where(converted[li] & (rng.random(m) < 0.4), 2, choice_idx(rng, (0.45, 0.33, 0.05, 0.07, 0.10), m))
    dur = np.where(ty == 3, lognormal(rng, 1200, 0.4, m), lognormal(rng, 180, 0.8, m)).astype(np.int64)
    has_dur = ((ty == 0) & (oc != 1)) | (ty == 3)
    mgr = rng.random(m) < 0.1
    user_ids = pl.Series(list(staff.users["id"]))
    user_idx = np.where(mgr, 8, leads.secretary[li])
    order = np.argsort(created, kind="stable")
    return pl.DataFrame(
        {
            "id": np.arange(1, m + 1, dtype=np.int64),
            "lead_id": leads.ids.gather(li[order]),
            "user_id": user_ids.gather(user_idx[order]),
            "type": gather(types, ty[order], "type"),
            "outcome": gather(outcomes, oc[order], "outcome"),
            "duration_seconds": pl.Series(np.where(has_dur, dur, 0)[order].astype(np.int32)).alias("duration_seconds"),
            "created_at": ts_series("created_at", created[order]),
        }
    ).with_columns(
        pl.when(pl.Series(has_dur[order])).then(pl.col("duration_seconds")).otherwise(None).alias("duration_seconds")
    )


def _feedback(world: World, conv: Conv) -> pl.DataFrame:
    rng = world.rng
    nc = len(conv.lead)
    closed = conv.closed >= 0
    handed = conv.transferred >= 0
    ask = closed & (rng.random(nc) < np.where(handed, P.FEEDBACK_PROB_HANDOFF, P.FEEDBACK_PROB_BOT))
    idx = np.flatnonzero(ask)
    m = len(idx)
    frt = np.nan_to_num(conv.first_response[idx], nan=4 * 3600.0) / 60.0
    latent = (
        4.4
        - 0.3 * handed[idx] * np.log1p(frt)
        - 0.9 * (handed[idx] & (conv.reason[idx] == P.TRANSFER_REASONS.index("reclamacao")))
        - 1.0 * conv.last_unanswered[idx]
        + rng.normal(0, 0.8, m)
    )
    csat = np.clip(np.round(latent), 1, 5).astype(np.int64)
    nps = np.clip(np.round(2.2 * csat - 1 + rng.normal(0, 1.2, m)), 0, 10).astype(np.int64)
    created = conv.closed[idx] + lognormal(rng, 20 * MIN, 1.0, m).astype(np.int64)
    keep = created < world.end_us
    idx, csat, nps, created = idx[keep], csat[keep], nps[keep], created[keep]
    m = len(idx)
    has_csat = rng.random(m) > 0.1
    has_nps = rng.random(m) > 0.15
    has_comment = rng.random(m) < P.COMMENT_PROB
    good = csat >= 4
    ci = rng.integers(0, 5, m)
    comments = np.where(good, ci, 5 + ci)
    order = np.argsort(created, kind="stable")
    return pl.DataFrame(
        {
            "id": np.arange(1, m + 1, dtype=np.int64),
            "conversation_id": conv.ids.gather(idx[order]),
            "csat_score": masked(pl.Series("csat_score", csat[order]).cast(pl.Int32), has_csat[order]),
            "nps_score": masked(pl.Series("nps_score", nps[order]).cast(pl.Int32), has_nps[order]),
            "comment": gather(vocab.COMMENTS_GOOD + vocab.COMMENTS_BAD, comments[order], "comment", has_comment[order]),
            "created_at": ts_series("created_at", created[order]),
        }
    )


def _touchpoints(
    world: World, camps: Campaigns, leads: Leads, conv_at: np.ndarray, converted: np.ndarray
) -> pl.DataFrame:
    rng = world.rng
    n = leads.n
    k = rng.poisson(1.2, n)
    li = np.repeat(np.arange(n), k)
    m = len(li)
    limit = np.where(converted, conv_at, np.minimum(leads.created + 30 * DAY, world.end_us - 1))[li]
    t = leads.created[li] + (rng.random(m) * (limit - leads.created[li])).astype(np.int64)
    ch = choice_idx(rng, [P.CHANNEL_SHARE[c] for c in P.CHANNELS], m)
    camp = camps.by_day[world.day_index(t), ch]
    all_lead = np.concatenate([np.arange(n), li])
    all_ch = np.concatenate([leads.channel, ch])
    all_camp = np.concatenate([leads.campaign, camp])
    all_t = np.concatenate([leads.created, t])
    order = np.lexsort((all_t, all_lead))
    return pl.DataFrame(
        {
            "lead_id": leads.ids.gather(all_lead[order]),
            "channel": gather(P.CHANNELS, all_ch[order], "channel"),
            "campaign_id": masked(camps.ids.gather(np.maximum(all_camp[order], 0)), all_camp[order] >= 0).alias(
                "campaign_id"
            ),
            "touched_at": ts_series("touched_at", all_t[order]),
        }
    )
