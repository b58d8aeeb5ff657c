"""pt-BR display labels of the source vocabulary (channels, procedures, intents, transfer reasons, playbooks,
funnel stages, statuses). Display only: ids stay as they are in data, filters and URLs.

The vocabulary is open: a value without a label is shown humanised (underscores → spaces, first letter
capitalised), e.g. ``pinterest_ads`` → ``Pinterest ads``.
"""

from __future__ import annotations

import polars as pl

LABELS: dict[str, dict[str, str]] = {
    "channel": {
        "instagram": "Instagram", "facebook": "Facebook", "google_ads": "Google Ads",
        "google_organic": "Google orgânico", "referral": "Indicação", "site": "Site", "walk_in": "Presencial",
        "tiktok": "TikTok", "tiktok_ads": "TikTok Ads", "whatsapp": "WhatsApp", "youtube": "YouTube",
        "linkedin": "LinkedIn", "email": "E-mail", "meta_ads": "Meta Ads",
    },
    "procedure": {
        "ortodontia": "Ortodontia", "implante": "Implante", "clareamento": "Clareamento", "limpeza": "Limpeza",
        "harmonizacao": "Harmonização facial", "botox": "Botox", "protese": "Prótese",
        "canal": "Canal (endodontia)",
    },
    "intent": {
        "agendar": "Agendar", "preco": "Preço", "duvida_procedimento": "Dúvida sobre procedimento",
        "localizacao_horario": "Localização e horário", "reclamacao": "Reclamação", "cancelar": "Cancelar",
        "saudacao": "Saudação", "outro": "Outro",
    },
    "reason": {
        "pedido_do_cliente": "Pedido do cliente", "baixa_confianca": "Baixa confiança do bot",
        "reclamacao": "Reclamação", "negociacao_preco": "Negociação de preço", "fora_do_escopo": "Fora do escopo",
        "problema_pagamento": "Problema de pagamento",
    },
    "playbook": {
        "primeira_consulta": "Primeira consulta", "orcamento": "Orçamento", "reativacao": "Reativação",
        "pos_procedimento": "Pós-procedimento",
    },
    "stage": {
        "contact": "Contato", "new": "Novo", "engaged": "Engajado", "qualified": "Qualificado",
        "scheduled": "Agendado", "attended": "Compareceu", "converted": "Convertido", "lost": "Perdido",
    },
    "status": {
        "bot": "Bot", "waiting_human": "Aguardando humano", "human": "Em atendimento", "closed": "Encerrada",
        "booked": "Agendado", "attended": "Compareceu", "no_show": "Não compareceu", "cancelled": "Cancelado",
    },
}


def humanize(value: str) -> str:
    """``some_value`` → ``Some value`` (for values outside the known vocabulary)."""
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(kind: str, value: str | None) -> str | None:
    """The pt-BR label of one value of a vocabulary (``None`` stays ``None``)."""
    if value is None:
        return None
    return LABELS.get(kind, {}).get(value) or humanize(value)


def label_expr(column: str, kind: str) -> pl.Expr:
    """A Polars expression mapping a string column to its pt-BR labels (vectorised; nulls stay null)."""
    known = LABELS.get(kind, {})
    raw = pl.col(column).cast(pl.String)
    humanised = raw.str.replace_all("_", " ").str.strip_chars()
    humanised = humanised.str.slice(0, 1).str.to_uppercase() + humanised.str.slice(1)
    return raw.replace_strict(known, default=humanised, return_dtype=pl.String)


def labels_of(kind: str, values: list[str]) -> dict[str, str]:
    """id → label for a list of ids (for select widgets' ``format_func``)."""
    return {v: label(kind, v) or v for v in values}
