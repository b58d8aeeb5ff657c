"""Resolve a source description (``demo``, a ``.duckdb`` path, a ``postgresql://`` URL) to a Store.

DuckDB file locking: a DuckDB file has either one read-write opener (one process) or any number
of read-only openers, and inside one process all connections to a file must share the same mode.
The approach here is **sync writes, then readers reopen**:

* ``open_store(url)`` first runs the incremental sync with a short-lived read-write Store, closes
  it, then returns a *read-only* Store (``read_only=True`` by default for every source).
* Readers (the Streamlit app) should hold read-only stores briefly or cache them per
  ``(source, data_version)`` with a ttl, and refresh from ONE place (e.g. a ttl-cached function).
* If the file is busy (another process is syncing, or this process still holds it read-only),
  or the database is unreachable, the sync is skipped with a warning and the existing cache is
  returned (stale, never broken); the next refresh catches up. Schema errors still raise.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import warnings
from pathlib import Path

import polars as pl

from analytics import schema
from analytics.dataset import normalize
from analytics.errors import SourceError
from analytics.sources.postgres import is_postgres_url, redact
from analytics.sources.store import Store, StoreError

DEMO_PATH = Path("data") / "demo.duckdb"
CACHE_DIR = Path("data") / "cache"
SECRETS_PATH = Path(".streamlit") / "secrets.toml"


def source_url_from_env(secrets_path: str | Path = SECRETS_PATH) -> str | None:
    """``$CLINIC_DATABASE_URL``, else ``[connections.clinic] url`` of ``.streamlit/secrets.toml``."""
    url = os.environ.get("CLINIC_DATABASE_URL")
    if url:
        return url
    path = Path(secrets_path)
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    url = data.get("connections", {}).get("clinic", {}).get("url")
    return str(url) if url else None


def cache_path(url: str, cache_dir: str | Path = CACHE_DIR) -> Path:
    """``data/cache/<12 hex of sha256(URL without password)>.duckdb``."""
    digest = hashlib.sha256(redact(url).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"{digest}.duckdb"


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "different configuration" in text or "already open" in text


def _check_duckdb_file(path: Path) -> None:
    """Existing contract tables must be present; missing NEW tables are created empty."""
    with Store(path, read_only=True) as st:
        present = st.tables()
    missing_new = [t for t in schema.NEW_TABLES if t not in present]
    for table in schema.LOAD_ORDER:
        if table not in present and table not in schema.NEW_TABLES:
            raise SourceError(f"source is missing table '{table}'")
    if missing_new or "_meta" not in present:
        with Store(path) as st:  # read-write: ensure_schema creates the missing ones (empty)
            pass
        if missing_new:
            warnings.warn(f"store {path} had no {', '.join(missing_new)}: created empty", stacklevel=3)


def open_store(
    source: str | None,
    *,
    refresh: bool = True,
    read_only: bool = True,
    cache_dir: str | Path = CACHE_DIR,
) -> Store:
    """Open the store for ``source`` (``None`` → ``source_url_from_env()``, else the demo).

    - ``"demo"`` → ``data/demo.duckdb`` (built with the generator at size ``demo`` when absent);
    - ``*.duckdb`` → that file (must hold the contract's existing tables);
    - ``postgresql://...`` → incremental sync (if ``refresh``) into ``data/cache/<hash>.duckdb``.
    """
    source = source or source_url_from_env() or "demo"
    if source == "demo":
        if not DEMO_PATH.exists():
            from analytics import generator  # lazy: heavy and optional

            DEMO_PATH.parent.mkdir(parents=True, exist_ok=True)
            generator.generate(str(DEMO_PATH), size="demo")
        return open_store(str(DEMO_PATH), refresh=refresh, read_only=read_only)
    if is_postgres_url(source):
        path = cache_path(source, cache_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        if refresh or not path.exists():
            from analytics.sources.sync import sync

            try:
                sync(source, path)
            except StoreError as exc:
                if not (_is_busy(exc) and path.exists()):
                    raise
                warnings.warn(f"store {path} is busy; serving the last synced data", stacklevel=2)
            except SourceError as exc:
                if not (str(exc).startswith("cannot connect") and path.exists()):
                    raise
                warnings.warn(f"{exc}; serving the last synced data", stacklevel=2)
        return Store(path, read_only=read_only)
    if source.endswith(".duckdb"):
        path = Path(source)
        if not path.exists():
            raise SourceError(f"store file not found: {source}")
        _check_duckdb_file(path)
        return Store(path, read_only=read_only)
    raise SourceError(f"unknown source {redact(source)!r}: use 'demo', a .duckdb file or a postgresql:// URL")


class PreparedTables(dict[str, pl.DataFrame]):
    """The prepared frames (a plain dict for every caller) plus ``prepared_dir``: the cache
    directory of this store version, where metrics may keep facts that depend on the data
    alone (``Dataset.prepared_dir``); ``None`` when there is no cache."""

    prepared_dir: Path | None = None


def _with_dir(tables: dict[str, pl.DataFrame], cache: Path | None) -> PreparedTables:
    out = PreparedTables(tables)
    out.prepared_dir = cache if cache is not None and (cache / "complete").is_file() else None
    return out


def load_tables(store: Store, *, sensitive: bool = False) -> dict[str, pl.DataFrame]:
    """Every contract table as Polars frames, prepared for metrics (``dataset.normalize``:
    Categorical ids, UTC timestamps, messages with their ``lead_id``).

    Preparing a large store costs seconds, so the prepared frames are kept once per
    store version as Arrow IPC files beside the store (``<store>.prepared/``) and
    read back on the next load. Only pseudonymous columns are cached: ``sensitive=True``
    (names, phones, message text) always reads the store and never writes a cache.
    """
    if sensitive or store.path == ":memory:":
        return normalize({t: store.read(t, sensitive=sensitive) for t in schema.LOAD_ORDER})
    cache = _prepared_dir(store)
    if (cache / "complete").is_file():
        try:
            return _with_dir({t: pl.read_ipc(cache / f"{t}.arrow") for t in schema.LOAD_ORDER}, cache)
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable cache: rebuild below
    tables = normalize({t: store.read(t) for t in schema.LOAD_ORDER})
    _write_prepared(cache, tables)
    return _with_dir(tables, cache)


def remove_prepared(store_path: str | Path) -> None:
    """Delete every prepared cache of a store (``<store>.prepared/``): after rows were
    purged (LGPD retention, forget) no cached copy of them may survive."""
    import shutil

    if str(store_path) != ":memory:":
        path = Path(store_path)
        shutil.rmtree(path.with_name(path.name + ".prepared"), ignore_errors=True)


def _prepared_dir(store: Store) -> Path:
    path = Path(store.path)
    stat = path.stat()
    key = hashlib.sha256(f"{store.version()}:{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()[:12]
    return path.with_name(path.name + ".prepared") / key


def _write_prepared(cache: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write atomically (temp dir, then rename); drop older versions; never fail the caller."""
    import shutil

    root = cache.parent
    tmp = root / f".tmp-{os.getpid()}-{cache.name}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(exist_ok=True)
        for name, frame in tables.items():
            frame.write_ipc(tmp / f"{name}.arrow", compression="uncompressed")
        (tmp / "complete").write_text("ok")
        for old in root.iterdir():
            if old.name != cache.name and not old.name.startswith(".tmp-"):
                shutil.rmtree(old, ignore_errors=True)
        if cache.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(cache)
    except OSError as exc:
        warnings.warn(f"could not cache prepared tables in {root}: {exc}", stacklevel=2)
        shutil.rmtree(tmp, ignore_errors=True)
