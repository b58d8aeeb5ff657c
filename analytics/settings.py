"""Analytics settings: one TOML file with defaults (``settings.toml`` at the repo root).

``CLINIC_SETTINGS`` may point at another file; keys it omits keep the defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "settings.toml"


def _default_hours() -> dict[int, tuple[tuple[time, time], ...]]:
    week = ((time(8), time(12)), (time(13), time(19)))
    return {1: week, 2: week, 3: week, 4: week, 5: week, 6: ((time(8), time(13)),), 7: ()}


@dataclass(frozen=True)
class Settings:
    clinic_name: str = "Clínica Sorriso & Estética"
    timezone: str = "America/Sao_Paulo"
    sla_seconds: int = 300
    abandonment_silence_days: int = 14
    reengagement_silence_days: int = 7
    recontact_days: int = 7
    decay_days: float = 7.0
    whatsapp_window_hours: int = 24
    retention_years: int = 2
    high_intents: tuple[str, ...] = ("agendar", "preco")
    action_maturity_threshold: int = 60
    anomaly_window_days: int = 30
    anomaly_z: float = 2.5
    #: ISO weekday (1 = Monday) -> opening intervals in local time.
    business_hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=_default_hours)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _parse_hours(raw: dict[str, list[str]]) -> dict[int, tuple[tuple[time, time], ...]]:
    out: dict[int, tuple[tuple[time, time], ...]] = {d: () for d in range(1, 8)}
    for day, intervals in raw.items():
        d = int(day)
        if not 1 <= d <= 7:
            raise ValueError(f"business_hours: weekday {day!r} must be 1 (Monday) to 7 (Sunday)")
        parsed = []
        for iv in intervals:
            a, b = iv.split("-")
            start, end = time.fromisoformat(a.strip()), time.fromisoformat(b.strip())
            if end <= start:
                raise ValueError(f"business_hours: interval {iv!r} ends before it starts")
            parsed.append((start, end))
        out[d] = tuple(sorted(parsed))
    return out


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from ``path`` (or ``CLINIC_SETTINGS``, or the default file)."""
    p = Path(path or os.environ.get("CLINIC_SETTINGS") or DEFAULT_FILE)
    if not p.exists():
        return Settings()
    with p.open("rb") as fh:
        raw = tomllib.load(fh)
    known = {f.name for f in fields(Settings)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"{p}: unknown setting(s): {', '.join(sorted(unknown))}")
    kwargs: dict[str, object] = {}
    for key, value in raw.items():
        if key == "business_hours":
            kwargs[key] = _parse_hours(value)
        elif key == "high_intents":
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return Settings(**kwargs)  # type: ignore[arg-type]
