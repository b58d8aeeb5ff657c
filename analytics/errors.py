"""Errors meant for people: the message is one line that names the problem."""


class AnalyticsError(RuntimeError):
    """Base class; the CLI prints ``error: <message>`` and exits with status 2."""


class SourceError(AnalyticsError):
    """A source that cannot be read: unreachable, missing table, missing or mistyped column."""


class InputError(AnalyticsError):
    """Bad arguments: a bad date, an unknown metric id, an unknown size."""
