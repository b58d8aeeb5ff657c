"""Message timelines of many conversations at once (no per-conversation Python loop).

A conversation is: an optional opening bot message (reactivation / post-procedure),
``B`` bot turns (lead inbound + bot outbound), then, when handed off, ``R`` reply
runs (1-4 inbound lead messages answered by 1-2 human messages). Every event's
time is the conversation start plus a segmented cumulative sum of gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.generator import params as P
from analytics.generator.util import US, lognormal, segment_starts, segmented_cumsum, within
from analytics.generator.world import Staff, World, in_shift

IN_BOT, BOT_OUT, IN_RUN, HUMAN_OUT = 0, 1, 2, 3


@dataclass
class Timeline:
    # events (flat, grouped by conversation in order)
    ev_conv: np.ndarray
    ev_ts: np.ndarray
    ev_kind: np.ndarray
    ev_run: np.ndarray  # run index or -1
    ev_first_in_conv: np.ndarray  # first inbound message of its conversation
    # runs
    run_conv: np.ndarray
    run_start: np.ndarray
    run_answer: np.ndarray  # answer instant, -1 when unanswered
    run_off_shift: np.ndarray
    run_late: np.ndarray
    # conversations
    transferred_at: np.ndarray  # -1 when not handed off
    first_response: np.ndarray  # seconds from transfer to first human message, nan when none
    last_ts: np.ndarray
    last_unanswered: np.ndarray


def build_timeline(
    world: World,
    staff: Staff,
    start: np.ndarray,
    sec: np.ndarray,
    opening_bot: np.ndarray,
    replied: np.ndarray,
    handoff: np.ndarray,
    chat_factor: float = 1.0,
) -> Timeline:
    """Timelines for conversations starting at ``start`` (UTC µs) handled by secretary index ``sec``."""
    rng = world.rng
    nc = len(start)
    bot_turns = np.where(~opening_bot | replied, 1 + rng.poisson(P.BOT_TURNS_MEAN * chat_factor, nc), 0)
    handoff = handoff & (bot_turns > 0)
    runs = np.where(handoff, 1 + rng.poisson(P.RUNS_MEAN * chat_factor, nc), 0)
    last_unanswered = handoff & (rng.random(nc) < P.UNANSWERED_LAST_RUN_PROB)

    nr = int(runs.sum())
    run_conv = np.repeat(np.arange(nc), runs)
    run_pos = within(runs)
    run_k = 1 + np.minimum(rng.poisson(0.5, nr), 3)
    run_h = 1 + (rng.random(nr) < 0.3)
    run_ans = ~((run_pos == runs[run_conv] - 1) & last_unanswered[run_conv])
    run_size = run_k + run_h * run_ans

    bot_size = opening_bot.astype(np.int64) + 2 * bot_turns
    run_total = np.bincount(run_conv, weights=run_size, minlength=nc).astype(np.int64)
    ev_count = bot_size + run_total
    ne = int(ev_count.sum())
    conv_start = segment_starts(ev_count)

    kind = np.empty(ne, np.int8)
    gap = np.zeros(ne, np.int64)
    ev_run = np.full(ne, -1, np.int64)

    # bot part
    b_conv = np.repeat(np.arange(nc), bot_size)
    b_pos = within(bot_size)
    b_idx = conv_start[b_conv] + b_pos
    b_open = opening_bot[b_conv]
    rel = b_pos - b_open
    b_kind = np.where(b_open & (b_pos == 0), BOT_OUT, np.where(rel % 2 == 0, IN_BOT, BOT_OUT))
    kind[b_idx] = b_kind
    nb = len(b_idx)
    g = np.where(
        b_kind == BOT_OUT,
        rng.uniform(1, 6, nb) * US,
        np.where(
            b_open & (b_pos == 1),
            lognormal(rng, 40 * 60, 1.3, nb) * US,  # first reply to an opening message
            lognormal(rng, 60, 1.2, nb) * US,
        ),
    )
    g[b_pos == 0] = 0
    gap[b_idx] = g.astype(np.int64)

    # run part
    run_excl = segmented_cumsum(run_size, runs) - run_size
    r_ev_run = np.repeat(np.arange(nr), run_size)
    r_pos = within(run_size)
    r_conv = run_conv[r_ev_run]
    r_idx = conv_start[r_conv] + bot_size[r_conv] + run_excl[r_ev_run] + r_pos
    is_in = r_pos < run_k[r_ev_run]
    kind[r_idx] = np.where(is_in, IN_RUN, HUMAN_OUT)
    ev_run[r_idx] = r_ev_run
    n_r = len(r_idx)
    transfer_delay = (lognormal(rng, 8, 0.6, nc) * US).astype(np.int64)
    first_in_extra = (rng.uniform(0, 20, nc) * US).astype(np.int64)
    intra = (lognormal(rng, 25, 0.8, n_r) * US).astype(np.int64)
    between = (lognormal(rng, 180, 1.5, n_r) * US).astype(np.int64)
    second_out = (rng.uniform(10, 60, n_r) * US).astype(np.int64)
    first_run = run_pos[r_ev_run] == 0
    follow = is_in & (r_pos > 0)  # follow-up lead messages inside a run
    base_d = lognormal(rng, staff.medians[sec[run_conv]], P.RESPONSE_SIGMA, nr) * US
    late = rng.random(nr) < P.LATE_REPLY_PROB
    late_d = (24 * 3600 + lognormal(rng, 2 * 3600, 0.5, nr)) * US
    out_first = r_pos == run_k[r_ev_run]

    def _ts(off: np.ndarray) -> np.ndarray:
        # response delay D from the run's first message; follow-ups fit inside 90% of D,
        # so the measured response time is exactly D
        d = np.where(late, late_d, base_d * np.where(off, P.OFF_SHIFT_FACTOR, 1.0))
        cap = (0.9 * d / np.maximum(run_k - 1, 1)).astype(np.int64)
        fgap = np.minimum(intra, cap[r_ev_run])
        in_gap = np.where(
            r_pos == 0,
            np.where(first_run, transfer_delay[r_conv] + first_in_extra[r_conv], between),
            fgap,
        )
        span = np.bincount(r_ev_run[follow], weights=fgap[follow], minlength=nr).astype(np.int64)
        first_gap = np.maximum(d.astype(np.int64) - span, 1)
        gap[r_idx] = np.where(is_in, in_gap, np.where(out_first, first_gap[r_ev_run], second_out))
        return start[np.repeat(np.arange(nc), ev_count)] + segmented_cumsum(gap, ev_count)

    off = np.zeros(nr, bool)
    run_first_idx = conv_start[run_conv] + bot_size[run_conv] + run_excl
    for _ in range(3):
        ts = _ts(off)
        off = ~in_shift(world, staff, sec[run_conv], ts[run_first_idx])
    ts = _ts(off)

    run_start = ts[run_first_idx]
    run_answer = np.where(run_ans, ts[np.minimum(run_first_idx + run_k, ne - 1)], -1)
    transferred = np.full(nc, -1, np.int64)
    has_run = runs > 0
    first_run_idx = conv_start + bot_size
    transferred[has_run] = ts[first_run_idx[has_run]] - first_in_extra[has_run]
    first_resp = np.full(nc, np.nan)
    r0 = run_pos == 0
    ans0 = r0 & run_ans
    first_resp[run_conv[ans0]] = (run_answer[ans0] - transferred[run_conv[ans0]]) / US
    last_ts = ts[conv_start + ev_count - 1]

    ev_conv = np.repeat(np.arange(nc), ev_count)
    is_inb = (kind == IN_BOT) | (kind == IN_RUN)
    # first inbound per conversation
    first_in = np.zeros(ne, bool)
    inb_idx = np.flatnonzero(is_inb)
    if len(inb_idx):
        _, first_pos = np.unique(ev_conv[inb_idx], return_index=True)
        first_in[inb_idx[first_pos]] = True
    return Timeline(
        ev_conv=ev_conv,
        ev_ts=ts,
        ev_kind=kind,
        ev_run=ev_run,
        ev_first_in_conv=first_in,
        run_conv=run_conv,
        run_start=run_start,
        run_answer=run_answer,
        run_off_shift=off,
        run_late=late,
        transferred_at=transferred,
        first_response=first_resp,
        last_ts=last_ts,
        last_unanswered=last_unanswered,
    )
