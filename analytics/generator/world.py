"""The simulated period, its calendar (seasonality, holidays) and the clinic staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
import numpy as np
import polars as pl
from dateutil.easter import easter

from analytics.generator import params as P
from analytics.generator import vocab
from analytics.generator.util import DAY, local_day, local_hour, to_us, uuids, weekday


def _months_before(d: date, months: int) -> date:
    """First day of the month ``months`` months before ``d``'s month (whole first month)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, 1)


@dataclass
class World:
    """Period [start, end) in local dates; day-level arrays indexed by day offset from ``start``."""

    seed: int
    size: str
    start: date
    end: date
    rng: np.random.Generator
    days: list[date] = field(default_factory=list)
    start_us: int = 0
    end_us: int = 0
    holiday_names: dict[str, str] = field(default_factory=dict)
    day_factor: np.ndarray = field(default_factory=lambda: np.zeros(0))
    is_closed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @classmethod
    def build(cls, seed: int, size: str, end: date, months: int) -> World:
        start = _months_before(end, months)
        w = cls(seed=seed, size=size, start=start, end=end, rng=np.random.default_rng(seed))
        n = (end - start).days
        w.days = [start + timedelta(days=i) for i in range(n)]
        w.start_us, w.end_us = to_us(start), to_us(end)
        years = range(start.year, end.year + 2)
        br = holidays.country_holidays("BR", years=years)
        w.holiday_names = {d.isoformat(): name for d, name in sorted(br.items()) if start <= d < end}
        carnival = {easter(y) - timedelta(days=k) for y in years for k in (47, 48)}
        factor = np.empty(n)
        closed = np.zeros(n, bool)
        t_months = np.arange(n) / 30.4375
        for i, d in enumerate(w.days):
            f = P.WEEKLY[d.weekday()] * P.YEARLY[d.month - 1]
            if d in carnival:
                f *= P.CARNIVAL_FACTOR
                closed[i] = True
            elif d in br:
                f *= P.HOLIDAY_FACTOR
                closed[i] = True
            if (d.month, d.day) in ((12, 24), (12, 25), (12, 26), (12, 31)):
                f *= P.CHRISTMAS_FACTOR
                closed[i] = True
            factor[i] = f
        w.day_factor = factor * np.exp(P.GROWTH_PER_MONTH * t_months)
        w.is_closed = closed | (np.array([d.weekday() for d in w.days]) == 6)
        return w

    @property
    def n_days(self) -> int:
        return len(self.days)

    def day_index(self, ts: np.ndarray) -> np.ndarray:
        """Day offset from ``start`` of UTC-µs instants (clipped into the period)."""
        return np.clip(local_day(ts) - local_day(np.array([self.start_us]))[0], 0, self.n_days - 1)

    def month_index(self, ts: np.ndarray) -> np.ndarray:
        """Month offset from the start month (may exceed the period for future instants)."""
        day_num = local_day(ts)
        # civil month from day number via numpy datetime64
        months = day_num.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        return months - (self.start.year - 1970) * 12 - (self.start.month - 1)

    @property
    def n_months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


@dataclass
class Staff:
    users: pl.DataFrame
    secretary_ids: list[str]
    medians: np.ndarray  # seconds, per secretary
    skills: list[tuple[str, ...]]
    shifts: list[str]
    absences: list[set[int]]  # day offsets from World.start

    def truth(self, world: World) -> list[dict[str, object]]:
        return [
            {
                "id": sid,
                "response_median_seconds": float(self.medians[i]),
                "skills": list(self.skills[i]),
                "shift": self.shifts[i],
                "shift_hours_local": list(P.SHIFTS[self.shifts[i]]),
                "absence_dates": sorted((world.start + timedelta(days=int(d))).isoformat() for d in self.absences[i]),
            }
            for i, sid in enumerate(self.secretary_ids)
        ]


def build_staff(world: World) -> Staff:
    """8 secretaries, 2 managers, 1 admin, 1 marketing analyst."""
    rng = world.rng
    roles = ["secretary"] * 8 + ["manager", "manager", "admin", "marketing"]
    n = len(roles)
    ids = uuids(rng, n)
    names = list(rng.permutation(np.array(vocab.STAFF_NAMES))[:n])
    medians = np.array(rng.permutation(np.array(P.SECRETARY_MEDIANS)), dtype=float)
    procs = list(P.PROCEDURES)
    skills: list[tuple[str, ...]] = []
    for i in range(8):
        # every procedure is covered by at least two secretaries (i and i+3 mod 8 share one)
        own = {procs[i % 8], procs[(i + 3) % 8]}
        extra = rng.choice(procs, size=int(rng.integers(0, 3)), replace=False)
        own.update(str(x) for x in extra)
        skills.append(tuple(p for p in procs if p in own))
    shift_names = ["integral", "integral", "manha", "manha", "tarde", "tarde", "integral", "manha"]
    shifts = [shift_names[i] for i in rng.permutation(8)]
    n_abs = max(1, round(P.ABSENCE_DAYS_PER_YEAR * world.n_days / 365))
    absences = [
        set(int(x) for x in rng.choice(world.n_days, size=min(n_abs, world.n_days), replace=False)) for _ in range(8)
    ]
    hourly = np.round(rng.uniform(25, 60, size=n), 2)
    hourly[8:10] = np.round(rng.uniform(80, 120, size=2), 2)
    created = world.start_us - rng.integers(30, 900, size=n) * DAY
    users = pl.DataFrame(
        {
            "id": ids,
            "name": names,
            "role": roles,
            "skills": [list(s) for s in skills] + [[], [], [], []],
            "hourly_cost": pl.Series(hourly).cast(pl.Decimal(12, 2)),
            "active": [True] * n,
            "created_at": pl.Series(created).cast(pl.Datetime("us", "UTC")),
        },
        schema_overrides={"skills": pl.List(pl.String)},
    )
    return Staff(users, list(ids[:8]), medians, skills, shifts, absences)


def in_shift(world: World, staff: Staff, sec: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Whether secretary index ``sec`` is working at instant ``ts`` (shift hours, Mon-Sat, not absent/closed)."""
    hour = local_hour(ts)
    day = world.day_index(ts)
    wd = weekday(local_day(ts))
    lo = np.array([P.SHIFTS[s][0] for s in staff.shifts])[sec]
    hi = np.array([P.SHIFTS[s][1] for s in staff.shifts])[sec]
    ok = (hour >= lo) & (hour < hi) & (wd < 6)
    ok &= (wd < 5) | (hour < 13)  # Saturday mornings only
    ok &= ~world.is_closed[day]
    absent = np.zeros(len(sec), bool)
    for i, days in enumerate(staff.absences):
        if days:
            absent |= (sec == i) & np.isin(day, np.fromiter(days, np.int64))
    return ok & ~absent
