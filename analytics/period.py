"""Reporting period, filters and ``as_of``: the arguments every metric shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Half-open period ``[start, end)`` of local dates in the clinic's time zone.

    ``2025-01-01`` starts at local midnight; ``end`` is exclusive.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"period end {self.end} must be after start {self.start}")

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC instants ``[start, end)``."""
        lo = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        hi = datetime.combine(self.end, time(0), tz).astimezone(UTC)
        return lo, hi

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start)

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        try:
            return cls(date.fromisoformat(start), date.fromisoformat(end))
        except ValueError as exc:
            raise ValueError(f"bad period {start!r}..{end!r}: {exc}") from None


@dataclass(frozen=True)
class Filters:
    """Segment filters; an empty tuple means "all".

    - ``channels`` and ``procedures`` select leads (``leads.channel``,
      ``leads.procedure_interest``) and everything that belongs to them.
    - ``secretaries`` (user ids): lead-centric metrics keep leads with
      ``leads.assigned_to`` in the set; conversation-centric metrics keep
      conversations with ``conversations.assigned_to`` in the set.
    - ``playbooks``: conversation-centric metrics keep conversations with that
      ``playbook``; lead-centric metrics keep leads whose *first* conversation
      used it (the same rule as ``playbook_conversion``).
    """

    channels: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    secretaries: tuple[str, ...] = ()
    playbooks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.channels or self.procedures or self.secretaries or self.playbooks)


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """An ISO date or datetime; naive values are local time. Returns UTC."""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"bad timestamp {text!r}: use ISO 8601, e.g. 2026-01-15T00:00:00-03:00") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)
