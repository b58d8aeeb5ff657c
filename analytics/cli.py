"""``python -m analytics``: generate demo data, sync a source, print metrics.

Errors are one clear line on stderr and a non-zero exit status; no tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analytics.errors import AnalyticsError


def _parser() -> argparse.ArgumentParser:
    from analytics import forget, generator, metrics_cli, retention
    from analytics.sources import sync

    parser = argparse.ArgumentParser(prog="python -m analytics", description="Clinic Analytics command line")
    sub = parser.add_subparsers(dest="command", required=True)
    generator.register(sub)
    sync.register(sub)
    metrics_cli.register(sub)
    forget.register(sub)
    retention.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except AnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
