"""Revenue and ROI metrics (shared/spec/metrics.md, section Revenue and ROI).

Period anchors: revenue takes ``procedure_bookings.scheduled_for``; cost takes
campaign days (local dates); conversions take ``leads.converted_at``; per-lead
values take the lead cohort. Bookings are ``ds.bookings`` (scope leads, booked
at or before as_of; a booking scheduled after as_of is ``booked`` whatever its
stored status). Money is BRL as float rounded to 2 decimals.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import polars as pl

from analytics.dataset import Dataset
from analytics.metrics.base import Metric, ratio
from analytics.metrics.conversion import _cohort_rows

DOMAIN = "revenue"


def _money(x: Any) -> float:
    return 0.0 if x is None else round(float(x), 2)


def _money_or_none(x: Any) -> float | None:
    return None if x is None else round(float(x), 2)


def _value() -> pl.Expr:
    return pl.col("value").cast(pl.Float64).fill_null(0.0)


# -- revenue / pipeline_value ------------------------------------------------------
def _attended_in_period(ds: Dataset) -> pl.DataFrame:
    """Attended bookings with ``scheduled_for`` in the period, with the lead's channel."""
    return ds.memo(
        "period:attended_bookings",
        lambda: (
            ds.bookings.filter((pl.col("status") == "attended") & ds.in_period("scheduled_for"))
            .select("id", "lead_id", "procedure", "scheduled_for", _value().alias("value"))
            .join(ds.leads.select(pl.col("id").alias("lead_id"), "channel"), on="lead_id", how="left")
            .sort("scheduled_for", "id")
        ),
    )


def revenue(ds: Dataset) -> float:
    """Sum of ``value`` of bookings with status ``attended`` and ``scheduled_for`` in the period (BRL).

    A sum, so 0.0 (not ``None``) when there is none; null values count as 0.
    """
    return _money(_attended_in_period(ds).get_column("value").sum())


def _pipeline_rows(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "pipeline_rows",
        lambda: (
            ds.bookings.filter(
                (pl.col("status") == "booked")
                & (pl.col("scheduled_for") > pl.lit(ds.as_of).dt.convert_time_zone("UTC"))
            )
            .select("id", "lead_id", "procedure", "scheduled_for", _value().alias("value"))
            .sort("scheduled_for", "id")
        ),
    )


def pipeline_value(ds: Dataset) -> float:
    """Sum of ``value`` of bookings with status ``booked`` and ``scheduled_for`` > as_of (BRL; 0.0 when none).

    Independent of the period. After as_of clipping an ``attended`` or ``no_show`` booking
    scheduled after as_of is ``booked`` (its outcome is not known yet); a ``cancelled`` one
    stays cancelled (no cancellation time in the data) and is not counted.
    """
    return _money(_pipeline_rows(ds).get_column("value").sum())


# -- avg_value_per_converted_lead ---------------------------------------------------
def _converted_value_rows(ds: Dataset) -> pl.DataFrame:
    """Converted cohort leads with their attended booking value (all attended bookings ≤ as_of)."""

    def build() -> pl.DataFrame:
        conv = _cohort_rows(ds).filter(pl.col("converted")).select("lead_id", "channel", "procedure_interest")
        value = (
            ds.bookings.filter(pl.col("status") == "attended")
            .group_by("lead_id")
            .agg(_value().sum().alias("attended_value"), pl.len().alias("attended_bookings"))
        )
        return (
            conv.join(value, on="lead_id", how="left")
            .with_columns(pl.col("attended_value").fill_null(0.0), pl.col("attended_bookings").fill_null(0))
            .sort("lead_id")
        )

    return ds.memo("period:converted_value_rows", build)


def avg_value_per_converted_lead(ds: Dataset) -> float | None:
    """Attended booking value (every attended booking up to as_of, any date) of the cohort's

    converted leads / leads_converted (BRL); ``None`` when no cohort lead converted.
    """
    rows = _converted_value_rows(ds)
    return _money_or_none(ratio(rows.get_column("attended_value").sum(), rows.height))


# -- cost_by_channel ------------------------------------------------------------------
def _cost_rows(ds: Dataset) -> pl.DataFrame:
    """Per campaign: total days, days counted (in the period and ≤ as_of local date) and prorated cost."""

    def build() -> pl.DataFrame:
        lo = ds.period.start
        hi = ds.period.end - timedelta(days=1)  # inclusive last day of the period
        c = ds.campaigns.filter(
            pl.col("started_at").is_not_null()
            & pl.col("ended_at").is_not_null()
            & (pl.col("ended_at") >= pl.col("started_at"))
        )
        total = (pl.col("ended_at") - pl.col("started_at")).dt.total_days() + 1
        first = pl.max_horizontal(pl.col("started_at"), pl.lit(lo))
        last = pl.min_horizontal(pl.col("ended_at_clipped"), pl.lit(hi))
        counted = pl.max_horizontal((last - first).dt.total_days() + 1, pl.lit(0))
        return (
            c.select(
                "id",
                "channel",
                "started_at",
                "ended_at",
                pl.col("cost").cast(pl.Float64).fill_null(0.0).alias("total_cost"),
                total.alias("total_days"),
                counted.alias("days_in_period"),
            )
            .with_columns(
                (pl.col("total_cost") * pl.col("days_in_period") / pl.col("total_days")).alias("cost"),
            )
            .filter(pl.col("days_in_period") > 0)
            .sort("channel", "started_at", "id", nulls_last=True)
        )

    return ds.memo("period:cost_rows", build)


def _cost_map(ds: Dataset) -> dict[str | None, float]:
    agg = _cost_rows(ds).group_by("channel").agg(pl.col("cost").sum())
    return {r["channel"]: float(r["cost"]) for r in agg.to_dicts()}


def cost_by_channel(ds: Dataset) -> list[dict[str, Any]]:
    """``[{"channel", "cost"}]`` sorted by channel: campaign cost prorated by days.

    cost × (days of ``[started_at, ended_at]`` (inclusive) that fall in the period and on
    or before the as_of local date) / (total days of ``[started_at, ended_at]`` inclusive).
    Campaigns with a null date or ``ended_at`` < ``started_at`` are skipped (cannot be
    prorated); a null cost counts as 0. Channels with no counted campaign day are absent.
    """
    costs = _cost_map(ds)
    return [{"channel": ch, "cost": _money(costs[ch])} for ch in _sorted_keys(costs)]


def _sorted_keys(keys: Any) -> list[Any]:
    """Channel keys sorted, ``None`` (lead without channel) last."""
    return sorted(keys, key=lambda k: (k is None, k or ""))


# -- roi_by_channel / cpa_by_channel ----------------------------------------------------
def _roi_rows(ds: Dataset) -> pl.DataFrame:
    """Attended bookings in the period with the lead's channel (the revenue behind roi_by_channel)."""
    return _attended_in_period(ds)


def roi_by_channel(ds: Dataset) -> list[dict[str, Any]]:
    """``[{"channel", "revenue", "cost", "roi"}]`` sorted by channel.

    revenue = attended booking value with ``scheduled_for`` in the period of scope leads
    whose ``leads.channel`` is c; cost = ``cost_by_channel``; roi = (revenue − cost) / cost
    as a ratio (not × 100), ``None`` where cost is 0. Channels = union of channels with cost
    or revenue rows in the period.
    """
    costs = _cost_map(ds)
    rev_agg = _attended_in_period(ds).group_by("channel").agg(pl.col("value").sum())
    revs = {r["channel"]: float(r["value"]) for r in rev_agg.to_dicts()}
    out = []
    for ch in _sorted_keys(set(costs) | set(revs)):
        # from cent-rounded sums, so the ratio does not depend on float summation order
        cost, rev = round(costs.get(ch, 0.0), 2), round(revs.get(ch, 0.0), 2)
        roi = ratio(rev - cost, cost) if cost else None
        out.append({"channel": ch, "revenue": _money(rev), "cost": _money(cost), "roi": roi})
    return out


def _cpa_rows(ds: Dataset) -> pl.DataFrame:
    """Scope leads with ``converted_at`` in the period (any created_at), with their channel."""
    return ds.memo(
        "period:cpa_rows",
        lambda: (
            ds.leads.filter(ds.in_period("converted_at"))
            .select(pl.col("id").alias("lead_id"), "channel", "created_at", "converted_at")
            .sort("converted_at", "lead_id")
        ),
    )


def cpa_by_channel(ds: Dataset) -> list[dict[str, Any]]:
    """``[{"channel", "cost", "conversions", "cpa"}]`` sorted by channel.

    conversions = scope leads of channel c with ``converted_at`` in the period (whatever their
    ``created_at``: not the cohort); cost = ``cost_by_channel`` (0.0 for a channel without
    campaigns); cpa = cost / conversions, ``None`` when there is no conversion. Channels =
    union of channels with cost or conversions in the period.
    """
    costs = _cost_map(ds)
    conv_agg = _cpa_rows(ds).group_by("channel").agg(pl.len().alias("n"))
    convs = {r["channel"]: int(r["n"]) for r in conv_agg.to_dicts()}
    out = []
    for ch in _sorted_keys(set(costs) | set(convs)):
        cost, n = costs.get(ch, 0.0), convs.get(ch, 0)
        out.append({"channel": ch, "cost": _money(cost), "conversions": n, "cpa": _money_or_none(ratio(cost, n))})
    return out


# -- ltv_by_segment --------------------------------------------------------------------------
_SEGMENTS = (("procedure", "procedure_interest"), ("channel", "channel"))


def ltv_by_segment(ds: Dataset) -> list[dict[str, Any]]:
    """Historical LTV: ``[{"segment_type", "segment", "converted_leads", "attended_value", "ltv",
    "predicted_ltv_12m"}]``.

    Over the cohort's converted leads, by ``procedure_interest`` (segment_type ``procedure``)
    then by ``channel`` (segment_type ``channel``), each sorted by segment (null last):
    attended_value = value of their attended bookings up to as_of (any date), ltv =
    attended_value / converted_leads (BRL).

    ``predicted_ltv_12m``: expected attended value over the 12 months after as_of per
    converted lead of the segment, from a BG/NBD (purchase frequency) + Gamma-Gamma
    (spend per purchase) model fitted on the attended-booking history of every scope lead
    with at least one attended booking (see ``_fit_clv``): a purchase is a local day with
    attended bookings, time in weeks from the lead's first attended day to as_of, no
    discounting. Converted leads with no attended booking yet count 0. ``None`` when the
    model cannot be fitted (fewer than 10 repeat customers, or a degenerate fit).
    """
    rows = _converted_value_rows(ds)
    pred = _predicted_clv(ds)
    if pred is not None:
        rows = rows.join(pred, on="lead_id", how="left")
    out: list[dict[str, Any]] = []
    for seg_type, col in _SEGMENTS:
        aggs = [pl.len().alias("n"), pl.col("attended_value").sum().alias("v")]
        if pred is not None:
            # no attended booking yet (no row) -> 0; numerical failure (NaN) -> left out
            aggs.append(pl.col("clv_12m").fill_null(0.0).fill_nan(None).mean().alias("p"))
        agg = rows.group_by(col).agg(aggs)
        by = {r[col]: r for r in agg.to_dicts()}
        for seg in _sorted_keys(by):
            r = by[seg]
            out.append(
                {
                    "segment_type": seg_type,
                    "segment": seg,
                    "converted_leads": int(r["n"]),
                    "attended_value": _money(r["v"]),
                    "ltv": _money_or_none(ratio(r["v"], r["n"])),
                    "predicted_ltv_12m": _money_or_none(r.get("p")),
                }
            )
    return out


def _ltv_rows(ds: Dataset) -> pl.DataFrame:
    rows = _converted_value_rows(ds)
    pred = _predicted_clv(ds)
    return rows if pred is None else rows.join(pred, on="lead_id", how="left")


# -- BG/NBD + Gamma-Gamma --------------------------------------------------------------------
_MIN_REPEAT_CUSTOMERS = 10


#: tight enough that the optimum (not the stopping point) decides the result
_LBFGS_OPTIONS = {"ftol": 1e-12, "gtol": 1e-8, "maxiter": 2000}


def _single_thread() -> Any:
    """Limit BLAS to one thread during the tiny (3–4 parameter) fits: a multi-threaded BLAS
    spins its threads on every L-BFGS-B step, which costs ~10× the fit on a busy machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1)


def _rfm(ds: Dataset) -> pl.DataFrame:
    """Per lead with ≥ 1 attended booking: frequency x (repeat attended local days), recency t_x and
    age T in weeks from the first attended booking, and mean value of the repeat purchases."""
    local_day = pl.col("scheduled_for").dt.convert_time_zone(ds.tz).dt.date()
    days = (
        ds.bookings.filter(pl.col("status") == "attended")
        .group_by("lead_id", local_day.alias("day"))
        .agg(_value().sum().alias("value"))
    )
    as_of_day = ds.as_of.astimezone(ds.settings.tz).date()
    return (
        days.sort("lead_id", "day")
        .group_by("lead_id", maintain_order=True)
        .agg(
            (pl.len() - 1).alias("x"),
            ((pl.col("day").max() - pl.col("day").min()).dt.total_days() / 7.0).alias("t_x"),
            ((pl.lit(as_of_day) - pl.col("day").min()).dt.total_days() / 7.0).alias("T"),
            pl.col("value").slice(1).mean().alias("m"),
        )
        .with_columns(pl.col("T").clip(lower_bound=pl.col("t_x")))
    )


def _predicted_clv(ds: Dataset) -> pl.DataFrame | None:
    """``[lead_id, clv_12m]`` for every scope lead with an attended booking; ``None`` when unfittable."""
    return ds.memo("clv_12m", lambda: _cached_clv(ds))


def _cached_clv(ds: Dataset) -> pl.DataFrame | None:
    """``_fit_clv``, kept beside the store version's prepared tables when it depends on the data
    alone: default as_of (``ds.prepared_dir`` is set only then) and no filters. The key holds
    as_of, the time zone and the fitting code, so any change refits; the file is the fitted
    frame itself (Arrow IPC round-trips it exactly)."""
    import hashlib
    import inspect
    import os
    from pathlib import Path

    base = ds.prepared_dir
    if base is None or not ds.filters.empty:
        return _fit_clv(ds)
    from importlib.metadata import version

    from analytics import dataset as dataset_module

    code = "".join(inspect.getsource(c) for c in (_fit_clv, _rfm, _value, dataset_module))
    libs = f"{version('scipy')}|{version('numpy')}|{pl.__version__}|{_MIN_REPEAT_CUSTOMERS}|{_LBFGS_OPTIONS}"
    key = hashlib.sha256(f"{ds.as_of.isoformat()}|{ds.tz}|{libs}|{code}".encode()).hexdigest()[:16]
    path = Path(base) / f"derived-clv_12m-{key}.arrow"
    unfittable = path.with_suffix(".none")
    if unfittable.is_file():
        return None
    if path.is_file():
        try:
            return pl.read_ipc(path)
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable: refit below
    out = _fit_clv(ds)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        if out is None:
            unfittable.write_text("none")
        else:
            out.write_ipc(tmp, compression="uncompressed")
            os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # best effort: the cache never fails the metric
    return out


def _fit_clv(ds: Dataset) -> pl.DataFrame | None:
    """Maximum-likelihood BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader, Hardie & Lee 2005b)
    fits with scipy (L-BFGS-B on log-parameters bounded to [-10, 10]); expected attended value in the
    next 52.18 weeks = E[purchases | x, t_x, T] × E[value per purchase | x, m]."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import betaln, gammaln, hyp2f1

    rfm = _rfm(ds)
    if rfm.height == 0 or rfm.filter(pl.col("x") > 0).height < _MIN_REPEAT_CUSTOMERS:
        return None
    # the likelihood only depends on (x, t_x, T): fit on the distinct triples, weighted by count
    # sorted: a fixed summation order makes the fit reproducible run to run
    cells = rfm.group_by("x", "t_x", "T").agg(pl.len().alias("n")).sort("x", "t_x", "T")
    x = cells.get_column("x").to_numpy().astype(float)
    tx = cells.get_column("t_x").to_numpy().astype(float)
    big_t = cells.get_column("T").to_numpy().astype(float)
    w = cells.get_column("n").to_numpy().astype(float)

    def bgnbd_nll(p: np.ndarray) -> float:
        r, alpha, a, b = np.exp(p)
        ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        ln_a2 = betaln(a, b + x) - betaln(a, b)
        ln_a3 = -(r + x) * np.log(alpha + big_t)
        with np.errstate(divide="ignore"):
            ln_a4 = np.where(
                x > 0,
                np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + tx),
                -np.inf,
            )
        ll = ln_a1 + ln_a2 + np.logaddexp(ln_a3, ln_a4)
        return float(-(w * ll).sum())

    bounds = [(-10.0, 10.0)] * 4  # log-parameters: keeps the fit away from degenerate extremes
    with _single_thread():
        fit = minimize(bgnbd_nll, np.zeros(4), method="L-BFGS-B", bounds=bounds, options=_LBFGS_OPTIONS)
    r, alpha, a, b = np.exp(fit.x)
    if not np.isfinite([r, alpha, a, b]).all():
        return None
    horizon = 365.25 / 7  # weeks in 12 months
    x = rfm.get_column("x").to_numpy().astype(float)
    tx = rfm.get_column("t_x").to_numpy().astype(float)
    big_t = rfm.get_column("T").to_numpy().astype(float)

    z = horizon / (alpha + big_t + horizon)
    with np.errstate(all="ignore"):
        expected = (
            (a + b + x - 1)
            / (a - 1)
            * (1 - ((alpha + big_t) / (alpha + big_t + horizon)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
            / (1 + (x > 0) * a / (b + x - 1 + (x == 0)) * ((alpha + big_t) / (alpha + tx)) ** (r + x))
        )
    # a numerically failed lead (overflow in hyp2f1) gets NaN and is left out of segment means
    expected = np.where(np.isfinite(expected) & (expected >= 0), expected, np.nan)
    if np.isnan(expected).all():
        return None

    # Gamma-Gamma on repeat customers' mean repeat value
    rep = rfm.filter((pl.col("x") > 0) & (pl.col("m") > 0))
    xr = rep.get_column("x").to_numpy().astype(float)
    mr = rep.get_column("m").to_numpy().astype(float)

    def gg_nll(p: np.ndarray) -> float:
        pp, q, v = np.exp(p)
        ll = (
            gammaln(pp * xr + q)
            - gammaln(pp * xr)
            - gammaln(q)
            + q * np.log(v)
            + (pp * xr - 1) * np.log(mr)
            + pp * xr * np.log(xr)
            - (pp * xr + q) * np.log(xr * mr + v)
        )
        return float(-ll.sum())

    with _single_thread():
        gg = minimize(
            gg_nll, np.array([0.0, 1.0, 0.0]), method="L-BFGS-B", bounds=[(-10.0, 10.0)] * 3, options=_LBFGS_OPTIONS
        )
    pp, q, v = np.exp(gg.x)
    m = rfm.get_column("m").fill_null(0.0).to_numpy().astype(float)
    if q <= 1 or not math.isfinite(pp * q * v):
        return None
    spend = pp * (v + x * m) / (pp * x + q - 1)  # E[mean value | x, m]; population mean when x = 0
    clv = expected * spend
    return pl.DataFrame({"lead_id": rfm.get_column("lead_id"), "clv_12m": clv})


METRICS: list[Metric] = [
    Metric(
        "revenue",
        "Receita",
        "brl",
        "scalar",
        "Soma do valor dos procedimentos realizados (comparecimento) com data no período.",
        DOMAIN,
        revenue,
        _attended_in_period,
    ),
    Metric(
        "pipeline_value",
        "Valor em agenda",
        "brl",
        "scalar",
        "Soma do valor dos agendamentos marcados para depois da data de referência.",
        DOMAIN,
        pipeline_value,
        _pipeline_rows,
    ),
    Metric(
        "avg_value_per_converted_lead",
        "Valor médio por lead convertido",
        "brl",
        "scalar",
        "Valor dos procedimentos realizados pelos leads convertidos da coorte ÷ leads convertidos.",
        DOMAIN,
        avg_value_per_converted_lead,
        _converted_value_rows,
    ),
    Metric(
        "cost_by_channel",
        "Custo por canal",
        "brl",
        "breakdown",
        "Custo das campanhas de cada canal, rateado pelos dias da campanha que caem no período.",
        DOMAIN,
        cost_by_channel,
        _cost_rows,
    ),
    Metric(
        "roi_by_channel",
        "ROI por canal",
        "ratio",
        "breakdown",
        "(Receita dos leads do canal − custo do canal) ÷ custo do canal; vazio quando não há custo.",
        DOMAIN,
        roi_by_channel,
        _roi_rows,
    ),
    Metric(
        "cpa_by_channel",
        "Custo por aquisição (CPA) por canal",
        "brl",
        "breakdown",
        "Custo do canal ÷ leads do canal convertidos no período.",
        DOMAIN,
        cpa_by_channel,
        _cpa_rows,
    ),
    Metric(
        "ltv_by_segment",
        "Valor do cliente (LTV) por segmento",
        "brl",
        "breakdown",
        "Valor realizado por lead convertido da coorte, por procedimento de interesse e por canal; "
        "e o valor esperado nos próximos 12 meses (modelo BG/NBD + Gamma-Gamma).",
        DOMAIN,
        ltv_by_segment,
        _ltv_rows,
    ),
]
