"""Realistic, deterministic demo data for the clinic bot database, with its ground truth.

``python -m analytics generate --target data/demo.duckdb --size demo [--seed 42] [--messy]``
or ``generate(target, size=...)`` from Python. The ground truth (every parameter
used, the true conversion probability of every lead, injected anomalies) is
written beside the data: ``X.duckdb`` -> ``X.truth.json``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from analytics.errors import InputError
from analytics.generator import params
from analytics.generator.params import DEFAULT_END_DATE, SIZES

__all__ = ["SIZES", "GenerationResult", "generate", "generate_frames", "register"]


@dataclass
class GenerationResult:
    target: str
    truth_path: Path
    counts: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    truth_parquet: Path | None = None


def _months(size: str, months: int | None) -> int:
    if size not in SIZES:
        raise InputError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    m = SIZES[size].months if months is None else months
    if m < 1 or m > 120:
        raise InputError(f"months must be between 1 and 120, got {m}")
    return m


def generate_frames(
    size: str = "tiny",
    seed: int = 42,
    messy: bool = False,
    end_date: date | None = None,
    months: int | None = None,
) -> tuple[dict[str, pl.DataFrame], dict[str, Any], pl.DataFrame]:
    """Generate in memory: ``(frames, truth, lead_p)`` with ``lead_p`` = (lead_id, p); no file written.

    The period runs from the first day of the month ``months`` months before ``end_date``'s
    month up to ``end_date`` (exclusive, local midnight); nothing is stamped at or after it
    except future appointments (``procedure_bookings.scheduled_for``).
    """
    from analytics.generator.build import simulate
    from analytics.generator.messy import inject
    from analytics.generator.truth import truth_dict

    m = _months(size, months)
    end = end_date or DEFAULT_END_DATE
    spec = SIZES[size]
    built = simulate(seed, size, end, m, spec.leads, spec.chat_factor)
    frames = built.frames
    injected: dict[str, int] = {}
    if messy:
        frames, injected = inject(frames, seed)
    lead_p = pl.DataFrame({"lead_id": built.frames["leads"]["id"], "p": built.lead_p})
    lead_p = lead_p.join(frames["leads"].select(pl.col("id").alias("lead_id")), on="lead_id", how="semi")
    truth = truth_dict(built, frames, size=size, seed=seed, messy=messy, months=m, injected=injected)
    return frames, truth, lead_p


def generate(
    target: str,
    size: str = "demo",
    seed: int = 42,
    messy: bool = False,
    end_date: date | None = None,
    months: int | None = None,
    progress: Callable[[str], None] | None = None,
    truth_path: str | Path | None = None,
) -> GenerationResult:
    """Generate ``size`` data into ``target`` (a ``postgresql://`` URL or a ``.duckdb`` path), replacing it."""
    import json

    from analytics.generator.writers import (
        check_postgres,
        default_truth_path,
        is_postgres,
        write_duckdb,
        write_postgres,
    )

    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    tp = Path(truth_path) if truth_path else default_truth_path(target)
    if is_postgres(target):
        check_postgres(target)
    frames, truth, lead_p = generate_frames(size, seed, messy, end_date, months)
    t1 = time.perf_counter()
    say(f"gerado em memória em {t1 - t0:.1f} s")
    if is_postgres(target):
        write_postgres(target, frames)
    else:
        meta = {
            "data_version": f"generator:{size}:{seed}:{truth['end_date']}:{int(messy)}",
            "source": f"generator size={size} seed={seed} messy={messy}",
        }
        write_duckdb(target, frames, meta)
    t2 = time.perf_counter()
    say(f"gravado em {t2 - t1:.1f} s")
    tp.parent.mkdir(parents=True, exist_ok=True)
    parquet = None
    if lead_p.height <= 50_000:
        truth["lead_conversion_probability"] = dict(
            zip(lead_p["lead_id"].to_list(), [round(x, 6) for x in lead_p["p"].to_list()], strict=True)
        )
    else:
        parquet = (
            tp.with_name(tp.name[: -len(".json")] + ".parquet")
            if tp.name.endswith(".json")
            else tp.with_suffix(".parquet")
        )
        lead_p.write_parquet(parquet)
        truth["lead_conversion_probability_parquet"] = parquet.name
    truth["timings_seconds"] = {"generate": round(t1 - t0, 2), "write": round(t2 - t1, 2)}
    tp.write_text(json.dumps(truth, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    counts = {t: f.height for t, f in frames.items()}
    return GenerationResult(target, tp, counts, time.perf_counter() - t0, truth["timings_seconds"], parquet)


def _parse_date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {s!r} (expected YYYY-MM-DD)") from None


def _run(args: argparse.Namespace) -> int:
    from analytics.generator.writers import is_postgres

    if not (is_postgres(args.target) or args.target.endswith(".duckdb")):
        raise InputError(f"--target must be a postgresql:// URL or a path ending in .duckdb: {args.target}")
    res = generate(
        args.target,
        size=args.size,
        seed=args.seed,
        messy=args.messy,
        end_date=args.end_date,
        months=args.months,
        progress=lambda msg: print(msg, flush=True),
        truth_path=args.truth,
    )
    total = sum(res.counts.values())
    print(f"{total} linhas em {len(res.counts)} tabelas, {res.seconds:.1f} s; verdade em {res.truth_path}")
    for t, c in res.counts.items():
        print(f"  {t}: {c}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``generate`` subcommand."""
    p = subparsers.add_parser("generate", help="gera dados de demonstração realistas (com verdade de referência)")
    p.add_argument("--target", required=True, help="postgresql://... ou caminho terminado em .duckdb")
    p.add_argument("--size", default="demo", choices=list(SIZES))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--messy", action="store_true", help="injeta as anomalias de dados reais")
    p.add_argument("--end-date", type=_parse_date, default=params.DEFAULT_END_DATE, help="fim exclusivo (YYYY-MM-DD)")
    p.add_argument("--months", type=int, default=None, help="meses de histórico (padrão depende do tamanho)")
    p.add_argument(
        "--truth", default=None, help="arquivo JSON da verdade (padrão: ao lado do .duckdb ou data/<db>.truth.json)"
    )
    p.set_defaults(run=_run)
