"""Every parameter the demo generator uses (copied verbatim into the truth file).

Units: durations in seconds, money in BRL, lifts in logit units (added to the
conversion log-odds), elasticities d log(bookings) / d log(price).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_END_DATE = date(2026, 11, 20)
#: Local clock = UTC - 3 h (America/Sao_Paulo has had no daylight saving since 2019).
LOCAL_OFFSET_HOURS = -3


@dataclass(frozen=True)
class SizeSpec:
    leads: int
    months: int
    #: multiplier on conversation length (bot turns and human runs)
    chat_factor: float = 1.0


SIZES: dict[str, SizeSpec] = {
    "tiny": SizeSpec(300, 3),
    "small": SizeSpec(3_000, 12),
    "demo": SizeSpec(20_000, 20),
    "medium": SizeSpec(200_000, 24),
    "large": SizeSpec(1_000_000, 24),
    "xl": SizeSpec(1_000_000, 24, 1.35),
}

# -- calendar -----------------------------------------------------------------------
#: Lead-volume multiplier per weekday (index 0 = Monday).
WEEKLY = (1.25, 1.2, 1.05, 1.0, 0.9, 0.6, 0.35)
#: Multiplier per calendar month (index 0 = January).
YEARLY = (1.15, 0.95, 1.05, 1.0, 1.0, 0.95, 0.88, 1.0, 1.02, 1.05, 1.0, 0.85)
#: Share of daily leads per local hour 0..23 (peaks 9-11 h and 18-21 h).
DAILY = (
    0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.5, 3.0, 5.5, 6.0, 5.5,
    4.0, 3.8, 4.0, 4.2, 4.3, 4.8, 5.8, 6.5, 6.2, 5.0, 3.0, 1.2,
)  # fmt: skip
HOLIDAY_FACTOR = 0.4
CARNIVAL_FACTOR = 0.35
CHRISTMAS_FACTOR = 0.3  # Dec 24-26 and Dec 31
#: Monthly growth of lead volume (multiplicative, continuous rate per month).
GROWTH_PER_MONTH = 0.025

# -- channels -----------------------------------------------------------------------
CHANNELS = ("instagram", "facebook", "google_ads", "google_organic", "referral", "site", "walk_in")
CHANNEL_SHARE = {
    "instagram": 0.28, "facebook": 0.14, "google_ads": 0.18, "google_organic": 0.12,
    "referral": 0.12, "site": 0.10, "walk_in": 0.06,
}  # fmt: skip
CHANNEL_LIFT = {
    "instagram": 0.0, "facebook": -0.25, "google_ads": 0.25, "google_organic": 0.15,
    "referral": 0.7, "site": 0.1, "walk_in": 0.9,
}  # fmt: skip
PAID_CHANNELS = ("instagram", "facebook", "google_ads")
#: Cost per lead (BRL) at a campaign of typical size; across campaigns leads ~ cost ** beta.
CHANNEL_CPL = {"instagram": 18.0, "facebook": 14.0, "google_ads": 32.0}
CHANNEL_BETA = {"instagram": 0.7, "facebook": 0.6, "google_ads": 0.8}
#: Paid-channel weight on days with no running campaign (relative to a campaign day).
NO_CAMPAIGN_WEIGHT = 0.15
CAMPAIGN_DAYS = (18, 45)
CAMPAIGN_GAP_DAYS = (0, 6)
CAMPAIGN_INTENSITY_SIGMA = 0.4
#: Maturity score offset per channel (points).
CHANNEL_MATURITY = {
    "instagram": -5, "facebook": -8, "google_ads": 5, "google_organic": 3,
    "referral": 10, "site": 2, "walk_in": 15,
}  # fmt: skip

# -- procedures ---------------------------------------------------------------------
PROCEDURES = ("limpeza", "clareamento", "ortodontia", "implante", "harmonizacao", "botox", "protese", "canal")
PRICE = {
    "limpeza": 200.0, "clareamento": 900.0, "ortodontia": 4500.0, "implante": 3500.0,
    "harmonizacao": 2000.0, "botox": 1200.0, "protese": 2800.0, "canal": 1100.0,
}  # fmt: skip
PROCEDURE_SHARE = {
    "limpeza": 0.22, "clareamento": 0.14, "ortodontia": 0.14, "implante": 0.10,
    "harmonizacao": 0.10, "botox": 0.10, "protese": 0.07, "canal": 0.13,
}  # fmt: skip
PROCEDURE_LIFT = {
    "limpeza": 0.5, "clareamento": 0.1, "ortodontia": -0.2, "implante": -0.4,
    "harmonizacao": -0.1, "botox": 0.1, "protese": -0.3, "canal": 0.4,
}  # fmt: skip
ELASTICITY = {
    "limpeza": -0.6, "clareamento": -1.4, "ortodontia": -0.8, "implante": -1.0,
    "harmonizacao": -1.6, "botox": -1.5, "protese": -0.9, "canal": -0.4,
}  # fmt: skip
AESTHETIC = ("clareamento", "harmonizacao", "botox")
JANUARY_AESTHETIC_BOOST = 1.6
#: Monthly promotions: probability, discount range; occasional premium months.
PROMO_PROB = 0.3
PROMO_DISCOUNT = (0.10, 0.35)
PREMIUM_PROB = 0.15
PREMIUM_RANGE = (0.05, 0.15)
BOOKING_PRICE_NOISE = 0.04
#: Days from booking to appointment (lognormal median, sigma).
APPOINTMENT_LEAD_DAYS = (7.0, 0.7)
BOOKING_OUTCOME = {"attended": 0.8, "no_show": 0.1, "cancelled": 0.1}
REPEAT_BOOKING_PROB = 0.25

# -- conversion model ---------------------------------------------------------------
INTERCEPT = -1.55
MATURITY_COEF = 0.045  # per maturity point, centred at 50
HANDOFF_COEF = 0.30  # first conversation handed off to a human
SPEED_COEF = -0.25  # per log(1 + first human response minutes) of the first conversation
FIRST_PLAYBOOKS = ("primeira_consulta", "orcamento")
PLAYBOOKS = ("primeira_consulta", "orcamento", "reativacao", "pos_procedimento")
EXPENSIVE = ("ortodontia", "implante", "protese", "harmonizacao")
#: Lift of the first conversation's playbook, by procedure group.
PLAYBOOK_LIFT = {
    "primeira_consulta": {"expensive": -0.15, "other": 0.25},
    "orcamento": {"expensive": 0.35, "other": -0.2},
}
P_MAX = 0.97
#: Conversion delay after the first contact (lognormal median days, sigma).
CONVERSION_DELAY_DAYS = (2.0, 1.2)

# -- funnel -------------------------------------------------------------------------
LOST_PROB = 0.7  # non-converted leads that are eventually marked lost
LOST_DELAY_DAYS = (10.0, 0.8)
LOST_REASONS = ("preco_alto", "sem_resposta", "escolheu_concorrente", "sem_interesse", "distancia", "horario")
LOST_REASON_SHARE = (0.3, 0.3, 0.15, 0.12, 0.07, 0.06)

# -- people -------------------------------------------------------------------------
#: Per-secretary median response seconds inside their shift (lognormal, sigma below).
SECRETARY_MEDIANS = (75, 120, 180, 240, 300, 420, 600, 900)
RESPONSE_SIGMA = 0.9
OFF_SHIFT_FACTOR = 4.0
LATE_REPLY_PROB = 0.02  # an answer replaced by 24 h + lognormal(2 h)
SHIFTS = {"manha": (8, 14), "tarde": (13, 19), "integral": (8, 18)}
ABSENCE_DAYS_PER_YEAR = 6

# -- conversations ------------------------------------------------------------------
HANDOFF_PROB = {"primeira_consulta": 0.45, "orcamento": 0.6, "reativacao": 0.3, "pos_procedimento": 0.25}
TRANSFER_REASONS = ("pedido_do_cliente", "baixa_confianca", "reclamacao", "negociacao_preco", "fora_do_escopo")
TRANSFER_REASON_SHARE = (0.35, 0.25, 0.08, 0.22, 0.10)
BOT_TURNS_MEAN = 2.0  # extra bot turns, Poisson
RUNS_MEAN = 1.2  # extra human reply runs, Poisson
UNANSWERED_LAST_RUN_PROB = 0.1
REACTIVATION_PROB = 0.35
POST_PROCEDURE_PROB = 0.5
RECONTACT_PROB = 0.15
#: Reply probability to a reactivation message by local hour of sending (8..20 h).
REACTIVATION_REPLY_BY_HOUR = {
    8: 0.30, 9: 0.35, 10: 0.38, 11: 0.36, 12: 0.45, 13: 0.42, 14: 0.30,
    15: 0.28, 16: 0.27, 17: 0.30, 18: 0.40, 19: 0.48, 20: 0.44,
}  # fmt: skip

# -- bot / LLM ----------------------------------------------------------------------
INTENTS = (
    "agendar",
    "preco",
    "duvida_procedimento",
    "localizacao_horario",
    "reclamacao",
    "cancelar",
    "saudacao",
    "outro",
)
FIRST_INTENT_SHARE = (0.15, 0.22, 0.15, 0.05, 0.01, 0.01, 0.33, 0.08)
LATER_INTENT_SHARE = (0.22, 0.22, 0.22, 0.10, 0.04, 0.04, 0.04, 0.12)
#: Most frequent wrong label per true intent (gets CONFUSION_MAIN of the errors).
CONFUSABLE = {
    "agendar": "preco", "preco": "duvida_procedimento", "duvida_procedimento": "preco",
    "localizacao_horario": "duvida_procedimento", "reclamacao": "cancelar", "cancelar": "reclamacao",
    "saudacao": "outro", "outro": "saudacao",
}  # fmt: skip
CONFUSION_MAIN = 0.6
#: P(detected == true) = clip(ACC_BASE + ACC_SLOPE * confidence, 0, 1); confidence ~ Beta(a, b).
ACC_BASE = 0.35
ACC_SLOPE = 0.65
CONFIDENCE_BETA = (5.0, 1.5)
REVIEW_SHARE = 0.10
MODELS = ("gpt-4o-mini", "gpt-4.1-mini")
MODEL_SWITCH_FRACTION = 0.6  # the second model is used after this fraction of the period
MODEL_LATENCY_MS = {"gpt-4o-mini": (900.0, 0.35), "gpt-4.1-mini": (700.0, 0.3)}

# -- feedback -----------------------------------------------------------------------
FEEDBACK_PROB_HANDOFF = 0.35
FEEDBACK_PROB_BOT = 0.15
COMMENT_PROB = 0.25
