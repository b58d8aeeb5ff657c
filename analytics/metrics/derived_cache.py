"""Facts that depend on the data alone, kept beside the store version's prepared tables.

A dataset built with the default as_of from ``resolve.load_tables`` frames carries
``ds.prepared_dir`` (the cache directory of that store version; ``None`` otherwise).
With no filters too, a fact computed from the whole scope (not the period) depends only
on the data, as_of, the time zone and the code, so it is computed once per sync and read
back (Arrow IPC round-trips a frame exactly). Any other dataset computes it directly.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import polars as pl

from analytics import dataset as dataset_module
from analytics.dataset import Dataset


def cached_frame(
    ds: Dataset, name: str, compute: Callable[[], pl.DataFrame], code: tuple[ModuleType | Callable[..., object], ...]
) -> pl.DataFrame:
    """``compute()``, read from / written to ``ds.prepared_dir`` when the dataset allows it.

    ``code``: the modules or functions whose source decides the result (part of the key,
    with ``analytics.dataset``, as_of, the time zone and the Polars version), so a code
    change recomputes.
    """
    base = ds.prepared_dir
    if base is None or not ds.filters.empty:
        return compute()
    # the dataset rules (clipping, scope) decide the input: always part of the key
    source = "".join(inspect.getsource(c) for c in (dataset_module, *code))
    raw = f"{name}|{ds.as_of.isoformat()}|{ds.tz}|{pl.__version__}|{source}"
    path = Path(base) / f"derived-{name}-{hashlib.sha256(raw.encode()).hexdigest()[:16]}.arrow"
    if path.is_file():
        try:
            return pl.read_ipc(path)
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable: recompute below
    out = compute()
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        out.write_ipc(tmp, compression="uncompressed")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # best effort: the cache never fails the metric
    return out
