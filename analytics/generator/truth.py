"""The ground-truth document: every parameter the generator used, plus what it observed."""

from __future__ import annotations

from typing import Any

import polars as pl

from analytics.generator import params as P

TRUTH_KEYS = (
    "generator_version", "seed", "size", "messy", "end_date", "start_date", "months", "timezone_offset_hours",
    "row_counts", "sizes", "coefficients", "elasticity", "price_list", "price_factor_by_month", "channels", "playbooks",
    "secretaries", "seasonality", "holidays", "closed_dates", "growth_per_month", "intent_model", "conversation_model",
    "booking_model", "funnel_model", "observed", "messy_injected",
)  # fmt: skip


def truth_dict(
    built: Any, frames: dict[str, pl.DataFrame], *, size: str, seed: int, messy: bool, months: int, injected: dict
) -> dict[str, Any]:
    world, staff = built.world, built.staff
    t = dict(built.truth)
    out: dict[str, Any] = {
        "generator_version": 1,
        "seed": seed,
        "size": size,
        "messy": messy,
        "end_date": world.end.isoformat(),
        "end_instant_note": "data describe [start_date, end_date) local; nothing at or after end_date 00:00 local",
        "start_date": world.start.isoformat(),
        "months": months,
        "timezone_offset_hours": P.LOCAL_OFFSET_HOURS,
        "row_counts": {k: v.height for k, v in frames.items()},
        "sizes": {k: {"leads": v.leads, "months": v.months, "chat_factor": v.chat_factor} for k, v in P.SIZES.items()},
        "coefficients": t["coefficients"],
        "elasticity": P.ELASTICITY,
        "price_list": P.PRICE,
        "price_factor_by_month": t["price_factor_by_month"],
        "channels": {
            "share": P.CHANNEL_SHARE,
            "conversion_lift": P.CHANNEL_LIFT,
            "maturity_offset": P.CHANNEL_MATURITY,
            "paid": list(P.PAID_CHANNELS),
            "cost_per_lead_typical": P.CHANNEL_CPL,
            "leads_vs_cost_beta": P.CHANNEL_BETA,
            "cost_model": "campaign cost = cpl * ref * (leads / ref) ** (1 / beta) * lognormal(0, 0.1); "
            "ref = median leads of the channel's campaigns; leads_generated = leads * U(0.85, 1.15)",
            "no_campaign_weight": P.NO_CAMPAIGN_WEIGHT,
            "campaign_intensity": t["campaign_intensity"],
        },
        "playbooks": {
            "first_conversation": list(P.FIRST_PLAYBOOKS),
            "orcamento_share_first": {"expensive": 0.55, "other": 0.3},
            "lift": P.PLAYBOOK_LIFT,
            "handoff_prob": P.HANDOFF_PROB,
        },
        "secretaries": staff.truth(world),
        "response_model": {
            "distribution": "lognormal from the reply run's first inbound message",
            "sigma": P.RESPONSE_SIGMA,
            "off_shift_factor": P.OFF_SHIFT_FACTOR,
            "off_shift_definition": "outside the secretary's shift hours, Sunday, Saturday after 13h, "
            "holidays/Carnival/Christmas, absence days",
            "late_reply_prob": P.LATE_REPLY_PROB,
            "late_reply": "24 h + lognormal(median 2 h, sigma 0.5)",
            "unanswered_last_run_prob": P.UNANSWERED_LAST_RUN_PROB,
        },
        "seasonality": {
            "weekly_mon_to_sun": list(P.WEEKLY),
            "yearly_jan_to_dec": list(P.YEARLY),
            "daily_local_hour_weights": list(P.DAILY),
            "holiday_factor": P.HOLIDAY_FACTOR,
            "carnival_factor": P.CARNIVAL_FACTOR,
            "christmas_factor": P.CHRISTMAS_FACTOR,
            "january_aesthetic_boost": P.JANUARY_AESTHETIC_BOOST,
            "aesthetic_procedures": list(P.AESTHETIC),
        },
        "holidays": world.holiday_names,
        "closed_dates": [
            d.isoformat() for d, c in zip(world.days, world.is_closed, strict=True) if c and d.weekday() != 6
        ],
        "growth_per_month": P.GROWTH_PER_MONTH,
        "intent_model": {
            "intents": list(P.INTENTS),
            "first_message_share": dict(zip(P.INTENTS, P.FIRST_INTENT_SHARE, strict=True)),
            "later_message_share": dict(zip(P.INTENTS, P.LATER_INTENT_SHARE, strict=True)),
            "confidence_beta": list(P.CONFIDENCE_BETA),
            "p_correct": f"clip({P.ACC_BASE} + {P.ACC_SLOPE} * confidence, 0, 1)",
            "expected_accuracy": P.ACC_BASE + P.ACC_SLOPE * P.CONFIDENCE_BETA[0] / sum(P.CONFIDENCE_BETA),
            "confusable": P.CONFUSABLE,
            "confusion_main_share": P.CONFUSION_MAIN,
            "review_share": P.REVIEW_SHARE,
            "models": list(P.MODELS),
            "model_switch_fraction_of_period": P.MODEL_SWITCH_FRACTION,
            "latency_ms_median_sigma": P.MODEL_LATENCY_MS,
        },
        "conversation_model": {
            "bot_turns": f"1 + Poisson({P.BOT_TURNS_MEAN} * chat_factor)",
            "reply_runs": f"1 + Poisson({P.RUNS_MEAN} * chat_factor) when handed off",
            "chat_factor": P.SIZES[size].chat_factor,
            "transfer_reason_share": dict(zip(P.TRANSFER_REASONS, P.TRANSFER_REASON_SHARE, strict=True)),
            "reactivation_prob": P.REACTIVATION_PROB,
            "reactivation_reply_by_local_hour": P.REACTIVATION_REPLY_BY_HOUR,
            "post_procedure_prob": P.POST_PROCEDURE_PROB,
            "recontact_prob": P.RECONTACT_PROB,
            "feedback_prob": {"handed_off": P.FEEDBACK_PROB_HANDOFF, "bot_only": P.FEEDBACK_PROB_BOT},
        },
        "booking_model": {
            "appointment_lead_days_median_sigma": list(P.APPOINTMENT_LEAD_DAYS),
            "outcome_share": P.BOOKING_OUTCOME,
            "repeat_booking_prob": P.REPEAT_BOOKING_PROB,
            "promo_prob": P.PROMO_PROB,
            "promo_discount": list(P.PROMO_DISCOUNT),
            "premium_prob": P.PREMIUM_PROB,
            "price_noise_sd": P.BOOKING_PRICE_NOISE,
        },
        "funnel_model": {
            "conversion_delay_days_median_sigma": list(P.CONVERSION_DELAY_DAYS),
            "lost_prob_non_converted": P.LOST_PROB,
            "lost_delay_days_median_sigma": list(P.LOST_DELAY_DAYS),
            "lost_reason_share": dict(zip(P.LOST_REASONS, P.LOST_REASON_SHARE, strict=True)),
            "skip_engaged_prob_converted": 0.05,
            "skip_qualified_prob_converted": 0.15,
        },
        "observed": t["observed"],
        "messy_injected": injected,
    }
    return out
