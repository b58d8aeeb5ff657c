"""Cached data access for the app: which source, its version, the loaded tables, lead contacts.

The source is ``CLINIC_SOURCE`` or ``CLINIC_DATABASE_URL`` or ``st.secrets["connections"]["clinic"]["url"]``
or ``"demo"`` (the generated ``data/demo.duckdb``). Tables are held by ``st.cache_resource``
keyed by source + store version and are never mutated; small results use ``st.cache_data``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from analytics import schema
from analytics.errors import AnalyticsError, SourceError
from analytics.settings import ROOT, Settings, load_settings

DEMO_PATH = ROOT / "data" / "demo.duckdb"


def source() -> str:
    """The configured source (never shown with its password)."""
    env = os.environ.get("CLINIC_SOURCE") or os.environ.get("CLINIC_DATABASE_URL")
    if env:
        return env
    try:
        url = st.secrets.get("connections", {}).get("clinic", {}).get("url")
    except Exception:  # no secrets file at all
        url = None
    return url or "demo"


def is_postgres(src: str) -> bool:
    return src.startswith(("postgresql://", "postgres://", "postgresql+"))


def _file_of(src: str) -> Path | None:
    if src == "demo":
        return DEMO_PATH
    if is_postgres(src):
        return None
    return Path(src)


def _open_store(src: str) -> Any:
    """A read-only store for ``src`` (the sync layer's resolver when present)."""
    try:
        from analytics.sources.resolve import open_store
    except ImportError:
        open_store = None
    if open_store is not None:
        # no sync on read: a PostgreSQL source syncs on first use and from the admin button
        return open_store(src, refresh=False)
    from analytics.sources.store import Store

    path = _file_of(src)
    if path is None:
        raise SourceError("fonte PostgreSQL requer a camada de sincronização (analytics.sources.resolve)")
    if not path.exists():
        raise SourceError(f"arquivo de dados não encontrado: {path.name}")
    return Store(path, read_only=True)


def _load(store: Any) -> dict[str, pl.DataFrame]:
    try:
        from analytics.sources.resolve import load_tables
    except ImportError:
        load_tables = None
    if load_tables is not None:
        return load_tables(store)
    return {t: store.read(t) for t in schema.TABLES}


@st.cache_data(ttl=30, show_spinner=False)
def version(src: str) -> str:
    """Store data version (+ file mtime for files): the cache key of everything loaded."""
    path = _file_of(src)
    mtime = str(path.stat().st_mtime_ns) if path is not None and path.exists() else ""
    store = _open_store(src)
    try:
        return f"{store.version()}:{mtime}"
    finally:
        _close(store)


def _close(store: Any) -> None:
    close = getattr(store, "close", None)
    if close is not None:
        close()


@st.cache_resource(show_spinner="Carregando dados…", max_entries=2)
def tables(src: str, ver: str) -> dict[str, pl.DataFrame]:
    """Every contract table, loaded once per source version (shared by all sessions; never mutate)."""
    store = _open_store(src)
    try:
        return _load(store)
    finally:
        _close(store)


@st.cache_resource(show_spinner=False, max_entries=2)
def contacts(src: str, ver: str) -> pl.DataFrame:
    """Lead ``id``, ``name``, ``phone`` (sensitive: only joined into views, then masked for non-admins)."""
    store = _open_store(src)
    try:
        reader = getattr(store, "read", None)
        if reader is None:
            return pl.DataFrame(schema={"id": pl.String, "name": pl.String, "phone": pl.String})
        return reader("leads", sensitive=True).select("id", "name", "phone")
    except AnalyticsError:
        return pl.DataFrame(schema={"id": pl.String, "name": pl.String, "phone": pl.String})
    finally:
        _close(store)


@st.cache_data(ttl=300, show_spinner=False)
def filter_options(src: str, ver: str) -> dict[str, Any]:
    """The sidebar's choices, once per source version: ids of channels, procedures and playbooks present
    in the data (sorted), and the secretaries as ``{users.id: name}`` (sorted by name)."""
    t = tables(src, ver)

    def values(table: str, col: str) -> list[str]:
        frame = t.get(table, pl.DataFrame())
        if col not in frame.columns or frame.height == 0:
            return []
        return sorted(v for v in frame.get_column(col).unique().to_list() if v)

    users = t.get("users", pl.DataFrame())
    secs = users.filter(pl.col("role") == "secretary") if "role" in users.columns and users.height else users
    names = dict(zip(secs.get_column("id").to_list(), secs.get_column("name").to_list(), strict=True)) \
        if secs.height else {}
    return {
        "canal": values("leads", "channel"),
        "proc": values("leads", "procedure_interest"),
        "sec": dict(sorted(names.items(), key=lambda kv: kv[1] or "")),
        "playbook": values("conversations", "playbook"),
    }


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


def clear() -> None:
    """Drop cached tables and results (after a sync). Only the data caches: clearing every
    ``st.cache_resource`` would also drop the per-process cookie key and log everyone out."""
    st.cache_data.clear()
    for cached in (tables, contacts, settings):
        cached.clear()


def sync_source(src: str, progress: Any) -> str:
    """Sync a PostgreSQL source into its local store; returns a pt-BR summary. Files need no sync."""
    if not is_postgres(src):
        return "Fonte local: dados recarregados do arquivo."
    try:
        from analytics.sources.resolve import cache_path
        from analytics.sources.sync import sync
    except ImportError:
        return "Sincronização indisponível nesta instalação."
    done: set[str] = set()
    total = len(schema.TABLES)
    script_thread = threading.current_thread()

    def cb(p: Any) -> None:
        if getattr(p, "done", False):
            done.add(p.table)
        # per-batch progress comes from DuckDB's reader threads, where Streamlit calls fail (no session):
        # the bar moves on the per-table events, which come from this thread
        if threading.current_thread() is script_thread:
            progress(min(len(done) / total, 1.0), f"Sincronizando {p.table}…")

    path = cache_path(src)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = sync(src, path, progress=cb)
    progress(1.0, "Concluído")
    return f"Sincronização concluída em {report.seconds:.1f} s."
