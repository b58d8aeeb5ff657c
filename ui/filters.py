"""Sidebar filters shared by every page, mirrored in the URL query string so a link reproduces the view.

Query keys: ``periodo`` (30d, mes, mes_passado, 90d, ano, custom), ``de`` / ``ate`` (ISO dates, custom
only), ``canal``, ``proc``, ``sec``, ``playbook`` (comma-separated values).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import streamlit as st

from analytics.dashboards.common import PRESETS, period_label, preset_period
from analytics.labels import label
from analytics.period import Filters, Period
from analytics.privacy import Viewer, scope_filters

_MULTI = {"canal": "f_canal", "proc": "f_proc", "sec": "f_sec", "playbook": "f_playbook"}


@dataclass(frozen=True)
class FilterState:
    period: Period
    previous: Period
    filters: Filters  # already scoped to the viewer
    label: str


def _qp_list(key: str) -> list[str]:
    raw = st.query_params.get(key)
    return [v for v in raw.split(",") if v] if raw else []


def _qp_date(key: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(key, ""))
    except ValueError:
        return None


def _init(key: str, value: object) -> None:
    """Seed a widget's state once (from the URL); re-assign it so it survives page changes."""
    if key not in st.session_state:
        st.session_state[key] = value
    else:
        st.session_state[key] = st.session_state[key]


def sidebar(choices: dict[str, Any], as_of: datetime, viewer: Viewer) -> FilterState:
    """Render the filters and return the period, the previous period and the viewer-scoped filters.

    ``choices``: ``data.filter_options`` (ids per filter; secretaries as ``{id: name}``)."""
    today = as_of.date()
    sec_names: dict[str, str] = choices.get("sec", {})
    options = {"canal": choices.get("canal", []), "proc": choices.get("proc", []), "sec": list(sec_names),
               "playbook": choices.get("playbook", [])}
    preset = st.query_params.get("periodo", "30d")
    _init("f_periodo", preset if preset in PRESETS else "30d")
    _init("f_de", _qp_date("de") or today.replace(day=1))
    _init("f_ate", _qp_date("ate") or today)
    for qk, wk in _MULTI.items():
        _init(wk, [v for v in _qp_list(qk) if v in options[qk]])

    sb = st.sidebar
    sb.markdown("### Filtros")
    sb.caption(f"Dados até {as_of:%d/%m/%Y %H:%M}")
    key = sb.selectbox("Período", list(PRESETS), format_func=PRESETS.__getitem__, key="f_periodo")
    start = end = None
    if key == "custom":
        start = sb.date_input("De", key="f_de", format="DD/MM/YYYY")
        end = sb.date_input("Até", key="f_ate", format="DD/MM/YYYY")
    try:
        period = preset_period(key, today, start, end)
    except ValueError as exc:
        sb.error(f"Período inválido: {exc}.")
        period = preset_period("30d", today)
    # options are ids (kept in the URL); the widgets show their pt-BR labels
    channels = sb.multiselect("Canal", options["canal"], key="f_canal", placeholder="Todos",
                              format_func=lambda v: label("channel", v) or v)
    procs = sb.multiselect("Procedimento", options["proc"], key="f_proc", placeholder="Todos",
                           format_func=lambda v: label("procedure", v) or v)
    sec_ids: list[str] = []
    if viewer.role != "secretary":
        sec_ids = sb.multiselect("Secretária", options["sec"], key="f_sec", placeholder="Todas",
                                 format_func=lambda k: sec_names.get(k) or k[:8])
    books = sb.multiselect("Playbook", options["playbook"], key="f_playbook", placeholder="Todos",
                           format_func=lambda v: label("playbook", v) or v)

    qp = {"periodo": key}
    if key == "custom" and start and end:
        qp |= {"de": start.isoformat(), "ate": end.isoformat()}
    for qk, vals in (("canal", channels), ("proc", procs), ("sec", sec_ids), ("playbook", books)):
        if vals:
            qp[qk] = ",".join(vals)
    if dict(st.query_params) != qp:
        st.query_params.from_dict(qp)

    filters = scope_filters(viewer, Filters(tuple(channels), tuple(procs), tuple(sec_ids), tuple(books)))
    return FilterState(period, period.previous(), filters, period_label(period))
