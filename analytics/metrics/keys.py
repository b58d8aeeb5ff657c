"""Fast key helpers for large frames (performance only; results equal plain joins).

Ids are ``pl.Categorical`` (``dataset.normalize``) over one global category set, so
the physical codes (``to_physical()``) of two id columns with the same dtype name the
same id. Looking a value up by code (scatter into an array indexed by code, gather by
code) is several times faster than a hash join on 10M-row frames.
"""

from __future__ import annotations

import polars as pl


def lookup(keys: pl.Series, table_keys: pl.Series, values: pl.Series) -> pl.Series:
    """For each of ``keys``, the ``values`` row whose ``table_keys`` equals it (null when none).

    ``table_keys`` must be unique and not null. Equal to a left join of ``keys`` on
    ``table_keys`` (falls back to one when the keys are not Categorical of one dtype).
    """
    name = values.name
    if keys.dtype != pl.Categorical or keys.dtype != table_keys.dtype:
        frame = pl.DataFrame({"_k": keys})
        table = pl.DataFrame({"_k": table_keys.cast(keys.dtype), name: values})
        return frame.join(table, on="_k", how="left", maintain_order="left").get_column(name)
    return lookup_codes(keys.to_physical(), table_keys.to_physical(), values)


def lookup_codes(key_codes: pl.Series, table_codes: pl.Series, values: pl.Series) -> pl.Series:
    """``lookup`` on id codes (``key_code``) already computed; ``table_codes`` unique, not null."""
    name = values.name
    if table_codes.len() == 0:
        return pl.repeat(None, key_codes.len(), dtype=values.dtype, eager=True).alias(name)
    if not key_codes.dtype.is_integer():  # not Categorical codes: a plain left join
        frame = pl.DataFrame({"_k": key_codes})
        table = pl.DataFrame({"_k": table_codes.cast(key_codes.dtype), name: values})
        return frame.join(table, on="_k", how="left", maintain_order="left").get_column(name)
    size = int(max(table_codes.max() or 0, key_codes.max() or 0)) + 1  # type: ignore[call-overload]
    arr = pl.Series(name, [None], dtype=values.dtype).extend_constant(None, size - 1)
    return arr.scatter(table_codes, values).gather(key_codes)


def key_code(expr: pl.Expr) -> pl.Expr:
    """An id column as a key for grouping and ordering by identity within one frame: the
    Categorical physical code (equal ids, equal codes; code order is not text order).
    Other dtypes are returned unchanged (``to_physical`` is a no-op on strings)."""
    return expr.to_physical()
