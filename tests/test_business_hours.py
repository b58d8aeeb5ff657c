"""Opening-hours durations, worked by hand.

Default hours: Mon–Fri 08–12 + 13–19 (10 h), Sat 08–13 (5 h), Sun closed;
Brazilian national holidays closed. Local zone America/Sao_Paulo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.business_hours import business_seconds, national_holidays, with_business_seconds
from analytics.settings import Settings

SP = ZoneInfo("America/Sao_Paulo")
S = Settings()


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=SP).astimezone(UTC)


def _bs(pairs: list[tuple[datetime | None, datetime | None]], s: Settings = S) -> list[float | None]:
    start = pl.Series([p[0] for p in pairs], dtype=pl.Datetime("us", "UTC"))
    end = pl.Series([p[1] for p in pairs], dtype=pl.Datetime("us", "UTC"))
    return business_seconds(start, end, s).to_list()


def test_friday_evening_to_monday_morning() -> None:
    # Fri 2025-04-04 18:30 -> Mon 04-07 08:30: 30 min (Fri) + 5 h (Sat) + 0 (Sun) + 30 min (Mon) = 6 h
    assert _bs([(_utc(2025, 4, 4, 18, 30), _utc(2025, 4, 7, 8, 30))]) == [21600.0]


def test_holiday_counts_zero() -> None:
    # Mon 2025-04-21 is Tiradentes: the whole opening day counts 0
    assert _bs([(_utc(2025, 4, 21, 8), _utc(2025, 4, 21, 19))]) == [0.0]
    # Good Friday 2025-04-18 08:00 -> Tue 04-22 09:00: 0 + Sat 5 h + 0 + 0 (Tiradentes) + 1 h = 6 h
    assert _bs([(_utc(2025, 4, 18, 8), _utc(2025, 4, 22, 9))]) == [21600.0]


def test_within_a_day_and_lunch_break() -> None:
    # Wed 2025-01-08 11:30 -> 13:30: 30 min before lunch + 30 min after = 3600 s
    # same instant -> 0; closed night 20:00 -> 22:00 -> 0
    assert _bs(
        [
            (_utc(2025, 1, 8, 11, 30), _utc(2025, 1, 8, 13, 30)),
            (_utc(2025, 1, 8, 10), _utc(2025, 1, 8, 10)),
            (_utc(2025, 1, 8, 20), _utc(2025, 1, 8, 22)),
        ]
    ) == [3600.0, 0.0, 0.0]


def test_nulls_propagate_and_empty() -> None:
    assert _bs([(None, _utc(2025, 1, 8, 10)), (_utc(2025, 1, 8, 10), None)]) == [None, None]
    assert _bs([]) == []


def test_across_dst_start_2018() -> None:
    # DST started Sun 2018-11-04 00:00 (clocks to 01:00). Sat 11-03 12:00 -> Mon 11-05 09:00:
    # Sat 12–13 = 1 h, Mon 08–09 = 1 h -> 7200 s (wall-clock arithmetic, no lost hour counted)
    assert _bs([(_utc(2018, 11, 3, 12), _utc(2018, 11, 5, 9))]) == [7200.0]
    # DST ended Sun 2019-02-17 00:00 (clocks back to 23:00 Sat). Sat 02-16 12:00 -> Mon 02-18 09:00 = 7200 s
    assert _bs([(_utc(2019, 2, 16, 12), _utc(2019, 2, 18, 9))]) == [7200.0]


def test_full_week_and_year_boundary() -> None:
    # Mon 2025-01-06 00:00 -> Mon 01-13 00:00: 5 × 10 h + 5 h = 55 h
    assert _bs([(_utc(2025, 1, 6), _utc(2025, 1, 13))]) == [55 * 3600.0]
    # Wed 2025-12-31 18:00 -> Fri 2026-01-02 09:00: 1 h + 0 (Jan 1 holiday) + 1 h = 7200 s
    assert _bs([(_utc(2025, 12, 31, 18), _utc(2026, 1, 2, 9))]) == [7200.0]


def test_custom_hours_and_naive_input() -> None:
    s = S.with_(business_hours={1: ((time(9), time(10)),), 2: (), 3: (), 4: (), 5: (), 6: (), 7: ()})
    # Mon 2025-01-06 00:00 -> Mon 01-13 23:59: two Mondays × 1 h = 7200 s
    assert _bs([(_utc(2025, 1, 6), _utc(2025, 1, 13, 23, 59))], s) == [7200.0]
    frame = pl.DataFrame({"a": [datetime(2025, 1, 6, 12)], "b": [datetime(2025, 1, 6, 13)]})  # naive = UTC
    # 09:00–10:00 local on Monday = 12:00–13:00 UTC -> 3600 s
    assert with_business_seconds(frame, "a", "b", s, "x")["x"].to_list() == [3600.0]


def test_holidays_are_national_only() -> None:
    days = national_holidays(2025, 2025)
    assert date(2025, 4, 21) in days and date(2025, 12, 25) in days
    assert date(2025, 1, 25) not in days  # São Paulo city anniversary is municipal


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="same length"):
        business_seconds(pl.Series([None]), pl.Series([None, None]), S)


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(2017, 1, 1), max_value=datetime(2026, 12, 31)),
    st.integers(0, 30 * 24 * 3600),
    st.integers(0, 30 * 24 * 3600),
)
def test_properties(start: datetime, d1: int, d2: int) -> None:
    """0 ≤ B ≤ wall duration; additive over a split point; ≤ 55 h per full week."""
    a = start.replace(tzinfo=UTC)
    b = a + timedelta(seconds=d1)
    c = b + timedelta(seconds=d2)
    ab, bc, ac = _bs([(a, b), (b, c), (a, c)])
    assert ab is not None and bc is not None and ac is not None
    assert 0 <= ab <= d1 + 1e-6
    assert ac == pytest.approx(ab + bc)
    assert ac <= (d1 + d2) / (7 * 86400) * 55 * 3600 + 55 * 3600
