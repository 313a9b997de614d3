"""The build's clock: the system clock, or SOURCE_DATE_EPOCH for reproducible bytes.

Every time stamp a build writes (the briefing's "generated at", the feed's and the archive's
`updated`, the ledger) comes from the one clock `build_clock` returns, so two builds of the
same input with the same SOURCE_DATE_EPOCH give the same bytes
(https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from digest.errors import UsageError

__all__ = ["Clock", "build_clock", "system_clock"]

Clock = Callable[[], dt.datetime]  # aware UTC datetimes


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build_clock(env: Mapping[str, str]) -> Clock:
    """The system clock, or a clock stopped at SOURCE_DATE_EPOCH when that is set.

    An empty value counts as unset; a malformed one is a usage error, as the specification
    asks ("SHOULD exit with a non-zero error code"), rather than a build that is silently not
    reproducible.
    """
    text = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return system_clock
    if not text.isdigit():
        raise UsageError(
            f"SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01 UTC, got {text!r}"
        )
    try:
        fixed = dt.datetime.fromtimestamp(int(text), dt.UTC)
    except (OverflowError, ValueError, OSError) as exc:
        raise UsageError(f"SOURCE_DATE_EPOCH: {text} is out of range ({exc})") from exc
    return lambda: fixed
