"""Presentation of drill-down rows (``Metric.rows`` and the dashboards' own row lists) for people.

One presenter, driven by one mapping ``column → (pt-BR header, kind)``, turns raw rows into what the page
shows and the CSV/Excel/PDF exports carry (the same frame goes to both):

- headers in Portuguese (``lead_id`` → ``Lead``); a column outside the mapping keeps its values and gets a
  readable header (``some_col`` → ``Some col``), so new columns always show;
- vocabulary codes through ``analytics.labels`` (``google_ads`` → ``Google Ads``; a new code is shown
  humanised, never dropped);
- booleans as ``sim`` / ``não``;
- ids as the short id (first 8 characters), the same short id the live queue shows;
- tz-aware timestamps converted to the clinic's time zone (still tz-aware, so converting them to that zone
  again, as the exports do, changes nothing);
- durations in seconds as Polars ``Duration`` (rounded to the second): the page humanises them ("3 d 23 h")
  and the exports treat Duration columns as unit ``seconds`` (``analytics.reports._common.table_units``);
- staff ids (``users.id``) as staff names (see ``staff_name_expr`` for the missing cases).

Masking is not done here: mask the raw frame first (``privacy.mask_frame`` knows the raw column names), then
present it. Presenting is idempotent (a presented frame passes through unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from analytics.labels import LABELS, humanize, label_expr

#: null ``users.id``: nobody is assigned / no sender recorded
NO_SECRETARY = "sem responsável"
#: an id the ``users`` table does not name (unknown id or user without a name); the short id follows
UNNAMED_SECRETARY = "sem nome"
#: characters of an id shown (a uuid's first group, as in the live queue)
SHORT_ID = 8

#: kinds that are vocabularies of ``analytics.labels``
VOCABULARIES = frozenset(LABELS)
#: numeric kinds whose page unit is the kind itself (``widgets.drill`` formats them by header)
NUMERIC_UNITS = frozenset({"brl", "days", "count", "percent", "ms", "score"})

#: raw column → (pt-BR header, kind). Kinds: ``id``, ``staff``, ``responder`` (staff who answered a reply
#: run: empty when the run was not answered), a vocabulary of ``analytics.labels``, ``text``, ``bool``,
#: ``datetime``, ``date``, ``seconds``, or a numeric unit (``brl``, ``days``, ``count``, ``percent``, ``ms``,
#: ``score``, ``number``).
COLUMNS: dict[str, tuple[str, str]] = {
    # ids and people
    "lead_id": ("Lead", "id"),
    "conversation_id": ("Conversa", "id"),
    "message_id": ("Mensagem", "id"),
    "campaign_id": ("Campanha", "id"),
    "id": ("ID", "id"),
    "secretary_id": ("Secretária", "staff"),
    "assigned_to": ("Responsável", "staff"),
    "sender_id": ("Enviada por", "staff"),
    "answer_sender_id": ("Respondida por", "responder"),
    "secretary_name": ("Secretária", "text"),
    "name": ("Nome", "text"),
    "lead_name": ("Nome", "text"),
    "phone": ("Telefone", "text"),
    "lead_phone": ("Telefone", "text"),
    # vocabularies
    "channel": ("Canal", "channel"),
    "procedure_interest": ("Procedimento", "procedure"),
    "procedure": ("Procedimento", "procedure"),
    "playbook": ("Playbook", "playbook"),
    "transfer_reason": ("Motivo da transferência", "reason"),
    "furthest_stage": ("Etapa mais avançada", "stage"),
    "intent": ("Intenção detectada", "intent"),
    "validated_intent": ("Intenção revisada", "intent"),
    "model": ("Modelo", "text"),
    # instants (UTC in the data, shown in the clinic's time zone)
    "created_at": ("Criado em", "datetime"),
    "converted_at": ("Convertido em", "datetime"),
    "scheduled_for": ("Agendado para", "datetime"),
    "started_at": ("Início", "datetime"),
    "ended_at": ("Fim", "datetime"),
    "closed_at": ("Encerrada em", "datetime"),
    "transferred_at": ("Transferida em", "datetime"),
    "first_response_at": ("Primeira resposta em", "datetime"),
    "first_outbound_at": ("Primeira mensagem enviada", "datetime"),
    "last_inbound_at": ("Última mensagem do lead", "datetime"),
    "last_message_at": ("Última mensagem", "datetime"),
    "run_start": ("Mensagem do lead", "datetime"),
    "run_end": ("Última mensagem da sequência", "datetime"),
    "answered_at": ("Respondida em", "datetime"),
    "date": ("Data", "date"),
    # yes / no
    "converted": ("Convertido", "bool"),
    "lost": ("Perdido", "bool"),
    "silent": ("Em silêncio", "bool"),
    "abandoned": ("Abandonado", "bool"),
    "responded": ("Respondeu", "bool"),
    "has_silence": ("Teve silêncio", "bool"),
    "reengaged": ("Reengajado", "bool"),
    "answered": ("Respondida", "bool"),
    "recontacted": ("Recontato", "bool"),
    "resolved": ("Resolvida", "bool"),
    "late": ("Fora da janela de 24 h", "bool"),
    "has_feedback": ("Com avaliação", "bool"),
    "sla_breach": ("Fora do SLA", "bool"),
    "sla_breach_answered": ("Fora do SLA (respondida)", "bool"),
    "sla_breach_unanswered": ("Fora do SLA (sem resposta)", "bool"),
    # durations (seconds)
    "wait_seconds": ("Espera", "seconds"),
    "response_seconds": ("Tempo de resposta", "seconds"),
    "response_business_seconds": ("Tempo de resposta (horário comercial)", "seconds"),
    "first_response_seconds": ("Primeira resposta", "seconds"),
    "first_response_business_seconds": ("Primeira resposta (horário comercial)", "seconds"),
    "resolution_seconds": ("Tempo de resolução", "seconds"),
    "resolution_business_seconds": ("Tempo de resolução (horário comercial)", "seconds"),
    "gap_seconds": ("Intervalo", "seconds"),
    # money and numbers
    "value": ("Valor", "brl"),
    "attended_value": ("Valor realizado", "brl"),
    "cost": ("Custo", "brl"),
    "total_cost": ("Custo total", "brl"),
    "clv_12m": ("Valor em 12 meses", "brl"),
    "days": ("Dias até converter", "days"),
    "days_silent": ("Dias em silêncio", "days"),
    "share": ("Participação", "percent"),
    "latency_ms": ("Latência", "ms"),
    "messages": ("Mensagens", "count"),
    "n_inbound": ("Mensagens do lead", "count"),
    "runs": ("Sequências", "count"),
    "answered_runs": ("Sequências respondidas", "count"),
    "attended_bookings": ("Agendamentos realizados", "count"),
    "conversations": ("Conversas", "count"),
    "converted_leads": ("Convertidos", "count"),
    "active_days": ("Dias ativos", "count"),
    "leads": ("Leads", "count"),
    "tokens": ("Tokens", "count"),
    "total_days": ("Dias da campanha", "count"),
    "days_in_period": ("Dias no período", "count"),
    "stage_rank": ("Ordem da etapa", "number"),
    "hour": ("Hora", "number"),
    "confidence": ("Confiança", "number"),
    "decay": ("Decaimento", "number"),
    "productivity": ("Conversões/dia ativo", "number"),
    "nps_score": ("NPS (0–10)", "number"),
    "csat_score": ("CSAT (1–5)", "number"),
}

#: pt-BR header → page unit of the numeric columns above (durations need none: their dtype says it)
UNITS: dict[str, str] = {h: k for h, k in COLUMNS.values() if k in NUMERIC_UNITS}


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)


def short_id(column: str) -> pl.Expr:
    """The first ``SHORT_ID`` characters of a string id (a uuid's first group); other ids unchanged."""
    return pl.col(column).cast(pl.String).str.slice(0, SHORT_ID)


def staff_name_expr(column: str, names: Mapping[str, str | None]) -> pl.Expr:
    """A ``users.id`` column as the staff member's name.

    - null id → ``"sem responsável"`` (no one assigned, or a reply without a recorded sender);
    - an id that ``users`` does not name (unknown id, or a user without a name) → ``"sem nome (<short id>)"``:
      someone answered, we just cannot name them, and two such ids stay apart.
    Used by every team table and chart (box plot, response / load / productivity tables, drill-downs), so the
    same person or gap has the same label everywhere.
    """
    raw = pl.col(column).cast(pl.String)
    named = raw.replace_strict({k: v for k, v in names.items() if v}, default=None, return_dtype=pl.String)
    return (
        pl.when(raw.is_null())
        .then(pl.lit(NO_SECRETARY))
        .when(named.is_null())
        .then(pl.lit(f"{UNNAMED_SECRETARY} (") + raw.str.slice(0, SHORT_ID) + pl.lit(")"))
        .otherwise(named)
    )


def _yes_no(column: str) -> pl.Expr:
    c = pl.col(column)
    return pl.when(c).then(pl.lit("sim")).when(c.not_()).then(pl.lit("não")).otherwise(pl.lit(None, pl.String))


def _expr(
    col: str, dtype: pl.DataType, kind: str | None, tz: str, names: Mapping[str, str | None] | None,
    frame: pl.DataFrame,
) -> pl.Expr:
    c = pl.col(col)
    is_dt = isinstance(dtype, pl.Datetime)
    if dtype == pl.Boolean:  # any boolean, mapped or not
        return _yes_no(col)
    if is_dt and dtype.time_zone is not None:  # any tz-aware instant, mapped or not
        return c.dt.convert_time_zone(tz)
    if kind in VOCABULARIES and _is_text(dtype):
        return label_expr(col, kind)
    if kind == "id" and _is_text(dtype):
        return short_id(col)
    if kind in ("staff", "responder") and _is_text(dtype):
        who = staff_name_expr(col, names) if names is not None else short_id(col)
        answered = frame.schema.get("answered")
        if kind == "responder" and answered == pl.Boolean:
            return pl.when(pl.col("answered").not_()).then(pl.lit(None, pl.String)).otherwise(who)
        return who
    if kind == "seconds" and dtype.is_numeric():
        return pl.duration(microseconds=(c.cast(pl.Float64).round(0) * 1_000_000).cast(pl.Int64))
    if kind == "brl" and dtype.is_numeric():
        return c.cast(pl.Float64).round(2)
    if kind == "days" and dtype.is_numeric():
        return c.cast(pl.Float64).round(1)
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return c.cast(pl.String)
    return c


def present(
    frame: pl.DataFrame,
    tz: str,
    names: Mapping[str, str | None] | None = None,
    headers: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """``frame`` (raw drill-down rows, already masked) as people read it; see the module docstring.

    ``tz``: the clinic's time zone (``ds.settings.timezone``); ``names``: ``users.id`` → name for staff
    columns (without it staff ids show as short ids); ``headers``: per-call header overrides by raw column.
    A header already taken gets the raw column name appended, so no frame can fail on duplicate names;
    ``secretary_name`` next to a named ``secretary_id`` is left out (the id column already shows the name).
    """
    exprs: list[pl.Expr] = []
    used: set[str] = set()
    for col, dtype in frame.schema.items():
        if col == "secretary_name" and "secretary_id" in frame.columns and names is not None:
            continue
        header, kind = COLUMNS.get(col, (None, None))
        header = (headers or {}).get(col) or header or humanize(col)
        if header in used:
            header = f"{header} ({col})"
        used.add(header)
        exprs.append(_expr(col, dtype, kind, tz, names, frame).alias(header))
    return frame.select(exprs) if exprs else frame


def units(frame: pl.DataFrame) -> dict[str, str]:
    """Page units (``Table.units``) of a presented frame's numeric columns, by their pt-BR header."""
    return {c: UNITS[c] for c in frame.columns if c in UNITS and frame.schema[c].is_numeric()}
