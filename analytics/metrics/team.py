"""Team (human service) metrics (shared/spec/metrics.md, section Team).

Period anchors: conversation metrics take conversations with ``started_at`` in the
period (``ds.period_conversations``); reply-run metrics take runs whose first inbound
message is in the period (see ``analytics.metrics.replies`` for the run definition).

Decisions (beyond the spec text):

- ``first_response_seconds``: handed-off conversations started in the period; first
  outbound human message with ``created_at >= transferred_at`` minus ``transferred_at``;
  conversations without such a message are left out of the distribution.
  ``by_secretary`` uses that message's ``sender_id``.
- ``sla_compliance``: answered runs within ``settings.sla_seconds`` / (answered runs +
  unanswered runs whose wait, ``(closed_at or as_of) − run_start``, exceeds the SLA).
  Unanswered runs still within the SLA are in neither term.
- ``first_contact_resolution``: closed handed-off conversations started in the period
  with exactly one answered reply run (runs of any period; unanswered runs, e.g. a
  closing "thanks" left without reply, neither count nor disqualify), and with no other
  conversation of the same lead (unfiltered ``ds.all``) started in
  ``[closed_at, closed_at + recontact_days]``.
- ``recontact_rate`` uses the same recontact rule over closed conversations.
- ``handoff_abandonment_rate``: no outbound human message in
  ``[transferred_at, closed_at or as_of]``.
- ``load_distribution``: ``{"by_secretary": [...], "gini", "unassigned"}``; rows are
  every assignee with conversations plus active ``secretary`` users with zero; ``share``
  is a percent of the assigned conversations; Gini over active secretaries (zeros
  included; restricted to the secretary filter when one is set), ``None`` with fewer
  than 2 secretaries or no conversation.
- ``productivity``: converted leads of the lead scope with ``assigned_to`` = the secretary
  and ``converted_at`` in the period / local days in the period on which the secretary
  sent an outbound human message (any conversation: a worked day is a worked day,
  whatever the segment filter). ``None`` with zero days.
- ``window_24h_late_reply_rate``: answered runs of the period whose answer came more than
  ``settings.whatsapp_window_hours`` after the run's last inbound message.
- ``window_24h_expired``: distinct leads with an unanswered run of the period whose last
  inbound message is more than ``whatsapp_window_hours`` before ``as_of``.
- ``*_business_seconds``: same populations, durations in opening hours
  (``analytics.business_hours``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from analytics.business_hours import business_seconds
from analytics.dataset import Dataset
from analytics.metrics.base import Metric, distribution, distribution_by, pct
from analytics.metrics.keys import lookup
from analytics.metrics.replies import _runs, _seconds, human_outbound, period_runs, period_runs_unsorted

DOMAIN = "team"


# -- shared helpers ------------------------------------------------------------------
def _names(ds: Dataset) -> pl.DataFrame:
    return ds.users.select(pl.col("id").alias("secretary_id"), pl.col("name").alias("secretary_name"))


def _by_secretary(ds: Dataset, frame: pl.DataFrame, key: str, value: str) -> list[dict[str, Any]]:
    """``distribution_by`` keyed by secretary id with the secretary's name."""
    rows = distribution_by(
        frame.rename({key: "secretary_id"}) if key != "secretary_id" else frame, "secretary_id", value
    )
    if not rows:
        return []
    names = dict(_names(ds).iter_rows())
    return [
        {
            "secretary_id": r["secretary_id"],
            "secretary_name": names.get(r["secretary_id"]),
            **{k: v for k, v in r.items() if k != "secretary_id"},
        }
        for r in rows
    ]


def _handed_off(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "period:team:handed_off", lambda: ds.period_conversations.filter(pl.col("transferred_at").is_not_null())
    )


def _closed(ds: Dataset) -> pl.DataFrame:
    return ds.memo("period:team:closed", lambda: ds.period_conversations.filter(pl.col("closed_at").is_not_null()))


def _human_msgs(ds: Dataset) -> pl.DataFrame:
    """Outbound human messages of the scope: ``[conversation_id, id, created_at, sender_id]``."""
    return ds.memo(
        "team:human_msgs",
        lambda: ds.messages.select(
            "conversation_id", "id", "created_at", "sender_id", human_outbound().alias("_human")
        )
        .filter("_human")
        .drop("_human"),
    )


def _first_response_times(ds: Dataset) -> pl.DataFrame:
    """``first_responses`` without the business-hours column (cheaper; same rows and order)."""

    def build() -> pl.DataFrame:
        conv = _handed_off(ds).select(pl.col("id").alias("conversation_id"), "lead_id", "transferred_at")
        human = _human_msgs(ds).select("conversation_id", "id", "created_at", "sender_id")
        # transferred_at by id code (null: not a handed-off conversation of the period), equal to an inner join
        transferred = lookup(
            human.get_column("conversation_id"), conv.get_column("conversation_id"), conv.get_column("transferred_at")
        )
        first = (
            human.with_columns(transferred)
            .filter(pl.col("created_at") >= pl.col("transferred_at"))
            .sort("created_at", "id")
            .unique("conversation_id", keep="first", maintain_order=True)
            .select(
                "conversation_id",
                pl.col("created_at").alias("first_response_at"),
                pl.col("sender_id").alias("secretary_id"),
            )
        )
        return conv.join(first, on="conversation_id", how="left", maintain_order="left").with_columns(
            _seconds(pl.col("transferred_at"), pl.col("first_response_at")).alias("first_response_seconds")
        )

    return ds.memo("period:team:first_response_times", build)


def _with_business(ds: Dataset, key: str, base: pl.DataFrame, start: str, end: str, out: str) -> pl.DataFrame:
    """``base`` plus ``out`` = opening-hours seconds between ``start`` and ``end`` (memoized per period)."""
    return ds.memo(
        f"period:team:{key}",
        lambda: base.with_columns(business_seconds(base[start], base[end], ds.settings).alias(out)),
    )


def first_responses(ds: Dataset) -> pl.DataFrame:
    """Handed-off conversations of the period with their first human response (may be null)."""
    return _with_business(ds, "first_responses", _first_response_times(ds), "transferred_at", "first_response_at",
                          "first_response_business_seconds")


def _runs_business(ds: Dataset) -> pl.DataFrame:
    return _with_business(ds, "runs_business", period_runs(ds), "run_start", "answered_at",
                          "response_business_seconds")


def _recontacted(ds: Dataset, convs: pl.DataFrame) -> pl.DataFrame:
    """``convs`` (closed) with a boolean ``recontacted``: another conversation of the lead
    (unfiltered) started in ``[closed_at, closed_at + recontact_days]``."""
    if convs.height == 0:
        return convs.with_columns(pl.lit(False).alias("recontacted"))
    window = timedelta(days=ds.settings.recontact_days)
    others = ds.all["conversations"].select(pl.col("id").alias("_other"), "lead_id", pl.col("started_at").alias("_s"))
    hits = (
        convs.select("id", "lead_id", "closed_at")
        .join(others, on="lead_id", how="inner")
        .filter(
            (pl.col("_other") != pl.col("id"))
            & (pl.col("_s") >= pl.col("closed_at"))
            & (pl.col("_s") <= pl.col("closed_at") + window)
        )
        .select("id")
        .unique()
    )
    return convs.with_columns(pl.col("id").is_in(hits["id"].implode()).alias("recontacted"))


def _resolution_times(ds: Dataset) -> pl.DataFrame:
    """``_resolution`` without the business-hours column (cheaper; same rows and order)."""

    def build() -> pl.DataFrame:
        closed = _closed(ds).select(
            pl.col("id").alias("conversation_id"), "lead_id", "started_at", "closed_at", "assigned_to"
        )
        return closed.with_columns(_seconds(pl.col("started_at"), pl.col("closed_at")).alias("resolution_seconds"))

    return ds.memo("period:team:resolution_times", build)


def _resolution(ds: Dataset) -> pl.DataFrame:
    return _with_business(ds, "resolution", _resolution_times(ds), "started_at", "closed_at",
                          "resolution_business_seconds")


# -- first response --------------------------------------------------------------------
def _first_response_dist(ds: Dataset, col: str) -> dict[str, Any]:
    frame = first_responses(ds) if col == "first_response_business_seconds" else _first_response_times(ds)
    fr = frame.filter(pl.col("first_response_at").is_not_null())
    out: dict[str, Any] = distribution(fr[col])
    out["by_secretary"] = _by_secretary(ds, fr, "secretary_id", col)
    return out


def first_response_seconds(ds: Dataset) -> dict[str, Any]:
    """Seconds from handoff to the first human message (handed-off conversations of the period)."""
    return _first_response_dist(ds, "first_response_seconds")


def first_response_business_seconds(ds: Dataset) -> dict[str, Any]:
    """``first_response_seconds`` counting opening hours only."""
    return _first_response_dist(ds, "first_response_business_seconds")


def first_response_rows(ds: Dataset) -> pl.DataFrame:
    return first_responses(ds)


# -- response (reply runs) ---------------------------------------------------------------
def _response_dist(ds: Dataset, col: str) -> dict[str, Any]:
    # aggregates only: the unsorted runs give the same numbers without the id sort
    frame = _runs_business(ds) if col == "response_business_seconds" else period_runs_unsorted(ds)
    runs = frame.filter(pl.col("answered"))
    out: dict[str, Any] = distribution(runs[col])
    out["by_secretary"] = _by_secretary(ds, runs, "answer_sender_id", col)
    out["by_hour"] = distribution_by(runs, "hour", col)
    for r in out["by_hour"]:
        r["hour"] = int(r["hour"])
    return out


def response_seconds(ds: Dataset) -> dict[str, Any]:
    """Answered reply runs of the period: answer time − run's first inbound, overall/secretary/hour."""
    return _response_dist(ds, "response_seconds")


def response_business_seconds(ds: Dataset) -> dict[str, Any]:
    """``response_seconds`` counting opening hours only."""
    return _response_dist(ds, "response_business_seconds")


def _runs_rows(ds: Dataset) -> pl.DataFrame:
    sla = ds.settings.sla_seconds
    return (
        _runs_business(ds)
        .with_columns(
            (pl.col("answered") & (pl.col("response_seconds") > sla)).alias("sla_breach_answered"),
            (~pl.col("answered") & (pl.col("wait_seconds") > sla)).alias("sla_breach_unanswered"),
        )
        .with_columns((pl.col("sla_breach_answered") | pl.col("sla_breach_unanswered")).alias("sla_breach"))
    )


def unanswered_runs(ds: Dataset) -> int:
    """Reply runs of the period with no human answer before the close or as_of."""
    return int(period_runs_unsorted(ds).filter(~pl.col("answered")).height)


def sla_compliance(ds: Dataset) -> float | None:
    """Answered runs within SLA / (answered runs + unanswered runs that waited longer than the SLA) × 100."""
    runs = period_runs_unsorted(ds)
    sla = ds.settings.sla_seconds
    answered = runs.filter(pl.col("answered"))
    ok = answered.filter(pl.col("response_seconds") <= sla).height
    late_open = runs.filter(~pl.col("answered") & (pl.col("wait_seconds") > sla)).height
    return pct(ok, answered.height + late_open)


# -- conversation outcomes ---------------------------------------------------------------
def _fcr_frame(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        convs = _closed(ds).filter(pl.col("transferred_at").is_not_null())
        stats = (
            _runs(ds)
            .group_by("conversation_id")
            .agg(pl.len().alias("runs"), pl.col("answered").sum().alias("answered_runs"))
        )
        out = (
            _recontacted(ds, convs)
            .join(stats.rename({"conversation_id": "id"}), on="id", how="left")
            .with_columns(pl.col("runs").fill_null(0), pl.col("answered_runs").fill_null(0))
        )
        return out.select(
            pl.col("id").alias("conversation_id"),
            "lead_id",
            "runs",
            "answered_runs",
            "recontacted",
            ((pl.col("answered_runs") == 1) & ~pl.col("recontacted")).alias("resolved"),
        )

    return ds.memo("period:team:fcr", build)


def first_contact_resolution(ds: Dataset) -> float | None:
    """Closed handed-off conversations with exactly one answered reply run and no recontact × 100."""
    f = _fcr_frame(ds)
    return pct(f.filter(pl.col("resolved")).height, f.height)


def _recontact_frame(ds: Dataset) -> pl.DataFrame:
    return ds.memo(
        "period:team:recontact",
        lambda: _recontacted(ds, _closed(ds)).select(
            pl.col("id").alias("conversation_id"), "lead_id", "closed_at", "recontacted"
        ),
    )


def recontact_rate(ds: Dataset) -> float | None:
    """Closed conversations followed by a new conversation of the lead within recontact_days × 100."""
    f = _recontact_frame(ds)
    return pct(f.filter(pl.col("recontacted")).height, f.height)


def _abandon_frame(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        conv = _handed_off(ds).select(pl.col("id").alias("conversation_id"), "lead_id", "transferred_at", "closed_at")
        as_of = pl.lit(ds.as_of).dt.convert_time_zone("UTC")
        human = _human_msgs(ds).select("conversation_id", "created_at")
        ids = human.get_column("conversation_id")
        keys = conv.get_column("conversation_id")
        served = (
            # the conversation's handoff and close by id code (null: not handed off in the period),
            # equal to an inner join
            human.with_columns(
                lookup(ids, keys, conv.get_column("transferred_at")), lookup(ids, keys, conv.get_column("closed_at"))
            )
            .filter(
                (pl.col("created_at") >= pl.col("transferred_at"))
                & (pl.col("created_at") <= pl.coalesce(pl.col("closed_at"), as_of))
            )
            .select("conversation_id")
            .unique()
        )
        return conv.with_columns(
            (~pl.col("conversation_id").is_in(served["conversation_id"].implode())).alias("abandoned")
        )

    return ds.memo("period:team:abandon", build)


def handoff_abandonment_rate(ds: Dataset) -> float | None:
    """Handed-off conversations with no human message after the handoff (until close/as_of) × 100."""
    f = _abandon_frame(ds)
    return pct(f.filter(pl.col("abandoned")).height, f.height)


def _resolution_dist(ds: Dataset, col: str) -> dict[str, Any]:
    frame = _resolution(ds) if col == "resolution_business_seconds" else _resolution_times(ds)
    return distribution(frame[col])


def resolution_seconds(ds: Dataset) -> dict[str, Any]:
    """``closed_at − started_at`` of closed conversations started in the period."""
    return _resolution_dist(ds, "resolution_seconds")


def resolution_business_seconds(ds: Dataset) -> dict[str, Any]:
    """``resolution_seconds`` counting opening hours only."""
    return _resolution_dist(ds, "resolution_business_seconds")


# -- WhatsApp 24 h window --------------------------------------------------------------
def _late_frame(ds: Dataset, ordered: bool = True) -> pl.DataFrame:
    limit = ds.settings.whatsapp_window_hours * 3600
    return (
        (period_runs(ds) if ordered else period_runs_unsorted(ds))
        .filter(pl.col("answered"))
        .with_columns((_seconds(pl.col("run_end"), pl.col("answered_at")) > limit).alias("late"))
    )


def window_24h_late_reply_rate(ds: Dataset) -> float | None:
    """Answered runs answered more than whatsapp_window_hours after their last inbound × 100."""
    f = _late_frame(ds, ordered=False)
    return pct(f.filter(pl.col("late")).height, f.height)


def _expired_frame(ds: Dataset, ordered: bool = True) -> pl.DataFrame:
    cutoff = pl.lit(ds.as_of - timedelta(hours=ds.settings.whatsapp_window_hours)).dt.convert_time_zone("UTC")
    runs = period_runs(ds) if ordered else period_runs_unsorted(ds)
    return runs.filter(~pl.col("answered") & (pl.col("run_end") < cutoff))


def window_24h_expired(ds: Dataset) -> int:
    """Distinct leads with an unanswered run (period) whose last inbound is > window hours before as_of."""
    return int(_expired_frame(ds, ordered=False)["lead_id"].n_unique())


# -- load and productivity -------------------------------------------------------------
def _active_secretaries(ds: Dataset) -> pl.DataFrame:
    sec = ds.users.filter((pl.col("role") == "secretary") & pl.col("active").fill_null(False))
    if ds.filters.secretaries:
        sec = sec.filter(pl.col("id").is_in(ds.filters.secretaries))
    return sec.select(pl.col("id").alias("secretary_id"))


def gini(values: pl.Series) -> float | None:
    """Gini coefficient (mean absolute difference / (2 × mean)); None for < 2 values or zero total."""
    x = values.cast(pl.Float64).drop_nulls().sort()
    n = x.len()
    total = float(x.sum()) if n else 0.0
    if n < 2 or total == 0:
        return None
    i = pl.Series(range(1, n + 1), dtype=pl.Float64)
    return float(((2 * i - n - 1) * x).sum()) / (n * total)


def _load_frame(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        counts = (
            ds.period_conversations.filter(pl.col("assigned_to").is_not_null())
            .group_by(pl.col("assigned_to").alias("secretary_id"))
            .agg(pl.len().cast(pl.Int64).alias("conversations"))
        )
        base = pl.concat([counts.select("secretary_id"), _active_secretaries(ds)]).unique()
        out = base.join(counts, on="secretary_id", how="left").with_columns(pl.col("conversations").fill_null(0))
        total = int(out["conversations"].sum())
        out = out.with_columns(
            (pl.col("conversations") / total * 100.0 if total else pl.lit(None, pl.Float64)).alias("share")
        )
        return (
            out.join(_names(ds), on="secretary_id", how="left")
            .select("secretary_id", "secretary_name", "conversations", "share")
            .sort(["conversations", "secretary_id"], descending=[True, False])
        )

    return ds.memo("period:team:load", build)


def load_distribution(ds: Dataset) -> dict[str, Any]:
    """Conversations (started in the period) per assigned user, share %, Gini over active secretaries."""
    f = _load_frame(ds)
    unassigned = ds.period_conversations.filter(pl.col("assigned_to").is_null()).height
    sec = _active_secretaries(ds).join(f, on="secretary_id", how="left")
    return {
        "by_secretary": f.to_dicts(),
        "gini": gini(sec["conversations"].fill_null(0)),
        "unassigned": int(unassigned),
    }


def _productivity_frame(ds: Dataset) -> pl.DataFrame:
    def build() -> pl.DataFrame:
        conv = (
            ds.leads.filter(pl.col("assigned_to").is_not_null() & ds.in_period("converted_at"))
            .group_by(pl.col("assigned_to").alias("secretary_id"))
            .agg(pl.len().cast(pl.Int64).alias("converted_leads"))
        )
        days = (
            ds.all["conversation_messages"]
            .filter(human_outbound() & pl.col("sender_id").is_not_null() & ds.in_period("created_at"))
            .select(pl.col("sender_id").alias("secretary_id"), ds.local("created_at").dt.date().alias("day"))
            .group_by("secretary_id")
            .agg(pl.col("day").n_unique().cast(pl.Int64).alias("active_days"))
        )
        if ds.filters.secretaries:
            days = days.filter(pl.col("secretary_id").is_in(ds.filters.secretaries))
        out = (
            conv.join(days, on="secretary_id", how="full", coalesce=True)
            .with_columns(pl.col("converted_leads").fill_null(0), pl.col("active_days").fill_null(0))
            .with_columns(
                pl.when(pl.col("active_days") > 0)
                .then(pl.col("converted_leads") / pl.col("active_days"))
                .otherwise(None)
                .alias("productivity")
            )
        )
        return (
            out.join(_names(ds), on="secretary_id", how="left")
            .select("secretary_id", "secretary_name", "converted_leads", "active_days", "productivity")
            .sort("secretary_id")
        )

    return ds.memo("period:team:productivity", build)


def productivity(ds: Dataset) -> list[dict[str, Any]]:
    """Per secretary: converted leads (converted in the period) / days with at least one sent message."""
    return _productivity_frame(ds).to_dicts()


# -- dashboard helpers (not catalog metrics) ------------------------------------------
def volume_heatmap(ds: Dataset) -> pl.DataFrame:
    """Inbound messages of the period by local ISO weekday (1..7) × hour (0..23), zeros filled."""
    grid = pl.DataFrame({"weekday": pl.Series(range(1, 8), dtype=pl.Int8)}).join(
        pl.DataFrame({"hour": pl.Series(range(24), dtype=pl.Int8)}), how="cross"
    )
    counts = (
        ds.messages.filter((pl.col("direction") == "inbound") & ds.in_period("created_at"))
        .select(
            ds.local("created_at").dt.weekday().cast(pl.Int8).alias("weekday"),
            ds.local("created_at").dt.hour().cast(pl.Int8).alias("hour"),
        )
        .group_by("weekday", "hour")
        .agg(pl.len().cast(pl.Int64).alias("messages"))
    )
    return (
        grid.join(counts, on=["weekday", "hour"], how="left")
        .with_columns(pl.col("messages").fill_null(0))
        .sort("weekday", "hour")
    )


def hourly_volume(ds: Dataset) -> pl.DataFrame:
    """Inbound messages of the period per local hour (0..23): total and mean per day of the period."""
    h = volume_heatmap(ds).group_by("hour").agg(pl.col("messages").sum()).sort("hour")
    return h.with_columns((pl.col("messages") / ds.period.days).alias("per_day"))


# -- drill-down rows ---------------------------------------------------------------------
def _unanswered_rows(ds: Dataset) -> pl.DataFrame:
    return _runs_rows(ds).filter(~pl.col("answered"))


def _abandoned_rows(ds: Dataset) -> pl.DataFrame:
    return _abandon_frame(ds)


def _m(id_: str, label: str, unit: str, kind: str, definition: str, compute: Any, rows: Any = None) -> Metric:
    return Metric(id_, label, unit, kind, definition, DOMAIN, compute, rows)  # type: ignore[arg-type]


METRICS: list[Metric] = [
    _m(
        "first_response_seconds",
        "Tempo até a primeira resposta",
        "seconds",
        "distribution",
        "Por conversa transferida: primeira mensagem humana após a transferência − momento da transferência.",
        first_response_seconds,
        first_response_rows,
    ),
    _m(
        "response_seconds",
        "Tempo de resposta",
        "seconds",
        "distribution",
        "Por sequência de mensagens do lead respondida: resposta humana − primeira mensagem da sequência; "
        "por secretária e por hora local.",
        response_seconds,
        _runs_rows,
    ),
    _m(
        "unanswered_runs",
        "Sequências sem resposta",
        "count",
        "scalar",
        "Sequências de mensagens do lead sem resposta humana antes do encerramento da conversa ou da data de corte.",
        unanswered_runs,
        _unanswered_rows,
    ),
    _m(
        "sla_compliance",
        "Cumprimento do SLA",
        "percent",
        "scalar",
        "Respostas dentro do SLA / (respostas + sequências sem resposta que já esperaram mais que o SLA) × 100.",
        sla_compliance,
        _runs_rows,
    ),
    _m(
        "first_contact_resolution",
        "Resolução no primeiro contato",
        "percent",
        "scalar",
        "Conversas transferidas e encerradas com exatamente uma sequência respondida e sem nova conversa do lead "
        "em 7 dias / conversas transferidas e encerradas × 100.",
        first_contact_resolution,
        _fcr_frame,
    ),
    _m(
        "load_distribution",
        "Distribuição de carga",
        "count",
        "breakdown",
        "Conversas por secretária responsável, participação no total e coeficiente de Gini entre as secretárias "
        "ativas.",
        load_distribution,
        _load_frame,
    ),
    _m(
        "productivity",
        "Produtividade",
        "ratio",
        "breakdown",
        "Por secretária: leads convertidos atribuídos a ela no período / dias em que enviou ao menos uma mensagem.",
        productivity,
        _productivity_frame,
    ),
    _m(
        "resolution_seconds",
        "Tempo de resolução",
        "seconds",
        "distribution",
        "Encerramento − início das conversas encerradas.",
        resolution_seconds,
        _resolution,
    ),
    _m(
        "recontact_rate",
        "Taxa de recontato",
        "percent",
        "scalar",
        "Conversas encerradas seguidas de nova conversa do mesmo lead em até 7 dias / conversas encerradas × 100.",
        recontact_rate,
        _recontact_frame,
    ),
    _m(
        "handoff_abandonment_rate",
        "Abandono após transferência",
        "percent",
        "scalar",
        "Conversas transferidas sem nenhuma mensagem humana após a transferência (até o encerramento ou a data de "
        "corte) / conversas transferidas × 100.",
        handoff_abandonment_rate,
        _abandoned_rows,
    ),
    _m(
        "window_24h_late_reply_rate",
        "Respostas fora da janela de 24 h",
        "percent",
        "scalar",
        "Sequências respondidas mais de 24 h após a última mensagem do lead (fora da janela gratuita do WhatsApp) / "
        "sequências respondidas × 100.",
        window_24h_late_reply_rate,
        _late_frame,
    ),
    _m(
        "window_24h_expired",
        "Leads com janela de 24 h expirada",
        "count",
        "scalar",
        "Leads com sequência sem resposta cuja última mensagem é de mais de 24 h antes da data de corte.",
        window_24h_expired,
        _expired_frame,
    ),
    _m(
        "first_response_business_seconds",
        "Primeira resposta (horário comercial)",
        "seconds",
        "distribution",
        "Tempo até a primeira resposta contando só o horário de funcionamento (feriados nacionais fechados).",
        first_response_business_seconds,
        first_response_rows,
    ),
    _m(
        "response_business_seconds",
        "Tempo de resposta (horário comercial)",
        "seconds",
        "distribution",
        "Tempo de resposta contando só o horário de funcionamento (feriados nacionais fechados).",
        response_business_seconds,
        _runs_rows,
    ),
    _m(
        "resolution_business_seconds",
        "Tempo de resolução (horário comercial)",
        "seconds",
        "distribution",
        "Tempo de resolução contando só o horário de funcionamento (feriados nacionais fechados).",
        resolution_business_seconds,
        _resolution,
    ),
]
