"""Campaigns, leads (arrival process, channel, procedure, maturity, assignment) and prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from analytics.generator import params as P
from analytics.generator import vocab
from analytics.generator.util import DAY, HOUR, choice_idx, gather, row_choice, uuids
from analytics.generator.world import Staff, World


@dataclass
class Campaigns:
    frame_parts: dict[str, list]  # columns before costs are known
    channel: np.ndarray  # channel index per campaign
    start_day: np.ndarray
    end_day: np.ndarray  # inclusive
    intensity: np.ndarray
    ids: pl.Series
    by_day: np.ndarray  # (n_days, n_channels) campaign index or -1


def build_campaigns(world: World) -> Campaigns:
    """Consecutive campaigns per paid channel (18-45 days, small gaps), straddling months."""
    rng = world.rng
    ch_idx, starts, ends = [], [], []
    for c, name in enumerate(P.CHANNELS):
        if name not in P.PAID_CHANNELS:
            continue
        d = -int(rng.integers(0, 20))
        while d < world.n_days:
            length = int(rng.integers(P.CAMPAIGN_DAYS[0], P.CAMPAIGN_DAYS[1] + 1))
            ch_idx.append(c)
            starts.append(d)
            ends.append(d + length - 1)
            d += length + int(rng.integers(P.CAMPAIGN_GAP_DAYS[0], P.CAMPAIGN_GAP_DAYS[1] + 1))
    ch = np.array(ch_idx)
    st, en = np.array(starts), np.array(ends)
    n = len(ch)
    intensity = np.exp(P.CAMPAIGN_INTENSITY_SIGMA * rng.standard_normal(n))
    by_day = np.full((world.n_days, len(P.CHANNELS)), -1, np.int64)
    for i in range(n):
        by_day[max(st[i], 0) : min(en[i], world.n_days - 1) + 1, ch[i]] = i
    themes = rng.integers(0, len(vocab.CAMPAIGN_THEMES), n)
    names = [
        f"{vocab.CAMPAIGN_THEMES[themes[i]]} - {P.CHANNELS[ch[i]]} {(world.start + timedelta(days=int(st[i]))):%m/%Y}"
        for i in range(n)
    ]
    return Campaigns({"name": names}, ch, st, en, intensity, uuids(rng, n), by_day)


@dataclass
class Leads:
    n: int
    created: np.ndarray
    day: np.ndarray
    channel: np.ndarray
    campaign: np.ndarray  # campaign index or -1
    procedure: np.ndarray
    maturity: np.ndarray
    secretary: np.ndarray
    ids: pl.Series
    names: pl.Series
    phones: pl.Series


def channel_weights(world: World, camps: Campaigns) -> np.ndarray:
    share = np.array([P.CHANNEL_SHARE[c] for c in P.CHANNELS])
    w = np.tile(share, (world.n_days, 1))
    for c, name in enumerate(P.CHANNELS):
        if name in P.PAID_CHANNELS:
            idx = camps.by_day[:, c]
            w[:, c] *= np.where(idx >= 0, camps.intensity[np.maximum(idx, 0)], P.NO_CAMPAIGN_WEIGHT)
    return w


def build_leads(world: World, staff: Staff, camps: Campaigns, n_leads: int) -> Leads:
    rng = world.rng
    w = channel_weights(world, camps)
    lam = world.day_factor * w.sum(axis=1)
    counts = rng.multinomial(n_leads, lam / lam.sum())
    day = np.repeat(np.arange(world.n_days), counts)
    n = len(day)
    hour = choice_idx(rng, P.DAILY, n)
    created = world.start_us + day * DAY + hour * HOUR + (rng.random(n) * HOUR).astype(np.int64)
    created.sort()  # same multiset per day; keeps leads ordered by arrival
    channel = row_choice(rng, w[day] / w[day].sum(axis=1, keepdims=True))
    campaign = camps.by_day[day, channel]
    # procedure mix by calendar month (January boost for aesthetics)
    month = np.array([d.month for d in world.days])[day]
    base = np.array([P.PROCEDURE_SHARE[p] for p in P.PROCEDURES])
    jan = base * np.array([P.JANUARY_AESTHETIC_BOOST if p in P.AESTHETIC else 1.0 for p in P.PROCEDURES])
    probs = np.where((month == 1)[:, None], jan / jan.sum(), base)
    procedure = row_choice(rng, probs)
    ch_mat = np.array([P.CHANNEL_MATURITY[c] for c in P.CHANNELS])
    maturity = np.clip(np.round(rng.beta(2.2, 2.4, n) * 100 + ch_mat[channel] + rng.normal(0, 5, n)), 0, 100)
    # assignment: a secretary with the procedure among her skills (fast ones get a bit more)
    secretary = np.empty(n, np.int64)
    for p_i, proc in enumerate(P.PROCEDURES):
        able = np.array([i for i, s in enumerate(staff.skills) if proc in s])
        m = procedure == p_i
        wts = 1.0 / np.sqrt(staff.medians[able])
        secretary[m] = able[choice_idx(rng, wts, int(m.sum()))]
    ids = uuids(rng, n)
    female = rng.random(n) < 0.62
    first = np.where(
        female,
        rng.integers(0, len(vocab.FIRST_F), n),
        len(vocab.FIRST_F) + rng.integers(0, len(vocab.FIRST_M), n),
    )
    s1 = rng.integers(0, len(vocab.SURNAMES), n)
    s2 = rng.integers(0, len(vocab.SURNAMES), n)
    two = rng.random(n) < 0.55
    names = pl.select(
        pl.when(pl.Series(two))
        .then(
            pl.concat_str(
                [
                    gather(vocab.FIRST_F + vocab.FIRST_M, first, "f"),
                    gather(vocab.SURNAMES, s1, "a"),
                    gather(vocab.SURNAMES, s2, "b"),
                ],
                separator=" ",
            )
        )
        .otherwise(
            pl.concat_str(
                [gather(vocab.FIRST_F + vocab.FIRST_M, first, "f"), gather(vocab.SURNAMES, s2, "b")], separator=" "
            )
        )
        .alias("name")
    ).to_series()
    ddd = np.array(vocab.DDD)[choice_idx(rng, vocab.DDD_WEIGHT, n)]
    local = rng.integers(0, 100_000_000, n)
    number = 55 * 10**11 + ddd.astype(np.int64) * 10**9 + 9 * 10**8 + local
    # unique phones: redraw collisions
    for _ in range(10):
        _, first_idx = np.unique(number, return_index=True)
        dup = np.ones(n, bool)
        dup[first_idx] = False
        if not dup.any():
            break
        number[dup] = (
            55 * 10**11 + ddd[dup].astype(np.int64) * 10**9 + 9 * 10**8 + rng.integers(0, 10**8, int(dup.sum()))
        )
    phones = pl.Series("phone", number).cast(pl.String)
    return Leads(
        n, created, day, channel, campaign, procedure, maturity.astype(np.int64), secretary, ids, names, phones
    )


def price_factors(world: World) -> np.ndarray:
    """(n_months + 3, n_procedures) multiplier of the list price per month (promotions, premiums)."""
    rng = world.rng
    shape = (world.n_months + 3, len(P.PROCEDURES))
    f = np.ones(shape)
    promo = rng.random(shape) < P.PROMO_PROB
    premium = ~promo & (rng.random(shape) < P.PREMIUM_PROB)
    f[promo] = 1 - rng.uniform(*P.PROMO_DISCOUNT, int(promo.sum()))
    f[premium] = 1 + rng.uniform(*P.PREMIUM_RANGE, int(premium.sum()))
    return np.round(f, 3)
