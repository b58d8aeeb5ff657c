"""What every page does first: who is looking, may they, load data, shared filters, friendly states."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import streamlit as st

from analytics import retention
from analytics.dashboards.common import View
from analytics.dataset import Dataset, default_as_of, normalize
from analytics.errors import AnalyticsError
from analytics.period import Filters, Period
from analytics.privacy import Viewer, may_open
from analytics.settings import Settings
from ui import auth, data
from ui.filters import FilterState, sidebar

_log = logging.getLogger("clinic.ui")

#: the landing page: every logged-in role may open it (it shows only the role's own headline KPIs)
LANDING = "inicio"


@dataclass(frozen=True)
class PageContext:
    page: str
    viewer: Viewer
    src: str
    ver: str
    settings: Settings
    as_of: datetime
    state: FilterState

    @property
    def period(self) -> Period:
        return self.state.period


def refuse(message: str) -> None:
    st.error(message, icon="🔒")
    st.stop()


def _as_of(src: str, ver: str) -> datetime:
    return _as_of_cached(src, ver)


@st.cache_data(ttl=300, show_spinner=False)
def _as_of_cached(src: str, ver: str) -> datetime:
    return default_as_of(normalize(data.tables(src, ver)))


def _through_router() -> None:
    """Send a page reached without Home.py (Streamlit's legacy pages/ routing: the first request after a
    server start, and every AppTest run) through the router, keeping the requested page: the rerun keeps
    this page's hash, which is also its ``url_path`` hash under st.navigation (the page or its refusal)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # internal API moved: the page still checks access itself
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False  # what st.navigation sets on its first call
        st.rerun()


def open_page(page: str) -> PageContext:
    """Check login and access (a refusal shows no data), load the source, render the shared filters."""
    _through_router()
    viewer = auth.current_viewer()
    if viewer is None:
        refuse("Faça login na página inicial para ver este painel.")
    assert viewer is not None
    if page != LANDING and not may_open(viewer.role, page):
        refuse("Acesso negado: seu perfil não tem permissão para abrir este painel.")
    if st.session_state.get("sync_running"):
        st.info("Sincronização em andamento… os números serão atualizados ao final.", icon="⏳")
    src = data.source()
    try:
        ver = data.version(src)
        data.tables(src, ver)  # load (or fail) here, inside the friendly error handling
    except AnalyticsError as exc:  # the technical detail (paths, hosts) only for admins
        detail = f" Detalhe técnico: {exc}" if viewer.role == "admin" else " Avise o administrador."
        st.error(f"Não foi possível acessar a base de dados.{detail}", icon="🛑")
        st.stop()
    except Exception:  # unreachable database, corrupt file: never a traceback
        st.error("Não foi possível acessar a base de dados. Verifique a conexão e tente novamente.", icon="🛑")
        st.stop()
    settings = data.settings()
    as_of = _as_of(src, ver).astimezone(settings.tz)
    choices = data.filter_options(src, ver)
    if viewer.role == "secretary" and viewer.user_id not in choices.get("sec", {}):
        st.warning("Seu login não está vinculado a nenhuma secretária desta base de dados (o user_id do "
                   "auth.yaml não existe aqui). Avise o administrador.", icon="🔗")
        st.stop()
    state = sidebar(choices, as_of, viewer)
    cut = retention.cutoff(as_of, settings)
    cut_day = None if cut is None else cut.astimezone(settings.tz).date()
    if cut_day is not None and state.period.start < cut_day:
        part = "Todo o período é anterior" if state.period.end <= cut_day else "Parte do período é anterior"
        st.info(f"{part} ao prazo de retenção da LGPD ({settings.retention_years} anos): "
                f"dados anteriores a {cut_day:%d/%m/%Y} foram excluídos da análise.", icon="🗓️")
    return PageContext(page, viewer, src, ver, settings, as_of, state)


def _dataset(ctx_key: tuple[str, str], period: Period, filters: Filters) -> Dataset:
    src, ver = ctx_key
    # as_of left to Dataset.build (the data's latest event, the same instant as ``_as_of``): only then may
    # the store version's derived facts (e.g. every reply run) be read back from its prepared cache
    return Dataset.build(data.tables(src, ver), period, data.settings(), filters)


@st.cache_resource(ttl=300, show_spinner="Calculando indicadores…", max_entries=64)
def _view(page: str, src: str, ver: str, period: Period, prev: Period, filters: Filters, role: str,
          user_id: str | None, username: str, extra: tuple[Any, ...]) -> View:
    """A page's view-model; cached on (page, source version, period, filters, role scope).

    ``cache_resource``: every session gets the same object, no copy per rerun (``cache_data`` would
    unpickle it on each run); views are never mutated."""
    from analytics.dashboards import executivo, ia, inicio, marketing, operacoes, secretaria

    viewer = Viewer(username, role, user_id)
    ds = _dataset((src, ver), period, filters)
    pds = ds.with_period(prev)
    if page == "secretaria":
        contacts = data.contacts(src, ver)
        # a secretary only ever sees herself, whatever the caller asked for
        sid = user_id if role == "secretary" else (extra[0] if extra else None)
        return secretaria.build(ds, pds, viewer, sid, contacts)
    if page == "inicio":
        return inicio.headline(ds, pds, viewer)
    module = {"executivo": executivo, "operacoes": operacoes, "marketing": marketing, "ia": ia}[page]
    return module.build(ds, pds, viewer)


def clear_caches() -> None:
    """Drop every cached table, view, figure and formatted table (after a sync)."""
    from analytics.dataset import clear_prepared
    from ui import charts, widgets

    data.clear()
    clear_prepared()
    for cached in (_view, charts._cached, widgets._shown):
        cached.clear()


def view_key(ctx: PageContext, *scope: Any) -> tuple[Any, ...]:
    """What a page's view depends on (source version, period, filters, viewer, page-specific ``scope``):
    the key of everything derived from that view, e.g. its figures (``charts.show``)."""
    v = ctx.viewer
    return (ctx.page, ctx.src, ctx.ver, ctx.period, ctx.state.previous, ctx.state.filters, v.role, v.user_id,
            v.username, scope)


def view(ctx: PageContext, *extra: Any, filters: Filters | None = None) -> View:
    """The page's view (cached). Errors become a pt-BR message, never a traceback."""
    v = ctx.viewer
    f = filters or ctx.state.filters
    try:
        return _view(ctx.page, ctx.src, ctx.ver, ctx.period, ctx.state.previous, f, v.role, v.user_id,
                     v.username, tuple(extra))
    except AnalyticsError as exc:
        detail = f" Detalhe técnico: {exc}" if v.role == "admin" else " Avise o administrador."
        st.error(f"Não foi possível calcular os indicadores.{detail}")
        st.stop()
    except Exception as exc:  # never a traceback to the user; the log names only the error type
        _log.error("view %s failed: %s", ctx.page, type(exc).__name__)
        st.error("Não foi possível calcular os indicadores deste painel agora. Tente novamente em instantes.")
        st.stop()
    raise AssertionError  # unreachable


def secretary_options(ctx: PageContext, scoped: bool = False) -> dict[str, str]:
    """users.id -> name of the secretaries, sorted by name (the manager/admin picker on Secretária);
    ``scoped``: only those of the sidebar's secretary filter when it is set."""
    every = dict(data.filter_options(ctx.src, ctx.ver).get("sec", {}))
    chosen = ctx.state.filters.secretaries if scoped else ()
    narrowed = {k: v for k, v in every.items() if k in chosen}
    return narrowed or every


def team_scope(ctx: PageContext) -> Filters:
    """Page filters without the secretary restriction (for team-level comparisons: aggregates only)."""
    return replace(ctx.state.filters, secretaries=())


def kpis_or_stop(ctx: PageContext) -> View:
    """The page's view with its KPI row drawn; a friendly "no data" message and stop when empty."""
    from ui import widgets

    page_view = view(ctx)
    if page_view.empty:
        widgets.no_data(ctx.state.label)
        st.stop()
    widgets.kpi_row(page_view.kpis)
    return page_view


#: the pages ``_view`` builds (PAGE_ACCESS also lists pages that arrive with later issues)
DASHBOARDS = ("executivo", "operacoes", "marketing", "ia", "secretaria")


class _QuietPrefetch(logging.Filter):
    """Streamlit warns when a cached function runs outside a script thread; the prefetch does so on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "clinic-prefetch" not in record.getMessage()


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_QuietPrefetch())

_PREFETCHED: set[tuple[Any, ...]] = set()
_PREFETCH_LOCK = threading.Lock()


def prefetch(ctx: PageContext) -> None:
    """Compute, in a background thread, the views the viewer's other pages will open with (same period
    and filters, the Secretária page's default secretary), so a first visit after login finds them
    cached (``_view`` is shared and computes each key once: a visit during the computation waits for
    it). Once per (store version, period, filters, viewer) per process; failures are only logged
    (the page itself shows the friendly message when visited). ``CLINIC_PREFETCH=0`` switches it off
    (``bench/pages.py`` uses it to time a page's first computation in the browser)."""
    if os.environ.get("CLINIC_PREFETCH") == "0":
        return
    v = ctx.viewer
    key = (ctx.src, ctx.ver, ctx.period, ctx.state.filters, v.role, v.user_id, v.username)
    with _PREFETCH_LOCK:
        if key in _PREFETCHED:
            return
        if len(_PREFETCHED) > 256:
            _PREFETCHED.clear()
        _PREFETCHED.add(key)
    pages = [p for p in DASHBOARDS if may_open(v.role, p) and p != ctx.page]
    sid = v.user_id if v.role == "secretary" else next(iter(secretary_options(ctx)), None)
    team = team_scope(ctx)

    def work() -> None:
        for page in pages:
            extra, filters = ((sid,), team) if page == "secretaria" else ((), ctx.state.filters)
            try:
                _view(page, ctx.src, ctx.ver, ctx.period, ctx.state.previous, filters, v.role, v.user_id,
                      v.username, extra)
            except Exception as exc:  # a prefetch never fails anything
                _log.warning("prefetch of %s failed: %s", page, type(exc).__name__)

    threading.Thread(target=work, name="clinic-prefetch", daemon=True).start()
